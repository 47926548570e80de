// Trap-and-emulate (limited direct execution): the guest kernel runs directly but
// deprivileged, in real user mode; each privileged instruction traps and the monitor
// emulates it on the virtual CPU; a user process's trap is reflected into the guest
// kernel's handler. Faithful exactly when every sensitive instruction traps.
import { inject, injectable } from "inversify";
import {
  chargeHardwareEvents, Monitor, TOKENS, executeOnOneMachine, type CpuStrategy, type Execution, type GuestSession, type Ledger, type MachineProfile,
  type MultiExecution, type StrategyInfo,
} from "@vmlab/core";

export const TRAP_EMULATE_INFO: StrategyInfo = {
  name: "trap-emulate",
  kind: "cpu",
  description:
    "the guest kernel runs directly in user mode; privileged instructions trap and are emulated on a virtual CPU, user traps are reflected into the guest kernel (faithful only where every sensitive instruction traps)",
  requires: {},
  memories: ["software-tlb", "shadow"],
};

@injectable()
export class TrapEmulateCpu implements CpuStrategy {
  readonly info = TRAP_EMULATE_INFO;

  constructor(
    @inject(TOKENS.Ledger) private readonly ledger: Ledger,
    @inject(TOKENS.MachineProfile) private readonly machineProfile: MachineProfile,
  ) {}

  execute(session: GuestSession): Execution {
    const monitor = new Monitor(session);
    monitor.boot();
    const outcome = monitor.run(session.budget);
    return this.finish(monitor, outcome, session);
  }

  /** Several guests on one machine: one monitor each, time-sliced by the scheduler. */
  executeVms(sessions: readonly GuestSession[]): MultiExecution {
    return executeOnOneMachine(sessions, (s, placement) => new Monitor(s, { placement }), this.ledger, this.machineProfile.costs, (m, outcome, s) =>
      this.finish(m, outcome, s),
    );
  }

  private finish(monitor: Monitor, outcome: "halt" | "budget", session: GuestSession): Execution {
    const costs = this.machineProfile.costs;
    const ledger = this.ledger;
    const s = monitor.machine.stats();
    let emulated = 0;
    for (const n of monitor.emulatedByOpcode) emulated += n;
    let reflected = 0;
    for (const n of monitor.reflectedByCause) reflected += n;
    const direct = s.retired - emulated;
    ledger.charge("guest execution", "instruction", direct, costs.instruction);
    chargeHardwareEvents(ledger, costs, s);
    ledger.charge("traps", "monitor's return to the guest", monitor.monitorReturns, costs.trapReturn);
    ledger.charge("VMM emulation", "privileged instruction emulated", emulated, costs.vmmEmulatePrivileged);
    ledger.charge("VMM emulation", "trap reflected to the guest kernel", reflected, costs.reflectTrap);
    const memory = session.memory.finish?.(ledger, costs);
    return monitor.execution(outcome, {
      executedDirectly: direct,
      emulated,
      pageFaultsHidden: memory?.pageFaultsHidden ?? 0,
      events: { ...monitor.events(), ...(memory?.events ?? {}) },
    });
  }
}
