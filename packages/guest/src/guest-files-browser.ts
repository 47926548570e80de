// The vmlab kernel and the user runtime bundled into a page as text (a bundler's `?raw`
// import); the paths only name them in diagnostics and symbols, as on disk.
import { InputFileError } from "@vmlab/isa";
import kernel from "../kernel/kernel.s?raw";
import runtime from "../runtime/runtime.s?raw";

export const KERNEL_DIR = "/vmlab/packages/guest/kernel/";
export const RUNTIME_DIR = "/vmlab/packages/guest/runtime/";
export const KERNEL_FILE = `${KERNEL_DIR}kernel.s`;

const RUNTIME: Readonly<Record<string, string>> = { "runtime.s": runtime };

export function kernelSource(): string {
  return kernel;
}

/** An `.include`: one of the shared runtime files (a page has no folder beside the program to look in). */
export function readGuestInclude(path: string, _fromFile: string): string {
  const text = RUNTIME[path];
  if (text === undefined) throw new InputFileError(`is not one of the runtime files (${Object.keys(RUNTIME).join(", ")})`);
  return text;
}
