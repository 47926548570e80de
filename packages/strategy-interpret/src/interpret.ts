// Full software emulation, the way Bochs or QEMU's interpreter works: the monitor
// takes the guest one instruction at a time, fetches and decodes it itself through
// its own software MMU (MonitorFetch), then carries it out on the virtual CPU (the
// machine stepped by exactly one instruction) and accounts for it. Nothing runs
// directly, so efficiency is 0.
import { injectable } from "inversify";
import {
  count,
  newGuestMachine,
  watchWorkMarks,
  wholeMachineExecution,
  virtualDeviceEvents,
  type CpuStrategy,
  type EventCounts,
  type Execution,
  type GuestSession,
  type StrategyInfo,
} from "@vmlab/core";
import type { Machine } from "@vmlab/isa";
import { BY_OPCODE, INSTRUCTIONS } from "@vmlab/isa";
import { FETCH_FAULT, MonitorFetch } from "./monitor-fetch.js";

export const INTERPRET_INFO: StrategyInfo = {
  name: "interpret",
  kind: "cpu",
  description: "every guest instruction fetched, decoded and emulated in software, one at a time, charged at an emulation cost each",
  requires: {},
  memories: ["direct"],
  hosting: {
    refused:
      "an interpreter runs no guest code on the machine, so it has no monitor world to leave: its device models are calls within the emulator (Bochs is a host process already), and a hosted build would count nothing more",
  },
};

/** Data memory references each opcode makes (the emulator does them through its software MMU). */
const DATA_REFERENCES: Uint8Array = (() => {
  const t = new Uint8Array(FETCH_FAULT + 1);
  for (const i of INSTRUCTIONS) if (i.memory !== "none") t[i.opcode] = 1;
  return t;
})();

export type InstructionGroup = "alu" | "compare" | "memory" | "stack" | "branch" | "system";

@injectable()
export class InterpretCpu implements CpuStrategy {
  readonly info = INTERPRET_INFO;
  /** Emulated (retired) instructions by opcode in the last run. */
  readonly mix = new Float64Array(FETCH_FAULT + 1);

  execute(session: GuestSession): Execution {
    const machine = newGuestMachine(session);
    const marks = watchWorkMarks(machine, session);
    const cpu = machine.cpu;
    const fetch = new MonitorFetch(machine);
    const mix = this.mix;
    mix.fill(0);
    session.region?.countWith?.(() => interpretCounts(machine, mix));
    let outcome: "halt" | "budget" = "budget";
    // One step consumes one unit of budget whether the instruction retires or faults,
    // exactly as the machine's own run(budget) counts, so budget stops match native.
    for (let used = 0; used < session.budget; used++) {
      const op = fetch.opcode();
      const before = cpu.retired;
      const stop = machine.run(1);
      if (cpu.retired !== before) mix[op]!++;
      if (stop.reason === "halt") {
        outcome = "halt";
        break;
      }
    }
    return {
      ...wholeMachineExecution(machine, "emulated"),
      counts: interpretCounts(machine, mix),
      outcome,
      ...marks.result(),
    };
  }

  /** The last run's emulated instructions by instruction-table group. */
  byGroup(): Record<InstructionGroup, number> {
    const out: Record<InstructionGroup, number> = { alu: 0, compare: 0, memory: 0, stack: 0, branch: 0, system: 0 };
    for (let op = 0; op < FETCH_FAULT; op++) {
      const info = BY_OPCODE[op];
      if (info && this.mix[op]) out[info.group] += this.mix[op]!;
    }
    return out;
  }
}

/**
 * An emulator does in software what the hardware would: each instruction is an emulation
 * (traps, returns and control-register writes included), each data reference and each
 * page-table reference of its software MMU a memory reference, and each port access goes
 * to its device models (and, for the console and disk, to the real device behind them).
 */
function interpretCounts(machine: Machine, mix: Float64Array): EventCounts {
  const s = machine.stats();
  let dataReferences = 0;
  for (let op = 0; op < mix.length; op++) dataReferences += mix[op]! * DATA_REFERENCES[op]!;
  const c: EventCounts = {};
  count(c, "interpretedInstruction", s.retired);
  count(c, "emulatedMemoryReference", dataReferences + s.walkReferences);
  return virtualDeviceEvents(s.deviceAccesses, c);
}
