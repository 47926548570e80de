import type { Command } from "commander";
import { MAX_PROGRAM_FILE_BYTES, writeImageFile } from "@vmlab/isa";
import { CliError } from "../errors.js";
import { levelsOption, printJson, profileOption, resolveProfile } from "../options.js";
import { writeOutFile } from "../out-folder.js";
import { isAssemblySource, loadProgram } from "../program-file.js";

function parseDefine(v: string, acc: Record<string, number>): Record<string, number> {
  const m = /^([A-Za-z_][A-Za-z0-9_]*)(?:=(.+))?$/.exec(v);
  const value = m?.[2] === undefined ? 1 : Number(m[2]);
  if (!m || !Number.isFinite(value)) throw new CliError(`-D expects NAME or NAME=NUMBER (got '${v}')`);
  return { ...acc, [m[1]!]: value };
}

export function register(program: Command): void {
  program
    .command("asm")
    .description("assemble a source file into a vmlab image")
    .argument("<file>", "assembly source (.s)")
    .option("-o, --out <file>", "image file to write (default: the source name with .img)")
    .addOption(profileOption())
    .addOption(levelsOption())
    .option("-D, --define <name[=value]>", "define a symbol for conditional assembly", parseDefine, {})
    .option("--json", "print the result as JSON")
    .action((file: string, opts: { out?: string; profile: string; levels?: number; define: Record<string, number>; json?: boolean }) => {
      if (!isAssemblySource(file)) throw new CliError(`${file}: expected an assembly source ending in .s`);
      const profile = resolveProfile(opts.profile, opts.levels);
      const image = loadProgram(file, profile, opts.define);
      const out = opts.out ?? file.replace(/\.(s|asm)$/i, ".img");
      const bytes = writeImageFile(image);
      if (bytes.length > MAX_PROGRAM_FILE_BYTES) throw new CliError(`${file}: the image would be ${bytes.length.toLocaleString("en-US")} bytes, more than vmlab reads back (${MAX_PROGRAM_FILE_BYTES.toLocaleString("en-US")}): no image written`);
      writeOutFile("-o", out, bytes, file);
      const size = image.segments.reduce((n, s) => n + s.bytes.length, 0);
      const summary = {
        source: file,
        image: out,
        entry: `0x${image.entry.toString(16).padStart(8, "0")}`,
        segments: image.segments.map((s) => ({ address: `0x${s.address.toString(16).padStart(8, "0")}`, bytes: s.bytes.length })),
        bytes: size,
        symbols: Object.keys(image.symbols).length,
      };
      if (opts.json) printJson(summary);
      else
        process.stdout.write(
          `${out}: ${size} bytes in ${image.segments.length} segment(s), entry ${summary.entry}, ${summary.symbols} symbols\n`,
        );
    });
}
