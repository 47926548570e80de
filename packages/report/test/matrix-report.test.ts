import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parse } from "csv-parse/sync";
import { describe, expect, it } from "vitest";
import { findScenario, loadScenario } from "@vmlab/guest";
import { BUILTIN_STRATEGY_PACKAGES, catalogOf, enumerateConfigurations, importStrategyModules, readConfigFile, resolveStrategyPackage, runMatrix, type MatrixCell } from "@vmlab/core";
import { terminalTable, writeReport } from "../src/index.js";

const ROOT = fileURLToPath(new URL("../../..", import.meta.url));
const builtins = BUILTIN_STRATEGY_PACKAGES.map((p) => resolveStrategyPackage(p, ROOT));

function scenarioDir(name: string, json: object, files: Record<string, string>): string {
  const dir = join(mkdtempSync(join(tmpdir(), "vmlab-mx-")), name);
  mkdirSync(dir);
  writeFileSync(join(dir, "scenario.json"), JSON.stringify(json));
  for (const [f, t] of Object.entries(files)) writeFileSync(join(dir, f), t);
  return dir;
}

describe("the matrix and its reports", () => {
  it("a cell that throws or runs out of budget is reported; the others complete; a plugin strategy runs in it", async () => {
    const cfgDir = mkdtempSync(join(tmpdir(), "vmlab-plugin-"));
    const cfg = join(cfgDir, "vmlab.config.json");
    writeFileSync(cfg, JSON.stringify({ strategies: [join(ROOT, "packages/core/test/fixtures/tlb-only-strategy")] }));
    const packages = [...builtins, ...readConfigFile(cfg)];
    const catalog = catalogOf(await importStrategyModules(packages));
    const { configurations, skipped } = enumerateConfigurations(catalog, {
      profiles: ["mips-like", "x86-like"],
      cpus: ["native", "interpret", "tlb-only"],
      machines: ["p4-2006"],
    });
    // tlb-only cannot exist on x86-like: skipped with its reason, not run.
    expect(skipped.map((s) => s.label)).toEqual(["x86-like/tlb-only/direct"]);
    expect(configurations.map((c) => c.label).sort()).toEqual(
      ["mips-like/interpret/direct", "mips-like/native/direct", "mips-like/tlb-only/direct", "x86-like/interpret/direct", "x86-like/native/direct"].sort(),
    );
    const broken = loadScenario(scenarioDir("broken", { name: "broken", description: "d", stresses: [], programs: ["main.s"], budget: 1000 }, { "main.s": "start: frob\n" }));
    const endless = loadScenario(scenarioDir("endless", { name: "endless", description: "d", stresses: [], programs: ["main.s"], budget: 50_000 }, { "main.s": "start: jmp start\n" }));
    const good = findScenario("syscall");
    const cells: MatrixCell[] = [good, broken, endless].flatMap((scenario) => configurations.map((configuration) => ({ scenario, configuration })));
    let progress = 0;
    const results = await runMatrix(cells, { strategyPackages: packages, workers: 2, onProgress: () => progress++ });
    expect(results).toHaveLength(cells.length);
    expect(progress).toBe(cells.length);
    for (const r of results.filter((r) => r.scenario === "broken")) {
      expect(r.outcome).toBe("error");
      // The assembler's error, naming where and what.
      expect(r.error).toContain("main.s:1:8");
      expect(r.error).toContain("'frob'");
    }
    for (const r of results.filter((r) => r.scenario === "endless")) expect(r.outcome).toBe("budget");
    for (const r of results.filter((r) => r.scenario === "syscall")) {
      expect(r.outcome).toBe("halt");
      expect(r.output).toBe("syscall: 1000 done\n");
      expect(r.properties!.equivalent).toBe(true);
    }
    expect(results.find((r) => r.configuration.cpu === "tlb-only" && r.scenario === "syscall")?.outcome).toBe("halt");
    const table = terminalTable(results);
    expect(table).toContain("over budget");
    expect(table).toContain("error: ");

    const out = mkdtempSync(join(tmpdir(), "vmlab-report-"));
    const files = writeReport(out, results, { name: "t", createdAt: "now", versions: {}, machineProfiles: [], skipped, wallMs: 1 });
    expect(files.map((f) => f.split("/").pop())).toEqual(["results.json", "results.csv", "report.md", "report.html"]);
    const json = JSON.parse(readFileSync(join(out, "results.json"), "utf8")) as { results: unknown[] };
    expect(json.results).toHaveLength(cells.length);
    // RFC 4180: a strict parser reads a record per run, each as long as the header (it
    // refuses a record of another length); error messages hold commas and quotes.
    const csv = parse(readFileSync(join(out, "results.csv"), "utf8"), { columns: true }) as Record<string, string>[];
    expect(csv).toHaveLength(cells.length);
    expect(csv.filter((r) => r.scenario === "broken").map((r) => r.error)).toEqual(results.filter((r) => r.scenario === "broken").map((r) => r.error));
    const html = readFileSync(join(out, "report.html"), "utf8");
    expect(html).not.toMatch(/<(script|link|img)[^>]+(src|href)=["']?https?:/i);
    expect(html).toMatch(/Chart\.js v4/); // the libraries are inlined
    expect(html).toMatch(/tablesort v5/);
    // The failing cells are marked as failures in the slowdown maps, not drawn as figures.
    expect(html.match(/<td class="[^"]*fail[^"]*" title="(broken|endless) on /g)?.length).toBe(2 * results.filter((r) => r.scenario !== "syscall" && r.configuration.cpu !== "native").length); // whole run and region, one machine
    const md = readFileSync(join(out, "report.md"), "utf8");
    expect(md).toContain(`${skipped[0]!.label}: ${skipped[0]!.reason}`);
  });
});
