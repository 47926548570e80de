import type { Command } from "commander";
import { lazy } from "./lazy.js";
import { NAMES } from "../names.js";
import { CliError } from "../errors.js";
import { choiceOption, commaList, levelsOption, parseCount, parseBudget, profileOption } from "../options.js";

/** What a sweep can vary: any cost, or a named combination of costs (its parts scaled in proportion). */
export const SWEEP_PARAMETERS: readonly string[] = [...NAMES.costKeys, ...Object.keys(NAMES.derivedParameters)];

function parseCost(flag: string) {
  return (v: string): number => {
    const n = Number(v.replace(/_/g, ""));
    if (v.trim() === "" || !Number.isFinite(n) || n < 0) throw new CliError(`${flag} must be a non-negative number of cycles (got '${v}')`);
    return n;
  };
}

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
      `the cost to vary: a cost (${NAMES.costKeys.join(", ")}) or a combination (${Object.entries(NAMES.derivedParameters).map(([k, of]) => `${k} = ${of.join(" + ")}`).join("; ")})`,
    )
    .requiredOption("--from <cycles>", "first value", parseCost("--from"))
    .requiredOption("--to <cycles>", "last value", parseCost("--to"))
    .option("--steps <n>", "number of values, evenly spaced from --from to --to", parseCount("--steps", 1000, "each step is a run of every configuration"), 5)
    .option("--scenarios <list>", "comma-separated scenario names (default: all)", commaList)
    .option("--cpus <list>", "comma-separated CPU strategies (default: every one the profile can host)", commaList)
    .option("--memories <list>", "comma-separated memory strategies (default: each CPU strategy's)", commaList)
    .addOption(profileOption())
    .addOption(levelsOption())
    .option("--machine <profile>", "machine profile the other costs come from, or a .json file", NAMES.defaultMachine)
    .addOption(choiceOption("--metric <what>", "slowdown (against native at the same value) or cycles", "metric", ["slowdown", "cycles"]).default("slowdown"))
    .option("--budget <n>", "guest instruction budget for every run (default: each scenario's)", parseBudget())
    .option("--workers <n>", "worker threads (default: one per core)", parseCount("--workers"))
    .option("--out <dir>", "folder for sweep.html, sweep.json and sweep.csv (default: reports/sweep-<param>)")
    .option("--config <file>", "vmlab.config.json naming more strategy packages")
    .option("--json", "print the sweep as JSON")
    .action(lazy(() => import("../actions/sweep.js")));
}
