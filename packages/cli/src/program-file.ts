import { existsSync, readFileSync, statSync } from "node:fs";
import { assembleFile, readImageFile, type Image, type Profile } from "@vmlab/isa";
import { CliError } from "./errors.js";
import { profileDefines } from "./options.js";

export function isAssemblySource(file: string): boolean {
  return /\.(s|asm)$/i.test(file);
}

function mustExist(file: string): void {
  if (!existsSync(file)) throw new CliError(`${file}: no such file`);
  if (statSync(file).isDirectory()) throw new CliError(`${file}: is a directory, not a program`);
}

/** An assembly source (assembled for the profile) or an image file written by `vmlab asm`. */
export function loadProgram(file: string, profile: Profile, defines: Record<string, number> = {}): Image {
  mustExist(file);
  if (isAssemblySource(file)) {
    return assembleFile(file, { defines: { ...profileDefines(profile), ...defines } });
  }
  return readImageFile(new Uint8Array(readFileSync(file)), file);
}

export function loadImageOrSource(file: string, profile: Profile): Image {
  return loadProgram(file, profile);
}
