// Machine (cost) profiles: cycles charged per event. Each default names its source;
// ../../ANCHORS figures are Adams & Agesen (ASPLOS 2006) on a Pentium 4 Prescott,
// the vmlatency exit round trips, and SplitX's handled-exit cost.
import { readFileSync } from "node:fs";
import { z } from "zod";

export const CostsSchema = z
  .object({
    /** Cycles per retired guest instruction run directly (CPI). */
    instruction: z.number().nonnegative(),
    /**
     * One data memory reference made in software on the guest's behalf (an emulator's
     * load/store through its software MMU, a monitor touching guest memory). Direct
     * execution folds its own loads and stores into the CPI.
     */
    memoryReference: z.number().nonnegative(),
    /** One memory reference made by a page-table walk (a TLB miss). */
    walkReference: z.number().nonnegative(),
    /** Hardware trap entry (exception or system call) and return-from-trap. */
    trapEntry: z.number().nonnegative(),
    trapReturn: z.number().nonnegative(),
    /** A port I/O instruction reaching a device. */
    portIo: z.number().nonnegative(),
    /** A privileged control-register write (cr8-like) executed natively. */
    privilegedRegisterWrite: z.number().nonnegative(),
    /** A TLB flush (page-table base write) or single-entry invalidation. */
    tlbFlush: z.number().nonnegative(),
    tlbInvalidate: z.number().nonnegative(),
    /** Full software emulation of one guest instruction (an interpreter's dispatch). */
    interpretInstruction: z.number().nonnegative(),
    /** VT-x-style transitions. */
    vmExit: z.number().nonnegative(),
    vmEntry: z.number().nonnegative(),
    /** Binary translation. */
    translatePerInstruction: z.number().nonnegative(),
    translationCacheLookup: z.number().nonnegative(),
    callout: z.number().nonnegative(),
    chaining: z.number().nonnegative(),
    /** The monitor emulating one privileged instruction after a trap. */
    vmmEmulatePrivileged: z.number().nonnegative(),
    /** Monitor handler paths. */
    reflectTrap: z.number().nonnegative(),
    hiddenPageFault: z.number().nonnegative(),
    tracedPageTableWrite: z.number().nonnegative(),
    hypercall: z.number().nonnegative(),
    machineSwitch: z.number().nonnegative(),
  })
  .strict();

export type Costs = z.infer<typeof CostsSchema>;

/**
 * What the hardware of a generation has. A configuration that needs a feature its
 * machine lacks is refused with the reason (nested paging on a Pentium 4, say).
 */
export const FeaturesSchema = z
  .object({
    /** A guest mode with VM exits (VT-x, AMD-V). */
    hardwareAssist: z.boolean(),
    /** Hardware walks of guest and host tables (EPT, AMD's NPT). */
    nestedPaging: z.boolean(),
    /** TLB entries tagged with an address-space or VM identifier (VPID, ASID, PCID). */
    taggedTlb: z.boolean(),
    /** Caches of upper-level page-table entries, for the guest dimension of a walk. */
    pageWalkCache: z.boolean(),
    /** A cache of guest-physical to machine translations used during a nested walk. */
    nestedTlb: z.boolean(),
    /** Large pages (4 MiB / 2 MiB leaves above the last level). */
    largePages: z.boolean(),
  })
  .strict();

export type Features = z.infer<typeof FeaturesSchema>;
export type FeatureName = keyof Features;

export const MachineProfileSchema = z
  .object({
    name: z.string().min(1),
    description: z.string(),
    /** Year the generation shipped, for tables ordered by time. */
    year: z.number().int(),
    features: FeaturesSchema,
    costs: CostsSchema,
  })
  .strict();

export type MachineProfile = z.infer<typeof MachineProfileSchema>;

/** Pentium 4 Prescott with first-generation VT-x (Adams & Agesen, ASPLOS 2006). */
const P4_2006: MachineProfile = {
  name: "p4-2006",
  description: "Pentium 4 Prescott, first-generation VT-x (Adams & Agesen, ASPLOS 2006)",
  year: 2006,
  // VT-x without EPT or VPID (both arrived with Nehalem); PSE large pages since the Pentium.
  features: { hardwareAssist: true, nestedPaging: false, taggedTlb: false, pageWalkCache: false, nestedTlb: false, largePages: true },
  costs: {
    instruction: 1, // call/ret native = 11 cycles for a handful of instructions (A&A table)
    memoryReference: 8, // model assumption: an L1-resident access plus the software TLB probe of an emulator (no published figure)
    walkReference: 20, // a cached page-table reference on the P4 (pgfault native 1,093 includes a walk)
    trapEntry: 400, // divzero native 889 = trap entry + handler + return (A&A); split entry/return
    trapReturn: 300,
    portIo: 3209, // `in` from port 0x80, native (A&A)
    privilegedRegisterWrite: 140, // cr8 write, native ~140 (A&A: "about 4x slower than BT" at 35)
    tlbFlush: 200,
    tlbInvalidate: 100,
    interpretInstruction: 60, // a fast full emulator's dispatch per guest instruction
    // Round trip 12,500: derived from A&A's hardware VMM, ptemod 12,733 = exit + entry +
    // a traced page-table write (~390, the BT figure below) and `in` 15,826 = exit + entry +
    // the VMM's device path (~3,300, about the native device cost). Merom, a generation
    // later, measures 1,681 for the bare round trip (vmlatency); the rest is VMM software.
    vmExit: 9000,
    vmEntry: 3500,
    translatePerInstruction: 100,
    translationCacheLookup: 30,
    callout: 40, // call/ret under BT adds ~40 cycles (A&A: 51 vs 11)
    chaining: 2,
    vmmEmulatePrivileged: 200,
    reflectTrap: 1500, // BT syscall ~2,000 above native (A&A)
    hiddenPageFault: 2800, // pgfault under BT 3,927 vs native 1,093 (A&A)
    tracedPageTableWrite: 390, // ptemod under adaptive BT 391 (A&A)
    hypercall: 1000,
    machineSwitch: 20000,
  },
};

/** Core 2 Penryn: faster VT-x transitions (vmlatency 1,118), still no EPT or VPID. */
const PENRYN_2008: MachineProfile = {
  name: "penryn-2008",
  description: "Core 2 Penryn, VT-x without EPT or VPID (vmlatency round trip 1,118)",
  year: 2008,
  features: { hardwareAssist: true, nestedPaging: false, taggedTlb: false, pageWalkCache: true, nestedTlb: false, largePages: true },
  costs: {
    ...P4_2006.costs,
    walkReference: 10,
    memoryReference: 5, // model assumption, as p4-2006
    trapEntry: 150,
    trapReturn: 100,
    portIo: 2500,
    privilegedRegisterWrite: 60,
    interpretInstruction: 40,
    vmExit: 600, // round trip 1,118 (Penryn) / 933 (Nehalem), vmlatency: split exit/entry
    vmEntry: 450,
    translatePerInstruction: 60,
    translationCacheLookup: 20,
    callout: 25,
    vmmEmulatePrivileged: 150,
    reflectTrap: 1000,
    hiddenPageFault: 2000, // a handled exit costs ~2,000 (SplitX, Nehalem with EPT)
    tracedPageTableWrite: 300,
    hypercall: 700,
    machineSwitch: 12000,
  },
};

/** Nehalem: the first Intel generation with EPT and VPID (vmlatency 933). */
const NEHALEM_2009: MachineProfile = {
  name: "nehalem-2009",
  description: "Core i7 Nehalem, VT-x with EPT and VPID (vmlatency round trip 933)",
  year: 2009,
  features: { hardwareAssist: true, nestedPaging: true, taggedTlb: true, pageWalkCache: true, nestedTlb: true, largePages: true },
  costs: {
    ...PENRYN_2008.costs,
  },
};

/** Skylake / Coffee Lake: round trips 608 / 512 (vmlatency). */
const MODERN: MachineProfile = {
  name: "skylake-2015",
  description: "Skylake / Coffee Lake, EPT, VPID and walk caches (vmlatency round trips 608 / 512)",
  year: 2015,
  features: { hardwareAssist: true, nestedPaging: true, taggedTlb: true, pageWalkCache: true, nestedTlb: true, largePages: true },
  costs: {
    ...PENRYN_2008.costs,
    walkReference: 6,
    memoryReference: 4, // model assumption, as p4-2006
    trapEntry: 100,
    trapReturn: 70,
    portIo: 2000,
    privilegedRegisterWrite: 40,
    interpretInstruction: 30,
    vmExit: 300, // round trip ~512-608 (vmlatency)
    vmEntry: 250,
    translatePerInstruction: 40,
    callout: 20,
    vmmEmulatePrivileged: 100,
    reflectTrap: 700,
    hiddenPageFault: 1500,
    tracedPageTableWrite: 250,
    hypercall: 400,
    machineSwitch: 8000,
  },
};

export const MACHINE_PROFILES: Readonly<Record<string, MachineProfile>> = {
  "p4-2006": P4_2006,
  "penryn-2008": PENRYN_2008,
  "nehalem-2009": NEHALEM_2009,
  "skylake-2015": MODERN,
};
export const MACHINE_PROFILE_NAMES = Object.keys(MACHINE_PROFILES);
export const DEFAULT_MACHINE_PROFILE = "p4-2006";

export class MachineProfileError extends Error {}

/** A user-defined machine profile from JSON; errors name the file and the field. */
export function loadMachineProfile(file: string): MachineProfile {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(file, "utf8"));
  } catch (e) {
    throw new MachineProfileError(`${file}: ${(e as NodeJS.ErrnoException).code === "ENOENT" ? "no such file" : `malformed JSON (${(e as Error).message})`}`);
  }
  const r = MachineProfileSchema.safeParse(json);
  if (!r.success) {
    const issue = r.error.issues[0]!;
    throw new MachineProfileError(`${file}: field '${issue.path.join(".") || "(top level)"}': ${issue.message}`);
  }
  return r.data;
}

/**
 * A machine with some features switched, for an experiment (an ablation of the walk
 * caches, VPID on a machine that lacks it): `base:feature=on|off[:feature=on|off...]`,
 * e.g. `nehalem-2009:nestedTlb=off:pageWalkCache=off`. The name keeps the switches, so
 * reports say which machine it was.
 */
function withFeatureSwitches(spec: string): MachineProfile | undefined {
  const parts = spec.split(":");
  if (parts.length < 2) return undefined;
  const base = getMachineProfile(parts[0]!);
  const features: Features = { ...base.features };
  for (const part of parts.slice(1)) {
    const m = /^(\w+)=(on|off)$/.exec(part);
    if (!m || !(m[1]! in features)) {
      throw new MachineProfileError(
        `machine '${spec}': '${part}' is not feature=on|off (features: ${Object.keys(base.features).join(", ")})`,
      );
    }
    features[m[1] as FeatureName] = m[2] === "on";
  }
  return { ...base, name: spec, description: `${base.description}; ${parts.slice(1).join(", ")}`, features };
}

/** A built-in profile by name, a JSON file path, or either with feature switches (`nehalem-2009:nestedTlb=off`). */
export function getMachineProfile(nameOrFile: string): MachineProfile {
  const p = MACHINE_PROFILES[nameOrFile];
  if (p) return p;
  const switched = withFeatureSwitches(nameOrFile);
  if (switched) return switched;
  if (nameOrFile.endsWith(".json")) return loadMachineProfile(nameOrFile);
  throw new MachineProfileError(`unknown machine profile '${nameOrFile}' (valid: ${MACHINE_PROFILE_NAMES.join(", ")}, or a .json file)`);
}
