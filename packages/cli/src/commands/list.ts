import type { Command } from "commander";
import { lazy } from "./lazy.js";

export function register(program: Command): void {
  program
    .command("list")
    .description("list scenarios, ISA profiles, CPU and memory strategies, and machine profiles")
    .option("--config <file>", "vmlab.config.json naming more strategy packages")
    .option("--json", "print as JSON")
    .action(lazy(() => import("../actions/list.js")));
}
