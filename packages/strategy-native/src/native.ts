// Bare metal: the guest runs on the simulated machine with nothing between. Every other
// configuration is compared with this run.
import { injectable } from "inversify";
import {
  count,
  hardwareEvents,
  newGuestMachine,
  wholeMachineExecution,
  watchWorkMarks,
  type CpuStrategy,
  type EventCounts,
  type Execution,
  type GuestSession,
  type MemoryStrategy,
  type StrategyInfo,
} from "@vmlab/core";
import type { Machine } from "@vmlab/isa";
import { runObserved } from "./native-trace.js";

export const NATIVE_INFO: StrategyInfo = {
  name: "native",
  kind: "cpu",
  description: "bare metal: every guest instruction runs directly on the machine (the baseline)",
  requires: {},
  memories: ["direct"],
  hosting: { refused: "bare metal runs no monitor: there is nothing to host (the baseline every hosted run is compared with)" },
};

export const DIRECT_INFO: StrategyInfo = {
  name: "direct",
  kind: "memory",
  description: "the hardware's own MMU (software TLB or page-table walker) driven by the guest; no monitor in between",
  requires: {},
};

@injectable()
export class DirectMemory implements MemoryStrategy {
  readonly info = DIRECT_INFO;
  readonly ringCompression = false;
  /** The guest drives the machine's own MMU: nothing to prepare. */
  attachBareMetal(_machine: Machine): void {}
}

@injectable()
export class NativeCpu implements CpuStrategy {
  readonly info = NATIVE_INFO;

  execute(session: GuestSession): Execution {
    const machine = newGuestMachine(session);
    const counts = (): EventCounts => {
      const s = machine.stats();
      const c: EventCounts = {};
      count(c, "instruction", s.retired);
      return hardwareEvents(s, c);
    };
    session.region?.countWith?.(counts);
    // Paging-structure caches exist natively too (Intel since the Core generation): the
    // baseline walks through them where the machine has them, as nested paging does.
    machine.cpu.setFeatures({ pageWalkCache: session.machineProfile.features.pageWalkCache });
    const marks = watchWorkMarks(machine, session);
    const stop = session.trace ? { reason: runObserved(machine, session.budget, session.trace) } : machine.run(session.budget);
    return {
      ...wholeMachineExecution(machine, "directly"),
      counts: counts(),
      outcome: stop.reason === "halt" ? "halt" : "budget",
      ...marks.result(),
    };
  }
}
