// The part of the CPU's state that belongs to the software running on it: what a machine
// switch between virtual machines saves and restores (Cpu.saveContext / restoreContext).
// Decoded instructions and the per-access translation caches are not in it: they follow
// from memory and the translation state, and restoring drops the caches.
import { DEVICE_NAMES, NUM_CRS, NUM_REGS } from "../arch.js";
import type { VmControl } from "../vmx.js";
import type { CpuCounters } from "./cpu.js";

export class CpuContext {
  readonly regs = new Int32Array(NUM_REGS);
  pc = 0;
  flags = 0;
  mode = 0;
  readonly crs = new Int32Array(NUM_CRS);
  halted = false;
  retired = 0;
  timerPeriod = 0;
  timerDeadline = Infinity;
  timerPending = false;
  readonly intercept = new Uint8Array(16);
  readonly trapsByCause = new Float64Array(16);
  readonly sensitiveInUserMode = new Float64Array(256);
  readonly sensitiveAtRing1 = new Float64Array(256);
  readonly firstSensitivePc = new Float64Array(512).fill(-1);
  readonly firstSensitiveAt = new Float64Array(512);
  counters: CpuCounters | undefined = undefined;
  /** Port accesses by device and control-register writes by register, for the owner's cost counts. */
  readonly deviceAccesses = new Float64Array(DEVICE_NAMES.length);
  readonly crWritesByRegister = new Float64Array(NUM_CRS);
  /** Where the owner's work markers go (a hardware-assist monitor lets them run in guest mode). */
  workMark: ((value: number, retired: number) => void) | undefined = undefined;
  guestMode = false;
  vmcs: VmControl | undefined = undefined;
  codeWritten: ((pa: number, end: number) => void) | undefined = undefined;
  /** The TLB tag new translations carry (a VPID; 0 = untagged). */
  tlbTag = 0;
}
