// What each cost is: one hardware or software event's cycles. Machine profiles give each
// a value and a provenance; events.ts says which counted event is priced by which cost.

export const COST_KEYS = {
  // The hardware, natively.
  instruction: "one guest instruction run directly (or from a translation cache), CPI",
  walkReference: "one page-table reference made by a hardware walk (a TLB miss)",
  trapEntry: "the hardware's entry into a trap or interrupt handler",
  trapReturn: "the hardware's return from a trap handler",
  tlbFlush: "a TLB flush (page-table base write)",
  tlbInvalidate: "one TLB entry invalidated",
  controlRegisterWrite: "a serializing control-register write (task priority, trap vector)",
  trapFrameRegisterWrite: "a write of a register x86 keeps in memory (trap frame, stack pointers) or MIPS moves in a cycle (scratch, Context)",
  deviceConsole: "one port access to the console (a UART on the legacy bus)",
  deviceTimer: "one port access to the interval timer",
  deviceDisk: "one port access to the disk controller's registers",
  devicePost: "one port access to the diagnostic port 0x80",
  // Software emulation.
  interpretInstruction: "an interpreter's dispatch and execution of one guest instruction",
  memoryReference: "one guest memory reference made in software through an emulated MMU",
  // A monitor's software paths (the hardware traps and returns around them are counted as such).
  vmmEmulatePrivileged: "the monitor decoding and emulating one privileged instruction on the virtual CPU",
  reflectTrap: "the monitor reflecting a trap into the guest kernel's handler",
  deviceEmulation: "the monitor's device model handling one virtual device register access",
  shadowFill: "the monitor filling one shadow page-table entry after a hidden page fault",
  tracedWriteEmulation: "the monitor emulating one write to a traced guest page table and updating its shadow",
  softwareTlbRefill: "the monitor installing one TLB entry from its second-level software TLB or pmap",
  hostTableFill: "the monitor mapping one guest-physical page in the host (EPT) tables at an EPT violation",
  pageTableEntryValidate: "the paravirtual monitor validating and copying one guest page-table entry",
  hypercallDispatch: "the monitor's dispatch of one hypercall (the trap into it and the return are counted as such)",
  machineSwitch: "saving one VM's state and restoring another's on the machine",
  // Binary translation.
  translatePerInstruction: "translating one guest instruction into the translation cache",
  translationCacheLookup: "a translation-cache lookup on an unchained exit",
  callout: "a call from translated code into the monitor (and back)",
  indirectLookup: "an indirect control transfer (return, jump through a register) looked up in translated code",
  chaining: "chaining one translated block to its successor",
  translationInvalidate: "discarding one translation after a write to its guest code",
  // Hardware assist.
  vmExit: "the hardware's VM exit (guest mode to the monitor)",
  vmEntry: "the hardware's VM entry (the monitor to guest mode)",
  exitHandling: "the monitor's software handling one VM exit (decode, dispatch, state sync), beyond any emulation counted apart",
  // A hosted (Type 2) monitor: the device models live in a process of a host OS.
  worldSwitch: "one switch between a hosted monitor's world and the host OS's (VMware Workstation's VMM and host), either way",
  hostUserExit: "the host kernel handing an exit to the monitor's user-level process (KVM to QEMU: the return from ioctl and the process's dispatch), beyond an exit handled in the kernel",
  hostSystemCall: "one system call of the host OS made by the monitor's user-level process (read, write, ioctl), entry, kernel path and return",
} as const;

export type CostKey = keyof typeof COST_KEYS;
export const COST_KEY_NAMES = Object.keys(COST_KEYS) as CostKey[];

/** Where a cost's value comes from. */
export type Provenance =
  /** Taken as published: the figure ids of published.ts. */
  | { readonly kind: "measured"; readonly figures: readonly string[] }
  /** Computed from published figures (and other costs) by the arithmetic shown. */
  | { readonly kind: "derived"; readonly figures: readonly string[]; readonly arithmetic: string }
  /** No published figure: the reason for this value. */
  | { readonly kind: "assumed"; readonly why: string };

/**
 * A named combination of costs a sweep can set as one (the exit + entry round trip, say):
 * setting it scales its parts in proportion, so the profile's split is kept.
 */
export const DERIVED_PARAMETERS: Readonly<Record<string, { readonly description: string; readonly of: readonly CostKey[] }>> = {
  vmRoundTrip: { description: "VM exit + VM entry (the bare round trip vmlatency measures)", of: ["vmExit", "vmEntry"] },
  handledExit: { description: "VM exit + exit handling + VM entry (an exit a monitor handles, as SplitX measures)", of: ["vmExit", "exitHandling", "vmEntry"] },
  trapRoundTrip: { description: "trap entry + return from trap", of: ["trapEntry", "trapReturn"] },
};

/** The value of a cost or derived parameter. */
export function parameterValue(costs: Readonly<Record<CostKey, number>>, name: string): number | undefined {
  if (name in COST_KEYS) return costs[name as CostKey];
  const d = DERIVED_PARAMETERS[name];
  return d ? d.of.reduce((s, k) => s + costs[k], 0) : undefined;
}

/** Costs with one cost or derived parameter set to `value` (a derived one's parts scaled in proportion). */
export function withParameter<T extends Readonly<Record<CostKey, number>>>(costs: T, name: string, value: number): T {
  if (name in COST_KEYS) return { ...costs, [name]: value };
  const d = DERIVED_PARAMETERS[name];
  if (!d) throw new Error(`unknown cost '${name}'`);
  const total = d.of.reduce((s, k) => s + costs[k], 0);
  const out: Record<string, number> = { ...costs };
  for (const k of d.of) out[k] = total === 0 ? value / d.of.length : (costs[k] * value) / total;
  return out as T;
}
