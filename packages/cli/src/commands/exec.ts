import { Option, type Command } from "commander";
import { lazy } from "./lazy.js";
import { levelsOption, profileOption, parseBudget } from "../options.js";

export function register(program: Command): void {
  program
    .command("exec")
    .description("run a bare-metal program on the simulated machine and print its console output")
    .argument("<file>", "image written by `vmlab asm` (run on the profile it records), or a .s source")
    .addOption(profileOption())
    .addOption(levelsOption())
    .addOption(new Option("--budget <n>", "stop after this many retired instructions").argParser(parseBudget()).default(100_000_000, "100,000,000"))
    .option("--json", "print the result as JSON")
    .action(lazy(() => import("../actions/exec.js")));
}
