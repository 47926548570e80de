// Reading an input file from disk: regular files only (a device or a FIFO would never
// end), and of a size the input can sensibly have.
// The browser's twin is input-file-browser.ts (package.json "imports": #input-file).
import { readFileSync, statSync } from "node:fs";
import { InputFileError, MAX_PROGRAM_FILE_BYTES, MAX_SETTINGS_FILE_BYTES } from "./input-limits.js";

export { InputFileError, MAX_PROGRAM_FILE_BYTES, MAX_SETTINGS_FILE_BYTES, settingsFileProblem } from "./input-limits.js";

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
