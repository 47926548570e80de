// ISA profiles are data: which sensitive instructions trap in user mode, what the MMU
// is, and which hardware-assist features exist. The CPU reads these tables; it has no
// per-profile code paths.
import { INSTRUCTIONS, isSensitive, OP, type Mnemonic, type OpInfo } from "./opcodes.js";

export type ProfileName = "mips-like" | "riscv-like" | "x86-like";
export const PROFILE_NAMES: readonly ProfileName[] = ["mips-like", "riscv-like", "x86-like"];

export type MmuSpec = { readonly kind: "software-tlb"; readonly tlbEntries: number } | { readonly kind: "walker"; readonly levels: 2 | 3 | 4; readonly tlbEntries: number };

export interface HardwareAssist {
  /** A guest mode with VM exits (VT-x / the RISC-V hypervisor extension). */
  readonly guestMode: boolean;
  /** Two-dimensional (nested / extended) page tables. */
  readonly nestedPaging: boolean;
}

export interface Profile {
  readonly name: ProfileName;
  readonly description: string;
  readonly mmu: MmuSpec;
  /** Instructions that trap with PRIVILEGED when executed in user mode. */
  readonly privileged: ReadonlySet<Mnemonic>;
  /** Instructions the profile lacks: they trap ILLEGAL in every mode. */
  readonly absent: ReadonlySet<Mnemonic>;
  /** POPF in user mode leaves IF unchanged without trapping (x86's silent failure). */
  readonly popfKeepsInterruptFlagInUserMode: boolean;
  /**
   * A deprivileged kernel level between kernel and user (x86's ring 1): privileged
   * instructions trap there as in user mode, pages are reached as supervisor, and a
   * trap gate (TGATE, TGVEC, TGSP) and RTE's outer-ring return connect it with user
   * mode without the real kernel. See ISA.md.
   */
  readonly ring1: boolean;
  readonly hardwareAssist: HardwareAssist;
}

/** The sensitive instructions that trap on every profile. */
const ALWAYS_PRIVILEGED: readonly Mnemonic[] = ["RTE", "HALT", "IN", "OUT", "CLI", "STI", "RDCR", "WRCR", "TLBW", "TLBI", "TLBFLUSH"];
/** Sensitive but, on x86, unprivileged (Robin & Irvine's "sensitive register instructions"). */
const X86_UNPRIVILEGED: readonly Mnemonic[] = ["PUSHF", "POPF", "RDMODE", "RDTVEC"];

const STRICT = new Set<Mnemonic>([...ALWAYS_PRIVILEGED, ...X86_UNPRIVILEGED]);

export const PROFILES: Readonly<Record<ProfileName, Profile>> = {
  "mips-like": {
    name: "mips-like",
    description: "Every sensitive instruction is privileged; software-managed TLB (a miss traps, the kernel writes entries with TLBW); kseg0 untranslated.",
    mmu: { kind: "software-tlb", tlbEntries: 64 },
    privileged: STRICT,
    absent: new Set(),
    popfKeepsInterruptFlagInUserMode: false,
    ring1: false,
    hardwareAssist: { guestMode: false, nestedPaging: false },
  },
  "riscv-like": {
    name: "riscv-like",
    description: "Every sensitive instruction is privileged; hardware page-table walker; hypervisor extension with guest mode and nested paging.",
    mmu: { kind: "walker", levels: 3, tlbEntries: 64 },
    privileged: STRICT,
    absent: new Set<Mnemonic>(["TLBW"]),
    popfKeepsInterruptFlagInUserMode: false,
    ring1: false,
    hardwareAssist: { guestMode: true, nestedPaging: true },
  },
  "x86-like": {
    name: "x86-like",
    description:
      "PUSHF, POPF, RDMODE and RDTVEC are sensitive but do not trap in user mode (POPF silently keeps IF); ring 1 for a deprivileged kernel, with a trap gate; hardware page-table walker; VT-x-style guest mode and nested paging.",
    mmu: { kind: "walker", levels: 2, tlbEntries: 64 },
    privileged: new Set<Mnemonic>(ALWAYS_PRIVILEGED),
    absent: new Set<Mnemonic>(["TLBW"]),
    popfKeepsInterruptFlagInUserMode: true,
    ring1: true,
    hardwareAssist: { guestMode: true, nestedPaging: true },
  },
};

export class UnknownProfileError extends Error {
  constructor(readonly value: string) {
    super(`unknown profile '${value}' (valid: ${PROFILE_NAMES.join(", ")})`);
  }
}

/** Looks a profile up by name, optionally overriding the walker depth (2..4 levels). */
export function getProfile(name: string, options: { levels?: number } = {}): Profile {
  if (!Object.hasOwn(PROFILES, name)) throw new UnknownProfileError(name);
  const p = (PROFILES as Record<string, Profile>)[name]!;
  if (options.levels === undefined) return p;
  const levels = options.levels;
  if (p.mmu.kind !== "walker") {
    throw new RangeError(`profile '${name}' has a software-managed TLB: --levels does not apply`);
  }
  if (levels !== 2 && levels !== 3 && levels !== 4) {
    throw new RangeError(`walker levels must be 2, 3 or 4 (got ${levels})`);
  }
  return { ...p, mmu: { ...p.mmu, levels } };
}

/** Per-opcode lookup tables the CPU uses: 1 = traps PRIVILEGED in user mode / is absent. */
export function privilegeTable(p: Profile): Uint8Array {
  const t = new Uint8Array(256);
  for (const i of INSTRUCTIONS) if (p.privileged.has(i.mnemonic)) t[i.opcode] = 1;
  return t;
}

/**
 * The sensitive instructions the profile lets user mode run without a trap (x86-like's
 * PUSHF, POPF, RDMODE, RDTVEC): a monitor of a deprivileged kernel audits these.
 */
export function unprivilegedSensitive(p: Profile): readonly OpInfo[] {
  return INSTRUCTIONS.filter((i) => isSensitive(i) && !p.privileged.has(i.mnemonic) && !p.absent.has(i.mnemonic));
}

/** Every sensitive instruction traps (or is absent): the profile meets Popek and Goldberg's condition. */
export function everySensitivePrivileged(p: Profile): boolean {
  return unprivilegedSensitive(p).length === 0;
}

export function absentTable(p: Profile): Uint8Array {
  const t = new Uint8Array(256);
  for (const m of p.absent) t[OP[m]] = 1;
  return t;
}

/** How the 20-bit virtual page number splits into per-level indices, root first. */
export function levelBits(levels: 2 | 3 | 4): readonly number[] {
  switch (levels) {
    case 2:
      return [10, 10];
    case 3:
      return [6, 7, 7];
    case 4:
      return [5, 5, 5, 5];
  }
}
