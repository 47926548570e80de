import { existsSync, statSync } from "node:fs";
import type { Command } from "commander";
import { assembleFile, InputFileError, readImageFile, readProgramFile, type Image, type ImageProfile, type Profile } from "@vmlab/isa";
import { CliError } from "./errors.js";
import { profileDefines, resolveProfile } from "./profile.js";

export function isAssemblySource(file: string): boolean {
  return /\.(s|asm)$/i.test(file);
}

function mustExist(file: string): void {
  if (file.trim() === "") throw new CliError(`no program named (got '${file}')`);
  if (!existsSync(file)) throw new CliError(`${file}: no such file`);
  const st = statSync(file);
  if (st.isDirectory()) throw new CliError(`${file}: is a directory, not a program`);
  if (!st.isFile()) throw new CliError(`${file}: is not a regular file (a device, a FIFO or a socket)`);
}

/** What an image records of its profile, as a file records it. */
export function imageProfileOf(p: Profile): ImageProfile {
  return p.mmu.kind === "walker" ? { name: p.name, levels: p.mmu.levels } : { name: p.name };
}

const describe = (p: ImageProfile): string => (p.levels ? `${p.name} with ${p.levels} page-table levels` : p.name);

/** A program with no bytes is refused. */
function nonEmpty(file: string, image: Image): Image {
  if (image.segments.every((s) => s.bytes.length === 0)) {
    throw new CliError(`${file}: ${isAssemblySource(file) ? "assembles to nothing" : "holds nothing"} (no instruction or data)`);
  }
  return image;
}

/** An assembly source, assembled for the profile. */
export function assembleSource(file: string, profile: Profile, defines: Record<string, number> = {}): Image {
  mustExist(file);
  return nonEmpty(file, assembleFile(file, { defines: { ...profileDefines(profile), ...defines } }));
}

/**
 * A program to run or show: an assembly source (assembled for --profile) or an image
 * written by `vmlab asm`, on the profile it was assembled for. Naming another profile
 * for an image is refused: its code was assembled for one (.ifdef X86_LIKE, LEVELS).
 */
export function loadProgramFor(file: string, opts: { profile: string; levels?: number }, cmd: Command): { image: Image; profile: Profile } {
  mustExist(file);
  if (isAssemblySource(file)) {
    const profile = resolveProfile(opts.profile, opts.levels);
    return { image: assembleSource(file, profile), profile };
  }
  let image: ReturnType<typeof readImageFile>;
  try {
    image = readImageFile(new Uint8Array(readProgramFile(file)), file);
    nonEmpty(file, image);
  } catch (e) {
    if (e instanceof InputFileError) throw new CliError(`${file}: ${e.message}`);
    throw e;
  }
  const recorded = image.profile;
  if (!recorded) {
    const profile = resolveProfile(opts.profile, opts.levels);
    process.stderr.write(`vmlab: note: ${file} was written before images recorded their profile: read as ${describe(imageProfileOf(profile))} (--profile)\n`);
    return { image, profile };
  }
  const asked = cmd.getOptionValueSource("profile") === "cli" ? opts.profile : recorded.name;
  const askedLevels = opts.levels ?? recorded.levels;
  if (asked !== recorded.name || askedLevels !== recorded.levels) {
    const wanted = describe({ name: asked, ...(opts.levels !== undefined ? { levels: opts.levels } : {}) });
    throw new CliError(`${file}: assembled for ${describe(recorded)}, not ${wanted}: leave out --profile/--levels to use the image's, or assemble the source again for ${asked}`);
  }
  return { image, profile: resolveProfile(recorded.name, recorded.levels) };
}
