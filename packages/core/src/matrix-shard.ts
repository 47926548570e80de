// A matrix split into shards that run apart (other machines, a batch engine's tasks)
// and merge back into the one matrix's results.
import { createHash } from "node:crypto";
import { cellIdentity } from "./matrix-cache.js";
import type { MatrixCell } from "./matrix.js";
import type { RunResult } from "./run-result.js";

export class ShardError extends Error {}

/** Shard `index` of `count`, counted from 1 (as `--shard 1/3`). */
export interface Shard {
  readonly index: number;
  readonly count: number;
}

/** "2/3" -> { index: 2, count: 3 }; anything else is refused with the rule. */
export function parseShard(text: string): Shard {
  const m = /^(\d+)\/(\d+)$/.exec(text);
  const index = m ? Number(m[1]) : NaN;
  const count = m ? Number(m[2]) : NaN;
  if (!m || !Number.isSafeInteger(index) || !Number.isSafeInteger(count) || count < 1 || index < 1 || index > count) {
    throw new ShardError(`--shard must be i/n with 1 <= i <= n, e.g. --shard 1/3 (got '${text}')`);
  }
  return { index, count };
}

/**
 * Cells that share runs: one native reference serves every strategy of a scenario and
 * profile on a machine, and one execution serves every machine with the same features
 * (priced for each). Splitting such a group would run its shared runs in each shard.
 */
const groupKey = (cell: MatrixCell): string => {
  const c = cell.configuration;
  return JSON.stringify([cell.scenario.name, c.profile.name, c.profile.mmu.kind === "walker" ? c.profile.mmu.levels : null, c.machine.features]);
};

/**
 * The indexes (into `cells`) of one shard's cells, in matrix order. A group of cells that
 * share runs (a scenario and profile on machines of the same features) stays whole; each
 * scenario's groups are dealt round-robin, starting one shard further for each scenario,
 * so every shard gets its share of each scenario and of each profile and machine
 * generation (scenarios differ most in cost).
 */
export function shardOf(cells: readonly MatrixCell[], shard: Shard): number[] {
  const scenarios = new Map<string, { rank: number; groups: Map<string, number> }>();
  const picked: number[] = [];
  cells.forEach((cell, i) => {
    let s = scenarios.get(cell.scenario.name);
    if (!s) scenarios.set(cell.scenario.name, (s = { rank: scenarios.size, groups: new Map() }));
    const key = groupKey(cell);
    let g = s.groups.get(key);
    if (g === undefined) s.groups.set(key, (g = s.groups.size));
    if ((g + s.rank) % shard.count === shard.index - 1) picked.push(i);
  });
  return picked;
}

/** What a merge checks shards against: they must come from the same matrix and code. */
export interface MatrixIdentity {
  /** A hash of everything below, plus the scenarios' contents and machine costs. */
  readonly id: string;
  readonly codeVersion: string;
  readonly scenarios: readonly string[];
  readonly configurations: readonly string[];
  readonly budget: number | null;
  readonly cells: number;
}

export function matrixIdentity(
  cells: readonly MatrixCell[],
  options: { readonly codeVersion: string; readonly budget?: number | undefined; readonly skipped: readonly { label: string; reason: string }[] },
): MatrixIdentity {
  const identities = cells.map((c) => cellIdentity(c.scenario, c.configuration, options.budget));
  const id = createHash("sha256")
    .update(JSON.stringify([options.codeVersion, identities, options.skipped]))
    .digest("hex")
    .slice(0, 16);
  return {
    id,
    codeVersion: options.codeVersion,
    scenarios: [...new Set(cells.map((c) => c.scenario.name))],
    configurations: [...new Set(cells.map((c) => `${c.configuration.label} ${c.configuration.machine.name}`))],
    budget: options.budget ?? null,
    cells: cells.length,
  };
}

export const SHARD_FORMAT = "vmlab-matrix-shard/1";

/** The report fields a shard carries for the merged report (as ReportMeta, less its name). */
export interface ShardMeta {
  readonly createdAt: string;
  readonly versions: Record<string, string>;
  readonly machineProfiles: readonly unknown[];
  readonly skipped: readonly { label: string; reason: string }[];
  readonly wallMs: number;
  /** The strategies' own descriptions, for the report. */
  readonly strategies?: readonly { readonly name: string; readonly kind: "cpu" | "memory"; readonly description: string }[];
}

/** One shard's results file: shard-I-of-N.json. */
export interface ShardFile {
  readonly format: typeof SHARD_FORMAT;
  readonly shard: Shard;
  readonly matrix: MatrixIdentity;
  readonly meta: ShardMeta;
  /** Each cell's index in the whole matrix, and its result. */
  readonly cells: readonly { readonly index: number; readonly result: RunResult }[];
}

export const shardFileName = (s: Shard): string => `shard-${s.index}-of-${s.count}.json`;
export const SHARD_FILE_PATTERN = /^shard-\d+-of-\d+\.json$/;
/** A shard file's size at most: the whole default matrix's results are some 10 MB. */
export const MAX_SHARD_FILE_BYTES = 256 * 1024 * 1024;

/** Reads a shard file's text; `where` names it in errors. */
export function parseShardFile(text: string, where: string): ShardFile {
  let json: Partial<ShardFile>;
  try {
    json = JSON.parse(text) as Partial<ShardFile>;
  } catch (e) {
    throw new ShardError(`${where}: malformed JSON (${(e as Error).message})`);
  }
  if (json?.format !== SHARD_FORMAT || !json.shard || !json.matrix || !json.meta || !Array.isArray(json.cells)) {
    throw new ShardError(`${where}: not a shard's results (${SHARD_FORMAT}, written by vmlab matrix --shard)`);
  }
  return json as ShardFile;
}

const differ = (a: readonly string[], b: readonly string[]): string => {
  const only = (x: readonly string[], y: readonly string[]) => x.filter((v) => !y.includes(v));
  const [ab, ba] = [only(a, b), only(b, a)];
  const list = (v: string[]) => (v.length > 3 ? `${v.slice(0, 3).join(", ")} and ${v.length - 3} more` : v.join(", "));
  return [ab.length ? `${list(ab)} only in the first` : "", ba.length ? `${list(ba)} only in the second` : ""].filter(Boolean).join("; ") || "the same names in another order";
};

/** Why two shards cannot be merged, or undefined when they come from one matrix. */
function mismatch(a: ShardFile, b: ShardFile): string | undefined {
  const [x, y] = [a.matrix, b.matrix];
  if (x.codeVersion !== y.codeVersion) return `different code versions (${x.codeVersion} and ${y.codeVersion}): run every shard from the same sources`;
  if (a.shard.count !== b.shard.count) return `the matrix split ${a.shard.count} ways and ${b.shard.count} ways`;
  if (x.scenarios.join() !== y.scenarios.join()) return `different scenarios (${differ(x.scenarios, y.scenarios)})`;
  if (x.configurations.join() !== y.configurations.join()) return `different configurations (${differ(x.configurations, y.configurations)})`;
  if (x.budget !== y.budget) return `different budgets (${x.budget ?? "each scenario's"} and ${y.budget ?? "each scenario's"})`;
  if (x.id !== y.id) return "different matrices (the scenarios' contents or the machine profiles' costs differ)";
  return undefined;
}

/**
 * The whole matrix's results from all its shards, in the order one run gives them, and
 * its report fields: shard 1's, with the latest creation time and the shards'
 * wall times added up. Shards of different matrices, a missing or a repeated shard are
 * refused, naming the files.
 */
export function mergeShards(shards: readonly { readonly file: string; readonly shard: ShardFile }[]): { results: RunResult[]; meta: ShardMeta; matrix: MatrixIdentity } {
  if (shards.length === 0) throw new ShardError("no shard results to merge");
  const first = shards[0]!;
  for (const s of shards.slice(1)) {
    const why = mismatch(first.shard, s.shard);
    if (why) throw new ShardError(`${first.file} and ${s.file} are shards of ${why}`);
  }
  const count = first.shard.shard.count;
  const seen = new Map<number, string>();
  for (const s of shards) {
    const i = s.shard.shard.index;
    if (seen.has(i)) throw new ShardError(`shard ${i}/${count} given twice: ${seen.get(i)} and ${s.file}`);
    seen.set(i, s.file);
  }
  const missing = Array.from({ length: count }, (_, k) => k + 1).filter((i) => !seen.has(i));
  if (missing.length)
    throw new ShardError(
      `missing shard${missing.length > 1 ? "s" : ""} ${missing.map((i) => `${i}/${count}`).join(", ")} (given: ${[...seen.keys()]
        .sort((a, b) => a - b)
        .map((i) => `${i}/${count}`)
        .join(", ")})`,
    );
  const results: (RunResult | undefined)[] = new Array(first.shard.matrix.cells);
  for (const s of shards) {
    for (const c of s.shard.cells) {
      if (!Number.isInteger(c.index) || c.index < 0 || c.index >= results.length || results[c.index]) throw new ShardError(`${s.file}: cell ${c.index} is not a cell of its matrix or is given twice`);
      results[c.index] = c.result;
    }
  }
  const hole = results.indexOf(undefined);
  if (hole >= 0) throw new ShardError(`the shards hold no result for cell ${hole} of ${results.length} (a shard file was cut short?)`);
  const metas = shards.map((s) => s.shard.meta);
  const meta: ShardMeta = {
    ...shards.find((s) => s.shard.shard.index === 1)!.shard.meta,
    createdAt: metas
      .map((m) => m.createdAt)
      .sort()
      .at(-1)!,
    wallMs: metas.reduce((sum, m) => sum + m.wallMs, 0),
  };
  return { results: results as RunResult[], meta, matrix: first.shard.matrix };
}
