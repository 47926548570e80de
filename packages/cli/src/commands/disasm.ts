import type { Command } from "commander";
import { lazy } from "./lazy.js";
import { levelsOption, profileOption } from "../options.js";

export function register(program: Command): void {
  program
    .command("disasm")
    .description("disassemble an image (or an assembly source, after assembling it): each instruction with its address and word")
    .argument("<file>", "image written by `vmlab asm` (on the profile it records), or a .s source")
    .addOption(profileOption())
    .addOption(levelsOption())
    .option("--json", "print the result as JSON")
    .action(lazy(() => import("../actions/disasm.js")));
}
