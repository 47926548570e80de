// The work of `vmlab sweep`, imported only when it runs (see commands/lazy.ts).
import { ConfigurationError, enumerateConfigurations, resolveConfiguration, runMatrix, withParameter } from "@vmlab/core";
import { listScenarios } from "@vmlab/guest";
import { crossovers, statusOf, sweepOf, sweepTables, verdictOf, writeSweep } from "@vmlab/report";
import { makeOutFolder } from "../out-folder.js";
import { progressBar } from "../progress.js";
import { cpuNames as cpuNamesOf, loadStrategies, machineOrFail, memoryNames as memoryNamesOf, scenarioOrFail } from "../strategies.js";
import { type Configuration, type MachineProfile, type MatrixCell } from "@vmlab/core";
import type { Scenario } from "@vmlab/guest";
import type { SweepMetric } from "@vmlab/report";
import { CliError, EXIT } from "../errors.js";
import { unknownName } from "../did-you-mean.js";
import { checkNames, printJson } from "../options.js";
import { refusal } from "../refusal.js";
import { n } from "../terminal.js";
import { SWEEP_PARAMETERS, sweepValues } from "../commands/sweep.js";

export default async function sweepAction(o: {
        param: string; from: number; to: number; steps: number; scenarios?: string[]; cpus?: string[]; memories?: string[]; profile: string;
        levels?: number; machine: string; metric: string; budget?: number; workers?: number; out?: string; config?: string; json?: boolean;
      }): Promise<void> {
  if (!SWEEP_PARAMETERS.includes(o.param)) throw new CliError(unknownName("cost", o.param, SWEEP_PARAMETERS, "for --param"));
  const metric = o.metric as SweepMetric;
  const base: MachineProfile = machineOrFail(o.machine);
  const { packages, catalog } = await loadStrategies(o.config);
  const cpuNames = cpuNamesOf(catalog);
  checkNames("CPU strategy", o.cpus, cpuNames);
  checkNames("memory strategy", o.memories, memoryNamesOf(catalog));
  const scenarios: Scenario[] = o.scenarios ? o.scenarios.map(scenarioOrFail) : listScenarios();
  const levels = o.levels !== undefined ? { levels: o.levels } : {};

  let configurations: Configuration[];
  let native: Configuration;
  let skipped: { label: string; reason: string }[];
  try {
    const e = enumerateConfigurations(catalog, {
      profiles: [o.profile],
      cpus: (o.cpus ?? cpuNames).filter((c) => c !== "native"),
      ...(o.memories ? { memories: o.memories } : {}),
      machines: [o.machine],
      ...levels,
    });
    configurations = e.configurations;
    skipped = e.skipped;
    native = resolveConfiguration({ profile: o.profile, cpu: "native", machine: base, ...levels }, catalog);
  } catch (e) {
    if (e instanceof ConfigurationError) throw new CliError(e.message);
    throw e;
  }
  if (configurations.length === 0 && (o.cpus ?? []).some((c) => c !== "native")) {
    throw new CliError(refusal(skipped));
  }
  if (metric === "slowdown" && configurations.length === 0) throw new CliError("nothing to compare with native: name a CPU strategy other than native in --cpus");

  const values = sweepValues(o.from, o.to, o.steps);
  // One machine profile per value: the base with the one cost (or combination) changed.
  const variants = values.map((v): MachineProfile => ({
    ...base,
    name: `${base.name} ${o.param}=${v}`,
    description: `${base.description}; ${o.param} = ${v}`,
    costs: withParameter(base.costs, o.param, v),
  }));
  const valueOf = new Map(variants.map((m, i) => [m.name, values[i]!]));
  const cells: MatrixCell[] = [];
  for (const machine of variants) {
    for (const scenario of scenarios) {
      for (const c of [native, ...configurations]) {
        cells.push({ scenario, configuration: { ...c, machine } });
      }
    }
  }
  // Made once everything is known to be runnable: a refused sweep leaves no folder.
  const out = makeOutFolder(o.out ?? `reports/sweep-${o.param}`);
  const started = performance.now();
  const bar = process.stderr.isTTY && !o.json ? progressBar("runs", cells.length, {}) : undefined;
  const results = await runMatrix(cells, {
    strategyPackages: packages,
    ...(o.workers ? { workers: o.workers } : {}),
    ...(o.budget ? { budget: o.budget } : {}),
    onProgress: (done, _total, last) => {
      if (verdictOf(last) === "failed") {
        const line = `${last.scenario} ${last.configuration.label} ${last.configuration.machine}: ${statusOf(last)}\n`;
        if (bar) bar.log(line);
        else if (!o.json) process.stderr.write(line);
      }
      bar?.update(done, { last: `${last.scenario} ${last.configuration.label} ${last.configuration.machine}` });
    },
  });
  bar?.stop();
  const sweep = sweepOf(o.param, base.name, values, metric, results, (name) => valueOf.get(name));
  const files = writeSweep(out, sweep);
  const wallMs = performance.now() - started;
  if (o.json) printJson({ ...sweep, crossovers: crossovers(sweep), skipped, files, wallMs });
  else {
    process.stdout.write(sweepTables(sweep));
    process.stderr.write(`${n(results.length)} runs in ${(wallMs / 1000).toFixed(1)} s; wrote ${files.join(", ")}\n`);
  }
  if (results.some((r) => verdictOf(r) === "failed")) process.exitCode = EXIT.failed;
}
