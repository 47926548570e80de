import { existsSync, readFileSync, statSync } from "node:fs";
import { assembleFile, InputFileError, readImageFile, readProgramFile, type Image, type Profile } from "@vmlab/isa";
import { CliError } from "./errors.js";
import { profileDefines } from "./options.js";

export function isAssemblySource(file: string): boolean {
  return /\.(s|asm)$/i.test(file);
}

function mustExist(file: string): void {
  if (!existsSync(file)) throw new CliError(`${file}: no such file`);
  const st = statSync(file);
  if (st.isDirectory()) throw new CliError(`${file}: is a directory, not a program`);
  if (!st.isFile()) throw new CliError(`${file}: is not a regular file (a device, a FIFO or a socket)`);
}

/** An assembly source (assembled for the profile) or an image file written by `vmlab asm`. */
export function loadProgram(file: string, profile: Profile, defines: Record<string, number> = {}): Image {
  mustExist(file);
  if (isAssemblySource(file)) {
    return assembleFile(file, { defines: { ...profileDefines(profile), ...defines } });
  }
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
