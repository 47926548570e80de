import type { Command } from "commander";
import { NAMES } from "../names.js";
import { commaList, levelsOption, parseCount, parseBudget, checkNames, printJson } from "../options.js";
import { CliError, EXIT } from "../errors.js";
import { refusal } from "../refusal.js";
import { terminalWidth } from "../terminal.js";
import { VERSION } from "../version.js";
import type { MatrixCell } from "@vmlab/core";
import type { Scenario } from "@vmlab/guest";

export function register(program: Command): void {
  program
    .command("matrix")
    .description("run scenarios × configurations and write reports/<name>/")
    .option("--scenarios <list>", "comma-separated scenario names (default: all)", commaList)
    .option("--profiles <list>", `comma-separated ISA profiles (default: ${NAMES.profiles.join(",")})`, commaList)
    .option("--cpus <list>", "comma-separated CPU strategies (default: all)", commaList)
    .option("--memories <list>", "comma-separated memory strategies (default: each CPU strategy's)", commaList)
    .option("--machines <list>", `comma-separated machine profiles (default: ${NAMES.machines.join(",")})`, commaList)
    .addOption(levelsOption())
    .option("--budget <n>", "guest instruction budget for every cell (default: each scenario's)", parseBudget())
    .option("--workers <n>", "worker threads (default: one per core)", parseCount("--workers"))
    .option("--out <dir>", "report folder", "reports/default")
    .option("--config <file>", "vmlab.config.json naming more strategy packages")
    .option("--rows", "print every cell as a row (default: a summary, scenario × configuration)")
    .option("--json", "print the results as JSON")
    .action(async (o: { scenarios?: string[]; profiles?: string[]; cpus?: string[]; memories?: string[]; machines?: string[]; levels?: number; budget?: number; workers?: number; out: string; config?: string; rows?: boolean; json?: boolean; }) => {
      const { ConfigurationError, enumerateConfigurations, getMachineProfile, runMatrix } = await import("@vmlab/core");
      const { listScenarios } = await import("@vmlab/guest");
      const { matrixCounts, matrixSummary, statusOf, terminalTable, terminalVmTable, verdictOf, writeReport } = await import("@vmlab/report");
      const { makeOutFolder } = await import("../out-folder.js");
      const { progressBar } = await import("../progress.js");
      const { cpuNames, loadStrategies, machineOrFail, memoryNames, scenarioOrFail } = await import("../strategies.js");
      const { MACHINE_PROFILE_NAMES } = await import("@vmlab/core");
      const { PROFILE_NAMES } = await import("@vmlab/isa");
      const started = performance.now();
      const { packages, catalog } = await loadStrategies(o.config);
      checkNames("profile", o.profiles, PROFILE_NAMES);
      checkNames("CPU strategy", o.cpus, cpuNames(catalog));
      checkNames("memory strategy", o.memories, memoryNames(catalog));
      const machines = o.machines ?? MACHINE_PROFILE_NAMES;
      for (const m of machines) machineOrFail(m);
      if (o.scenarios && o.scenarios.length === 0) throw new CliError("--scenarios names no scenario (give a comma-separated list, or leave it out for all)");
      const scenarios: Scenario[] = o.scenarios ? o.scenarios.map(scenarioOrFail) : listScenarios(undefined, { multiVm: true });
      let enumerated;
      try {
        enumerated = enumerateConfigurations(catalog, {
          ...(o.profiles ? { profiles: o.profiles } : {}),
          ...(o.cpus ? { cpus: o.cpus } : {}),
          ...(o.memories ? { memories: o.memories } : {}),
          machines,
          ...(o.levels !== undefined ? { levels: o.levels } : {}),
        });
      } catch (e) {
        if (e instanceof ConfigurationError) throw new CliError(e.message);
        throw e;
      }
      const { configurations, skipped } = enumerated;
      if (configurations.length === 0) {
        throw new CliError(refusal(skipped));
      }
      const out = makeOutFolder(o.out);
      const cells: MatrixCell[] = scenarios.flatMap((scenario) => configurations.map((configuration) => ({ scenario, configuration })));
      const bar = process.stderr.isTTY && !o.json ? progressBar("cells", cells.length, { failing: 0 }, "{failing} failed") : undefined;
      let failing = 0;
      const results = await runMatrix(cells, {
        strategyPackages: packages,
        ...(o.workers ? { workers: o.workers } : {}),
        ...(o.budget ? { budget: o.budget } : {}),
        onProgress: (done, _total, last) => {
          const where = `${last.scenario} ${last.configuration.label} ${last.configuration.machine}`;
          // A failed cell is shown as soon as it ends; the others keep running. A divergence
          // a theorem predicts is not a failure: the summary counts it apart.
          if (verdictOf(last) === "failed") {
            failing++;
            const line = `${where}: ${statusOf(last)}\n`;
            if (bar) bar.log(line);
            else if (!o.json) process.stderr.write(line);
          }
          bar?.update(done, { last: where, failing });
        },
      });
      bar?.stop();
      const wallMs = performance.now() - started;
      const name = out.split("/").pop() ?? "default";
      const files = writeReport(out, results, {
        name,
        createdAt: new Date().toISOString(),
        versions: { vmlab: VERSION, node: process.version },
        machineProfiles: machines.map((m) => getMachineProfile(m)),
        skipped,
        wallMs,
      });
      if (o.json) printJson({ results, skipped, files, wallMs });
      else {
        const width = terminalWidth();
        if (o.rows) {
          process.stdout.write(terminalTable(results, width));
          process.stdout.write(terminalVmTable(results, width));
        } else process.stdout.write(matrixSummary(results, width));
        process.stderr.write(`${matrixCounts(results)}; ${(wallMs / 1000).toFixed(1)} s; wrote ${files.join(", ")}\n`);
      }
      // Nothing useful ran: every cell failed to run at all.
      if (results.length > 0 && results.every((r) => r.outcome === "error")) {
        throw new CliError(`every cell of the matrix failed (first: ${results[0]!.error})`, EXIT.failed);
      }
      if (results.some((r) => verdictOf(r) === "failed")) process.exitCode = EXIT.failed;
    });
}
