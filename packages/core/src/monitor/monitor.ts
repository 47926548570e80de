// The classic monitor: the guest kernel runs deprivileged (real user mode, or ring 1
// where the profile has it and the memory strategy shares its tables between the
// guest's modes: ring compression, as VMware's and Xen's x86 monitors did) against a
// virtual CPU. Every trap of the real CPU comes here (the intercept mask is full):
// privileged instructions of the virtual kernel are emulated on the virtual CPU, traps
// of the virtual user are reflected into the guest kernel's handler, real page faults
// go to the memory strategy, port I/O to virtual devices. Other CPU strategies (binary
// translation, hardware assist) reuse the emulation and reflection paths.
import {
  ACCESS_FETCH,
  ACCESS_READ,
  ACCESS_WRITE,
  BY_OPCODE,
  CAUSE,
  CAUSE_NAMES,
  Console,
  CR,
  deviceOfPort,
  DEVICE_NAMES,
  Disk,
  enterTrap,
  executeSystem,
  fieldA,
  flagsAfterPop,
  flagsToPush,
  FLAG_IF,
  KSEG_BASE,
  Machine,
  MODE_KERNEL,
  MODE_RING1,
  MODE_USER,
  OP,
  PAGE_SIZE,
  PORT,
  PortBus,
  SP,
  uimm16,
  unprivilegedSensitive,
  type Cpu,
  type Pmap,
  hex,
} from "@vmlab/isa";
import type { AttachedMemory, Execution, GuestSession, MonitorMemory, SensitiveUntrapped } from "../strategy.js";
import { addCounts, count, hardwareEvents, hostedDeviceEvents, virtualDeviceEvents, type EventCounts } from "../costs/events.js";
import { GuestMemory, MonitorFrames } from "./guest-memory.js";
import { frameLayoutFor, guestFrameAllocator } from "./frame-allocator.js";
import type { TraceActor, TraceEvent, TraceKind, TraceSink } from "./trace-events.js";
import { FAULT_HIDDEN, FAULT_REFLECT, type GuestFault, type VmContext } from "./vm-context.js";
import { VirtualCpu } from "./virtual-cpu.js";
import { VirtualSystem } from "./virtual-system.js";
import { RegionMarks } from "../region.js";
import { containedAttempt } from "./contained-attempts.js";

/** Machine memory at the bottom that belongs to the monitor (shadow tables, its vector); guests' frames come from above it. */
export const MONITOR_BYTES = 2 * 1024 * 1024;
/** Guest-physical memory of one VM: the same 4 MiB the bare machine has. */
export const GUEST_BYTES = 4 * 1024 * 1024;
/** The real trap vector: a kseg0 address in the monitor's first frame (RDTVEC on x86-like reveals it). */
export const MONITOR_VECTOR = KSEG_BASE;

const ACCESS_NAMES = ["read", "write", "fetch"];

/**
 * Where a VM lives on a machine it shares with others (see VmScheduler): its guest
 * memory and its share of the monitor's region for shadow or mirror tables.
 */
export interface VmPlacement {
  readonly machine: Machine;
  /** The VM's pmap (PFN -> MFN): its frames, from the machine's one allocator. */
  readonly pmap: Pmap;
  /** The VM's frames of the monitor's region: [framesFirst, framesEnd). */
  readonly framesFirst: number;
  readonly framesEnd: number;
}

export class Monitor implements VmContext {
  readonly machine: Machine;
  readonly cpu: Cpu;
  readonly guest: GuestMemory;
  readonly vcpu = new VirtualCpu();
  /** The virtual CPU as the system instructions and trap entry see it. */
  readonly system = new VirtualSystem(this);
  readonly frames: MonitorFrames;
  readonly fault: GuestFault = { cause: 0, address: 0, access: 0, protection: false };
  /** Where events go; during a memory strategy's fault handling, a buffer (see memoryFault). */
  trace: TraceSink | undefined;
  /** What the memory strategy attached to this VM: at boot for the deprivileged kernel, or a guest-mode monitor's (useMemory). */
  private attached: AttachedMemory | undefined;
  /** The attachment serving the deprivileged guest kernel (boot). */
  private kernelMemory: MonitorMemory | undefined;
  /** The VM's virtual devices: its own console and disk (the timer is the real one, which counts guest instructions). */
  readonly console = new Console();
  readonly disk: Disk;
  /**
   * The virtual devices as the guest's IN and OUT reach them (emulated after a trap, a
   * callout, an I/O exit or a hypercall, always before the instruction retires): DMA
   * to guest-physical memory through the pmap, and a timer write also drops the virtual
   * CPU's pending interrupt.
   */
  readonly ports: PortBus;
  /** Ring compression: the real mode of the deprivileged guest kernel is ring 1 (see the top of the file). */
  readonly kernelAtRing1: boolean;
  /** Opcodes of the sensitive instructions the profile lets user mode run without a trap: audited. */
  private readonly audited: readonly number[];
  /**
   * The virtual CPU enters a user-address TLB miss at the refill vector, as the
   * software-TLB hardware does; a paravirtual interface may choose otherwise.
   */
  protected refillVector: boolean;
  /** The guest's work markers: not a device, told to the session's recorder. */
  readonly workMarks: RegionMarks;

  // Counters (plain numbers and typed arrays: updated once per trap, never per instruction).
  readonly emulatedByOpcode = new Float64Array(256);
  readonly reflectedByCause = new Float64Array(16);
  /** Faults delivered to the guest: they use up budget as on bare metal. */
  reflectedFaults = 0;
  /** Real returns from the monitor to the guest. */
  monitorReturns = 0;
  virtualInterrupts = 0;
  /** Traps delivered to the guest kernel so far (any cause). */
  reflections = 0;
  /** TLB misses delivered to the guest's refill vector. */
  refillReflections = 0;
  /** Virtual port reads and writes (the work marker is no device: not counted). */
  private readonly virtualPortCounts = { portReads: 0, portWrites: 0 };
  /** Virtual device accesses by device (DEVICE_NAMES order), for the cost model. */
  readonly virtualDeviceAccesses = new Float64Array(DEVICE_NAMES.length);
  readonly auditLog: string[] = [];
  /** Sensitive instructions that ran without trapping: [op] in the deprivileged kernel, [256 + op] in the guest's processes. */
  private readonly sensitive = new Float64Array(512);
  private readonly sensitiveFirst = new Map<number, { pc: number; at: number }>();
  /** The CPU's counts already accounted for: in real user mode, and at ring 1. */
  private readonly seenInUserMode = new Float64Array(256);
  private readonly seenAtRing1 = new Float64Array(256);

  // The stretch of direct execution in progress (for the trace and the audit).
  private runPc = 0;
  private runRetired = 0;
  private runMode = MODE_KERNEL;
  /** The real interrupt flag and the virtual one when the stretch began (a process's PUSHF shows the real one). */
  private runRealIf = 0;
  private runVirtualIf = 0;

  constructor(
    readonly session: GuestSession,
    /** `placement`: one VM of several on a shared machine; otherwise the VM has a machine of its own. */
    options: { readonly memoryBytes?: number; readonly placement?: VmPlacement } = {},
  ) {
    const p = options.placement;
    const guestBytes = options.memoryBytes ?? GUEST_BYTES;
    this.machine = p?.machine ?? new Machine({ profile: session.profile, memoryBytes: MONITOR_BYTES + guestBytes });
    this.cpu = this.machine.cpu;
    const pmap = p?.pmap ?? guestFrameAllocator(frameLayoutFor(session), MONITOR_BYTES, this.machine.memory.size, guestBytes).take(guestBytes);
    this.guest = new GuestMemory(this.machine.memory, pmap);
    this.frames = new MonitorFrames(this.machine.memory, p?.framesFirst ?? PAGE_SIZE, p?.framesEnd ?? MONITOR_BYTES);
    this.disk = new Disk(undefined, session.diskContents);
    this.trace = session.trace;
    this.kernelAtRing1 = session.profile.ring1 && session.memory.ringCompression;
    this.audited = unprivilegedSensitive(session.profile).map((i) => i.opcode);
    this.refillVector = session.profile.mmu.kind === "software-tlb";
    this.workMarks = new RegionMarks(session.region);
    this.ports = new PortBus({
      console: this.console,
      disk: this.disk,
      timer: this.cpu,
      memory: this.machine.memory.u8,
      pmap: this.guest.pmap,
      dmaWritten: (start, end) => this.guestWrittenByDma(start, end),
      counts: this.virtualPortCounts,
      byDevice: this.virtualDeviceAccesses,
      workMark: (value, retired) => this.workMarks.mark(value, retired),
      timerSet: () => {
        this.vcpu.interruptPending = false;
      },
      dmaRefused: (address) => this.audit(containedAttempt({ kind: "disk DMA", guestPhysical: address })),
    });
    // The walker caches whatever tables the real PTBR names (shadow or mirror tables
    // here) where the machine's generation has a page-walk cache, as it does natively.
    this.cpu.setFeatures({ pageWalkCache: session.machineProfile.features.pageWalkCache });
  }

  /** The real mode the guest runs in for virtual mode `mode`. */
  realMode(mode: number): number {
    return mode === MODE_KERNEL && this.kernelAtRing1 ? MODE_RING1 : MODE_USER;
  }

  /** Loads the guest and starts its virtual CPU in kernel mode at the image's entry. */
  boot(): void {
    const { cpu, vcpu } = this;
    this.machine.load(this.session.image, this.guest.pmap);
    vcpu.mode = MODE_KERNEL;
    vcpu.interruptFlag = 0;
    // The real CPU: deprivileged (user mode, or ring 1 under ring compression),
    // interrupts on (the monitor never gives them up), every trap to the monitor.
    cpu.mode = this.realMode(MODE_KERNEL);
    cpu.flags = FLAG_IF;
    cpu.crs[CR.TVEC] = MONITOR_VECTOR;
    cpu.intercept({ traps: "all" });
    const strategy = this.session.memory;
    if (!strategy.attachMonitor) throw new Error(`memory strategy '${strategy.info.name}' cannot serve a monitor`);
    const memory = strategy.attachMonitor(this);
    this.attached = this.kernelMemory = memory;
    memory.modeChanged(MODE_KERNEL);
    cpu.translationChanged();
  }

  /** The memory strategy's attachment to this VM (after boot, or useMemory). */
  get memory(): AttachedMemory {
    if (!this.attached) throw new Error("the monitor has no memory strategy attached before it boots");
    return this.attached;
  }

  /** The attachment serving the deprivileged guest kernel: its MMU events come here. */
  get mmu(): MonitorMemory {
    if (!this.kernelMemory) throw new Error("the monitor has no memory strategy for a deprivileged kernel before it boots");
    return this.kernelMemory;
  }

  /** A monitor that runs the guest otherwise (guest mode) attached the memory strategy itself. */
  useMemory(memory: AttachedMemory): void {
    this.attached = memory;
  }

  audit(message: string): void {
    if (this.auditLog.length < 100) this.auditLog.push(message);
  }

  /** Virtual port reads and writes so far. */
  get virtualPortIo(): number {
    return this.virtualPortCounts.portReads + this.virtualPortCounts.portWrites;
  }

  /** Virtual device accesses that moved data to or from the real device: console bytes, disk sectors. */
  get deviceTransfers(): number {
    return this.ports.transfers;
  }

  /** Budget used so far, counted as the bare machine counts it: retired instructions plus faults taken. */
  get used(): number {
    return this.cpu.retired + this.reflectedFaults;
  }

  /** Trap-and-emulate: run directly until a trap, handle it, go back. */
  run(budget: number): "halt" | "budget" {
    const { cpu, vcpu } = this;
    for (;;) {
      if (vcpu.halted) return "halt";
      const left = budget - this.used;
      if (left <= 0 || this.traceFull()) return "budget";
      this.beginDirect();
      const stop = this.machine.run(left);
      this.endDirect();
      if (stop.reason !== "intercept") return "budget";
      this.handleTrap(cpu.exitCause);
      if (!vcpu.halted) {
        this.monitorReturns++;
        cpu.translationChanged();
      }
    }
  }

  private traceFull(): boolean {
    return (this.trace as { full?: boolean } | undefined)?.full === true;
  }

  /** Marks the start of direct execution. */
  beginDirect(): void {
    this.runPc = this.cpu.pc;
    this.runRetired = this.cpu.retired;
    this.runMode = this.vcpu.mode;
    this.runRealIf = this.cpu.flags & FLAG_IF;
    this.runVirtualIf = this.vcpu.interruptFlag;
    this.clearFirstSensitive();
  }

  private clearFirstSensitive(): void {
    this.cpu.forgetFirstSensitive(this.audited);
  }

  /** After direct execution: audit sensitive instructions that did not trap, trace the stretch. */
  endDirect(): void {
    this.auditSensitive();
    const n = this.cpu.retired - this.runRetired;
    if (this.trace && n > 0) {
      this.note(this.runMode === MODE_USER ? "process" : "os", "run", `runs ${n} instruction${n === 1 ? "" : "s"} directly`, { pc: this.runPc, instructions: n, at: this.runRetired });
    }
  }

  /**
   * Sensitive instructions that ran without trapping since the last call, by who ran
   * them: at ring 1 only the deprivileged kernel runs (ring compression); in real user
   * mode the guest's processes, and the kernel too where it is deprivileged to user mode
   * (a stretch of direct execution is then one virtual mode: every mode change traps).
   */
  auditSensitive(): void {
    const cpu = this.cpu;
    for (const op of this.audited) {
      const ring1 = cpu.sensitiveAtRing1[op]!;
      const user = cpu.sensitiveInUserMode[op]! - ring1;
      const atRing1 = ring1 - this.seenAtRing1[op]!;
      const inUser = user - this.seenInUserMode[op]!;
      if (atRing1 === 0 && inUser === 0) continue;
      this.seenAtRing1[op] = ring1;
      this.seenInUserMode[op] = user;
      const userIsKernel = !this.kernelAtRing1 && this.runMode === MODE_KERNEL;
      if (atRing1 > 0) this.untrapped(op, atRing1, "kernel", 256 + op);
      if (inUser > 0) this.untrapped(op, inUser, userIsKernel ? "kernel" : "user", op);
    }
  }

  /** `n` of sensitive instruction `op` ran without trapping in `by`; the CPU's first of them is at `first`. */
  private untrapped(op: number, n: number, by: "kernel" | "user", first: number): void {
    const cpu = this.cpu;
    const k = by === "kernel" ? op : 256 + op;
    this.sensitive[k]! += n;
    const pc = cpu.firstSensitivePc[first]!;
    if (!this.sensitiveFirst.has(k) && pc >= 0) this.sensitiveFirst.set(k, { pc, at: cpu.firstSensitiveAt[first]! });
    const who = by === "kernel" ? "the guest kernel" : "a guest process";
    // What it saw that the bare machine would not have shown it.
    if (op === OP.RDTVEC) {
      this.audit(
        `${who} read the trap vector with RDTVEC at ${hex(pc)}, which does not trap here: it saw the monitor's, ${hex(cpu.crs[CR.TVEC]!)}, not ${by === "kernel" ? "its own" : "its kernel's"}, ${hex(this.vcpu.crs[CR.TVEC]!)} (the monitor's is an address of the guest's own memory)`,
      );
    } else if (op === OP.PUSHF && by === "user" && this.runMode === MODE_USER && this.runRealIf !== this.runVirtualIf) {
      // A stretch of user mode: the process ran with the flag its kernel returned with,
      // virtually, and the real one, which the monitor keeps set.
      this.audit(
        `${who} pushed the flags with PUSHF at ${hex(pc)}, which does not trap here: it saw the real interrupt flag, ${this.runRealIf ? "set" : "clear"}, where its kernel had returned with it ${this.runVirtualIf ? "set" : "clear"}`,
      );
    }
  }

  /** Records a trace event (only when tracing). */
  note(actor: TraceActor, kind: TraceKind, text: string, extra: { pc?: number; instructions?: number; hidden?: boolean; inline?: boolean; cause?: number; at?: number } = {}): void {
    this.trace?.event({
      actor,
      kind,
      text,
      at: extra.at ?? this.cpu.retired,
      ...(extra.pc !== undefined ? { pc: extra.pc >>> 0 } : {}),
      ...(extra.instructions !== undefined ? { instructions: extra.instructions } : {}),
      ...(extra.hidden ? { hidden: true } : {}),
      ...(extra.inline ? { inline: true } : {}),
      ...(extra.cause !== undefined ? { cause: CAUSE_NAMES[extra.cause]! } : {}),
    });
  }

  private get guestActor(): TraceActor {
    return this.vcpu.mode === MODE_USER ? "process" : "os";
  }

  /** Handles one intercepted trap; the real CPU's pc is the trap's EPC. */
  handleTrap(cause: number): void {
    const cpu = this.cpu;
    const epc = cpu.pc;
    switch (cause) {
      case CAUSE.SYSCALL:
      case CAUSE.BREAKPOINT:
      case CAUSE.HYPERCALL:
        if (this.trace) this.note(this.guestActor, "trap", `${cause === CAUSE.SYSCALL ? "system call" : CAUSE_NAMES[cause]!.toLowerCase()}: trap`, { pc: epc - 4, cause });
        this.reflect(cause, epc, 0, 0, false);
        return;
      case CAUSE.TIMER:
        if (this.trace)
          this.note("vmm", "trap", `timer interrupt reaches the monitor${this.vcpu.interruptsEnabled ? "" : ": virtual IF clear, held pending"}`, { hidden: !this.vcpu.interruptsEnabled, cause });
        if (this.vcpu.interruptsEnabled) this.deliverInterrupt(epc);
        else this.vcpu.interruptPending = true;
        return;
      case CAUSE.PRIVILEGED:
        if (this.vcpu.mode === MODE_USER) {
          this.reflectFault(CAUSE.PRIVILEGED, epc, 0, 0, false);
          return;
        }
        this.emulate(epc);
        return;
      case CAUSE.PAGE_FAULT:
      case CAUSE.TLB_MISS:
        this.memoryFault(cause, epc);
        return;
      default:
        this.reflectFault(cause, epc, cpu.exitAddress, cpu.exitAccess, cpu.exitProtection);
    }
  }

  /** A real page fault or TLB miss: the memory strategy decides. */
  memoryFault(cause: number, epc: number): void {
    const cpu = this.cpu;
    const va = cpu.exitAddress;
    const access = cpu.exitAccess;
    const sink = this.trace;
    // The strategy's own events come after the trap that caused them.
    const held: TraceEvent[] = [];
    if (sink) this.trace = { event: (e) => held.push(e) };
    const disposition = this.mmu.realFault(va, access, cause, cpu.exitProtection);
    if (sink) {
      this.trace = sink;
      const what = cause === CAUSE.TLB_MISS ? "TLB miss" : cpu.exitProtection ? "protection fault" : "page fault";
      this.note(this.guestActor, "trap", `${ACCESS_NAMES[access]} of ${hex(va)}: ${what}: trap`, { pc: epc, hidden: disposition === FAULT_HIDDEN, cause });
      for (const e of held) sink.event(e);
    }
    if (disposition === FAULT_HIDDEN) return;
    if (disposition === FAULT_REFLECT) {
      const f = this.fault;
      this.reflectFault(f.cause, epc, f.address, f.access, f.protection);
      return;
    }
    this.tracedWrite(va);
  }

  /**
   * A permitted write to a write-protected guest page table: the monitor lets the real
   * CPU carry out just that instruction with the protection lifted, then brings its
   * shadows up to date. The instruction retires as on bare metal.
   */
  tracedWrite(va: number): void {
    const cpu = this.cpu;
    this.mmu.beginTracedWrite(va);
    const before = cpu.retired;
    const stop = this.machine.run(1);
    this.mmu.endTracedWrite(va);
    if (cpu.retired === before) {
      // It faulted some other way after all: handle that trap instead.
      if (stop.reason === "intercept") this.handleTrap(cpu.exitCause);
      return;
    }
    // The timer may have expired as it retired: one pending interrupt, as on bare metal.
    if (stop.reason === "intercept" && cpu.exitCause === CAUSE.TIMER) cpu.raiseTimer();
    this.afterRetire();
  }

  /** Delivers a trap into the guest kernel's handler, as the hardware would have. */
  reflect(cause: number, epc: number, address: number, access: number, protection: boolean): void {
    const { cpu, vcpu } = this;
    const crs = vcpu.crs;
    cpu.pc = enterTrap(this.system, cause, epc, address, access, protection, this.refillVector);
    if (cpu.pc !== crs[CR.TVEC]! >>> 0) this.refillReflections++;
    this.reflectedByCause[cause]!++;
    this.reflections++;
    if (this.trace) {
      const why =
        cause === CAUSE.TLB_MISS
          ? `not in the virtual TLB: call the OS ${cpu.pc !== crs[CR.TVEC]! >>> 0 ? "TLB refill handler (the refill vector)" : "TLB-miss handler"}`
          : cause === CAUSE.TIMER
            ? "virtual timer interrupt: call the OS interrupt handler"
            : cause === CAUSE.SYSCALL
              ? "process trapped: call the OS trap handler"
              : `reflect ${CAUSE_NAMES[cause]}: call the OS trap handler`;
      this.note("vmm", "reflect", why, { pc: cpu.pc, cause });
    }
  }

  /** A fault the guest takes: reflected, and counted against the budget as on bare metal. */
  reflectFault(cause: number, epc: number, address: number, access: number, protection: boolean): void {
    this.reflectedFaults++;
    if (this.trace && cause !== CAUSE.TLB_MISS && cause !== CAUSE.PAGE_FAULT) this.note(this.guestActor, "trap", `${CAUSE_NAMES[cause]!.toLowerCase()}: trap`, { pc: epc, cause });
    this.reflect(cause, epc, address, access, protection);
  }

  private deliverInterrupt(epc: number): void {
    this.vcpu.interruptPending = false;
    this.virtualInterrupts++;
    this.reflect(CAUSE.TIMER, epc, 0, 0, false);
  }

  setMode(mode: number): void {
    if (this.vcpu.mode === mode) return;
    this.vcpu.mode = mode;
    const real = this.realMode(mode);
    if (this.cpu.mode !== real) {
      this.cpu.mode = real;
      this.cpu.translationChanged();
    }
    this.mmu.modeChanged(mode);
  }

  /**
   * After an instruction retired under the monitor's control: one timer interrupt
   * pending (real or virtual, as bare metal has one flag), delivered if the virtual IF allows.
   */
  afterRetire(): void {
    const { cpu, vcpu } = this;
    if (cpu.acknowledgeTimer()) vcpu.interruptPending = true;
    if (vcpu.interruptPending && vcpu.interruptsEnabled) this.deliverInterrupt(cpu.pc);
  }

  /** Fetches the guest instruction word at `pc` through the guest's own mappings, or -1 after reflecting the fault. */
  fetchGuestWord(pc: number): number | undefined {
    const gpa = this.memory.guestTranslate(pc, ACCESS_FETCH);
    if (gpa < 0) {
      const f = this.fault;
      this.reflectFault(f.cause, pc, f.address, f.access, f.protection);
      return undefined;
    }
    return this.guest.read32(gpa);
  }

  /** Emulates the privileged instruction at `pc` for the deprivileged guest kernel. */
  emulate(pc: number): void {
    const w = this.fetchGuestWord(pc);
    if (w === undefined) return;
    this.emulateWord(w, pc);
  }

  /**
   * Carries out privileged or sensitive instruction `w` (at guest `pc`) on the virtual
   * CPU, with the semantics of the bare machine in kernel mode. Returns false when it
   * faulted (the fault has been reflected).
   */
  emulateWord(w: number, pc: number, via: "trap" | "callout" = "trap"): boolean {
    const { cpu, vcpu } = this;
    const regs = cpu.regs;
    const crs = vcpu.crs;
    const op = w >>> 24;
    let next = (pc + 4) >>> 0;
    let text = "";
    // RTE, TLBW and HALT are steps of their own in a trace; the rest are emulated in passing.
    const inline = op !== OP.RTE && op !== OP.TLBW && op !== OP.HALT;
    if (this.trace) {
      const m = BY_OPCODE[op]?.mnemonic.toLowerCase() ?? "?";
      if (via === "trap") this.note("os", "trap", `${m} (privileged): trap`, { pc, inline, cause: CAUSE.PRIVILEGED });
      else this.note("os", "callout", `${m}: translated into a callout (no trap)`, { pc, inline });
    }
    const system = this.system;
    switch (op) {
      case OP.PUSHF: {
        const va = (regs[SP]! - 4) | 0;
        const gpa = this.guestData(va, ACCESS_WRITE, pc);
        if (gpa < 0) return false;
        this.writeGuestWord(gpa, flagsToPush(system));
        regs[SP] = va;
        break;
      }
      case OP.POPF: {
        const va = regs[SP]!;
        const gpa = this.guestData(va, ACCESS_READ, pc);
        if (gpa < 0) return false;
        regs[SP] = (va + 4) | 0;
        // The virtual kernel's POPF changes IF (the virtual one).
        system.flags = flagsAfterPop(system, this.guest.read32(gpa), false);
        break;
      }
      default: {
        if (BY_OPCODE[op]?.effect.kind !== "system") throw new Error(`monitor: no emulation for ${BY_OPCODE[op]?.mnemonic ?? hex(op)} at ${hex(pc)}`);
        const after = executeSystem(system, w, pc);
        if (after < 0) return this.faultAt(CAUSE.ILLEGAL, pc);
        next = after;
      }
    }
    if (op === OP.RDTVEC)
      this.audit(`the guest kernel read the trap vector with RDTVEC at ${hex(pc)}: ${via === "trap" ? "trapped" : "translated into a callout"}, and given its own, ${hex(crs[CR.TVEC]!)}`);
    if (this.trace) {
      const device = op === OP.IN || (op === OP.OUT && uimm16(w) !== PORT.WORK_MARK);
      text = device
        ? `OS ${op === OP.IN ? "reads" : "writes"} port ${hex(uimm16(w))}: ${this.deviceAccessText(uimm16(w), op === OP.OUT)}`
        : emulationText(op, w, regs, next, vcpu.mode, vcpu.interruptFlag);
    }
    this.emulatedByOpcode[op]!++;
    cpu.pc = next;
    cpu.retireEmulated();
    if (this.trace && text) this.note("vmm", "emulate", text, { pc, inline });
    this.afterRetire();
    return true;
  }

  private faultAt(cause: number, pc: number): false {
    this.reflectFault(cause, pc, 0, 0, false);
    return false;
  }

  /** Guest-physical address of a word the emulated instruction touches, or -1 after reflecting the fault. */
  private guestData(va: number, access: number, pc: number): number {
    if ((va & 3) !== 0) {
      this.reflectFault(CAUSE.ADDRESS_ERROR, pc, va, access, false);
      return -1;
    }
    const gpa = this.memory.guestTranslate(va, access);
    if (gpa < 0) {
      const f = this.fault;
      this.reflectFault(f.cause, pc, f.address, f.access, f.protection);
    }
    return gpa;
  }

  /** The monitor writes a guest word: code decoded from it and shadows built from it are dropped. */
  writeGuestWord(gpa: number, value: number): void {
    this.guest.write32(gpa, value);
    const ma = this.guest.machineAddress(gpa);
    this.cpu.invalidateCode(ma, ma + 4);
    this.memory.guestPhysicalWritten(gpa, gpa + 4);
  }

  /** Guest-physical [start, end) was written by DMA: decoded code on its machine frames and shadows built from it are dropped. */
  guestWrittenByDma(start: number, end: number): void {
    this.guest.forEachMachineRange(start, end, (from, to) => this.cpu.invalidateCode(from, to));
    this.memory.guestPhysicalWritten(start, end);
  }

  /**
   * What every deprivileged-kernel monitor counts alike: the real machine's hardware
   * events, the monitor's returns to the guest, traps reflected into the guest kernel,
   * the virtual devices' accesses, and the memory strategy's own events.
   */
  monitorCounts(): EventCounts {
    const c = hardwareEvents(this.machine.stats());
    count(c, "monitorReturn", this.monitorReturns);
    let reflected = 0;
    for (const n of this.reflectedByCause) reflected += n;
    count(c, "trapReflected", reflected);
    this.deviceEvents(c);
    addCounts(c, this.memory.finish().counts);
    return c;
  }

  /**
   * The virtual devices' accesses: the device models', and under a hosted monitor the
   * crossings to the user-level process that runs them and its host system calls.
   */
  deviceEvents(c: EventCounts): EventCounts {
    virtualDeviceEvents(this.virtualDeviceAccesses, c);
    if (this.session.hosted) hostedDeviceEvents(this.virtualDeviceAccesses, this.deviceTransfers, this.session.hosted, c);
    return c;
  }

  /** For traces: where a port access is emulated, and what it costs a hosted monitor. */
  deviceAccessText(port: number, write: boolean): string {
    const device = DEVICE_NAMES[deviceOfPort(port)];
    const hosted = this.session.hosted;
    if (!hosted || (device !== "console" && device !== "disk")) return "emulated on the virtual device";
    const there = hosted === "world-switch" ? "world switch to the host, where VMApp" : "exit to user space, where QEMU";
    const moves = (port === PORT.CONSOLE_OUT && write) || (port === PORT.DISK_CMD && write);
    return `${there} emulates it${moves ? ` and ${port === PORT.CONSOLE_OUT ? "writes the byte" : "reads or writes the sector"} on the host (a system call)` : ""}, then resumes the monitor by ioctl${hosted === "world-switch" ? " (world switch back)" : ""}`;
  }

  /** Guest instructions the monitor emulated after a trap. */
  get emulatedCount(): number {
    let n = 0;
    for (const k of this.emulatedByOpcode) n += k;
    return n;
  }

  /** Sensitive instructions that ran without trapping: the deprivileged guest kernel's, then its processes'. */
  sensitiveUntrapped(): SensitiveUntrapped[] {
    const out: SensitiveUntrapped[] = [];
    for (const mode of ["kernel", "user"] as const) {
      for (const op of this.audited) {
        const k = mode === "kernel" ? op : 256 + op;
        const count = this.sensitive[k]!;
        if (count === 0) continue;
        const first = this.sensitiveFirst.get(k);
        out.push({ mnemonic: BY_OPCODE[op]!.mnemonic, mode, count, firstPc: first?.pc ?? -1, firstAt: first?.at ?? -1 });
      }
    }
    return out;
  }

  /** Monitor events by name, for reports. */
  events(): Record<string, number> {
    const out: Record<string, number> = {};
    this.emulatedByOpcode.forEach((n, op) => {
      if (n > 0) out[`emulated ${BY_OPCODE[op]!.mnemonic}`] = n;
    });
    this.reflectedByCause.forEach((n, c) => {
      if (n > 0) out[`reflected ${CAUSE_NAMES[c]}`] = n;
    });
    if (this.refillReflections) out["TLB misses delivered to the refill vector"] = this.refillReflections;
    if (this.virtualInterrupts) out["virtual timer interrupts"] = this.virtualInterrupts;
    if (this.virtualPortIo) out["virtual port I/O"] = this.virtualPortIo;
    return out;
  }

  /** The run's Execution, with the counters every monitor shares. */
  execution(outcome: "halt" | "budget", extra: Partial<Execution> & Pick<Execution, "executedDirectly" | "emulated" | "counts">): Execution {
    const s = this.machine.stats();
    const sensitive = this.sensitiveUntrapped();
    const audit = [...this.auditLog];
    const execution: Execution = {
      outcome,
      output: this.console.text(),
      guestRegisters: Array.from(this.cpu.regs),
      guestMemory: new Uint8Array(0), // gathered on first read, below
      guestInstructions: s.retired,
      translated: 0,
      traps: Object.fromEntries(Object.entries(s.trapsByCause).filter(([, n]) => n > 0)),
      vmExits: {},
      tlbMisses: s.tlbMisses,
      walkReferences: s.walkReferences,
      pageFaultsHidden: 0,
      pageFaultsReflected: this.reflectedByCause[CAUSE.PAGE_FAULT]! + this.reflectedByCause[CAUSE.TLB_MISS]!,
      audit,
      ...(sensitive.length ? { sensitiveUntrapped: sensitive } : {}),
      machine: this.machine,
      pmap: this.guest.pmap,
      memoryStrategy: this.session.memory,
      memoryAttached: this.memory,
      virtualCpu: this.vcpu,
      ...this.workMarks.result(),
      ...extra,
    };
    // The digest reads the guest's memory in place through the pmap (fnv1aFrames); the
    // bytes in guest-physical order are gathered only for whoever asks for them.
    let gathered: Uint8Array | undefined;
    return Object.defineProperty(execution, "guestMemory", { get: () => (gathered ??= this.guest.snapshot()), enumerable: true });
  }
}

/** What a trace says the monitor did for privileged instruction `w` (after it was carried out). */
function emulationText(op: number, w: number, regs: Int32Array, next: number, mode: number, interruptFlag: number): string {
  const a = fieldA(w);
  const n = uimm16(w);
  switch (op) {
    case OP.RTE:
      return `OS tried return from trap: do the real return from trap to ${hex(next)} (${mode === MODE_USER ? "user" : "kernel"} mode)`;
    case OP.HALT:
      return "OS halts: the virtual machine stops";
    case OP.IN:
      return `OS reads port ${hex(n)}: emulated on the virtual device`;
    case OP.OUT:
      return n === PORT.WORK_MARK
        ? `OS writes the work marker (${regs[a] === 1 ? "begin" : regs[a] === 0 ? "end" : "a value it ignores"}): the region of interest, no device`
        : `OS writes port ${hex(n)}: emulated on the virtual device`;
    case OP.CLI:
      return "OS disables interrupts: virtual IF = 0";
    case OP.STI:
      return "OS enables interrupts: virtual IF = 1";
    case OP.RDCR:
      return `OS reads control register ${n}: from the virtual CPU`;
    case OP.WRCR:
      return `OS writes control register ${n}: into the virtual CPU`;
    case OP.TLBI:
      return `OS invalidates the TLB entry of ${hex(regs[a]!)}`;
    case OP.TLBFLUSH:
      return "OS flushes the TLB";
    case OP.PUSHF:
      return "OS pushes the flags: the virtual IF";
    case OP.POPF:
      return `OS pops the flags: virtual IF = ${interruptFlag ? 1 : 0}`;
    case OP.RDMODE:
      return "OS reads the mode: the virtual mode (kernel)";
    case OP.RDTVEC:
      return "OS reads the trap vector: the virtual one";
    default:
      // TLBW: the memory strategy traces what it installs.
      return "";
  }
}
