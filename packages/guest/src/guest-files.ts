// The vmlab kernel and the user runtime on disk, beside this package. A page's bundle
// uses guest-files-browser.ts instead (package.json "imports": #guest-files).
import { existsSync, readFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { readProgramText } from "@vmlab/isa";

export const KERNEL_DIR = fileURLToPath(new URL("../kernel/", import.meta.url));
export const RUNTIME_DIR = fileURLToPath(new URL("../runtime/", import.meta.url));
export const KERNEL_FILE = resolve(KERNEL_DIR, "kernel.s");

export function kernelSource(): string {
  return readFileSync(KERNEL_FILE, "utf8");
}

/** An `.include`: beside the including file, else one of the shared runtime files (`runtime.s`). */
export function readGuestInclude(path: string, fromFile: string): string {
  const local = resolve(dirname(fromFile), path);
  if (!existsSync(local)) return readProgramText(resolve(RUNTIME_DIR, path));
  return readProgramText(local);
}
