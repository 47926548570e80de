import type { Command } from "commander";
import { NAMES } from "../names.js";
import { CliError, EXIT } from "../errors.js";
import { choiceOption, commaList, levelsOption, parseCount, parseBudget, parseWorkers, profileOption, checkNames, printJson } from "../options.js";
import { unknownName } from "../did-you-mean.js";
import { refusal } from "../refusal.js";
import { n } from "../terminal.js";
import type { Configuration, MachineProfile, MatrixCell } from "@vmlab/core";
import type { Scenario } from "@vmlab/guest";
import type { SweepMetric } from "@vmlab/report";

/** What a sweep can vary: any cost, or a named combination of costs (its parts scaled in proportion). */
export const SWEEP_PARAMETERS: readonly string[] = [...NAMES.costKeys, ...Object.keys(NAMES.derivedParameters)];

function parseCost(flag: string) {
  return (v: string): number => {
    const n = Number(v.replace(/_/g, ""));
    if (v.trim() === "" || !Number.isFinite(n) || n < 0) throw new CliError(`${flag} must be a non-negative number of cycles (got '${v}')`);
    if (n > NAMES.maxCostCycles) throw new CliError(`${flag} must be at most ${NAMES.maxCostCycles.toLocaleString("en-US")} cycles (got '${v}')`);
    return n;
  };
}

/** Values a sweep takes at most: each is a run of every configuration and scenario. */
export const MAX_SWEEP_STEPS = 1000;

/** `steps` values from `from` to `to`, both included, evenly spaced (rounded to whole cycles when both ends are whole). */
export function sweepValues(from: number, to: number, steps: number): number[] {
  if (steps === 1) return [from];
  const whole = Number.isInteger(from) && Number.isInteger(to);
  const values = Array.from({ length: steps }, (_, i) => from + ((to - from) * i) / (steps - 1));
  return whole ? values.map(Math.round) : values;
}

export function register(program: Command): void {
  program
    .command("sweep")
    .description("rerun configurations over a range of one machine-profile cost; tables and a line chart of slowdown (or cycles) against it")
    .requiredOption(
      "--param <cost>",
      `the cost to vary: a cost (${NAMES.costKeys.join(", ")}) or a combination (${Object.entries(NAMES.derivedParameters)
        .map(([k, of]) => `${k} = ${of.join(" + ")}`)
        .join("; ")})`,
    )
    .requiredOption("--from <cycles>", "first value", parseCost("--from"))
    .requiredOption("--to <cycles>", "last value", parseCost("--to"))
    .option("--steps <n>", `number of values, evenly spaced from --from to --to (at most ${MAX_SWEEP_STEPS})`, parseCount("--steps", MAX_SWEEP_STEPS, "each step is a run of every configuration"), 5)
    .option("--scenarios <list>", "comma-separated scenario names (default: all)", commaList("--scenarios", "scenario"))
    .option("--cpus <list>", "comma-separated CPU strategies (default: every one the profile can host)", commaList("--cpus", "CPU strategy"))
    .option("--memories <list>", "comma-separated memory strategies (default: each CPU strategy's)", commaList("--memories", "memory strategy"))
    .addOption(profileOption())
    .addOption(levelsOption())
    .option("--machine <profile>", "machine profile the other costs come from, or a .json file", NAMES.defaultMachine)
    .option("--hosts <list>", `comma-separated hosts, ${NAMES.hosts.join(" or ")} (default: bare-metal)`, commaList("--hosts", "host"))
    .addOption(choiceOption("--metric <what>", "slowdown (against native at the same value) or cycles", "metric", ["slowdown", "cycles"]).default("slowdown"))
    .option("--budget <n>", "guest instruction budget for every run (default: each scenario's)", parseBudget())
    .option("--workers <n>", `worker threads, at most ${NAMES.maxWorkers} (default: one per core)`, parseWorkers())
    .option("--out <dir>", "folder for sweep.html, sweep.json and sweep.csv (default: reports/sweep-<param>)")
    .option("--config <file>", "vmlab.config.json naming more strategy packages")
    .option("--json", "print the sweep as JSON")
    .action(
      async (o: {
        param: string;
        from: number;
        to: number;
        steps: number;
        scenarios?: string[];
        cpus?: string[];
        memories?: string[];
        hosts?: string[];
        profile: string;
        levels?: number;
        machine: string;
        metric: string;
        budget?: number;
        workers?: number;
        out?: string;
        config?: string;
        json?: boolean;
      }) => {
        const { ConfigurationError, enumerateConfigurations, isReference, machineName, REFERENCE, resolveConfiguration, runMatrix, withParameter } = await import("@vmlab/core");
        const { listScenarios } = await import("@vmlab/guest");
        const { cellVerdict, crossovers, statusOf, sweepOf, sweepTables, writeSweep } = await import("@vmlab/report");
        const { makeOutFolder } = await import("../out-folder.js");
        const { progressBar } = await import("../progress.js");
        const { cpuNames: cpuNamesOf, loadStrategies, machineOrFail, memoryNames: memoryNamesOf, scenarioOrFail } = await import("../strategies.js");
        if (!SWEEP_PARAMETERS.includes(o.param)) throw new CliError(unknownName("cost", o.param, SWEEP_PARAMETERS, "for --param"));
        const metric = o.metric as SweepMetric;
        const base: MachineProfile = machineOrFail(o.machine);
        const { packages, catalog } = await loadStrategies(o.config);
        const cpuNames = cpuNamesOf(catalog);
        checkNames("CPU strategy", o.cpus, cpuNames);
        checkNames("memory strategy", o.memories, memoryNamesOf(catalog));
        checkNames("host", o.hosts, NAMES.hosts);
        const scenarios: Scenario[] = o.scenarios ? o.scenarios.map(scenarioOrFail) : listScenarios();
        const levels = o.levels !== undefined ? { levels: o.levels } : {};

        let configurations: Configuration[];
        let native: Configuration;
        let skipped: { label: string; reason: string }[];
        try {
          const e = enumerateConfigurations(catalog, {
            profiles: [o.profile],
            cpus: (o.cpus ?? cpuNames).filter((c) => !isReference(c)),
            ...(o.memories ? { memories: o.memories } : {}),
            machines: [o.machine],
            ...(o.hosts ? { hosts: o.hosts } : {}),
            ...levels,
          });
          configurations = e.configurations;
          skipped = e.skipped;
          native = resolveConfiguration({ profile: o.profile, ...REFERENCE, machine: base, ...levels }, catalog);
        } catch (e) {
          if (e instanceof ConfigurationError) throw new CliError(e.message);
          throw e;
        }
        if (configurations.length === 0 && (o.cpus ?? []).some((c) => !isReference(c))) {
          throw new CliError(refusal(skipped));
        }
        if (metric === "slowdown" && configurations.length === 0) throw new CliError("nothing to compare with native: name a CPU strategy other than native in --cpus");

        const values = sweepValues(o.from, o.to, o.steps);
        // One machine profile per value: the base with the one cost (or combination) changed.
        const variants = values.map(
          (v): MachineProfile => ({
            ...base,
            name: `${base.name} ${o.param}=${v}`,
            description: `${base.description}; ${o.param} = ${v}`,
            costs: withParameter(base.costs, o.param, v),
          }),
        );
        const valueByName = new Map(variants.map((m, i) => [m.name, values[i]!]));
        const cells: MatrixCell[] = [];
        for (const machine of variants) {
          for (const scenario of scenarios) {
            for (const c of [native, ...configurations]) {
              cells.push({ scenario, configuration: resolveConfiguration({ ...c.record, machine }, catalog) });
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
            if (cellVerdict(last) === "failed") {
              const line = `${last.scenario} ${last.configuration.label} ${machineName(last.configuration)}: ${statusOf(last)}\n`;
              if (bar) bar.log(line);
              else if (!o.json) process.stderr.write(line);
            }
            bar?.update(done, { last: `${last.scenario} ${last.configuration.label} ${machineName(last.configuration)}` });
          },
        });
        bar?.stop();
        const sweep = sweepOf(o.param, base.name, values, metric, results, (name) => valueByName.get(name));
        const files = writeSweep(out, sweep);
        const wallMs = performance.now() - started;
        if (o.json) printJson({ ...sweep, crossovers: crossovers(sweep), skipped, files, wallMs });
        else {
          process.stdout.write(sweepTables(sweep));
          process.stderr.write(`${n(results.length)} runs in ${(wallMs / 1000).toFixed(1)} s; wrote ${files.join(", ")}\n`);
        }
        if (results.some((r) => cellVerdict(r) === "failed")) process.exitCode = EXIT.failed;
      },
    );
}
