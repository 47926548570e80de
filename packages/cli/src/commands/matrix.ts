import type { Command } from "commander";
import { lazy } from "./lazy.js";
import { NAMES } from "../names.js";
import { commaList, levelsOption, parseCount, parseBudget } from "../options.js";

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
    .action(lazy(() => import("../actions/matrix.js")));
}
