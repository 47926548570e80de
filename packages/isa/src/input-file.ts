// Reading an input file from disk: regular files only (a device or a FIFO would never
// end), and of a size the input can sensibly have.
import { readFileSync, statSync } from "node:fs";

/** An assembly source or an image file. */
export const MAX_PROGRAM_FILE_BYTES = 16 * 1024 * 1024;
/** A scenario.json, a machine profile or a vmlab.config.json. */
export const MAX_SETTINGS_FILE_BYTES = 1024 * 1024;

/** A file refused before it is read; the message does not repeat the path. */
export class InputFileError extends Error {}

/** The bytes of `path`, refusing what is not a regular file or is larger than `maxBytes`; `what` names the kind of file. */
export function readInputFile(path: string, maxBytes: number, what: string): Buffer {
  const st = statSync(path);
  if (st.isDirectory()) throw new InputFileError(`is a directory, not ${what}`);
  if (!st.isFile()) throw new InputFileError("is not a regular file (a device, a FIFO or a socket)");
  if (st.size > maxBytes) throw new InputFileError(`is ${st.size.toLocaleString("en-US")} bytes, more than ${what} can be (${maxBytes.toLocaleString("en-US")})`);
  return readFileSync(path);
}

/** An assembly source or an image file. */
export function readProgramFile(path: string): Buffer {
  return readInputFile(path, MAX_PROGRAM_FILE_BYTES, "a program");
}

export function readProgramText(path: string): string {
  return readProgramFile(path).toString("utf8");
}

/** A JSON settings file: scenario.json, a machine profile, vmlab.config.json. */
export function readSettingsText(path: string): string {
  return readInputFile(path, MAX_SETTINGS_FILE_BYTES, "a settings file").toString("utf8");
}

/** What went wrong reading a settings file or parsing its JSON, in a few words. */
export function settingsFileProblem(e: unknown): string {
  if (e instanceof InputFileError) return e.message;
  const code = (e as NodeJS.ErrnoException).code;
  if (code === "ENOENT") return "no such file";
  if (code !== undefined) return `cannot read it (${code})`;
  return `malformed JSON (${(e as Error).message})`;
}
