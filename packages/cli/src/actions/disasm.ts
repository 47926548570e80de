// The work of `vmlab disasm`, imported only when it runs (see commands/lazy.ts).
import { disassembleImage } from "@vmlab/isa";
import { loadProgramFor } from "../program-file.js";
import type { Command } from "commander";
import { printJson } from "../options.js";

export default async function disasmAction(file: string, opts: { profile: string; levels?: number; json?: boolean }, cmd: Command): Promise<void> {
  const { image, profile } = loadProgramFor(file, opts, cmd);
  const text = disassembleImage(image);
  if (opts.json) printJson({ file, profile: profile.name, entry: image.entry, assembly: text });
  else process.stdout.write(text.endsWith("\n") ? text : text + "\n");
}
