import type { Command } from "commander";
import { lazy } from "./lazy.js";
import { CliError } from "../errors.js";
import { levelsOption, profileOption } from "../options.js";

function parseDefine(v: string, acc: Record<string, number> | undefined): Record<string, number> {
  const m = /^([A-Za-z_][A-Za-z0-9_]*)(?:=(.+))?$/.exec(v);
  const value = m?.[2] === undefined ? 1 : Number(m[2]);
  if (!m || !Number.isFinite(value)) throw new CliError(`-D expects NAME or NAME=NUMBER (got '${v}')`);
  return { ...(acc ?? {}), [m[1]!]: value };
}

export function register(program: Command): void {
  program
    .command("asm")
    .description("assemble a source file into a vmlab image")
    .argument("<file>", "assembly source (.s)")
    .option("-o, --out <file>", "image file to write (default: the source name with .img)")
    .addOption(profileOption())
    .addOption(levelsOption())
    .option("-D, --define <name[=value]>", "define a symbol for conditional assembly (repeatable)", parseDefine)
    .option("--json", "print the result as JSON")
    .action(lazy(() => import("../actions/asm.js")));
}
