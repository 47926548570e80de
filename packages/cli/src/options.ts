import { Option } from "commander";
import { CliError } from "./errors.js";
import { unknownName } from "./did-you-mean.js";
import { NAMES } from "./names.js";

/** The ISA profile every command uses unless told otherwise: strict, so every strategy can be exact on it. */
export const DEFAULT_PROFILE = "riscv-like";

/** A value that must be one of `valid`: the choices in the help, "did you mean" for a near miss. */
export function choiceOption(flags: string, description: string, kind: string, valid: readonly string[]): Option {
  return new Option(flags, description).choices(valid).argParser((v: string) => {
    if (!valid.includes(v)) throw new CliError(unknownName(kind, v, valid));
    return v;
  });
}

/** Where the monitor runs: on the machine (Type 1) or as a program of a host OS (Type 2). */
export const hostOption = () =>
  choiceOption("--host <host>", "where the monitor runs: bare-metal (Type 1) or hosted (Type 2: devices in a process of a host OS)", "host", NAMES.hosts).default(NAMES.defaultHost);

export const profileOption = () => choiceOption("--profile <name>", "ISA profile", "profile", NAMES.profiles).default(DEFAULT_PROFILE);

/** Each name of a list must be one of `valid`. */
export function checkNames(kind: string, given: readonly string[] | undefined, valid: readonly string[]): void {
  for (const g of given ?? []) if (!valid.includes(g)) throw new CliError(unknownName(kind, g, valid));
}

export const levelsOption = () =>
  new Option("--levels <n>", "page-table walker depth (2, 3 or 4; walker profiles only)").argParser((v: string) => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < 2 || n > 4) throw new CliError(`--levels must be 2, 3 or 4 (got '${v}')`);
    return n;
  });

export function parseCount(flag: string, max = Number.MAX_SAFE_INTEGER, why = "") {
  return (v: string): number => {
    const n = Number(v.replace(/_/g, ""));
    if (!Number.isSafeInteger(n) || n <= 0) throw new CliError(`${flag} must be a positive integer (got '${v}')`);
    if (n > max) throw new CliError(`${flag} must be at most ${max.toLocaleString("en-US")}${why ? ` (${why})` : ""} (got '${v}')`);
    return n;
  };
}

/** Worker threads for a matrix or a sweep. */
export const parseWorkers = () => parseCount("--workers", NAMES.maxWorkers, "each thread loads vmlab anew");

/** A guest instruction budget: at most a scenario file's largest. */
export const parseBudget = () => parseCount("--budget", NAMES.maxBudget, "a run that long takes hours under the interpreter");

export function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

/** A comma-separated list option; one that names nothing is refused (leaving the option out means all). */
export const commaList =
  (flag: string, noun: string) =>
  (v: string): string[] => {
    const list = v
      .split(",")
      .map((s) => s.trim())
      .filter(Boolean);
    if (list.length === 0) throw new CliError(`${flag} names no ${noun} (give a comma-separated list, or leave it out for all)`);
    return list;
  };
