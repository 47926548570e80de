// The folder a command writes its reports to, made before any work starts. One level at
// a time: Node's recursive mkdir never returns under some pseudo-filesystems (/proc).
import { existsSync, mkdirSync, statSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { CliError } from "./errors.js";

export function makeOutFolder(dir: string): string {
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
