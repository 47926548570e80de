import { Option } from "commander";
import { PROFILE_NAMES, getProfile, type Profile } from "@vmlab/isa";
import { MAX_WORKERS } from "@vmlab/core";
import { MAX_BUDGET } from "@vmlab/guest";
import { CliError } from "./errors.js";

export const profileOption = () =>
  new Option("--profile <name>", "ISA profile").choices(PROFILE_NAMES as string[]).default("riscv-like");

export const levelsOption = () =>
  new Option("--levels <n>", "page-table walker depth (2, 3 or 4; walker profiles only)").argParser(
    (v: string) => {
      const n = Number(v);
      if (!Number.isInteger(n) || n < 2 || n > 4) throw new CliError(`--levels must be 2, 3 or 4 (got '${v}')`);
      return n;
    },
  );

export function parseCount(flag: string, max = Number.MAX_SAFE_INTEGER, why = "") {
  return (v: string): number => {
    const n = Number(v.replace(/_/g, ""));
    if (!Number.isSafeInteger(n) || n <= 0) throw new CliError(`${flag} must be a positive integer (got '${v}')`);
    if (n > max) throw new CliError(`${flag} must be at most ${max.toLocaleString("en-US")}${why ? ` (${why})` : ""} (got '${v}')`);
    return n;
  };
}

/** Worker threads for a matrix or a sweep. */
export const parseWorkers = () => parseCount("--workers", MAX_WORKERS, "each thread loads vmlab anew");

/** A guest instruction budget: at most MAX_BUDGET, as a scenario file's. */
export const parseBudget = () => parseCount("--budget", MAX_BUDGET, "a run that long takes hours under the interpreter");

export function resolveProfile(name: string, levels?: number): Profile {
  try {
    return getProfile(name, levels === undefined ? {} : { levels });
  } catch (e) {
    throw new CliError((e as Error).message);
  }
}

/** Defines that let one assembly source adapt to the profile (see ISA.md). */
export function profileDefines(p: Profile): Record<string, number> {
  const d: Record<string, number> = {};
  d[p.name.replace(/-/g, "_").toUpperCase()] = 1; // MIPS_LIKE, RISCV_LIKE, X86_LIKE
  if (p.mmu.kind === "walker") {
    d.WALKER = 1;
    d.LEVELS = p.mmu.levels;
  } else {
    d.SOFTWARE_TLB = 1;
  }
  return d;
}

export function printJson(value: unknown): void {
  process.stdout.write(JSON.stringify(value, null, 2) + "\n");
}
