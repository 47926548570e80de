// The monitor side of hardware assist. The guest kernel runs at its own privilege in
// the CPU's guest mode; the monitor sets up the control structure (port I/O, HALT and
// the timer exit; the memory strategy adds what it needs), and handles each VM exit:
// port I/O on the VM's virtual devices, HALT, the timer (injected back as the guest's
// virtual interrupt), page-table-base writes and reads, invalidations and page faults
// forwarded to the memory strategy, EPT violations. It reuses the classic Monitor for
// the machine, the guest's memory, the monitor's frames, the virtual devices and the
// Execution; it never emulates the guest's privileged state, which is the CPU's own.
// RDTVEC exits too (trap-vector read exiting): the guest gets its own vector, as in guest
// mode it would anyway, and the monitor records that it looked for the trap vector.
// On a machine shared with other VMs (a placement from the VmScheduler) the same monitor
// runs one VM in its share of the machine; the scheduler switches the CPU between them.
import { FAULT_HIDDEN, FAULT_REFLECT, Monitor, type GuestSession, type GuestModeMemory, type TraceActor, type TraceEvent, type VmPlacement } from "@vmlab/core";
import {
  CAUSE,
  CAUSE_NAMES,
  CR,
  EXIT,
  EXIT_LABELS,
  EXIT_NAMES,
  FLAG_IF,
  MODE_KERNEL,
  MODE_USER,
  OP,
  PORT,
  VmControl,
  VTX_DESCRIPTOR_TABLE_EXIT,
  vtxExitTitle,
  vtxTitle,
  type Cpu,
  type Machine,
  type VtxExitReason,
  hex,
} from "@vmlab/isa";

/** Trap causes that are faults: the faulting instruction does not retire, and the bare machine counts the trap against the budget. */
const FAULT_CAUSES = [CAUSE.PRIVILEGED, CAUSE.ILLEGAL, CAUSE.DIVIDE, CAUSE.PAGE_FAULT, CAUSE.TLB_MISS, CAUSE.ADDRESS_ERROR] as const;
const IS_FAULT = new Uint8Array(16);
for (const c of FAULT_CAUSES) IS_FAULT[c] = 1;

const ACCESS_NAMES = ["read", "write", "fetch"];

/**
 * VPIDs handed out per machine, as a hypervisor allocates them (KVM's allocate_vpid):
 * each VM on a machine gets its own, from 1 (0 is the host's).
 */
const vpidsInUse = new WeakMap<Machine, number>();
function allocateVpid(machine: Machine): number {
  const vpid = (vpidsInUse.get(machine) ?? 0) + 1;
  if (vpid > 0xffff) throw new Error("no VPID left on this machine");
  vpidsInUse.set(machine, vpid);
  return vpid;
}

export class GuestModeMonitor {
  readonly monitor: Monitor;
  readonly machine: Machine;
  readonly cpu: Cpu;
  readonly vmcs = new VmControl();
  /** What the memory strategy attached to this VM for guest mode (at boot). */
  private attached: GuestModeMemory | undefined;

  /** Guest instructions the monitor carried out at an exit (IN, OUT, HALT, WRCR/RDCR, TLBI). */
  emulated = 0;
  /** Faults delivered into the guest on entry (they use up budget as on bare metal). */
  injectedFaults = 0;
  /** Exits for traps whose cause is a fault (those trap counts are not the guest's own). */
  private faultExits = 0;
  /** EXCEPTION exits by trap cause. */
  readonly exceptionExits = new Float64Array(16);
  /** Page faults the guest received by injection. */
  injectedPageFaults = 0;
  tracedWrites = 0;

  // Tracing (observation only: it never changes what the guest or the counters see).
  private readonly observing: boolean;
  /** The stretch of guest execution being recorded (one "run" event, written before the next other event). */
  private pendingRun: { pc: number; retired: number; actor: TraceActor } | undefined;

  /** `placement`: one VM of several on a machine the VmScheduler shares; otherwise a machine of its own. */
  constructor(
    readonly session: GuestSession,
    options: { readonly placement?: VmPlacement } = {},
  ) {
    this.monitor = new Monitor(session, options.placement ? { placement: options.placement } : {});
    this.machine = this.monitor.machine;
    this.cpu = this.machine.cpu;
    this.observing = session.trace !== undefined;
    // What the machine's generation has: VPID (tagged TLB) and the walk caches.
    const features = session.machineProfile.features;
    this.vmcs.vpid = features.taggedTlb ? allocateVpid(this.machine) : 0;
    this.cpu.setFeatures({ pageWalkCache: features.pageWalkCache, nestedTlb: features.nestedTlb, largePages: features.largePages });
  }

  private get memory(): GuestModeMemory {
    if (!this.attached) throw new Error("the guest-mode monitor has no memory strategy attached before it boots");
    return this.attached;
  }

  /** Loads the guest at guest-physical 0 and prepares the control structure; the first entry is in `run`. */
  boot(): void {
    const { machine, vmcs } = this;
    const strategy = this.session.memory;
    if (!strategy.attachGuestMode) throw new Error(`memory strategy '${strategy.info.name}' cannot serve a guest in guest mode`);
    machine.load(this.session.image, this.monitor.guest.pmap);
    // The VM's devices are the monitor's virtual ones, the timer its virtual timer.
    vmcs.ioExiting = true;
    // The work marker is the simulator's, not a device (gem5's m5ops reach none): its
    // I/O-bitmap bit lets it run in guest mode, so measuring costs the guest no exit.
    vmcs.ioPassThrough[PORT.WORK_MARK] = 1;
    machine.onWorkMark((value, retired) => this.monitor.workMarks.mark(value, retired));
    vmcs.haltExiting = true;
    vmcs.externalInterruptExiting = true;
    // A guest that reads its trap vector is looking for the monitor's: the monitor is told.
    vmcs.trapVectorReadExiting = true;
    this.monitor.vcpu.mode = MODE_KERNEL;
    this.attached = strategy.attachGuestMode(this.monitor, vmcs);
    this.monitor.useMemory(this.attached);
    this.cpu.translationChanged();
  }

  /**
   * Budget used so far, counted as the bare machine counts it: retired instructions
   * plus faults taken (by the guest directly, or injected; not those that only exited).
   */
  get used(): number {
    const t = this.cpu.trapsByCause;
    let faults = 0;
    for (const c of FAULT_CAUSES) faults += t[c]!;
    return this.cpu.retired + faults - this.faultExits + this.injectedFaults;
  }

  private get traceFull(): boolean {
    return (this.monitor.trace as { full?: boolean } | undefined)?.full === true;
  }

  run(budget: number): "halt" | "budget" {
    const { cpu, machine } = this;
    for (;;) {
      if (this.monitor.vcpu.halted) {
        this.flushRun();
        return "halt";
      }
      if (!cpu.guestMode) this.enter();
      const left = budget - this.used;
      if (left <= 0 || this.traceFull) {
        this.flushRun();
        return "budget";
      }
      this.beginRun();
      const mode = cpu.mode;
      const stop = machine.run(this.observing && mode === MODE_KERNEL ? 1 : left);
      if (stop.reason === "halt") {
        // HALT without halt exiting: the machine itself stopped.
        this.monitor.vcpu.halted = true;
        this.flushRun();
        return "halt";
      }
      if (stop.reason === "intercept") {
        this.observeTrap();
        continue;
      }
      if (stop.reason === "vm-exit") {
        this.handleExit();
        continue;
      }
      if (this.observing && mode === MODE_KERNEL && cpu.mode === MODE_USER) this.observeReturn();
    }
  }

  /** VM entry: guest mode on, a pending event delivered. */
  private enter(): void {
    const { cpu, vmcs } = this;
    const injecting = vmcs.injectCause;
    cpu.vmEnter(vmcs);
    // Observation: every trap stops the CPU to be recorded (the exit controls still decide what is an exit).
    if (this.observing) cpu.intercept({ traps: "all" });
    if (this.monitor.trace) {
      const where = `${hex(cpu.pc)}`;
      const text = injecting ? `VM entry: ${CAUSE_NAMES[injecting]} injected: the guest kernel's handler at ${where}` : `VM entry: the guest resumes at ${where}`;
      this.note("vmm", "entry", text, { pc: cpu.pc, inline: this.quietEntry, ...(injecting ? { cause: injecting } : {}) });
    }
  }

  /** Whether the last exit's entry is part of work traces fold away (set by handleExit). */
  private quietEntry = false;

  // --- exits --------------------------------------------------------------------------

  private handleExit(): void {
    const { cpu, vmcs, monitor } = this;
    monitor.vcpu.mode = cpu.mode;
    this.quietEntry = false;
    switch (vmcs.exitReason) {
      case EXIT.IO:
        this.io();
        return;
      case EXIT.HALT:
        this.noteExit(`halt: the virtual machine stops`, { guest: "halt: VM exit" });
        monitor.vcpu.halted = true;
        this.retire();
        return;
      case EXIT.CR_WRITE:
        this.crWrite();
        return;
      case EXIT.CR_READ: {
        const n = vmcs.exitCr;
        if (n === CR.TVEC && vmcs.exitInstruction >>> 24 === OP.RDTVEC) {
          this.trapVectorRead();
          return;
        }
        cpu.regs[vmcs.exitRegister] = n === CR.PTBR ? monitor.vcpu.crs[CR.PTBR]! : cpu.readCr(n);
        this.noteExit(`control-register read (${crName(n)}): the guest's own value`, { inline: true });
        this.retire();
        return;
      }
      case EXIT.INVALIDATE:
        this.invalidate();
        return;
      case EXIT.EXCEPTION:
        this.exception();
        return;
      case EXIT.EXTERNAL_INTERRUPT:
        this.noteExit("the timer; inject the guest's virtual timer interrupt", { cause: CAUSE.TIMER });
        monitor.virtualInterrupts++;
        this.inject(CAUSE.TIMER, 0, 0, false);
        return;
      case EXIT.HYPERCALL:
        this.noteExit("hypercall: deliver it to the guest kernel, as the bare machine does", { cause: CAUSE.HYPERCALL, guest: "hcall: VM exit", guestPc: vmcs.exitPc - 4 });
        this.inject(CAUSE.HYPERCALL, 0, 0, false);
        return;
      case EXIT.EPT_VIOLATION:
        this.eptViolation();
        return;
      default:
        throw new Error(`hardware assist: unexpected VM exit ${EXIT_NAMES[vmcs.exitReason] ?? vmcs.exitReason} at ${hex(vmcs.exitPc)}`);
    }
  }

  /** The exited instruction is done: it retires, and a timer that expired with it is injected now if the guest's IF allows. */
  private retire(): void {
    const cpu = this.cpu;
    cpu.pc = (this.vmcs.exitPc + 4) >>> 0;
    cpu.retireEmulated();
    this.emulated++;
    if (this.monitor.vcpu.halted) return;
    if ((cpu.flags & FLAG_IF) !== 0 && cpu.acknowledgeTimer()) {
      this.monitor.virtualInterrupts++;
      this.note("vmm", "interrupt", "the virtual timer expired with it: inject the interrupt on entry", { cause: CAUSE.TIMER });
      this.inject(CAUSE.TIMER, 0, 0, false);
    }
  }

  private inject(cause: number, address: number, access: number, protection: boolean): void {
    const v = this.vmcs;
    v.injectCause = cause;
    v.injectAddress = address;
    v.injectAccess = access;
    v.injectProtection = protection;
    if (IS_FAULT[cause]) this.injectedFaults++;
    if (cause === CAUSE.PAGE_FAULT || cause === CAUSE.TLB_MISS) this.injectedPageFaults++;
  }

  private io(): void {
    const { cpu, vmcs, monitor } = this;
    const input = vmcs.exitInstruction >>> 24 === 0x44; /* IN */
    if (input) cpu.regs[vmcs.exitRegister] = monitor.ports.read(vmcs.exitPort);
    else monitor.ports.write(vmcs.exitPort, vmcs.exitValue);
    this.noteExit(`I/O (${input ? "in" : "out"} ${hex(vmcs.exitPort)}): ${vmcs.exitPort === PORT.WORK_MARK ? "the work marker, no device" : monitor.deviceAccessText(vmcs.exitPort, !input)}`, {
      inline: true,
    });
    this.retire();
  }

  private crWrite(): void {
    const { cpu, vmcs, monitor } = this;
    const n = vmcs.exitCr;
    const value = vmcs.exitValue;
    if (n === CR.PTBR) {
      monitor.vcpu.crs[CR.PTBR] = value;
      this.noteExit("control-register write (PTBR): switch to the shadow of the new root", { inline: true });
      this.memory.pageTableBaseWritten(value >>> 0);
    } else {
      if (n !== CR.COUNT) cpu.crs[n] = value;
      this.noteExit(`control-register write (${crName(n)})`, { inline: true });
    }
    this.retire();
  }

  /**
   * RDTVEC exited: in guest mode the trap vector is the guest's own, so that is what it
   * gets, as on bare metal; the monitor's entry is no address the guest can reach.
   */
  private trapVectorRead(): void {
    const { cpu, vmcs, monitor } = this;
    const own = cpu.crs[CR.TVEC]!;
    cpu.regs[vmcs.exitRegister] = own;
    const who = cpu.mode === MODE_USER ? "a guest process" : "the guest kernel";
    monitor.audit(
      `${who} read the trap vector with RDTVEC at ${hex(vmcs.exitPc)}: a VM exit (trap-vector read exiting); the monitor's entry refused, it was given its own vector, ${hex(own)} (a jump there stays in its own memory)`,
    );
    this.noteExit(`RDTVEC (trap-vector read): the guest's own vector, ${hex(own)}; recorded in the audit`, { inline: true, vtx: VTX_DESCRIPTOR_TABLE_EXIT });
    this.retire();
  }

  private invalidate(): void {
    const vmcs = this.vmcs;
    this.noteExit(vmcs.exitAll ? "TLB invalidation (tlbflush)" : `TLB invalidation (tlbi ${hex(vmcs.exitAddress)})`, { inline: true });
    this.memory.invalidated(vmcs.exitAll ? undefined : vmcs.exitAddress);
    this.retire();
  }

  private exception(): void {
    const vmcs = this.vmcs;
    const cause = vmcs.exitCause;
    this.exceptionExits[cause]!++;
    if (IS_FAULT[cause]) this.faultExits++;
    if (cause === CAUSE.PAGE_FAULT || cause === CAUSE.TLB_MISS) {
      this.memoryFault(cause);
      return;
    }
    this.noteExit(`${CAUSE_NAMES[cause]}: deliver it to the guest`, { cause, guest: `${CAUSE_NAMES[cause]!.toLowerCase()}: VM exit` });
    this.inject(cause, vmcs.exitAddress, vmcs.exitAccess, vmcs.exitProtection);
  }

  /** A page fault the exception bitmap sent here: the memory strategy decides, as under trap-and-emulate. */
  private memoryFault(cause: number): void {
    const { vmcs, monitor } = this;
    const va = vmcs.exitAddress;
    const access = vmcs.exitAccess;
    const sink = monitor.trace;
    const held: TraceEvent[] = [];
    if (sink) monitor.trace = { event: (e) => held.push(e) };
    const disposition = this.memory.realFault(va, access, cause, vmcs.exitProtection);
    if (sink) monitor.trace = sink;
    const what = `${ACCESS_NAMES[access]} of ${hex(va)}: ${vmcs.exitProtection ? "protection fault" : "page fault"}`;
    const decision =
      disposition === FAULT_HIDDEN
        ? "hidden: the shadow entry is filled"
        : disposition === FAULT_REFLECT
          ? "the guest's own fault: inject it"
          : "a write to a traced guest page table: carry it out and update the shadows";
    if (sink) {
      const hidden = disposition === FAULT_HIDDEN;
      this.note(this.guestActor, "trap", `${what}: VM exit`, { pc: vmcs.exitPc, cause, hidden });
      this.note("vmm", "exit", `VM exit ${vtxExitTitle(EXIT.EXCEPTION)} ${CAUSE_NAMES[cause]}: ${decision}`, { pc: vmcs.exitPc, cause, hidden });
      for (const e of held) sink.event(e);
      this.quietEntry = hidden;
    }
    if (disposition === FAULT_HIDDEN) return;
    if (disposition === FAULT_REFLECT) {
      const f = monitor.fault;
      this.inject(f.cause, f.address, f.access, f.protection);
      return;
    }
    this.tracedWrite(va);
  }

  /**
   * A permitted write to a write-protected guest page table: the CPU carries out just
   * that instruction with the protection lifted (standing for the monitor's emulation of
   * it), then the memory strategy brings its shadows up to date.
   */
  private tracedWrite(va: number): void {
    const { cpu, machine } = this;
    this.memory.beginTracedWrite(va);
    cpu.vmEnter(this.vmcs);
    if (this.observing) cpu.intercept({ traps: "all" });
    const stop = machine.run(1);
    this.memory.endTracedWrite(va);
    this.tracedWrites++;
    if (stop.reason === "vm-exit")
      this.handleExit(); // it faulted otherwise, or the timer expired with it
    else if (stop.reason === "intercept") this.observeTrap();
  }

  private eptViolation(): void {
    const { vmcs, monitor } = this;
    const disposition = this.memory.hostFault(vmcs.exitGuestPhysical, vmcs.exitAddress, vmcs.exitAccess);
    const hidden = disposition === FAULT_HIDDEN;
    this.noteExit(
      `EPT violation at guest-physical ${hex(vmcs.exitGuestPhysical)} (${ACCESS_NAMES[vmcs.exitAccess]} of ${hex(vmcs.exitAddress)}): ${hidden ? "host entry filled" : `outside the VM's memory: inject ${CAUSE_NAMES[monitor.fault.cause]}`}`,
      { hidden },
    );
    if (disposition === FAULT_REFLECT) {
      const f = monitor.fault;
      this.inject(f.cause, f.address, f.access, f.protection);
    }
  }

  // --- tracing --------------------------------------------------------------------------

  private get guestActor(): TraceActor {
    return this.cpu.mode === MODE_USER ? "process" : "os";
  }

  private note(actor: TraceActor, kind: TraceEvent["kind"], text: string, extra: { pc?: number; cause?: number; hidden?: boolean; inline?: boolean } = {}): void {
    if (!this.monitor.trace) return;
    this.flushRun();
    this.monitor.note(actor, kind, text, extra);
  }

  /** An exit's event (and, for a visible one, the guest's side of it). */
  private noteExit(text: string, o: { inline?: boolean; hidden?: boolean; cause?: number; guest?: string; guestPc?: number; vtx?: VtxExitReason } = {}): void {
    if (!this.monitor.trace) return;
    const v = this.vmcs;
    if (o.guest) this.note(this.guestActor, "trap", o.guest, { pc: o.guestPc ?? v.exitPc, ...(o.cause !== undefined ? { cause: o.cause } : {}) });
    // Named as VT-x names the exit it models (RDTVEC's: SIDT under descriptor-table exiting).
    const reason = o.vtx ? vtxTitle(o.vtx) : vtxExitTitle(v.exitReason);
    this.note("vmm", "exit", o.inline ? `${reason} ${text}` : `VM exit ${reason}: ${text}`, {
      pc: v.exitPc,
      ...(o.cause !== undefined ? { cause: o.cause } : {}),
      ...(o.inline ? { inline: true } : {}),
      ...(o.hidden ? { hidden: true } : {}),
    });
    this.quietEntry = o.inline === true || o.hidden === true;
  }

  /** Guest execution continues the stretch being recorded, or starts one. */
  private beginRun(): void {
    if (!this.observing) return;
    const actor = this.guestActor;
    if (this.pendingRun?.actor === actor) return;
    this.flushRun();
    this.pendingRun = { pc: this.cpu.pc, retired: this.cpu.retired, actor };
  }

  /** Records the stretch of guest execution that ended (before any other event). */
  private flushRun(): void {
    const r = this.pendingRun;
    if (!r) return;
    this.pendingRun = undefined;
    const n = this.cpu.retired - r.retired;
    if (n > 0) this.monitor.note(r.actor, "run", `runs ${n} instruction${n === 1 ? "" : "s"} in guest mode`, { pc: r.pc, instructions: n, at: r.retired });
  }

  /** A guest trap that is not an exit, stopped only to be recorded: record it and let the hardware take it. */
  private observeTrap(): void {
    const cpu = this.cpu;
    const cause = cpu.exitCause;
    const retiring = cause === CAUSE.SYSCALL || cause === CAUSE.BREAKPOINT || cause === CAUSE.HYPERCALL;
    const memory = cause === CAUSE.PAGE_FAULT || cause === CAUSE.TLB_MISS || cause === CAUSE.ADDRESS_ERROR;
    const what =
      cause === CAUSE.SYSCALL
        ? "system call"
        : memory
          ? `${ACCESS_NAMES[cpu.exitAccess]} of ${hex(cpu.exitAddress)}: ${cause === CAUSE.PAGE_FAULT ? "page fault" : CAUSE_NAMES[cause]!.toLowerCase()}`
          : CAUSE_NAMES[cause]!.toLowerCase();
    this.note(this.guestActor, "trap", `${what}: trap to the OS in guest mode (no VM exit)`, { pc: retiring ? cpu.pc - 4 : cpu.pc, cause });
    cpu.enterTrap(cause, cpu.pc, cpu.exitAddress, cpu.exitAccess, cpu.exitProtection);
  }

  private observeReturn(): void {
    this.note("os", "return", `return-from-trap (rte) to ${hex(this.cpu.pc)} in guest mode (no VM exit)`, { pc: this.cpu.pc });
  }

  // --- results ----------------------------------------------------------------------------

  /** Exits by reason, exceptions by their trap cause. */
  exitCounts(): Record<string, number> {
    const out: Record<string, number> = {};
    this.vmcs.exitsByReason.forEach((n, r) => {
      if (n === 0) return;
      if (r === EXIT.EXCEPTION) {
        this.exceptionExits.forEach((k, c) => {
          if (k > 0) out[`exception ${CAUSE_NAMES[c]}`] = k;
        });
      } else out[EXIT_LABELS[EXIT_NAMES[r]!]] = n;
    });
    return out;
  }
}

const crName = (n: number): string => Object.entries(CR).find(([, v]) => v === n)?.[0] ?? String(n);
