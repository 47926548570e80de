// The one cost path: strategies count what happened (events), and core alone turns the
// counts into cycles through this table (event -> cost -> ledger category).
import { CR, CR_NAMES, DEVICE_NAMES, isTrapFrameRegister, type MachineStats } from "@vmlab/isa";
import type { Category } from "../ledger.js";
import type { CostKey } from "./cost-keys.js";

interface EventInfo {
  readonly cost: CostKey;
  readonly category: Category;
  /** The ledger line's name. */
  readonly label: string;
}

const e = (cost: CostKey, category: Category, label: string): EventInfo => ({ cost, category, label });

export const EVENTS = {
  // The hardware.
  instruction: e("instruction", "guest execution", "instruction"),
  walkReference: e("walkReference", "memory and walks", "walk reference"),
  tlbFlush: e("tlbFlush", "memory and walks", "TLB flush"),
  tlbInvalidate: e("tlbInvalidate", "memory and walks", "TLB invalidation"),
  trapEntry: e("trapEntry", "traps", "trap entry"),
  trapReturn: e("trapReturn", "traps", "return from trap"),
  controlRegisterWrite: e("controlRegisterWrite", "traps", "control-register write (TPR, TVEC, trap gate)"),
  // A page-table base write flushes the TLB, as a monitor's own switch of tables does.
  pageTableBaseWrite: e("tlbFlush", "memory and walks", "page-table base write (TLB flush)"),
  trapFrameRegisterWrite: e("trapFrameRegisterWrite", "traps", "trap-frame register write"),
  consoleAccess: e("deviceConsole", "device I/O", "console port access"),
  timerAccess: e("deviceTimer", "device I/O", "timer port access"),
  diskAccess: e("deviceDisk", "device I/O", "disk controller port access"),
  postAccess: e("devicePost", "device I/O", "port 0x80 access"),
  // Behind a virtual device: the monitor's driver touching the real one.
  consoleBackend: e("deviceConsole", "device I/O", "real console access behind the virtual one"),
  diskBackend: e("deviceDisk", "device I/O", "real disk register access behind the virtual one"),
  // Emulation.
  interpretedInstruction: e("interpretInstruction", "VMM emulation", "emulated instruction"),
  emulatedMemoryReference: e("memoryReference", "memory and walks", "emulated memory reference"),
  // A monitor's paths.
  monitorTrap: e("trapEntry", "traps", "trap from translated code to the monitor"),
  monitorReturn: e("trapReturn", "traps", "monitor's return to the guest"),
  privilegedEmulated: e("vmmEmulatePrivileged", "VMM emulation", "privileged instruction emulated"),
  trapReflected: e("reflectTrap", "VMM emulation", "trap reflected to the guest kernel"),
  deviceModel: e("deviceEmulation", "VMM emulation", "virtual device register emulated"),
  hypercall: e("hypercallDispatch", "VMM emulation", "hypercall dispatched"),
  shadowFill: e("shadowFill", "memory and walks", "hidden page fault (shadow entry filled)"),
  shadowRootSwitch: e("tlbFlush", "memory and walks", "shadow root switch (TLB flush)"),
  tracedWrite: e("tracedWriteEmulation", "memory and walks", "traced page-table write emulated"),
  adaptivePageTableWrite: e("tracedWriteEmulation", "memory and walks", "page-table write by adaptive callout"),
  softwareTlbRefill: e("softwareTlbRefill", "memory and walks", "TLB refill from the virtual TLB"),
  kseg0Mapped: e("softwareTlbRefill", "memory and walks", "kseg0 page mapped by the monitor"),
  hostTableFill: e("hostTableFill", "memory and walks", "EPT violation filled"),
  pageTableEntryValidated: e("pageTableEntryValidate", "memory and walks", "page-table entry validated and copied"),
  addressSpaceSwitch: e("tlbFlush", "memory and walks", "address-space switch (TLB flush)"),
  machineSwitch: e("machineSwitch", "machine switch", "machine switch (save one VM's state, restore another's)"),
  // Binary translation.
  translated: e("translatePerInstruction", "translation", "guest instruction translated"),
  translationCacheLookup: e("translationCacheLookup", "translation", "translation-cache lookup (unchained exit)"),
  callout: e("callout", "translation", "callout"),
  indirectTransfer: e("indirectLookup", "translation", "indirect control transfer (lookup)"),
  blockChained: e("chaining", "translation", "block chained"),
  translationInvalidated: e("translationInvalidate", "translation", "translation invalidated"),
  // Hardware assist.
  vmExit: e("vmExit", "VM exits/entries", "VM exit"),
  vmEntry: e("vmEntry", "VM exits/entries", "VM entry"),
  exitHandled: e("exitHandling", "VM exits/entries", "VM exit handled by the monitor's software"),
  exitEmulated: e("vmmEmulatePrivileged", "VMM emulation", "instruction emulated at a VM exit"),
  // A hosted monitor: a device access served by its user-level process.
  worldSwitch: e("worldSwitch", "host crossings", "world switch (monitor's world <-> host's)"),
  userSpaceExit: e("hostUserExit", "host crossings", "exit to the user-level process (host kernel -> user)"),
  hostSystemCall: e("hostSystemCall", "host crossings", "host system call (ioctl, read, write)"),
} as const satisfies Record<string, EventInfo>;

export type EventName = keyof typeof EVENTS;
export type EventCounts = Partial<Record<EventName, number>>;

/** Adds `n` events of `name` to `counts` (skipping zeros keeps results small). */
export function count(counts: EventCounts, name: EventName, n: number): void {
  if (n !== 0) counts[name] = (counts[name] ?? 0) + n;
}

/** Adds every count of `more` into `into`. */
export function addCounts(into: EventCounts, more: EventCounts): EventCounts {
  for (const [k, v] of Object.entries(more) as [EventName, number][]) count(into, k, v);
  return into;
}

/** `after - before`, event by event (a region's counts from two snapshots). */
export function subtractCounts(after: EventCounts, before: EventCounts): EventCounts {
  const out: EventCounts = {};
  for (const [k, v] of Object.entries(after) as [EventName, number][]) count(out, k, v - (before[k] ?? 0));
  return out;
}

const NATIVE_DEVICE_EVENT: Record<(typeof DEVICE_NAMES)[number], EventName | undefined> = {
  console: "consoleAccess",
  timer: "timerAccess",
  disk: "diskAccess",
  post: "postAccess",
  none: undefined, // the work marker and unclaimed ports: a simulator pseudo-device, free
};

/** What the machine's hardware did itself: walks, traps, returns, devices, TLB and control-register writes. */
export function hardwareEvents(s: MachineStats, counts: EventCounts = {}): EventCounts {
  count(counts, "walkReference", s.walkReferences);
  let traps = 0;
  for (const n of Object.values(s.trapsByCause)) traps += n;
  count(counts, "trapEntry", traps);
  count(counts, "trapReturn", s.trapReturns);
  count(counts, "tlbFlush", s.tlbFlushes);
  count(counts, "tlbInvalidate", s.tlbInvalidations);
  DEVICE_NAMES.forEach((d, i) => {
    const ev = NATIVE_DEVICE_EVENT[d];
    if (ev) count(counts, ev, s.deviceAccesses[i] ?? 0);
  });
  CR_NAMES.forEach((_, cr) => count(counts, cr === CR.PTBR ? "pageTableBaseWrite" : isTrapFrameRegister(cr) ? "trapFrameRegisterWrite" : "controlRegisterWrite", s.crWritesByRegister[cr] ?? 0));
  return counts;
}

/**
 * Virtual device accesses the monitor's device models handled, by device: each costs the
 * model, and the console's and disk's also the real device access behind them (the
 * monitor's own driver programs the real device). The timer is kept in software and port
 * 0x80 reaches nothing: the one case where a virtual access is cheaper than native.
 */
export function virtualDeviceEvents(byDevice: ArrayLike<number>, counts: EventCounts = {}): EventCounts {
  DEVICE_NAMES.forEach((d, i) => {
    const n = byDevice[i] ?? 0;
    if (d === "none") return;
    count(counts, "deviceModel", n);
    if (d === "console") count(counts, "consoleBackend", n);
    if (d === "disk") count(counts, "diskBackend", n);
  });
  return counts;
}

/**
 * How a hosted monitor reaches the user-level process that emulates its devices:
 * "world-switch" (VMware Workstation: the monitor runs in a world of its own, and leaves
 * it for the host's and comes back), "user-exit" (KVM: the monitor is in the host kernel,
 * and an exit it cannot handle there returns from QEMU's ioctl to QEMU).
 */
export type HostCrossing = "world-switch" | "user-exit";

/**
 * Device accesses of a hosted monitor served by its user-level process: each access to
 * the console or the disk leaves the monitor (two world switches, or one exit to user
 * space) and comes back by the process's ioctl (a host system call); each that moves data
 * (a console byte, a disk sector's transfer) is also a read or write on the host. The
 * timer and port 0x80 stay in the monitor, as on bare metal.
 */
export function hostedDeviceEvents(byDevice: ArrayLike<number>, transfers: number, crossing: HostCrossing, counts: EventCounts = {}): EventCounts {
  let exits = 0;
  DEVICE_NAMES.forEach((d, i) => {
    if (d === "console" || d === "disk") exits += byDevice[i] ?? 0;
  });
  if (crossing === "world-switch") count(counts, "worldSwitch", 2 * exits);
  else count(counts, "userSpaceExit", exits);
  count(counts, "hostSystemCall", exits + transfers);
  return counts;
}
