// Paravirtualization (Xen, SOSP 2003): the guest kernel is built for the monitor. It
// runs directly and deprivileged, and where the trap-and-emulate kernel would trap on
// each privileged instruction it makes one hypercall for a whole operation (return
// from trap, a batch of page-table updates, a disk transfer) or none at all (the
// interrupt flag and the trap frame live in a shared page). Faithful on every profile,
// x86-like included, since the paravirtual kernel runs no sensitive instruction; its
// output equals the native run of the unmodified kernel, but not its instruction count.
import { inject, injectable } from "inversify";
import {
  chargeHardwareEvents, TOKENS, executeOnOneMachine, type CpuStrategy, type Execution, type GuestSession, type Ledger, type MachineProfile,
  type MultiExecution, type StrategyInfo,
} from "@vmlab/core";
import { ParavirtMonitor } from "./paravirt-monitor.js";

export const PARAVIRT_INFO: StrategyInfo = {
  name: "paravirt",
  kind: "cpu",
  description:
    "Xen-style paravirtualization: the paravirtual build of the kernel runs directly in user mode and calls the monitor with hypercalls (return from trap, batched and validated page-table updates, devices); interrupt flag and trap frame in a shared page",
  requires: { paravirtualGuest: true },
  memories: ["paravirt-mmu"],
  equivalence: "output",
};

@injectable()
export class ParavirtCpu implements CpuStrategy {
  readonly info = PARAVIRT_INFO;

  constructor(
    @inject(TOKENS.Ledger) private readonly ledger: Ledger,
    @inject(TOKENS.MachineProfile) private readonly machineProfile: MachineProfile,
  ) {}

  execute(session: GuestSession): Execution {
    const monitor = new ParavirtMonitor(session);
    monitor.boot();
    const outcome = monitor.run(session.budget);
    return finishParavirt(monitor, outcome, session, this.ledger, this.machineProfile.costs);
  }

  /** Several paravirtual guests on one machine, time-sliced by the scheduler. */
  executeVms(sessions: readonly GuestSession[]): MultiExecution {
    const costs = this.machineProfile.costs;
    return executeOnOneMachine(sessions, (s, placement) => new ParavirtMonitor(s, { placement }), this.ledger, costs, (m, outcome, s) =>
      finishParavirt(m, outcome, s, this.ledger, costs),
    );
  }
}

/** Charges a paravirtual run and builds its Execution. */
export function finishParavirt(
  monitor: ParavirtMonitor,
  outcome: "halt" | "budget",
  session: GuestSession,
  ledger: Ledger,
  costs: MachineProfile["costs"],
): Execution {
  const s = monitor.machine.stats();
  let reflected = 0;
  for (const n of monitor.reflectedByCause) reflected += n;
  // Every guest instruction runs directly, hypercalls included (HCALL retires).
  ledger.charge("guest execution", "instruction", s.retired, costs.instruction);
  chargeHardwareEvents(ledger, costs, s);
  ledger.charge("traps", "monitor's return to the guest", monitor.monitorReturns, costs.trapReturn);
  ledger.charge("VMM emulation", "hypercall handled", monitor.hypercallCount, costs.hypercall);
  ledger.charge("VMM emulation", "page-table batch entry validated", monitor.batchedEntries, costs.memoryReference);
  ledger.charge("VMM emulation", "trap reflected to the guest kernel", reflected, costs.reflectTrap);
  const memory = session.memory.finish?.(ledger, costs);
  return monitor.execution(outcome, {
    executedDirectly: s.retired,
    emulated: 0,
    pageFaultsHidden: memory?.pageFaultsHidden ?? 0,
    events: { ...monitor.events(), ...(memory?.events ?? {}) },
  });
}
