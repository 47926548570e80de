import type { Command } from "commander";
import { disassembleImage } from "@vmlab/isa";
import { levelsOption, printJson, profileOption, resolveProfile } from "../options.js";
import { loadProgram } from "../program-file.js";

export function register(program: Command): void {
  program
    .command("disasm")
    .description("disassemble an image (or an assembly source, after assembling it)")
    .argument("<file>", "image written by `vmlab asm`, or a .s source")
    .addOption(profileOption())
    .addOption(levelsOption())
    .option("--json", "print the result as JSON")
    .action((file: string, opts: { profile: string; levels?: number; json?: boolean }) => {
      const image = loadProgram(file, resolveProfile(opts.profile, opts.levels));
      const text = disassembleImage(image);
      if (opts.json) printJson({ file, entry: image.entry, assembly: text });
      else process.stdout.write(text.endsWith("\n") ? text : text + "\n");
    });
}
