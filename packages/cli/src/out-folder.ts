// Where a command writes: the folder of its reports, made before any work starts (one
// level at a time: Node's recursive mkdir never returns under some pseudo-filesystems,
// /proc), and a single output file.
import { existsSync, mkdirSync, statSync, writeFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { CliError } from "./errors.js";

export function makeOutFolder(dir: string): string {
  if (dir.trim() === "") throw new CliError(`--out needs a folder name (got '${dir}')`);
  const path = resolve(dir);
  const missing: string[] = [];
  let p = path;
  while (!existsSync(p)) {
    missing.unshift(p);
    const up = dirname(p);
    if (up === p) break;
    p = up;
  }
  if (existsSync(p) && !statSync(p).isDirectory()) throw new CliError(`--out ${dir}: ${p} is not a folder`);
  for (const m of missing) {
    try {
      mkdirSync(m);
    } catch (e) {
      throw new CliError(`--out ${dir}: cannot create ${m} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
    }
  }
  return path;
}

/** Writes `data` to the file `flag` names, refusing a folder, the input it was made from, or a place it cannot be written. */
export function writeOutFile(flag: string, file: string, data: string | Uint8Array, input?: string): string {
  if (file.trim() === "") throw new CliError(`${flag} needs a file name (got '${file}')`);
  const path = resolve(file);
  if (input !== undefined && path === resolve(input)) throw new CliError(`${flag} ${file}: is the input file; name another`);
  if (existsSync(path) && statSync(path).isDirectory()) throw new CliError(`${flag} ${file}: is a folder, not a file`);
  try {
    writeFileSync(path, data);
  } catch (e) {
    throw new CliError(`${flag} ${file}: cannot write it (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  return path;
}
