import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { findScenario } from "@vmlab/guest";
import { catalogOf, importStrategyModules, resolveConfiguration, resolveStrategyPackage, runMatrix, type MatrixCell } from "../src/index.js";
import { BUILTIN_URLS, CORE_DIR } from "./helpers.js";

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
});
