// Shared by strategies that run the guest on the simulated machine.
import { Machine, type MachineStats } from "@vmlab/isa";
import type { Execution, GuestSession } from "./strategy.js";
import { RegionMarks } from "./region.js";

export function newGuestMachine(session: GuestSession): Machine {
  const machine = new Machine({ profile: session.profile, ...(session.diskContents ? { diskContents: session.diskContents } : {}) });
  const memory = session.memory;
  if (!memory.attachBareMetal) throw new Error(`memory strategy '${memory.info.name}' serves a monitor; bare metal uses 'direct'`);
  memory.attachBareMetal(machine);
  machine.load(session.image);
  return machine;
}

/** The guest's work markers on a machine it runs on directly (native, interpret): told to the session, kept for the Execution. */
export function watchWorkMarks(machine: Machine, session: GuestSession): RegionMarks {
  const marks = new RegionMarks(session.region);
  machine.onWorkMark((value, retired) => marks.mark(value, retired));
  return marks;
}

export function trapsOf(s: MachineStats): Record<string, number> {
  return Object.fromEntries(Object.entries(s.trapsByCause).filter(([, n]) => n > 0));
}

/**
 * What a guest that had a whole machine to itself (native, interpret) reports: every
 * fault was its own kernel's, nothing was hidden, and nothing was contained. `ran` says
 * how its instructions ran: directly (native) or emulated one by one (interpret).
 */
export function wholeMachineExecution(machine: Machine, ran: "directly" | "emulated"): Omit<Execution, "outcome" | "counts" | "region"> {
  const s = machine.stats();
  const events: Record<string, number> = {};
  if (s.refills > 0) events["TLB misses through the refill vector"] = s.refills;
  if (s.pageWalkCacheHits + s.pageWalkCacheMisses > 0) {
    events["page-walk cache hits"] = s.pageWalkCacheHits;
    events["page-walk cache misses"] = s.pageWalkCacheMisses;
  }
  return {
    output: machine.console.text(),
    guestRegisters: Array.from(machine.cpu.regs),
    guestMemory: machine.memory.u8,
    guestInstructions: s.retired,
    executedDirectly: ran === "directly" ? s.retired : 0,
    emulated: ran === "emulated" ? s.retired : 0,
    translated: 0,
    traps: trapsOf(s),
    vmExits: {},
    tlbMisses: s.tlbMisses,
    walkReferences: s.walkReferences,
    pageFaultsHidden: 0,
    // The machine's faults all reach the guest kernel.
    pageFaultsReflected: s.trapsByCause.PAGE_FAULT + s.trapsByCause.TLB_MISS,
    ...(Object.keys(events).length > 0 ? { events } : {}),
    audit: [],
    machine,
  };
}
