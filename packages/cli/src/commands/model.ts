import type { Command } from "commander";
import { lazy } from "./lazy.js";

export function register(program: Command): void {
  program
    .command("model")
    .description("print the cost model: machine generations and features, every cost with its provenance, events, calibration and validation figures (MODEL.md)")
    .option("--out <file>", "write the Markdown to a file instead of printing it")
    .option("--json", "print as JSON")
    .action(lazy(() => import("../actions/model.js")));
}
