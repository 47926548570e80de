// What a monitor's memory strategy sees of the virtual machine it serves.
import type { Machine } from "@vmlab/isa";
import type { GuestMemory, MonitorFrames } from "./guest-memory.js";
import type { TraceSink } from "./trace-events.js";
import type { VirtualCpu } from "./virtual-cpu.js";

/** A fault the guest must see, as its own MMU would have raised it. */
export interface GuestFault {
  cause: number;
  address: number;
  access: number;
  protection: boolean;
}

export interface VmContext {
  readonly machine: Machine;
  readonly guest: GuestMemory;
  readonly vcpu: VirtualCpu;
  readonly frames: MonitorFrames;
  /** Filled by a memory strategy that answers "reflect" or fails a guest translation. */
  readonly fault: GuestFault;
  readonly trace: TraceSink | undefined;
  /** The deprivileged guest kernel runs at ring 1 (ring compression), not in user mode. */
  readonly kernelAtRing1?: boolean;
  /** Resource control: records an attempt to reach outside the VM. */
  audit(message: string): void;
}

/** Records the fault the guest must see in `vm.fault`. */
export function setFault(vm: VmContext, cause: number, va: number, access: number, protection: boolean): void {
  const f = vm.fault;
  f.cause = cause;
  f.address = va >>> 0;
  f.access = access;
  f.protection = protection;
}

/** What a monitor's memory strategy did with a real page fault or TLB miss. */
export const FAULT_HIDDEN = 0; // filled by the monitor; the guest never knows
export const FAULT_REFLECT = 1; // a true guest fault: deliver `fault` to the guest kernel
export const FAULT_TRACED = 2; // a permitted write to a traced guest page table
export type FaultDisposition = typeof FAULT_HIDDEN | typeof FAULT_REFLECT | typeof FAULT_TRACED;
