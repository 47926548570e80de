// The browser has no file system: what vmlab reads from disk elsewhere, a page hands
// over as text (scenarios, the guest kernel), so a read here is refused with the reason.
export { InputFileError, MAX_PROGRAM_FILE_BYTES, MAX_SETTINGS_FILE_BYTES, settingsFileProblem } from "./input-limits.js";
import { InputFileError } from "./input-limits.js";

function noFileSystem(): never {
  throw new InputFileError("cannot be read here: the browser has no file system");
}

export function readInputFile(_path: string, _maxBytes: number, _what: string): Uint8Array {
  return noFileSystem();
}

export function readProgramFile(_path: string): Uint8Array {
  return noFileSystem();
}

export function readProgramText(_path: string): string {
  return noFileSystem();
}

export function readSettingsText(_path: string): string {
  return noFileSystem();
}
