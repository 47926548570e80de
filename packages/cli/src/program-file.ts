import { existsSync, statSync } from "node:fs";
import { assembleFile, InputFileError, readImageFile, readProgramFile, type Image, type Profile } from "@vmlab/isa";
import { CliError } from "./errors.js";
import { profileDefines } from "./options.js";

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

/** An assembly source (assembled for the profile) or an image file written by `vmlab asm`; one with no bytes is refused. */
export function loadProgram(file: string, profile: Profile, defines: Record<string, number> = {}): Image {
  mustExist(file);
  const image = readProgram(file, profile, defines);
  if (image.segments.every((s) => s.bytes.length === 0)) {
    throw new CliError(`${file}: ${isAssemblySource(file) ? "assembles to nothing" : "holds nothing"} (no instruction or data)`);
  }
  return image;
}

function readProgram(file: string, profile: Profile, defines: Record<string, number>): Image {
  if (isAssemblySource(file)) return assembleFile(file, { defines: { ...profileDefines(profile), ...defines } });
  try {
    return readImageFile(new Uint8Array(readProgramFile(file)), file);
  } catch (e) {
    if (e instanceof InputFileError) throw new CliError(`${file}: ${e.message}`);
    throw e;
  }
}

export function loadImageOrSource(file: string, profile: Profile): Image {
  return loadProgram(file, profile);
}
