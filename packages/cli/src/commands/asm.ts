import type { Command } from "commander";
import { CliError } from "../errors.js";
import { levelsOption, profileOption, printJson } from "../options.js";
import { n } from "../terminal.js";

function parseDefine(v: string, acc: Record<string, number> | undefined): Record<string, number> {
  const m = /^([A-Za-z_][A-Za-z0-9_]*)(?:=(.+))?$/.exec(v);
  const value = m?.[2] === undefined ? 1 : Number(m[2]);
  if (!m || !Number.isFinite(value)) throw new CliError(`-D expects NAME or NAME=NUMBER (got '${v}')`);
  return { ...(acc ?? {}), [m[1]!]: value };
}

export function register(program: Command): void {
  program
    .command("asm")
    .description("assemble a source file into a vmlab image")
    .argument("<file>", "assembly source (.s)")
    .option("-o, --out <file>", "image file to write (default: the source name with .img)")
    .addOption(profileOption())
    .addOption(levelsOption())
    .option("-D, --define <name[=value]>", "define a symbol for conditional assembly (repeatable)", parseDefine)
    .option("--json", "print the result as JSON")
    .action(async (file: string, opts: { out?: string; profile: string; levels?: number; define?: Record<string, number>; json?: boolean }) => {
      const { MAX_PROGRAM_FILE_BYTES, writeImageFile } = await import("@vmlab/isa");
      const { writeOutFile } = await import("../out-folder.js");
      const { assembleSource, imageProfileOf, isAssemblySource } = await import("../program-file.js");
      const { resolveProfile } = await import("../profile.js");
      if (!isAssemblySource(file)) throw new CliError(`${file}: expected an assembly source ending in .s`);
      const profile = resolveProfile(opts.profile, opts.levels);
      const image = assembleSource(file, profile, opts.define ?? {});
      const out = opts.out ?? file.replace(/\.(s|asm)$/i, ".img");
      const bytes = writeImageFile(image, imageProfileOf(profile));
      if (bytes.length > MAX_PROGRAM_FILE_BYTES)
        throw new CliError(
          `${file}: the image would be ${bytes.length.toLocaleString("en-US")} bytes, more than vmlab reads back (${MAX_PROGRAM_FILE_BYTES.toLocaleString("en-US")}): no image written`,
        );
      writeOutFile("-o", out, bytes, file);
      const size = image.segments.reduce((n, s) => n + s.bytes.length, 0);
      const summary = {
        source: file,
        image: out,
        profile: imageProfileOf(profile),
        entry: `0x${image.entry.toString(16).padStart(8, "0")}`,
        segments: image.segments.map((s) => ({ address: `0x${s.address.toString(16).padStart(8, "0")}`, bytes: s.bytes.length })),
        bytes: size,
        symbols: Object.keys(image.symbols).length,
      };
      if (opts.json) printJson(summary);
      else
        process.stdout.write(
          `${out}: ${n(size)} bytes in ${image.segments.length} segment(s), entry ${summary.entry}, ${n(summary.symbols)} symbols, for ${profile.name}${profile.mmu.kind === "walker" ? ` (${profile.mmu.levels} page-table levels)` : ""}\n`,
        );
    });
}
