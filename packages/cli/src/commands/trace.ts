import type { Command } from "commander";
import { lazy } from "./lazy.js";
import { NAMES } from "../names.js";
import { choiceOption, levelsOption, parseCount, parseBudget, profileOption } from "../options.js";

/** Raw events recorded at most (a trace is for reading, not for whole long runs). */
export const EVENT_LIMIT = 200_000;

export function register(program: Command): void {
  program
    .command("trace")
    .description("show a run step by step: Process | Operating System | VMM (two columns on bare metal)")
    .argument("<scenario>", "scenario name (see `vmlab list`) or path to a scenario folder")
    .addOption(profileOption())
    .addOption(levelsOption())
    .option("--cpu <strategy>", "CPU strategy", "trap-emulate")
    .option("--memory <strategy>", "memory strategy (default: the CPU strategy's first that fits the profile)")
    .option("--machine <profile>", "machine (cost) profile, or a .json file", NAMES.defaultMachine)
    .option("--events <n>", "number of steps to show", parseCount("--events"), 12)
    .addOption(choiceOption("--start <where>", "where the table begins", "start", NAMES.traceStarts).default("user"))
    .option("--all", "every monitor event as a step of its own (nothing folded)")
    .option("--budget <n>", "guest instruction budget (default: the scenario's)", parseBudget())
    .option("--config <file>", "vmlab.config.json naming more strategy packages")
    .option("--json", "print the steps as JSON")
    .action(lazy(() => import("../actions/trace.js")));
}
