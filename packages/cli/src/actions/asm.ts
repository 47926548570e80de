// The work of `vmlab asm`, imported only when it runs (see commands/lazy.ts).
import { writeImageFile } from "@vmlab/isa";
import { assembleSource, imageProfileOf, isAssemblySource } from "../program-file.js";
import { writeFileSync } from "node:fs";
import { CliError } from "../errors.js";
import { printJson } from "../options.js";
import { resolveProfile } from "../profile.js";
import { n } from "../terminal.js";

export default async function asmAction(file: string, opts: { out?: string; profile: string; levels?: number; define?: Record<string, number>; json?: boolean }): Promise<void> {
  if (!isAssemblySource(file)) throw new CliError(`${file}: expected an assembly source ending in .s`);
  const profile = resolveProfile(opts.profile, opts.levels);
  const image = assembleSource(file, profile, opts.define ?? {});
  if (image.segments.every((s) => s.bytes.length === 0)) throw new CliError(`${file}: assembles to nothing (no instruction or data): no image written`);
  const out = opts.out ?? file.replace(/\.(s|asm)$/i, ".img");
  const bytes = writeImageFile(image, imageProfileOf(profile));
  writeFileSync(out, bytes);
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
}
