// Bare metal: the guest runs on the simulated machine with nothing between. Every other
// configuration is compared with this run.
import { inject, injectable } from "inversify";
import {
  chargeHardwareEvents, newGuestMachine, trapsOf, watchWorkMarks, TOKENS, type CpuStrategy, type Execution, type GuestSession, type Ledger,
  type MachineProfile, type MemoryStrategy, type StrategyInfo,
} from "@vmlab/core";
import type { Machine } from "@vmlab/isa";
import { runObserved } from "./native-trace.js";

export const NATIVE_INFO: StrategyInfo = {
  name: "native",
  kind: "cpu",
  description: "bare metal: every guest instruction runs directly on the machine (the baseline)",
  requires: {},
  memories: ["direct"],
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
  attach(_machine: Machine): void {}
}

@injectable()
export class NativeCpu implements CpuStrategy {
  readonly info = NATIVE_INFO;

  constructor(
    @inject(TOKENS.Ledger) private readonly ledger: Ledger,
    @inject(TOKENS.MachineProfile) private readonly machineProfile: MachineProfile,
  ) {}

  execute(session: GuestSession): Execution {
    const machine = newGuestMachine(session);
    const marks = watchWorkMarks(machine, session);
    const stop = session.trace
      ? { reason: runObserved(machine, session.budget, session.trace) }
      : machine.run(session.budget);
    const s = machine.stats();
    const costs = this.machineProfile.costs;
    this.ledger.charge("guest execution", "instruction", s.retired, costs.instruction);
    chargeHardwareEvents(this.ledger, costs, s);
    return {
      outcome: stop.reason === "halt" ? "halt" : "budget",
      output: machine.console.text(),
      guestRegisters: Array.from(machine.cpu.regs),
      guestMemory: machine.memory.u8,
      guestInstructions: s.retired,
      executedDirectly: s.retired,
      emulated: 0,
      translated: 0,
      traps: trapsOf(s),
      vmExits: {},
      tlbMisses: s.tlbMisses,
      walkReferences: s.walkReferences,
      pageFaultsHidden: 0,
      pageFaultsReflected: s.trapsByCause.PAGE_FAULT + s.trapsByCause.TLB_MISS,
      audit: [],
      ...marks.result(),
      machine,
    };
  }
}
