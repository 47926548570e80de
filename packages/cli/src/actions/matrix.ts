// The work of `vmlab matrix`, imported only when it runs (see commands/lazy.ts).
import { ConfigurationError, enumerateConfigurations, getMachineProfile, runMatrix } from "@vmlab/core";
import { listScenarios } from "@vmlab/guest";
import { matrixCounts, matrixSummary, statusOf, terminalTable, terminalVmTable, verdictOf, writeReport } from "@vmlab/report";
import { makeOutFolder } from "../out-folder.js";
import { progressBar } from "../progress.js";
import { cpuNames, loadStrategies, machineOrFail, memoryNames, scenarioOrFail } from "../strategies.js";
import { MACHINE_PROFILE_NAMES, type MatrixCell } from "@vmlab/core";
import type { Scenario } from "@vmlab/guest";
import { PROFILE_NAMES } from "@vmlab/isa";
import { CliError, EXIT } from "../errors.js";
import { checkNames, printJson } from "../options.js";
import { refusal } from "../refusal.js";
import { terminalWidth } from "../terminal.js";
import { VERSION } from "../version.js";

export default async function matrixAction(o: {
        scenarios?: string[]; profiles?: string[]; cpus?: string[]; memories?: string[]; machines?: string[]; levels?: number; budget?: number;
        workers?: number; out: string; config?: string; rows?: boolean; json?: boolean;
      }): Promise<void> {
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
}
