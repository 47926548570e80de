// Reading a program from disk: regular files only (a device or a FIFO would never end),
// and of a size an assembler source or an image can have.
import { readFileSync, statSync } from "node:fs";

export const MAX_PROGRAM_FILE_BYTES = 16 * 1024 * 1024;

export class ProgramFileError extends Error {}

/** The bytes of `path`, refusing what is not a regular file or is larger than a program can be. */
export function readProgramFile(path: string): Buffer {
  const st = statSync(path);
  if (!st.isFile()) throw new ProgramFileError(st.isDirectory() ? "is a directory, not a program" : "is not a regular file (a device, a FIFO or a socket)");
  if (st.size > MAX_PROGRAM_FILE_BYTES) throw new ProgramFileError(`is ${st.size.toLocaleString("en-US")} bytes, more than a program can be (${MAX_PROGRAM_FILE_BYTES.toLocaleString("en-US")})`);
  return readFileSync(path);
}

export function readProgramText(path: string): string {
  return readProgramFile(path).toString("utf8");
}
