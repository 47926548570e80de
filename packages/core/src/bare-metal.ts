// Shared by strategies that run the guest on the simulated machine.
import { Machine, type MachineStats } from "@vmlab/isa";
import type { GuestSession } from "./strategy.js";

export function newGuestMachine(session: GuestSession): Machine {
  const machine = new Machine({ profile: session.profile, ...(session.diskContents ? { diskContents: session.diskContents } : {}) });
  session.memory.attach(machine);
  machine.load(session.image);
  return machine;
}

export function trapsOf(s: MachineStats): Record<string, number> {
  return Object.fromEntries(Object.entries(s.trapsByCause).filter(([, n]) => n > 0));
}
