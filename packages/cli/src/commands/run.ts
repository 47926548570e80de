import type { Command } from "commander";
import { lazy } from "./lazy.js";
import { NAMES } from "../names.js";
import { levelsOption, parseBudget, profileOption } from "../options.js";

export function register(program: Command): void {
  program
    .command("run")
    .description("run one scenario under one configuration and compare it with the native run")
    .argument("<scenario>", "scenario name (see `vmlab list`) or path to a scenario folder")
    .addOption(profileOption())
    .addOption(levelsOption())
    .option("--cpu <strategy>", "CPU strategy", "native")
    .option("--memory <strategy>", "memory strategy (default: the CPU strategy's first)")
    .option("--machine <profile>", "machine (cost) profile, or a .json file", NAMES.defaultMachine)
    .option("--budget <n>", "guest instruction budget (default: the scenario's)", parseBudget())
    .option("--config <file>", "vmlab.config.json naming more strategy packages")
    .option("--json", "print the result as JSON")
    .action(lazy(() => import("../actions/run.js")));
}
