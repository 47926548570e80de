// Machine profiles: hardware generations, each with the features it had and what each
// event costs on it, every cost with its provenance (costs/cost-keys.ts). Published
// figures that set a cost are calibration; costs/validation.ts checks the model against
// others, never the same ones.
import { z } from "zod";
import { readSettingsText, settingsFileProblem } from "@vmlab/isa";
import { COST_KEY_NAMES, type CostKey, type Provenance } from "./costs/cost-keys.js";

/** Cycles one event may cost at most: far past any hardware's, and totals stay finite. */
export const MAX_COST_CYCLES = 1_000_000_000;
export const CostsSchema = z
  .object(
    Object.fromEntries(
      COST_KEY_NAMES.map((k) => [
        k,
        z
          .number()
          .nonnegative()
          .max(MAX_COST_CYCLES, { error: `must be at most ${MAX_COST_CYCLES.toLocaleString("en-US")} cycles` }),
      ]),
    ) as Record<CostKey, z.ZodNumber>,
  )
  .strict();
export type Costs = Record<CostKey, number>;

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

const ProvenanceSchema = z.union([
  z.object({ kind: z.literal("measured"), figures: z.array(z.string()) }).strict(),
  z.object({ kind: z.literal("derived"), figures: z.array(z.string()), arithmetic: z.string() }).strict(),
  z.object({ kind: z.literal("assumed"), why: z.string() }).strict(),
]);

export const MachineProfileSchema = z
  .object({
    name: z.string().min(1),
    description: z.string(),
    /** Year the generation shipped, for tables ordered by time. */
    year: z.number().int(),
    features: FeaturesSchema,
    costs: CostsSchema,
    /** Where each cost comes from; a profile file may leave it out (then: "given in FILE"). */
    provenance: z.record(z.string(), ProvenanceSchema).optional(),
  })
  .strict();

export type MachineProfile = Omit<z.infer<typeof MachineProfileSchema>, "costs" | "provenance"> & {
  readonly costs: Costs;
  readonly provenance?: Partial<Record<CostKey, Provenance>>;
};

type CostTable = Record<CostKey, readonly [number, Provenance]>;

const measured = (...figures: string[]): Provenance => ({ kind: "measured", figures });
const derived = (arithmetic: string, ...figures: string[]): Provenance => ({ kind: "derived", figures, arithmetic });
const assumed = (why: string): Provenance => ({ kind: "assumed", why });

function profile(p: Omit<MachineProfile, "costs" | "provenance">, table: CostTable): MachineProfile {
  const costs = {} as Record<CostKey, number>;
  const provenance = {} as Record<CostKey, Provenance>;
  for (const k of COST_KEY_NAMES) {
    costs[k] = table[k][0];
    provenance[k] = table[k][1];
  }
  return { ...p, costs, provenance };
}

// Pentium 4 672 (Prescott, 3.8 GHz), the machine of Adams & Agesen's measurements.
// Calibration figures: aa06.native.{in,cr8wr,divzero}, aa06.bt.{in,cr8wr,callret,ptemod,divzero},
// aa06.native.callret, aa06.hw.in. Everything else of that paper is validation.
const P4_CALLOUT = 35 - 1;
const P4_DEVICE_MODEL = 214 - P4_CALLOUT - 1;
const P4_EMULATE = 200;
const P4_ROUND_TRIP = 2500;
const P4_EXIT = 1500;
const P4_ENTRY = P4_ROUND_TRIP - P4_EXIT;
const LPC = "an I/O cycle on the same legacy (LPC) bus as port 0x80, whose native `in` A&A measured";
// Hosted monitors. Sugerman et al. (USENIX 2001) on a 733 MHz Pentium III: an IN/OUT that
// switches to VMApp takes 7.45 us, one handled in the monitor 1.36 us; KVM/ARM (ASPLOS
// 2014) on x86: an I/O exit to QEMU 10,985 cycles, one handled in the kernel 3,190.
const P4_HOST_SYSCALL = 1700;
const P4_WORLD_SWITCH = Math.round((5461 - 997 - P4_HOST_SYSCALL) / 2);
const KVM_USER_EXIT = 10985 - 3190;
const userExit = (syscall: number): readonly [number, Provenance] => [
  KVM_USER_EXIT - syscall,
  derived(
    `KVM I/O exit to user space 10,985 - I/O exit handled in the kernel 3,190 - the ioctl back (one host system call, ${syscall.toLocaleString("en-US")}); x86 cycles kept`,
    "kvmarm14.x86.io.user",
    "kvmarm14.x86.io.kernel",
  ),
];

const P4_2006 = profile(
  {
    name: "p4-2006",
    description: "Pentium 4 672 Prescott (3.8 GHz), first-generation VT-x (Adams & Agesen, ASPLOS 2006)",
    year: 2006,
    // VT-x without EPT or VPID (both arrived with Nehalem); no paging-structure caches
    // documented before Core; PSE large pages since the Pentium.
    features: { hardwareAssist: true, nestedPaging: false, taggedTlb: false, pageWalkCache: false, nestedTlb: false, largePages: true },
  },
  {
    instruction: [1, assumed("the model's unit: one cycle per guest instruction run directly (checked against A&A's native call/ret)")],
    walkReference: [20, assumed("a page-table reference that hits the L2 cache (Prescott's L2 load latency is about 20-27 cycles)")],
    trapEntry: [400, derived("native divzero 889 = entry + handler (~190 guest instructions in vmlab's kernel) + return; 700 split 4:3", "aa06.native.divzero")],
    trapReturn: [300, derived("see trapEntry", "aa06.native.divzero")],
    tlbFlush: [200, assumed("a CR3 write: serializing, the refill misses are counted as walks")],
    tlbInvalidate: [100, assumed("INVLPG, serializing, about half a CR3 write")],
    controlRegisterWrite: [140, measured("aa06.native.cr8wr")],
    trapFrameRegisterWrite: [1, assumed("on x86 the saved pc, status and stack pointers are fields of the in-memory trap frame: one store")],
    deviceConsole: [3209, derived(LPC, "aa06.native.in")],
    deviceTimer: [3209, derived(LPC, "aa06.native.in")],
    deviceDisk: [3209, derived(LPC, "aa06.native.in")],
    devicePost: [3209, measured("aa06.native.in")],
    interpretInstruction: [60, assumed("a fast interpreter (Bochs-class) spends 30-100 host cycles per guest instruction")],
    memoryReference: [8, assumed("an L1-resident access plus an emulator's software TLB probe")],
    vmmEmulatePrivileged: [P4_EMULATE, assumed("decoding one instruction and updating the virtual CPU: a few dozen instructions of monitor code")],
    reflectTrap: [3223 - 889 - 2 * P4_CALLOUT, derived("BT divzero 3,223 - native 889 - 2 callouts of the translated handler (2 x 34)", "aa06.bt.divzero", "aa06.native.divzero")],
    deviceEmulation: [P4_DEVICE_MODEL, derived("BT `in` 214 - one callout (34) - the IN itself (1)", "aa06.bt.in", "aa06.bt.cr8wr")],
    shadowFill: [400, assumed("walk the guest table (its references counted apart) and write one shadow entry: about the traced-write emulation's work")],
    tracedWriteEmulation: [391 - P4_CALLOUT - 1, derived("adaptive BT ptemod 391 - one callout (34) - the store itself (1)", "aa06.bt.ptemod", "aa06.bt.cr8wr")],
    softwareTlbRefill: [150, assumed("a hash probe of the second-level software TLB and one TLB write in the monitor (Disco)")],
    hostTableFill: [300, assumed("allocate a machine frame and write one host-table entry")],
    pageTableEntryValidate: [20, assumed("a few loads and checks per entry of a validated batch")],
    hypercallDispatch: [100, assumed("a table dispatch in the monitor; the trap into it and the return are counted as such")],
    machineSwitch: [20000, assumed("saving and restoring a VM's registers, control state and monitor state, with cache and TLB refill: no published figure")],
    translatePerInstruction: [100, assumed("a translator's decode, analysis and emission per guest instruction")],
    translationCacheLookup: [30, assumed("a hash-table probe")],
    callout: [P4_CALLOUT, derived("BT cr8wr 35 - the instruction's own cycle (1)", "aa06.bt.cr8wr")],
    indirectLookup: [51 - 11, derived("BT call/ret 51 - native 11", "aa06.bt.callret", "aa06.native.callret")],
    chaining: [2, assumed("patching one jump")],
    translationInvalidate: [50, assumed("unlinking one translation and its chains")],
    vmExit: [P4_EXIT, assumed("no bare round trip for Prescott among the cited measurements; Merom's (2006) is 1,681 and Prescott's transitions were slower: 2,500 assumed, split 3:2")],
    vmEntry: [P4_ENTRY, assumed("the entry's part of the assumed 2,500-cycle round trip (see vmExit)")],
    exitHandling: [
      15826 - P4_ROUND_TRIP - P4_DEVICE_MODEL - P4_EMULATE - 1,
      derived("hardware VMM `in` 15,826 - round trip 2,500 - device model 179 - emulation 200 - the IN (1)", "aa06.hw.in", "aa06.bt.in"),
    ],
    worldSwitch: [
      P4_WORLD_SWITCH,
      derived(
        `(IN/OUT through VMApp 5,461 - IN/OUT in the monitor 997 - VMApp's ioctl back, one host system call ${P4_HOST_SYSCALL.toLocaleString("en-US")}) / 2 switches; P-III cycles kept: a world switch is serializing control-register, descriptor-table and page-table-base loads, which cost cycles, not time`,
        "sugerman01.io.vmapp",
        "sugerman01.io.vmm",
      ),
    ],
    hostUserExit: [
      KVM_USER_EXIT - P4_HOST_SYSCALL,
      assumed(
        `KVM arrived in 2007, after this generation: the later x86 figure kept in cycles (I/O User - I/O Kernel ${KVM_USER_EXIT.toLocaleString("en-US")} - one host system call, ${P4_HOST_SYSCALL.toLocaleString("en-US")})`,
      ),
    ],
    hostSystemCall: [
      P4_HOST_SYSCALL,
      derived(
        `trap entry 400 + return 300 + an assumed ${(P4_HOST_SYSCALL - 700).toLocaleString("en-US")}-cycle kernel path (a file or device read/write/ioctl of one small request)`,
        "aa06.native.divzero",
      ),
    ],
  },
);

// Core 2 Duo E8400 (Penryn, 3.0 GHz).
const SOFTWARE_AS_NEHALEM = "the same generation of monitor software as nehalem-2009's";
const PENRYN_2008 = profile(
  {
    name: "penryn-2008",
    description: "Core 2 Duo E8400 Penryn (3.0 GHz), VT-x without EPT or VPID (vmlatency round trip 1,118)",
    year: 2008,
    features: { hardwareAssist: true, nestedPaging: false, taggedTlb: false, pageWalkCache: true, nestedTlb: false, largePages: true },
  },
  {
    instruction: [1, assumed("no figure for this generation: p4-2006's value kept")],
    walkReference: [14, assumed("an L2 hit (Penryn's L2 load latency is about 14-15 cycles)")],
    trapEntry: [150, assumed("Core's exception entry, far shorter than the P4's (31-stage pipeline flush)")],
    trapReturn: [100, assumed("see trapEntry")],
    tlbFlush: [200, assumed("no figure for this generation: p4-2006's value kept")],
    tlbInvalidate: [100, assumed("no figure for this generation: p4-2006's value kept")],
    controlRegisterWrite: [60, assumed("a serializing write on Core: less than half the P4's")],
    trapFrameRegisterWrite: [1, assumed("a store, as p4-2006")],
    deviceConsole: [2530, derived("the P4's 3,209 cycles at 3.8 GHz (0.84 us on the LPC bus) at 3.0 GHz", "aa06.native.in")],
    deviceTimer: [2530, derived("as deviceConsole", "aa06.native.in")],
    deviceDisk: [2530, derived("as deviceConsole", "aa06.native.in")],
    devicePost: [2530, derived("as deviceConsole", "aa06.native.in")],
    interpretInstruction: [40, assumed("as p4-2006, on a core of higher IPC")],
    memoryReference: [5, assumed("as p4-2006, on a core of higher IPC")],
    vmmEmulatePrivileged: [150, assumed("as p4-2006, on a core of higher IPC")],
    reflectTrap: [1000, assumed("p4-2006's reflection path on a core with about half the P4's trap costs")],
    deviceEmulation: [150, assumed("p4-2006's device model on a core of higher IPC")],
    shadowFill: [300, assumed("as p4-2006, on a core of higher IPC")],
    tracedWriteEmulation: [300, assumed("p4-2006's traced-write emulation on a core of higher IPC")],
    softwareTlbRefill: [100, assumed("as p4-2006, on a core of higher IPC")],
    hostTableFill: [300, assumed("no figure for this generation: p4-2006's value kept")],
    pageTableEntryValidate: [20, assumed("no figure for this generation: p4-2006's value kept")],
    hypercallDispatch: [80, assumed("as p4-2006, on a core of higher IPC")],
    machineSwitch: [12000, assumed("as p4-2006, on a core of higher IPC")],
    translatePerInstruction: [60, assumed("as p4-2006, on a core of higher IPC")],
    translationCacheLookup: [20, assumed("a hash-table probe")],
    callout: [25, assumed("p4-2006's callout on a core of higher IPC")],
    indirectLookup: [25, assumed("p4-2006's lookup on a core of higher IPC")],
    chaining: [2, assumed("patching one jump")],
    translationInvalidate: [40, assumed("no figure for this generation: p4-2006's value kept")],
    vmExit: [671, derived("round trip 1,118 split 3:2", "vmlatency.penryn")],
    vmEntry: [447, derived("round trip 1,118 split 3:2", "vmlatency.penryn")],
    exitHandling: [1067, assumed(SOFTWARE_AS_NEHALEM)],
    worldSwitch: [600, assumed("p4-2006's world switch on a core whose serializing control-register writes cost less than half the P4's (60 against 140)")],
    hostUserExit: [KVM_USER_EXIT - 850, assumed(`KVM on Penryn: the later x86 figure kept in cycles (I/O User - I/O Kernel ${KVM_USER_EXIT.toLocaleString("en-US")} - one host system call, 850)`)],
    hostSystemCall: [850, derived("trap entry 150 + return 100 + an assumed 600-cycle kernel path (p4-2006's 1,000 on a core of higher IPC)", "aa06.native.divzero")],
  },
);

// Core i7 920 (Nehalem, 2.66 GHz): EPT and VPID.
const NEHALEM_2009 = profile(
  {
    name: "nehalem-2009",
    description: "Core i7 920 Nehalem (2.66 GHz), VT-x with EPT and VPID (vmlatency round trip 933)",
    year: 2009,
    features: { hardwareAssist: true, nestedPaging: true, taggedTlb: true, pageWalkCache: true, nestedTlb: true, largePages: true },
  },
  {
    ...(Object.fromEntries(
      COST_KEY_NAMES.map((k) => [k, [PENRYN_2008.costs[k], assumed(`no separate figure for Nehalem: penryn-2008's value kept (there ${PENRYN_2008.provenance![k]!.kind})`)]]),
    ) as unknown as CostTable),
    walkReference: [10, assumed("an L2 hit (Nehalem's L2 load latency is about 10 cycles)")],
    deviceConsole: [2240, derived("the P4's 0.84 us per LPC-bus I/O cycle at 2.66 GHz", "aa06.native.in")],
    deviceTimer: [2240, derived("as deviceConsole", "aa06.native.in")],
    deviceDisk: [2240, derived("as deviceConsole", "aa06.native.in")],
    devicePost: [2240, derived("as deviceConsole", "aa06.native.in")],
    vmExit: [560, derived("round trip 933 split 3:2", "vmlatency.nehalem")],
    vmEntry: [373, derived("round trip 933 split 3:2", "vmlatency.nehalem")],
    exitHandling: [2000 - 933, derived("a handled exit of about 2,000 (KVM, Nehalem, EPT) - the bare round trip 933", "splitx.nehalem.exit", "vmlatency.nehalem")],
    hostUserExit: userExit(850),
  },
);

// Core i7 6700K (Skylake, 4.0 GHz).
const SKYLAKE_2015 = profile(
  {
    name: "skylake-2015",
    description: "Core i7 6700K Skylake (4.0 GHz), EPT, VPID and walk caches (vmlatency round trip 608)",
    year: 2015,
    features: { hardwareAssist: true, nestedPaging: true, taggedTlb: true, pageWalkCache: true, nestedTlb: true, largePages: true },
  },
  {
    instruction: [1, assumed("no figure for this generation: p4-2006's value kept")],
    walkReference: [12, assumed("an L2 hit (Skylake's L2 load latency is about 12 cycles)")],
    trapEntry: [100, assumed("a modern core's exception entry")],
    trapReturn: [70, assumed("see trapEntry")],
    tlbFlush: [200, assumed("no figure for this generation: p4-2006's value kept")],
    tlbInvalidate: [100, assumed("no figure for this generation: p4-2006's value kept")],
    controlRegisterWrite: [40, assumed("a serializing write on a modern core")],
    trapFrameRegisterWrite: [1, assumed("a store, as p4-2006")],
    deviceConsole: [3380, derived("the P4's 0.84 us per LPC-bus I/O cycle at 4.0 GHz", "aa06.native.in")],
    deviceTimer: [3380, derived("as deviceConsole", "aa06.native.in")],
    deviceDisk: [3380, derived("as deviceConsole", "aa06.native.in")],
    devicePost: [3380, derived("as deviceConsole", "aa06.native.in")],
    interpretInstruction: [30, assumed("as p4-2006, on a core of higher IPC")],
    memoryReference: [4, assumed("as p4-2006, on a core of higher IPC")],
    vmmEmulatePrivileged: [100, assumed("as p4-2006, on a core of higher IPC")],
    reflectTrap: [700, assumed("p4-2006's reflection path on a core with a quarter of the P4's trap costs")],
    deviceEmulation: [100, assumed("p4-2006's device model on a core of higher IPC")],
    shadowFill: [250, assumed("as p4-2006, on a core of higher IPC")],
    tracedWriteEmulation: [250, assumed("p4-2006's traced-write emulation on a core of higher IPC")],
    softwareTlbRefill: [80, assumed("as p4-2006, on a core of higher IPC")],
    hostTableFill: [250, assumed("as p4-2006, on a core of higher IPC")],
    pageTableEntryValidate: [15, assumed("as p4-2006, on a core of higher IPC")],
    hypercallDispatch: [60, assumed("as p4-2006, on a core of higher IPC")],
    machineSwitch: [8000, assumed("as p4-2006, on a core of higher IPC")],
    translatePerInstruction: [40, assumed("as p4-2006, on a core of higher IPC")],
    translationCacheLookup: [20, assumed("a hash-table probe")],
    callout: [20, assumed("p4-2006's callout on a core of higher IPC")],
    indirectLookup: [20, assumed("p4-2006's lookup on a core of higher IPC")],
    chaining: [2, assumed("patching one jump")],
    translationInvalidate: [30, assumed("no figure for this generation: p4-2006's value kept")],
    vmExit: [365, derived("round trip 608 split 3:2", "vmlatency.skylake")],
    vmEntry: [243, derived("round trip 608 split 3:2", "vmlatency.skylake")],
    exitHandling: [1067, assumed(SOFTWARE_AS_NEHALEM)],
    worldSwitch: [400, assumed("p4-2006's world switch on a core whose serializing control-register writes cost under a third of the P4's (40 against 140)")],
    hostUserExit: userExit(570),
    hostSystemCall: [570, derived("trap entry 100 + return 70 + an assumed 400-cycle kernel path (p4-2006's 1,000 on a modern core)", "aa06.native.divzero")],
  },
);

export const MACHINE_PROFILES: Readonly<Record<string, MachineProfile>> = {
  "p4-2006": P4_2006,
  "penryn-2008": PENRYN_2008,
  "nehalem-2009": NEHALEM_2009,
  "skylake-2015": SKYLAKE_2015,
};
export const MACHINE_PROFILE_NAMES = Object.keys(MACHINE_PROFILES);
export const DEFAULT_MACHINE_PROFILE = "p4-2006";

export class MachineProfileError extends Error {}

/** A user-defined machine profile from JSON; errors name the file and the field. */
export function loadMachineProfile(file: string): MachineProfile {
  let json: unknown;
  try {
    json = JSON.parse(readSettingsText(file));
  } catch (e) {
    throw new MachineProfileError(`${file}: ${settingsFileProblem(e)}`);
  }
  const r = MachineProfileSchema.safeParse(json);
  if (!r.success) {
    const issue = r.error.issues[0]!;
    throw new MachineProfileError(`${file}: field '${issue.path.join(".") || "(top level)"}': ${issue.message}`);
  }
  const given: Provenance = { kind: "assumed", why: `given in ${file}` };
  return { ...r.data, provenance: Object.fromEntries(COST_KEY_NAMES.map((k) => [k, (r.data.provenance?.[k] as Provenance | undefined) ?? given])) };
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
    if (!m || !Object.hasOwn(features, m[1]!)) {
      throw new MachineProfileError(`machine '${spec}': '${part}' is not feature=on|off (features: ${Object.keys(base.features).join(", ")})`);
    }
    features[m[1] as FeatureName] = m[2] === "on";
  }
  return { ...base, name: spec, description: `${base.description}; ${parts.slice(1).join(", ")}`, features };
}

/** Whether `m` is a built-in profile itself (so its name gives it back). */
export function isBuiltinMachineProfile(m: MachineProfile): boolean {
  return Object.hasOwn(MACHINE_PROFILES, m.name) && MACHINE_PROFILES[m.name] === m;
}

/** A built-in profile by name, a JSON file path, or either with feature switches (`nehalem-2009:nestedTlb=off`). */
export function getMachineProfile(nameOrFile: string): MachineProfile {
  if (Object.hasOwn(MACHINE_PROFILES, nameOrFile)) return MACHINE_PROFILES[nameOrFile]!;
  const switched = withFeatureSwitches(nameOrFile);
  if (switched) return switched;
  if (nameOrFile.endsWith(".json")) return loadMachineProfile(nameOrFile);
  throw new MachineProfileError(`unknown machine profile '${nameOrFile}' (valid: ${MACHINE_PROFILE_NAMES.join(", ")}, or a .json file)`);
}
