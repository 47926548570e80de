// Full software emulation: the monitor takes every guest instruction in turn, the way
// full emulators (Bochs, QEMU's interpreter) do, and charges an emulation cost for
// each. Nothing runs directly, so efficiency is 0.
import { inject, injectable } from "inversify";
import {
  chargeHardwareEvents, newGuestMachine, trapsOf, TOKENS, type CpuStrategy, type Execution, type GuestSession, type Ledger,
  type MachineProfile, type StrategyInfo,
} from "@vmlab/core";
import { BY_OPCODE } from "@vmlab/isa";

export const INTERPRET_INFO: StrategyInfo = {
  name: "interpret",
  kind: "cpu",
  description: "every guest instruction emulated in software, one at a time, charged at an emulation cost each",
  requires: {},
  memories: ["direct"],
};

/** Instruction groups the emulator's dispatch distinguishes. */
const GROUPS = ["alu", "compare", "memory", "stack", "branch", "system", "undefined"] as const;

@injectable()
export class InterpretCpu implements CpuStrategy {
  readonly info = INTERPRET_INFO;
  /** Emulated instructions by group, from the last run. */
  readonly byGroup: Record<(typeof GROUPS)[number], number> = Object.fromEntries(GROUPS.map((g) => [g, 0])) as never;

  constructor(
    @inject(TOKENS.Ledger) private readonly ledger: Ledger,
    @inject(TOKENS.MachineProfile) private readonly machineProfile: MachineProfile,
  ) {}

  execute(session: GuestSession): Execution {
    const machine = newGuestMachine(session);
    const cpu = machine.cpu;
    const end = session.budget;
    let outcome: "halt" | "budget" = "budget";
    // One dispatch per guest instruction: look at the instruction the guest is about to
    // run (the monitor's decode), then carry it out and account for it.
    while (cpu.retired < end) {
      const pa = cpu.mode === 0 && cpu.pc >= 0x80000000 ? cpu.pc - 0x80000000 : -1;
      const info = pa >= 0 && pa < machine.memory.size ? BY_OPCODE[machine.memory.u8[pa + 3]!] : undefined;
      this.byGroup[info ? info.group : "undefined"]++;
      const stop = machine.run(1);
      if (stop.reason === "halt") {
        outcome = "halt";
        break;
      }
    }
    const s = machine.stats();
    const costs = this.machineProfile.costs;
    this.ledger.charge("VMM emulation", "emulated instruction", s.retired, costs.interpretInstruction);
    chargeHardwareEvents(this.ledger, costs, s);
    return {
      outcome,
      output: machine.console.text(),
      guestRegisters: Array.from(cpu.regs),
      guestMemory: machine.memory.u8,
      guestInstructions: s.retired,
      executedDirectly: 0,
      emulated: s.retired,
      translated: 0,
      traps: trapsOf(s),
      vmExits: {},
      tlbMisses: s.tlbMisses,
      walkReferences: s.walkReferences,
      pageFaultsHidden: 0,
      pageFaultsReflected: s.trapsByCause.PAGE_FAULT + s.trapsByCause.TLB_MISS,
      audit: [],
      machine,
    };
  }
}
