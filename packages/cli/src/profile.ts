import { getProfile, type Profile } from "@vmlab/isa";
import { CliError } from "./errors.js";
import { unknownName } from "./did-you-mean.js";
import { NAMES } from "./names.js";

export function resolveProfile(name: string, levels?: number): Profile {
  if (!NAMES.profiles.includes(name)) throw new CliError(unknownName("profile", name, NAMES.profiles));
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
