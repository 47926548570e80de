import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { findScenario } from "@vmlab/guest";
import { catalogOf, getMachineProfile, importStrategyModules, resolveConfiguration, resolveStrategyPackage, runConfiguration, runMatrix, type MachineProfile, type MatrixCell } from "../src/index.js";
import { BUILTIN_URLS, builtinModules, CORE_DIR } from "./helpers.js";

describe("matrix runner", () => {
  it("a cell whose worker dies is reported as an error and every other cell still runs", async () => {
    const packages = [...BUILTIN_URLS, resolveStrategyPackage(join(CORE_DIR, "test/fixtures/crash-strategy"), CORE_DIR)];
    const catalog = catalogOf(await importStrategyModules(packages));
    const cfg = (cpu: string) => resolveConfiguration({ profile: "mips-like", cpu, machine: "p4-2006" }, catalog);
    const s = findScenario("syscall");
    const cells: MatrixCell[] = [
      { scenario: s, configuration: cfg("crash") },
      { scenario: s, configuration: cfg("native") },
      { scenario: s, configuration: cfg("crash") },
      { scenario: s, configuration: cfg("interpret") },
    ];
    // One worker: every later cell must run on a replacement.
    const results = await runMatrix(cells, { strategyPackages: packages, workers: 1 });
    expect(results.map((r) => r.outcome)).toEqual(["error", "halt", "error", "halt"]);
    expect(results[0]!.error).toMatch(/worker stopped \(exit code 3\)/);
    expect(results[3]!.properties!.equivalent).toBe(true);
  });

  it("a worker runs the configuration's record: a machine profile given as data (no built-in name) reaches it whole", async () => {
    const modules = await builtinModules();
    const base = getMachineProfile("p4-2006");
    // Every cost doubled, under a name no built-in answers to.
    const machine: MachineProfile = { ...base, name: "p4-2006 at double cost", costs: Object.fromEntries(Object.entries(base.costs).map(([k, v]) => [k, v * 2])) as MachineProfile["costs"] };
    const configuration = resolveConfiguration({ profile: "riscv-like", levels: 4, cpu: "interpret", machine }, catalogOf(modules));
    const s = findScenario("syscall");
    const [inWorker] = await runMatrix([{ scenario: s, configuration }], { strategyPackages: BUILTIN_URLS, workers: 1 });
    const here = runConfiguration(resolveConfiguration({ profile: "riscv-like", levels: 4, cpu: "interpret", machine: "p4-2006" }, catalogOf(modules)), s, modules);
    expect(inWorker!.configuration).toEqual({ label: "riscv-like(4)/interpret/direct", profile: "riscv-like", levels: 4, cpu: "interpret", memory: "direct", machine });
    // Cycles are counts times costs: twice the built-in profile's.
    expect(inWorker!.cycles!.total).toBe(2 * here.cycles!.total);
  });
});
