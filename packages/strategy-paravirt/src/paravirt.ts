// Paravirtualization (Xen, SOSP 2003): the guest kernel is built for the monitor. It
// runs directly and deprivileged, and where the trap-and-emulate kernel would trap on
// each privileged instruction it makes one hypercall for a whole operation (return
// from trap, a batch of page-table updates, a disk transfer) or none at all (the
// interrupt flag and the trap frame live in a shared page). Faithful on every profile,
// x86-like included, since the paravirtual kernel runs no sensitive instruction; its
// output equals the native run of the unmodified kernel, but not its instruction count.
import { injectable } from "inversify";
import { count, executeOnOneMachine, type CpuStrategy, type EventCounts, type Execution, type GuestSession, type MultiExecution, type StrategyInfo } from "@vmlab/core";
import { ParavirtMonitor } from "./paravirt-monitor.js";

export const PARAVIRT_INFO: StrategyInfo = {
  name: "paravirt",
  kind: "cpu",
  description:
    "Xen-style paravirtualization: the paravirtual build of the kernel runs directly in user mode and calls the monitor with hypercalls (return from trap, batched and validated page-table updates, devices); interrupt flag and trap frame in a shared page",
  requires: { paravirtualGuest: true },
  memories: ["paravirt-mmu"],
  equivalence: "output",
  theorem: 3,
  hosting: {
    refused:
      "Xen-style paravirtualization is a Type 1 design: the guest's hypercalls, batched page-table updates and split device drivers talk to a monitor that owns the machine (and a driver domain), not to a process of a host OS",
  },
};

@injectable()
export class ParavirtCpu implements CpuStrategy {
  readonly info = PARAVIRT_INFO;

  execute(session: GuestSession): Execution {
    const monitor = new ParavirtMonitor(session);
    session.region?.countWith?.(() => paravirtCounts(monitor));
    monitor.boot();
    const outcome = monitor.run(session.budget);
    return finishParavirt(monitor, outcome, session);
  }

  /** Several paravirtual guests on one machine, time-sliced by the scheduler. */
  executeVms(sessions: readonly GuestSession[]): MultiExecution {
    return executeOnOneMachine(
      sessions,
      (s, placement) => new ParavirtMonitor(s, { placement }),
      (m, outcome, s) => finishParavirt(m, outcome, s),
    );
  }
}

/** Counts a paravirtual run and builds its Execution. */
export function finishParavirt(monitor: ParavirtMonitor, outcome: "halt" | "budget", _session: GuestSession): Execution {
  const s = monitor.machine.stats();
  const memory = monitor.memory.finish();
  return monitor.execution(outcome, {
    executedDirectly: s.retired,
    emulated: 0,
    pageFaultsHidden: memory?.pageFaultsHidden ?? 0,
    events: { ...monitor.events(), ...(memory?.events ?? {}) },
    counts: paravirtCounts(monitor),
  });
}

/** Every guest instruction runs directly, hypercalls included (HCALL retires); the monitor's work on top. */
function paravirtCounts(monitor: ParavirtMonitor): EventCounts {
  const c = monitor.monitorCounts();
  count(c, "instruction", monitor.machine.cpu.retired);
  count(c, "hypercall", monitor.hypercallCount);
  count(c, "pageTableEntryValidated", monitor.batchedEntries);
  count(c, "deviceModel", monitor.backendRequests);
  count(c, "consoleBackend", monitor.backendConsoleBytes);
  // The native driver's four register accesses per transfer (sector, address, command, status).
  count(c, "diskBackend", 4 * monitor.backendDiskTransfers);
  return c;
}
