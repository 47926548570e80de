// Finished matrix cells on disk, keyed by (configuration, scenario, code version), so an
// interrupted or repeated matrix skips what it has already run. The code version is a
// hash of the files that decide a run's result, not of git: it works from a tarball too.
import { createHash, randomUUID } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import { dirname, join, relative, sep } from "node:path";
import { fileURLToPath } from "node:url";
import type { Scenario } from "@vmlab/guest";
import type { Configuration } from "./configuration.js";
import type { RunResult } from "./run-result.js";

const sha256 = (text: string): string => createHash("sha256").update(text).digest("hex");

/** The workspace's packages/ folder. */
const PACKAGES_DIR = fileURLToPath(new URL("../../", import.meta.url));

/** Packages that only present results (terminal, reports): editing them keeps the cache. */
const PRESENTATION_PACKAGES = new Set(["cli", "report"]);

/** Folders that never decide a result: tests, builds, dependencies. */
const skipped = (name: string): boolean => name.startsWith(".") || name === "node_modules" || name === "test" || name === "dist";
/** Files that do: code, assembly, package manifests (not docs, images, logs). */
const SOURCE = /\.(ts|js|mjs|cjs|s|json)$/;

function filesUnder(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    if (skipped(name)) continue;
    const path = join(dir, name);
    const st = statSync(path);
    if (st.isDirectory()) out.push(...filesUnder(path));
    else if (st.isFile() && SOURCE.test(name)) out.push(path);
  }
  return out;
}

/** Every file of a folder (relative path and contents) into one hash. */
function hashFolder(dir: string): string {
  const h = createHash("sha256");
  for (const f of filesUnder(dir)) h.update(relative(dir, f).split(sep).join("/")).update("\0").update(readFileSync(f)).update("\0");
  return h.digest("hex");
}

/** The folder holding a strategy package's package.json, or the entry file itself. */
function packageRoot(entry: string): string {
  for (let d = dirname(entry); ; d = dirname(d)) {
    if (existsSync(join(d, "package.json"))) return d;
    if (dirname(d) === d) return entry;
  }
}

/**
 * The code version of a matrix: a hash of every workspace package that takes part in a
 * run (all but the presentation ones; their code, kernel and runtime assembly and
 * manifests, not their tests or docs) and of each strategy package from outside the
 * workspace.
 * Scenarios are hashed per cell (scenarioHash), wherever their folder is.
 */
export function codeVersion(strategyPackages: readonly string[] = []): string {
  const workspace = readdirSync(PACKAGES_DIR)
    .sort()
    .filter((p) => !PRESENTATION_PACKAGES.has(p) && existsSync(join(PACKAGES_DIR, p, "package.json")))
    .map((p) => join(PACKAGES_DIR, p));
  const parts = workspace.map((dir) => `${relative(PACKAGES_DIR, dir)}:${hashFolder(dir)}`);
  for (const url of strategyPackages) {
    const root = packageRoot(fileURLToPath(url));
    if (workspace.includes(root)) continue;
    parts.push(`plugin:${statSync(root).isDirectory() ? hashFolder(root) : sha256(readFileSync(root, "utf8"))}`);
  }
  return sha256(parts.join("\n")).slice(0, 16);
}

/** A scenario's contents (its spec and program sources), not where its folder is. */
export function scenarioHash(s: Scenario): string {
  const sources = (files: readonly { name: string; source: string }[]) => files.map((f) => [f.name, f.source]);
  const { dir: _dir, sources: main, vmGuests, ...spec } = s;
  void _dir;
  const guests = vmGuests.map((g) => [g.name, g.kernel ? sources([g.kernel]) : null, sources(g.sources), g.expectedOutput ?? null]);
  return sha256(JSON.stringify([spec, sources(main), guests])).slice(0, 16);
}

/** What decides a cell's result besides the code: its scenario, configuration and budget. */
export function cellIdentity(scenario: Scenario, c: Configuration, budget: number | undefined): string {
  const { provenance: _p, ...machine } = c.machine;
  void _p;
  const levels = c.profile.mmu.kind === "walker" ? c.profile.mmu.levels : null;
  // The label too: it is part of the result (a matrix's own native reference runs are labelled "native").
  // The host only when hosted: bare-metal cells keep the identities they had before hosts existed.
  return JSON.stringify([scenario.name, scenarioHash(scenario), c.label, c.profile.name, levels, c.cpu, c.memory, machine, budget ?? null, ...(c.host === "hosted" ? [c.host] : [])]);
}

/**
 * Cells as files under DIR/<code version>/, one per cell, written as each finishes
 * (write then rename: an interrupted write leaves no half file). Other code versions'
 * folders are removed when the cache is opened: their results can never be read again.
 */
export class ResultCache {
  private readonly dir: string;
  /** Cells read from the cache and cells written to it, for the caller's summary. */
  hits = 0;
  stored = 0;

  constructor(
    root: string,
    readonly version: string,
  ) {
    this.dir = join(root, version);
    mkdirSync(this.dir, { recursive: true });
    for (const other of readdirSync(root)) if (other !== version && /^[0-9a-f]{16}$/.test(other)) rmSync(join(root, other), { recursive: true, force: true });
  }

  private file(scenario: Scenario, c: Configuration, budget: number | undefined): string {
    return join(this.dir, `${sha256(cellIdentity(scenario, c, budget)).slice(0, 32)}.json`);
  }

  get(scenario: Scenario, c: Configuration, budget: number | undefined): RunResult | undefined {
    const file = this.file(scenario, c, budget);
    if (!existsSync(file)) return undefined;
    try {
      const entry = JSON.parse(readFileSync(file, "utf8")) as { identity: string; result: RunResult };
      // A hash collision or a hand-edited file: run the cell again.
      if (entry.identity !== cellIdentity(scenario, c, budget)) return undefined;
      this.hits++;
      return entry.result;
    } catch {
      return undefined;
    }
  }

  put(scenario: Scenario, c: Configuration, budget: number | undefined, result: RunResult): void {
    const file = this.file(scenario, c, budget);
    const tmp = `${file}.${randomUUID()}.tmp`; // unique across hosts sharing the folder
    writeFileSync(tmp, JSON.stringify({ identity: cellIdentity(scenario, c, budget), result }));
    renameSync(tmp, file);
    this.stored++;
  }
}
