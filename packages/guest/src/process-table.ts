// The guest kernel's process table as it lies in guest-physical memory (KERNEL.md,
// "Processes"): slots of PROCESS_SLOT_BYTES at the kernel's `proc_table`, and `current`
// holding the kseg0 address of the running process's slot. Read by pictures of a VM's
// memory, which need the page-table root of a process; the offsets are kernel.s's
// .equ values (a test holds them equal).
import { KSEG_BASE } from "@vmlab/isa";

export const PROCESS_SLOTS = 16;
export const PROCESS_SLOT_BYTES = 128;
/** Byte offsets of a slot's fields (kernel.s: P_STATE, P_PID, P_PARENT, P_ROOT, P_BRK). */
export const PROCESS_FIELDS = { state: 72, pid: 76, parent: 80, root: 88, brk: 92 } as const;
/** Slot states, by number (kernel.s: S_FREE .. S_ZOMBIE). */
export const PROCESS_STATES = ["free", "ready", "running", "blocked", "zombie"] as const;
export type ProcessState = (typeof PROCESS_STATES)[number];

export interface GuestProcess {
  readonly slot: number;
  readonly pid: number;
  readonly parent: number;
  readonly state: ProcessState | "unknown";
  /** Guest-physical root of its page table (the kernel's own table on a software-TLB profile). */
  readonly root: number;
  /** The break: its heap ends here. */
  readonly brk: number;
  /** The slot `current` points at. */
  readonly current: boolean;
}

/**
 * The processes of the guest kernel whose image has `symbols`, in slot order, reading
 * guest-physical words with `read32`; free slots left out. Undefined for a kernel
 * without vmlab's process table (a scenario's own kernel).
 */
export function readProcessTable(symbols: Readonly<Record<string, number>>, read32: (guestPhysical: number) => number): GuestProcess[] | undefined {
  const table = symbols.proc_table;
  const current = symbols.current;
  if (table === undefined || current === undefined) return undefined;
  const base = (table - KSEG_BASE) >>> 0;
  const running = (read32((current - KSEG_BASE) >>> 0) - KSEG_BASE) >>> 0;
  const out: GuestProcess[] = [];
  for (let slot = 0; slot < PROCESS_SLOTS; slot++) {
    const at = base + slot * PROCESS_SLOT_BYTES;
    const state = read32(at + PROCESS_FIELDS.state);
    if (state === 0) continue;
    out.push({
      slot,
      pid: read32(at + PROCESS_FIELDS.pid),
      parent: read32(at + PROCESS_FIELDS.parent),
      state: PROCESS_STATES[state] ?? "unknown",
      root: read32(at + PROCESS_FIELDS.root) >>> 0,
      brk: read32(at + PROCESS_FIELDS.brk) >>> 0,
      current: at === running,
    });
  }
  return out;
}
