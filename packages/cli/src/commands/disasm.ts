import type { Command } from "commander";
import { levelsOption, profileOption, printJson } from "../options.js";

export function register(program: Command): void {
  program
    .command("disasm")
    .description("disassemble an image (or an assembly source, after assembling it): each instruction with its address and word")
    .argument("<file>", "image written by `vmlab asm` (on the profile it records), or a .s source")
    .addOption(profileOption())
    .addOption(levelsOption())
    .option("--json", "print the result as JSON")
    .action(async (file: string, opts: { profile: string; levels?: number; json?: boolean }, cmd: Command) => {
      const { disassembleImage } = await import("@vmlab/isa");
      const { loadProgramFor } = await import("../program-file.js");
      const { image, profile } = loadProgramFor(file, opts, cmd);
      const text = disassembleImage(image);
      if (opts.json) printJson({ file, profile: profile.name, entry: image.entry, assembly: text });
      else process.stdout.write(text.endsWith("\n") ? text : `${text}\n`);
    });
}
