// Shared by strategies that run the guest on the simulated machine.
import { Machine, type MachineStats } from "@vmlab/isa";
import type { GuestSession } from "./strategy.js";
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
