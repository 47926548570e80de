// Several virtual machines on one machine. The VmScheduler owns the real machine; each
// VM (a Monitor, or anything that boots and runs like one) has its own guest memory in
// machine frames the monitor's one allocator handed it (scattered, interleaved with the
// other VMs' frames), its own share of the monitor's frames and its own devices.
// The scheduler time-slices them round robin: the machine switch saves the whole real
// CPU state of the VM that was running (registers, pc, flags, mode, control registers,
// timer, intercept mask, counters) and restores the next one's. The switch flushes the
// TLB's untagged entries (tag 0: every entry of a software monitor's VMs, and of guests
// without VPID, whose host page-table base changes); entries tagged with a VPID stay,
// and the next VM sees only its own. Each VM's timer counts its own retired instructions, so every VM
// sees the guest instructions and interrupts it would see alone.
import { CpuContext, Machine, PAGE_SIZE, type Pmap, type Profile } from "@vmlab/isa";
import { frameLayoutFor, guestFrameAllocator, type FrameLayout } from "./frame-allocator.js";
import { GUEST_BYTES, MONITOR_BYTES, type VmPlacement } from "./monitor.js";
import type { Execution, GuestSession, MultiExecution } from "../strategy.js";

/** One VM's share of the real CPU: its saved context, and what the switches into it flushed. */
class VmSlot {
  readonly context = new CpuContext();
  /** TLB entries the machine switch into this VM dropped (untagged ones, of any VM). */
  tlbEntriesFlushedAtSwitches = 0;
}

/** What the scheduler runs: a Monitor (or any VM runner that boots and runs like one). */
export interface SchedulableVm {
  boot(): void;
  /** Runs until its budget use reaches `budget`, or it halts. */
  run(budget: number): "halt" | "budget";
  /** Budget used so far (retired instructions plus faults taken). */
  readonly used: number;
}

export interface VmSchedulerOptions {
  /** Guest-physical memory per VM (default GUEST_BYTES). */
  readonly guestBytes?: number;
  /** Guest instructions a VM runs before the machine switches to the next (default 10,000). */
  readonly quantum?: number;
  /** How the monitor hands the VMs their machine frames (default: single frames, a fixed seed). */
  readonly layout?: FrameLayout;
}

/** The layout of a scheduler not told one. */
const DEFAULT_LAYOUT: FrameLayout = { seed: 0x5eed, chunkFrames: 1 };

export const DEFAULT_QUANTUM = 10_000;

export class VmScheduler {
  readonly machine: Machine;
  readonly count: number;
  readonly guestBytes: number;
  readonly quantum: number;
  private readonly contexts: VmSlot[];
  /** Machine switches: the real CPU went from one VM's state to another's. */
  switches = 0;
  /** Time slices run (a VM ran until its quantum ended, it halted or its budget ran out). */
  slices = 0;
  private active = -1;
  private readonly framesPerVm: number;
  /** Each VM's pmap, taken in VM order from one allocator: the VMs' frames interleave in machine memory. */
  private readonly pmaps: Pmap[];

  constructor(profile: Profile, count: number, options: VmSchedulerOptions = {}) {
    if (!Number.isInteger(count) || count < 1) throw new RangeError(`a machine runs at least one virtual machine (got ${count})`);
    this.count = count;
    this.guestBytes = options.guestBytes ?? GUEST_BYTES;
    this.quantum = options.quantum ?? DEFAULT_QUANTUM;
    this.machine = new Machine({ profile, memoryBytes: MONITOR_BYTES + count * this.guestBytes });
    // Frame 0 holds the monitor's vector; the rest of its region is shared out evenly.
    this.framesPerVm = Math.floor((MONITOR_BYTES - PAGE_SIZE) / PAGE_SIZE / count);
    if (this.framesPerVm < 8) throw new RangeError(`the monitor's region cannot hold the tables of ${count} virtual machines`);
    const frames = guestFrameAllocator(options.layout ?? DEFAULT_LAYOUT, MONITOR_BYTES, this.machine.memory.size, this.guestBytes, count);
    this.pmaps = Array.from({ length: count }, () => frames.take(this.guestBytes));
    // Every VM starts from the machine's reset state.
    this.contexts = Array.from({ length: count }, () => {
      const slot = new VmSlot();
      this.machine.cpu.saveContext(slot.context);
      return slot;
    });
  }

  /** Where VM `i` lives: its frames of machine memory above the monitor's region, and its share of that region. */
  placement(i: number): VmPlacement {
    if (!(i >= 0 && i < this.count)) throw new RangeError(`no virtual machine ${i} (of ${this.count})`);
    const framesFirst = PAGE_SIZE + i * this.framesPerVm * PAGE_SIZE;
    return {
      machine: this.machine,
      pmap: this.pmaps[i]!,
      framesFirst,
      framesEnd: framesFirst + this.framesPerVm * PAGE_SIZE,
    };
  }

  /** TLB entries the machine switches dropped (untagged ones; VPID-tagged entries stay). */
  get tlbEntriesFlushedAtSwitches(): number {
    return this.contexts.reduce((a, c) => a + c.tlbEntriesFlushedAtSwitches, 0);
  }

  /** The machine switch: VM `i`'s state becomes the real CPU's. */
  activate(i: number): void {
    if (this.active === i) return;
    const cpu = this.machine.cpu;
    if (this.active >= 0) {
      cpu.saveContext(this.contexts[this.active]!.context);
      this.switches++;
    }
    // Entries tagged with a VPID stay; the next VM sees only its own.
    const next = this.contexts[i]!;
    next.tlbEntriesFlushedAtSwitches += cpu.tlb.flushTag(0);
    cpu.restoreContext(next.context);
    this.active = i;
  }

  /**
   * Boots every VM, then runs them round robin, `quantum` guest instructions at a time,
   * until each has halted or used its budget. Returns each VM's outcome.
   */
  run(vms: readonly SchedulableVm[], budgets: readonly number[]): ("halt" | "budget")[] {
    if (vms.length !== this.count) throw new RangeError(`${vms.length} virtual machines for a scheduler of ${this.count}`);
    vms.forEach((vm, i) => {
      this.activate(i);
      vm.boot();
    });
    const outcome: ("halt" | "budget" | undefined)[] = vms.map(() => undefined);
    let running = vms.length;
    while (running > 0) {
      for (let i = 0; i < vms.length; i++) {
        if (outcome[i] !== undefined) continue;
        const vm = vms[i]!;
        this.activate(i);
        const before = vm.used;
        const stop = vm.run(Math.min(before + this.quantum, budgets[i]!));
        this.slices++;
        if (stop === "halt") outcome[i] = "halt";
        // Out of budget, or stopped without running (a trace that is full).
        else if (vm.used >= budgets[i]! || vm.used === before) outcome[i] = "budget";
        if (outcome[i] !== undefined) running--;
      }
    }
    return outcome as ("halt" | "budget")[];
  }
}

/**
 * What every monitor's `executeVms` does: one scheduler for the sessions, a VM made by
 * `vm` for each in its placement, run round robin, machine switches counted, then each
 * VM's execution taken by `finish` with its counters back on the real CPU.
 */
export function executeOnOneMachine<V extends SchedulableVm>(
  sessions: readonly GuestSession[],
  vm: (session: GuestSession, placement: VmPlacement) => V,
  finish: (vm: V, outcome: "halt" | "budget", session: GuestSession) => Execution,
): MultiExecution {
  const scheduler = new VmScheduler(sessions[0]!.profile, sessions.length, { layout: frameLayoutFor(sessions[0]!) });
  const vms = sessions.map((s, i) => vm(s, scheduler.placement(i)));
  const outcomes = scheduler.run(
    vms,
    sessions.map((s) => s.budget),
  );
  const switches = scheduler.switches;
  // The first VM last, so the real CPU is left in its state (a picture of its memory reads the real TLB).
  const executions: Execution[] = [];
  for (let i = vms.length - 1; i >= 0; i--) {
    scheduler.activate(i); // its counters are the real CPU's again (bookkeeping, not a switch)
    executions[i] = finish(vms[i]!, outcomes[i]!, sessions[i]!);
  }
  return { vms: executions, machineSwitches: switches };
}
