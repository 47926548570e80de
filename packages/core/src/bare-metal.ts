// Shared by strategies that run the guest on the simulated machine: the native cost
// model, charged from the machine's event counters.
import { Machine, type MachineStats } from "@vmlab/isa";
import type { Ledger } from "./ledger.js";
import type { MachineProfile } from "./machine-profiles.js";
import type { GuestSession } from "./strategy.js";
import { RegionMarks } from "./region.js";

export function newGuestMachine(session: GuestSession): Machine {
  const machine = new Machine({ profile: session.profile, ...(session.diskContents ? { diskContents: session.diskContents } : {}) });
  session.memory.attach(machine);
  machine.load(session.image);
  return machine;
}

/** The guest's work markers on a machine it runs on directly (native, interpret): told to the session, kept for the Execution. */
export function watchWorkMarks(machine: Machine, session: GuestSession): RegionMarks {
  const marks = new RegionMarks(session.region);
  machine.onWorkMark((value, retired) => marks.mark(value, retired));
  return marks;
}

/** Charges what the hardware itself did: walks, traps, returns, devices, TLB maintenance. */
export function chargeHardwareEvents(ledger: Ledger, costs: MachineProfile["costs"], s: MachineStats): void {
  ledger.charge("memory and walks", "walk reference", s.walkReferences, costs.walkReference);
  const traps = Object.values(s.trapsByCause).reduce((a, b) => a + b, 0);
  ledger.charge("traps", "trap entry", traps, costs.trapEntry);
  ledger.charge("traps", "return from trap", s.trapReturns, costs.trapReturn);
  ledger.charge("device I/O", "port I/O", s.portReads + s.portWrites, costs.portIo);
  ledger.charge("memory and walks", "TLB flush", s.tlbFlushes, costs.tlbFlush);
  ledger.charge("memory and walks", "TLB invalidation", s.tlbInvalidations, costs.tlbInvalidate);
  ledger.charge("traps", "control-register write", s.crWrites, costs.privilegedRegisterWrite);
}

export function trapsOf(s: MachineStats): Record<string, number> {
  return Object.fromEntries(Object.entries(s.trapsByCause).filter(([, n]) => n > 0));
}
