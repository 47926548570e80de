// Trap-and-emulate (limited direct execution): the guest kernel runs directly but
// deprivileged, in real user mode; each privileged instruction traps and the monitor
// emulates it on the virtual CPU; a user process's trap is reflected into the guest
// kernel's handler. Faithful exactly when every sensitive instruction traps.
import { injectable } from "inversify";
import { count, Monitor, executeOnOneMachine, type CpuStrategy, type EventCounts, type Execution, type GuestSession, type MultiExecution, type StrategyInfo } from "@vmlab/core";

export const TRAP_EMULATE_INFO: StrategyInfo = {
  name: "trap-emulate",
  kind: "cpu",
  description:
    "the guest kernel runs directly in user mode; privileged instructions trap and are emulated on a virtual CPU, user traps are reflected into the guest kernel (faithful only where every sensitive instruction traps)",
  requires: {},
  memories: ["software-tlb", "shadow"],
  theorem: 1,
  // As VMware Workstation's direct-execution engine: the monitor in a world of its own.
  hosting: { crossing: "world-switch" },
};

@injectable()
export class TrapEmulateCpu implements CpuStrategy {
  readonly info = TRAP_EMULATE_INFO;

  execute(session: GuestSession): Execution {
    const monitor = new Monitor(session);
    session.region?.countWith?.(() => counts(monitor));
    monitor.boot();
    const outcome = monitor.run(session.budget);
    return this.finish(monitor, outcome, session);
  }

  /** Several guests on one machine: one monitor each, time-sliced by the scheduler. */
  executeVms(sessions: readonly GuestSession[]): MultiExecution {
    return executeOnOneMachine(
      sessions,
      (s, placement) => new Monitor(s, { placement }),
      (m, outcome, s) => this.finish(m, outcome, s),
    );
  }

  private finish(monitor: Monitor, outcome: "halt" | "budget", _session: GuestSession): Execution {
    const emulated = monitor.emulatedCount;
    const memory = monitor.memory.finish();
    return monitor.execution(outcome, {
      executedDirectly: monitor.machine.cpu.retired - emulated,
      emulated,
      pageFaultsHidden: memory?.pageFaultsHidden ?? 0,
      events: { ...monitor.events(), ...(memory?.events ?? {}) },
      counts: counts(monitor),
    });
  }
}

/** Direct execution, and every privileged instruction trapped and emulated. */
function counts(monitor: Monitor): EventCounts {
  const c = monitor.monitorCounts();
  const emulated = monitor.emulatedCount;
  count(c, "instruction", monitor.machine.cpu.retired - emulated);
  count(c, "privilegedEmulated", emulated);
  return c;
}
