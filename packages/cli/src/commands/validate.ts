import type { Command } from "commander";
import { lazy } from "./lazy.js";

export function register(program: Command): void {
  program
    .command("validate")
    .description("run what the model is checked against and print published beside modeled figures, with the ratio, the tolerance and the source")
    .option("--json", "print as JSON")
    .action(lazy(() => import("../actions/validate.js")));
}
