// Hardware assist (VT-x style): the guest kernel runs directly at its own privilege in
// the CPU's guest mode, so system calls, faults, return-from-trap and every sensitive
// instruction behave as on bare metal without the monitor; what the exit controls name
// (port I/O, HALT, the timer, and whatever the memory strategy needs: page faults and
// page-table-base writes under shadow paging, EPT violations under nested paging)
// exits to the monitor, at the cost of a VM exit and a VM entry each. Several VMs on one
// machine each get a guest-mode monitor of their own in their share of the machine,
// time-sliced by the VmScheduler (a machine switch saves one VM's CPU state, its
// control structure included, and restores the next one's).
import { injectable } from "inversify";
import { addCounts, count, executeOnOneMachine, hardwareEvents, type CpuStrategy, type EventCounts, type Execution, type GuestSession, type MultiExecution, type StrategyInfo } from "@vmlab/core";
import { CAUSE, EXIT } from "@vmlab/isa";
import { GuestModeMonitor } from "./vmm.js";

export const HARDWARE_ASSIST_INFO: StrategyInfo = {
  name: "hardware-assist",
  kind: "cpu",
  description:
    "the guest kernel runs at its own privilege in the CPU's guest mode (VT-x style); port I/O, HALT, the timer and what the memory strategy asks for exit to the monitor (shadow paging: page faults and page-table-base writes; nested paging: EPT violations only)",
  requires: { hardwareAssist: true },
  memories: ["shadow", "nested"],
  // KVM: the monitor is a module of the host kernel, devices in QEMU.
  hosting: { crossing: "user-exit" },
};

@injectable()
export class HardwareAssistCpu implements CpuStrategy {
  readonly info = HARDWARE_ASSIST_INFO;

  execute(session: GuestSession): Execution {
    const vmm = new GuestModeMonitor(session);
    session.region?.countWith?.(() => counts(vmm, session));
    vmm.boot();
    const outcome = vmm.run(session.budget);
    return this.finish(vmm, outcome, session);
  }

  /** Several guests on one machine: a guest-mode monitor each, time-sliced by the scheduler. */
  executeVms(sessions: readonly GuestSession[]): MultiExecution {
    return executeOnOneMachine(
      sessions,
      (s, placement) => new GuestModeMonitor(s, { placement }),
      (v, outcome, s) => this.finish(v, outcome, s),
    );
  }

  private finish(vmm: GuestModeMonitor, outcome: "halt" | "budget", session: GuestSession): Execution {
    const { monitor, vmcs } = vmm;
    const s = vmm.machine.stats();
    const exits = vmcs.totalExits;
    const direct = s.retired - vmm.emulated;
    const memory = monitor.memory.finish();
    const guestPageFaults = s.trapsByCause.PAGE_FAULT - vmm.exceptionExits[CAUSE.PAGE_FAULT]! + vmm.injectedPageFaults;
    const events: Record<string, number> = {
      ...monitor.events(),
      ...(memory?.events ?? {}),
      "VM exits": exits,
      "events injected on entry": vmcs.injections,
      "instructions emulated at exits": vmm.emulated,
    };
    if (vmm.tracedWrites) events["traced writes carried out"] = vmm.tracedWrites;
    if (vmcs.nestedWalks) {
      events["nested walks"] = vmcs.nestedWalks;
      events["host-table references"] = vmcs.hostWalkReferences;
    }
    // The walk caches and the tagged TLB (no cycles of their own: a hit saves walk
    // references, a flush at a transition costs the misses that follow; without VPID the
    // flush is part of the measured exit and entry).
    if (s.pageWalkCacheHits + s.pageWalkCacheMisses > 0) {
      events["page-walk cache hits"] = s.pageWalkCacheHits;
      events["page-walk cache misses"] = s.pageWalkCacheMisses;
    }
    if (vmcs.nestedTlbHits + vmcs.nestedTlbMisses > 0) {
      events["nested TLB hits"] = vmcs.nestedTlbHits;
      events["nested TLB misses"] = vmcs.nestedTlbMisses;
    }
    if (vmcs.tlbFlushesAtTransitions) events["TLB flushes at VM exits and entries (no VPID)"] = vmcs.tlbFlushesAtTransitions;
    return monitor.execution(outcome, {
      executedDirectly: direct,
      emulated: vmm.emulated,
      vmExits: vmm.exitCounts(),
      pageFaultsHidden: memory?.pageFaultsHidden ?? 0,
      pageFaultsReflected: guestPageFaults,
      events,
      counts: counts(vmm, session),
    });
  }
}

/**
 * The guest's own hardware events in guest mode; the exits with their handling; the
 * virtual devices behind I/O exits; the memory strategy's events.
 */
function counts(vmm: GuestModeMonitor, _session: GuestSession): EventCounts {
  const { monitor, vmcs } = vmm;
  const s = vmm.machine.stats();
  const c = hardwareEvents(s);
  // The hardware's own trap entries: the traps the guest took in guest mode, and the
  // events injected into it on entry. Traps that only exited are the exits' cost.
  let raised = 0;
  for (const n of Object.values(s.trapsByCause)) raised += n;
  const exitedTraps = vmcs.exitsByReason[EXIT.EXCEPTION]! + vmcs.exitsByReason[EXIT.EXTERNAL_INTERRUPT]! + vmcs.exitsByReason[EXIT.HYPERCALL]!;
  delete c.trapEntry;
  count(c, "trapEntry", raised - exitedTraps + vmcs.injections);
  count(c, "instruction", s.retired - vmm.emulated);
  const exits = vmcs.totalExits;
  count(c, "vmExit", exits);
  count(c, "vmEntry", exits);
  count(c, "exitHandled", exits);
  count(c, "exitEmulated", vmm.emulated);
  monitor.deviceEvents(c);
  addCounts(c, monitor.memory.finish().counts);
  return c;
}
