// The CPU interpreter. A call-free fast loop runs decoded unprivileged instructions
// whose fetch and data pages are already translated; everything else (decoding, page
// changes, faults, privileged instructions, stores into code) goes one instruction at a
// time through the complete interpreter around it. Hot state lives in locals and typed
// arrays. Instructions are decoded once per physical word and the decode is
// dropped when that word is written. Address translation is cached per access kind
// (fetch, read, write) for one virtual page each; any change to the translation state
// (mode, PTBR, TLB contents) empties those caches.
import {
  ACCESS_FETCH, ACCESS_READ, ACCESS_WRITE, CAUSE, CR, crExists, DEVICE_NAMES,
  estatusMode, FLAG_C, FLAG_IF, FLAG_N, FLAG_V, FLAG_Z, FLAGS_MASK, KSEG_BASE, MODE_KERNEL, MODE_RING1, MODE_USER, modeOfEstatus, NUM_CRS,
  NUM_REGS, PAGE_SHIFT, PTE_FRAME_MASK, PTE_U, PTE_V, PTE_W, SP,
} from "../arch.js";
import type { Console } from "../devices/console.js";
import type { Disk } from "../devices/disk.js";
import type { PhysicalMemory } from "../memory.js";
import { Tlb } from "../mmu/tlb.js";
import { walk, walkCached, walkShape, WALK_BAD_TABLE, WALK_OK, WALK_PROTECTION, type WalkResult, type WalkShape } from "../mmu/walker.js";
import { BRANCH_TAKEN_MASK, BY_OPCODE, compareFlags, immediateOf, TRAP_CAUSE } from "../opcodes.js";
import { absentTable, privilegeTable, type Profile } from "../profiles.js";
import { enterTrap, executeSystem, flagsAfterPop, flagsToPush, readControlRegister, readCr, writeCr, type SystemCpu } from "./system.js";
import { VmxUnit, type VmControl } from "../vmx.js";
import { giveBack, takeZeroed } from "../buffer-pool.js";
import { CpuContext } from "./context.js";
import type { CodeWrittenHook, Intercepts, WorkMarkHook } from "./intercepts.js";
import { PortBus } from "../devices/port-bus.js";

// The loop in `execute` writes these constants and the opcodes (opcodes.ts) as literals:
// V8 loads imported constants from module cells, with a hole check, on every use, and
// only a switch over literal cases becomes a jump table.
if (SP !== 15 || FLAG_C !== 1 || FLAG_Z !== 2 || FLAG_N !== 4 || FLAG_V !== 8 || FLAG_IF !== 0x200 ||
    FLAGS_MASK !== 0x20f || PAGE_SHIFT !== 12 || MODE_USER !== 1 || NUM_REGS !== 16) {
  throw new Error("arch.ts constants changed: update the literals in cpu.ts");
}

/** Decoded opcode for a word whose opcode is unassigned (traps ILLEGAL). */
const DECODED_ILLEGAL = 0xff;

/** "vm-exit": guest mode ended with a VM exit; the reason and qualification are in the control structure. */
export type StopReason = "halt" | "budget" | "intercept" | "vm-exit";

/** Counters kept by the CPU; plain numbers, updated off the hot path where possible. */
export interface CpuCounters {
  tlbHits: number;
  tlbMisses: number;
  walks: number;
  walkReferences: number;
  codeInvalidations: number;
  portReads: number;
  portWrites: number;
  trapReturns: number;
  tlbWrites: number;
  tlbInvalidations: number;
  tlbFlushes: number;
  crWrites: number;
  /** Traps delivered through the trap gate to ring 1 (also counted as traps by cause). */
  gateEntries: number;
  /** RTEs at ring 1 that returned to user mode without the real kernel (also counted in trapReturns). */
  ring1Returns: number;
  /** Walks that consulted the page-walk cache: those that skipped levels, and those that started at the root. */
  pageWalkCacheHits: number;
  pageWalkCacheMisses: number;
  /** Traps that entered the refill vector (software TLB, a miss on a user address). */
  refills: number;
}

/** Counts kept per device and per control register (arrays, so the counters stay flat). */
export interface CpuDetailCounters {
  /** Port accesses by device (DEVICE_NAMES order). */
  readonly deviceAccesses: Float64Array;
  /** WRCR by control register number. */
  readonly crWritesByRegister: Float64Array;
}

const NUM_CAUSES = 16;
/** Where the decoded-instruction slots start in `core` (after the registers). */
const DECODED_BASE = NUM_REGS;
/** Retired instructions per call of the inner loop (see `run`). */
const EXECUTE_SLICE = 1 << 20;

/** Features of the machine's generation the CPU models. */
export interface CpuFeatures {
  /**
   * The walk caches (see ISA.md, "Walk caches"): the page-walk cache, for native walks
   * and the guest dimension of nested ones, and the nested TLB for the host dimension.
   */
  readonly pageWalkCache: boolean;
  readonly nestedTlb: boolean;
  /**
   * Large pages in host (extended) tables. The walker itself always honours PTE_LARGE
   * (every generation modeled has PSE); this tells a monitor it may build them.
   */
  readonly largePages: boolean;
}

export class Cpu implements SystemCpu {
  // Architectural state.
  readonly regs: Int32Array;
  pc = 0;
  flags = 0;
  mode = MODE_KERNEL;
  readonly crs = new Int32Array(NUM_CRS);
  halted = false;
  /** Retired instructions since reset (the timer and COUNT read it). */
  retired = 0;

  // Timer: the interrupt becomes pending when `retired` reaches the deadline. Set only
  // through the timer methods below, so every engine follows the one rule.
  private period = 0;
  private deadline = Infinity;
  private pending = false;

  // What is intercepted (see intercepts.ts; set through `intercept`): a trap whose cause
  // is marked here is not taken architecturally; `run` stops with reason "intercept" and
  // the exit fields say what it was.
  private readonly interceptedTraps = new Uint8Array(NUM_CAUSES);
  private codeWrittenHook: CodeWrittenHook | undefined = undefined;
  private workMarkHook: WorkMarkHook | undefined = undefined;
  private interceptedCause = 0;
  private interceptedAddress = 0;
  private interceptedAccess = 0;
  private interceptedProtection = false;

  readonly trapsByCause = new Float64Array(NUM_CAUSES);

  /**
   * Hardware assist: while set, the CPU runs the guest in guest mode under `vmcs` (see
   * `vmEnter` and ISA.md). Cleared by every VM exit.
   */
  guestMode = false;
  vmcs: VmControl | undefined = undefined;
  /** The exit reason an instruction recorded in the slow path (IO, HALT, CR_*, INVALIDATE). */
  /** Guest mode's entry, exits and translation. */
  private readonly vmx = new VmxUnit();
  /**
   * Sensitive instructions that ran outside kernel mode without trapping (x86-like's
   * PUSHF, POPF, RDMODE, RDTVEC), by opcode: in user mode and at ring 1 together, and
   * the ring-1 share of them. A monitor running a deprivileged kernel audits these.
   */
  private readonly sensitiveUser = new Float64Array(256);
  private readonly sensitiveRing1 = new Float64Array(256);
  /**
   * The pc and retired count of the first of each since a monitor last forgot it (pc -1):
   * [op] in user mode, [256 + op] at ring 1.
   */
  private readonly sensitiveFirstPc = new Float64Array(512).fill(-1);
  private readonly sensitiveFirstAt = new Float64Array(512);
  readonly counters: CpuCounters = {
    tlbHits: 0, tlbMisses: 0, walks: 0, walkReferences: 0, codeInvalidations: 0, portReads: 0, portWrites: 0,
    trapReturns: 0, tlbWrites: 0, tlbInvalidations: 0, tlbFlushes: 0, crWrites: 0, pageWalkCacheHits: 0, pageWalkCacheMisses: 0, gateEntries: 0, ring1Returns: 0, refills: 0,
  };
  readonly detail: CpuDetailCounters = { deviceAccesses: new Float64Array(DEVICE_NAMES.length), crWritesByRegister: new Float64Array(NUM_CRS) };
  // The machine generation's features (see `setFeatures`; all off by default).
  private pageWalkCache = false;
  private nestedTlb = false;
  private largePages = false;

  readonly tlb: Tlb;
  readonly profile: Profile;
  private readonly softwareTlb: boolean;
  /** The profile's page-table walker (undefined: a software-managed TLB). */
  readonly shape: WalkShape | undefined;
  private readonly privileged: Uint8Array;
  private readonly absent: Uint8Array;
  private readonly popfKeepsIf: boolean;
  /** The profile has ring 1 (and the trap-gate registers). */
  private readonly ring1: boolean;
  /** Control registers the profile has: RDCR/WRCR of any other trap ILLEGAL. */
  /** 1 for each control register number this profile lacks (RDCR/WRCR of it trap ILLEGAL). */
  private readonly crAbsent: Uint8Array;

  // Decoded-instruction cache, one slot per physical word.
  /**
   * The registers (slots 0..15, `regs` is a view of them), then two slots per physical
   * word: op | a << 8 | b << 12 | c << 16 (0 = not decoded) and the immediate. One array,
   * so the loop checks one typed array per instruction instead of three.
   */
  private readonly core: Int32Array;
  /** 1 for physical pages holding decoded instructions: stores there drop decodes. */
  private readonly codePage: Uint8Array;

  // Translation caches (virtual page key → physical page base), kept in fields
  // between runs; the loop holds them in locals.
  private fetchKey = -1;
  private fetchBase = 0;
  private readKey = -1;
  private readBase = 0;
  private writeKey = -1;
  private writeBase = 0;
  /** Bumped on every change to translation state; the loop reloads its caches. */
  private mmuEpoch = 0;

  // Fault being raised by the slow path (and by `translate`, for monitors that call it).
  faultCause = 0;
  faultAddress = 0;
  faultAccess = 0;
  faultProtection = false;
  /** The bare machine's devices as IN and OUT reach them. */
  readonly ports: PortBus;
  private readonly walkOut: WalkResult = { status: 0, pte: 0, references: 0 };

  constructor(
    profile: Profile,
    readonly memory: PhysicalMemory,
    readonly console: Console,
    readonly disk: Disk,
    tlbEntries?: number,
  ) {
    this.profile = profile;
    this.tlb = new Tlb(tlbEntries ?? profile.mmu.tlbEntries);
    this.softwareTlb = profile.mmu.kind === "software-tlb";
    this.shape = profile.mmu.kind === "walker" ? walkShape(profile.mmu.levels) : undefined;
    this.privileged = privilegeTable(profile);
    this.absent = absentTable(profile);
    this.popfKeepsIf = profile.popfKeepsInterruptFlagInUserMode;
    this.ring1 = profile.ring1;
    this.crAbsent = new Uint8Array(65536).fill(1);
    for (let n = 0; n < NUM_CRS; n++) this.crAbsent[n] = crExists(n, profile) ? 0 : 1;
    const words = memory.size >>> 2;
    this.core = new Int32Array(takeZeroed((DECODED_BASE + 2 * words) * 4));
    this.regs = this.core.subarray(0, NUM_REGS);
    this.codePage = new Uint8Array(memory.size >>> PAGE_SHIFT);
    this.ports = new PortBus({
      console,
      disk,
      timer: this,
      memory: memory.u8,
      dmaWritten: (start, end) => this.invalidateCode(start, end),
      counts: this.counters,
      byDevice: this.detail.deviceAccesses,
      workMark: (value, retired) => this.workMarkHook?.(value, retired),
    });
  }

  // --- Features of the machine's generation -----------------------------------------

  /** Sets the features given (see CpuFeatures); the others stay as they are. */
  setFeatures(features: Partial<CpuFeatures>): void {
    if (features.pageWalkCache !== undefined) this.pageWalkCache = features.pageWalkCache;
    if (features.nestedTlb !== undefined) this.nestedTlb = features.nestedTlb;
    if (features.largePages !== undefined) this.largePages = features.largePages;
  }

  /** Walks consult the page-walk cache (native walks and the guest dimension of nested ones). */
  get pageWalkCacheEnabled(): boolean {
    return this.pageWalkCache;
  }

  /** Nested walks consult the nested TLB for the host dimension. */
  get nestedTlbEnabled(): boolean {
    return this.nestedTlb;
  }

  /** A monitor may map large pages in host (extended) tables: it reads this as it would the VT-x capability MSR. */
  get largePagesEnabled(): boolean {
    return this.largePages;
  }

  // --- Intercepts ---------------------------------------------------------------------

  /** Changes what is intercepted (see intercepts.ts): each member given replaces its part, the others stay. */
  intercept(changes: Intercepts): void {
    const traps = changes.traps;
    if (traps === "all") this.interceptedTraps.fill(1);
    else if (traps === "none") this.interceptedTraps.fill(0);
    else if (traps instanceof Uint8Array) for (let c = 0; c < NUM_CAUSES; c++) this.interceptedTraps[c] = traps[c] ? 1 : 0;
    else if (traps !== undefined) {
      this.interceptedTraps.fill(0);
      for (const c of traps) this.interceptedTraps[c] = 1;
    }
    if ("codeWritten" in changes) this.codeWrittenHook = changes.codeWritten;
    if ("workMark" in changes) this.workMarkHook = changes.workMark;
  }

  /** The trap of `cause` stops `run` with "intercept" instead of being taken. */
  intercepts(cause: number): boolean {
    return this.interceptedTraps[cause] !== 0;
  }

  /** The intercepted trap's cause (after `run` stopped with "intercept"). */
  get exitCause(): number {
    return this.interceptedCause;
  }

  /** The faulting address of the intercepted trap (0 for one that is not a memory fault). */
  get exitAddress(): number {
    return this.interceptedAddress;
  }

  /** The access kind (ACCESS_READ, ACCESS_WRITE, ACCESS_FETCH) of the intercepted fault. */
  get exitAccess(): number {
    return this.interceptedAccess;
  }

  /** The intercepted fault was a protection fault (the page was present). */
  get exitProtection(): boolean {
    return this.interceptedProtection;
  }

  // --- Sensitive instructions that did not trap -----------------------------------

  /**
   * Sensitive instructions that ran outside kernel mode without trapping (x86-like's
   * PUSHF, POPF, RDMODE, RDTVEC), by opcode: in user mode and at ring 1 together.
   */
  get sensitiveInUserMode(): ArrayLike<number> {
    return this.sensitiveUser;
  }

  /** The ring-1 share of `sensitiveInUserMode` (a monitor's deprivileged kernel there). */
  get sensitiveAtRing1(): ArrayLike<number> {
    return this.sensitiveRing1;
  }

  /** The pc of the first of each since `forgetFirstSensitive` (-1: none): [op] in user mode, [256 + op] at ring 1. */
  get firstSensitivePc(): ArrayLike<number> {
    return this.sensitiveFirstPc;
  }

  /** The retired count at each first one of `firstSensitivePc`. */
  get firstSensitiveAt(): ArrayLike<number> {
    return this.sensitiveFirstAt;
  }

  /** Forgets the first occurrences of the opcodes `ops` (a monitor starts a stretch of direct execution). */
  forgetFirstSensitive(ops: readonly number[]): void {
    for (const op of ops) this.sensitiveFirstPc[op] = this.sensitiveFirstPc[256 + op] = -1;
  }

  /** Changes whenever translation state changes (mode, PTBR, TLB contents): a cache of translations is valid while it stays the same. */
  get translationEpoch(): number {
    return this.mmuEpoch;
  }

  /** Drops cached translations (call after changing mode, PTBR or the TLB from outside). */
  translationChanged(): void {
    this.fetchKey = this.readKey = this.writeKey = -1;
    this.mmuEpoch++;
  }

  /** Drops decoded instructions in a physical range (after DMA or a loader write). */
  invalidateCode(start: number, end: number): void {
    for (let page = start >>> PAGE_SHIFT; page <= (end - 1) >>> PAGE_SHIFT; page++) {
      if (this.codePage[page]) {
        const from = Math.max(start, page << PAGE_SHIFT) >>> 2;
        const to = (Math.min(end, (page + 1) << PAGE_SHIFT) + 3) >>> 2;
        for (let wi = from; wi < to; wi++) this.core[DECODED_BASE + 2 * wi] = 0;
        this.counters.codeInvalidations++;
        if (this.codeWrittenHook) this.codeWrittenHook(Math.max(start, page << PAGE_SHIFT), Math.min(end, (page + 1) << PAGE_SHIFT));
      }
    }
  }

  /**
   * A monitor carried out one guest instruction in software: it retires as if the CPU
   * had run it, and the timer sees it at the same count as on bare metal.
   */
  retireEmulated(): void {
    this.retired++;
    this.tickTimer(this.retired);
  }

  /** Records a sensitive instruction executed in user mode without a trap (slow path only). */
  private sensitiveUnprivileged(op: number, pc: number, retired: number): void {
    this.sensitiveUser[op]!++;
    let k = op;
    if (this.mode === MODE_RING1) {
      this.sensitiveRing1[op]!++;
      k += 256;
    }
    if (this.sensitiveFirstPc[k]! < 0) {
      this.sensitiveFirstPc[k] = pc >>> 0;
      this.sensitiveFirstAt[k] = retired;
    }
  }

  // --- The saved context ----------------------------------------------------------

  /** Copies the state a machine switch saves (see context.ts) into `into`. */
  saveContext(into: CpuContext = new CpuContext()): CpuContext {
    into.regs.set(this.regs);
    into.pc = this.pc;
    into.flags = this.flags;
    into.mode = this.mode;
    into.crs.set(this.crs);
    into.halted = this.halted;
    into.retired = this.retired;
    into.timerPeriod = this.period;
    into.timerDeadline = this.deadline;
    into.timerPending = this.pending;
    into.intercept.set(this.interceptedTraps);
    into.trapsByCause.set(this.trapsByCause);
    into.sensitiveInUserMode.set(this.sensitiveUser);
    into.sensitiveAtRing1.set(this.sensitiveRing1);
    into.firstSensitivePc.set(this.sensitiveFirstPc);
    into.firstSensitiveAt.set(this.sensitiveFirstAt);
    if (into.counters) Object.assign(into.counters, this.counters);
    else into.counters = { ...this.counters };
    into.deviceAccesses.set(this.detail.deviceAccesses);
    into.crWritesByRegister.set(this.detail.crWritesByRegister);
    into.workMark = this.workMarkHook;
    into.guestMode = this.guestMode;
    into.vmcs = this.vmcs;
    into.codeWritten = this.codeWrittenHook;
    into.tlbTag = this.tlb.tag;
    return into;
  }

  /** Loads a saved context; the TLB's entries stay (the caller decides what a switch flushes), the translation caches go. */
  restoreContext(from: CpuContext): void {
    this.regs.set(from.regs);
    this.pc = from.pc;
    this.flags = from.flags;
    this.mode = from.mode;
    this.crs.set(from.crs);
    this.halted = from.halted;
    this.retired = from.retired;
    this.period = from.timerPeriod;
    this.deadline = from.timerDeadline;
    this.pending = from.timerPending;
    this.interceptedTraps.set(from.intercept);
    this.trapsByCause.set(from.trapsByCause);
    this.sensitiveUser.set(from.sensitiveInUserMode);
    this.sensitiveRing1.set(from.sensitiveAtRing1);
    this.sensitiveFirstPc.set(from.firstSensitivePc);
    this.sensitiveFirstAt.set(from.firstSensitiveAt);
    if (from.counters) Object.assign(this.counters, from.counters);
    this.detail.deviceAccesses.set(from.deviceAccesses);
    this.detail.crWritesByRegister.set(from.crWritesByRegister);
    this.workMarkHook = from.workMark;
    this.guestMode = from.guestMode;
    this.vmcs = from.vmcs;
    this.codeWrittenHook = from.codeWritten;
    this.tlb.setTag(from.tlbTag);
    this.translationChanged();
  }

  // --- The timer ----------------------------------------------------------------

  /** Retired instructions between interrupts (0: stopped). */
  get timerPeriod(): number {
    return this.period;
  }

  /** The retired count at which the interrupt next becomes pending (Infinity: stopped). */
  get timerDeadline(): number {
    return this.deadline;
  }

  /** An interrupt is pending (taken when IF allows). */
  get timerPending(): boolean {
    return this.pending;
  }

  /**
   * Programs the timer as a write of its port does: counting starts at retired count
   * `start` (after the instruction that wrote it: `retired + 1` for an OUT that has not
   * retired yet), and a pending interrupt is dropped.
   */
  setTimer(period: number, start = this.retired): void {
    this.period = period >>> 0;
    this.deadline = this.period === 0 ? Infinity : start + this.period;
    this.pending = false;
  }

  /** What a read of PORT.TIMER_COUNT returns: instructions left to the deadline. */
  timerCount(): number {
    return this.period === 0 ? 0 : (this.deadline - this.retired) | 0;
  }

  /** The retired count reached `retired`: at the deadline the interrupt becomes pending and the next period starts. */
  tickTimer(retired: number): boolean {
    if (retired < this.deadline) return false;
    this.pending = true;
    this.deadline = retired + this.period;
    return true;
  }

  /** An interrupt taken elsewhere (a monitor's single step stopped on it) is pending again. */
  raiseTimer(): void {
    this.pending = true;
  }

  /** Takes the pending interrupt, if any: true when there was one. */
  acknowledgeTimer(): boolean {
    if (!this.pending) return false;
    this.pending = false;
    return true;
  }

  /**
   * The pages `watchCode` marked or that hold decoded instructions (1): a binary
   * translator's stores that bypass the CPU must go through `invalidateCode` there.
   */
  get codePages(): Uint8Array {
    return this.codePage;
  }

  /** Gives the decoded-instruction slots (and `regs`, a view of them) back to the pool: the CPU runs no more. */
  release(): void {
    giveBack(this.core.buffer as ArrayBuffer);
  }

  /** Marks a physical page as holding code, so every store into it leaves the fast loop (and reaches the codeWritten intercept). */
  watchCode(pa: number): void {
    this.codePage[pa >>> PAGE_SHIFT] = 1;
  }

  /** A store hit a page holding decoded code: drop the decode of that word. */
  private storeIntoCode(pa: number): void {
    if (this.codeWrittenHook) this.codeWrittenHook(pa, pa + 1);
    const slot = DECODED_BASE + ((pa >>> 2) << 1);
    if (this.core[slot] !== 0) {
      this.core[slot] = 0;
      this.counters.codeInvalidations++;
    }
  }

  private decode(pa: number): number {
    const wi = pa >>> 2;
    const slot = DECODED_BASE + 2 * wi;
    const w = this.memory.i32[wi]!;
    const opcode = w >>> 24;
    const info = BY_OPCODE[opcode];
    this.codePage[wi >>> (PAGE_SHIFT - 2)] = 1;
    if (!info) {
      this.core[slot] = DECODED_ILLEGAL;
      return DECODED_ILLEGAL;
    }
    this.core[slot + 1] = immediateOf(info, w);
    // A conditional branch keeps its taken-mask in place of the unused register fields,
    // so it costs one shift.
    const condition = BRANCH_TAKEN_MASK[opcode]!;
    const packed =
      condition !== 0
        ? opcode | (condition << 16)
        : opcode | (((w >>> 20) & 15) << 8) | (((w >>> 16) & 15) << 12) | (((w >>> 12) & 15) << 16);
    this.core[slot] = packed;
    return packed;
  }

  /**
   * The slow path of address translation. Returns the physical address, or -1 with
   * the fault recorded (cause, address, access kind, protection).
   */
  translate(va: number, access: number): number {
    va = va >>> 0;
    if (this.guestMode) return this.vmx.translation.translate(this, this.vmcs!, va, access);
    // Ring 1 reaches pages as supervisor but has no untranslated kseg0.
    const user = this.mode === MODE_USER;
    let pa: number;
    if (this.mode === MODE_KERNEL && va >= KSEG_BASE) {
      pa = va - KSEG_BASE;
    } else if (this.softwareTlb) {
      const slot = this.tlb.lookup(va >>> PAGE_SHIFT);
      if (slot < 0) {
        this.counters.tlbMisses++;
        return this.fault(CAUSE.TLB_MISS, va, access, false);
      }
      this.counters.tlbHits++;
      if (access === ACCESS_WRITE && (this.tlb.flags[slot]! & PTE_W) === 0) return this.fault(CAUSE.PAGE_FAULT, va, access, true);
      pa = (this.tlb.frame[slot]! >>> 0) + (va & 0xfff);
    } else {
      const root = this.crs[CR.PTBR]! >>> 0;
      if (root === 0) {
        pa = va;
      } else {
        const vpn = va >>> PAGE_SHIFT;
        const slot = this.tlb.lookup(vpn);
        if (slot >= 0) {
          this.counters.tlbHits++;
          const f = this.tlb.flags[slot]!;
          if ((user && (f & PTE_U) === 0) || (access === ACCESS_WRITE && (f & PTE_W) === 0)) {
            return this.fault(CAUSE.PAGE_FAULT, va, access, true);
          }
          pa = (this.tlb.frame[slot]! >>> 0) + (va & 0xfff);
        } else {
          this.counters.tlbMisses++;
          this.counters.walks++;
          let r: WalkResult;
          if (this.pageWalkCacheEnabled) {
            const pwc = this.tlb.walkCache;
            r = walkCached(this.memory.i32, root, this.shape!, va, access === ACCESS_WRITE, user, this.walkOut, pwc, this.tlb.tag);
            if (pwc.lastSkipped > 0) this.counters.pageWalkCacheHits++;
            else this.counters.pageWalkCacheMisses++;
          } else {
            r = walk(this.memory.i32, root, this.shape!, va, access === ACCESS_WRITE, user, this.walkOut);
          }
          this.counters.walkReferences += r.references;
          if (r.status === WALK_BAD_TABLE) return this.fault(CAUSE.ADDRESS_ERROR, va, access, false);
          if (r.status !== WALK_OK) return this.fault(CAUSE.PAGE_FAULT, va, access, r.status === WALK_PROTECTION);
          const frame = (r.pte & PTE_FRAME_MASK) >>> 0;
          this.tlb.insert(vpn, frame, r.pte);
          this.translationChanged();
          pa = frame + (va & 0xfff);
        }
      }
    }
    if (pa >= this.memory.size) return this.fault(CAUSE.ADDRESS_ERROR, va, access, false);
    return pa;
  }

  /**
   * VM entry: runs the guest in guest mode under `vmcs` from the next `run` until a VM
   * exit (see vmx.ts, VmxUnit).
   */
  vmEnter(vmcs: VmControl): void {
    this.vmx.enter(this, vmcs);
  }

  /** Records the fault the current access takes (returns -1, the failed translation). Used by the guest-mode translation too. */
  fault(cause: number, va: number, access: number, protection: boolean): number {
    this.faultCause = cause;
    this.faultAddress = va;
    this.faultAccess = access;
    this.faultProtection = protection;
    return -1;
  }

  /**
   * Takes a trap (or records an intercept). `epc` is the address EPC receives.
   * Returns true when the trap was intercepted for the monitor.
   */
  trap(cause: number, epc: number, address: number, access: number, protection: boolean): boolean {
    this.trapsByCause[cause]!++;
    if (this.mode === MODE_USER && this.ring1 && cause === this.crs[CR.TGATE] && !this.guestMode && this.gateEntry(epc)) return false;
    if (this.interceptedTraps[cause]) {
      this.interceptedCause = cause;
      this.interceptedAddress = address >>> 0;
      this.interceptedAccess = access;
      this.interceptedProtection = protection;
      this.pc = epc >>> 0;
      return true;
    }
    this.enterTrap(cause, epc, address, access, protection);
    return false;
  }

  /** Architectural trap entry, as ISA.md describes it (also used by monitors to reflect). */
  enterTrap(cause: number, epc: number, address: number, access: number, protection: boolean): void {
    this.pc = enterTrap(this, cause, epc, address, access, protection, this.softwareTlb);
    if (this.pc !== this.crs[CR.TVEC]! >>> 0) this.counters.refills++;
    this.translationChanged();
  }

  /**
   * The trap gate (ISA.md): SYSCALL or BRK in user mode, when TGATE names its cause,
   * enters ring 1 at TGVEC on the stack TGSP with the frame EPC, ESTATUS, USP pushed
   * (r15 then points at EPC). IF is kept, as by an x86 trap gate. Returns false, having
   * changed nothing, when the frame's words cannot be written at ring 1: the trap is
   * then taken by the real kernel as if there were no gate.
   */
  private gateEntry(epc: number): boolean {
    const crs = this.crs;
    const sp = (crs[CR.TGSP]! - 12) | 0;
    if ((sp & 3) !== 0) return false;
    this.mode = MODE_RING1;
    this.translationChanged();
    const pa0 = this.translate(sp, ACCESS_WRITE);
    const pa1 = pa0 < 0 ? -1 : this.translate(sp + 4, ACCESS_WRITE);
    const pa2 = pa1 < 0 ? -1 : this.translate(sp + 8, ACCESS_WRITE);
    if (pa2 < 0) {
      this.mode = MODE_USER;
      this.translationChanged();
      return false;
    }
    this.storeFrameWord(pa0, epc);
    this.storeFrameWord(pa1, (this.flags & FLAGS_MASK) | estatusMode(MODE_USER));
    this.storeFrameWord(pa2, this.regs[SP]!);
    this.regs[SP] = sp;
    this.pc = crs[CR.TGVEC]! >>> 0;
    this.counters.gateEntries++;
    return true;
  }

  private storeFrameWord(pa: number, value: number): void {
    this.memory.i32[pa >>> 2] = value;
    if (this.codePage[pa >>> PAGE_SHIFT] !== 0) this.storeIntoCode(pa);
  }

  /**
   * RTE at ring 1 while a trap gate is set: x86's IRET to an outer ring. Pops EPC,
   * ESTATUS and the user stack pointer from r15; the return must be to user mode. The
   * condition codes come from the popped ESTATUS, IF stays as it is (at CPL > IOPL
   * IRET leaves IF alone). Returns 0 done, 1 not a return to user mode (PRIVILEGED),
   * -1 a fault reading the frame (the fault fields say which).
   */
  private returnFromRing1(): number {
    const sp = this.regs[SP]! | 0;
    if ((sp & 3) !== 0) {
      this.fault(CAUSE.ADDRESS_ERROR, sp, ACCESS_READ, false);
      return -1;
    }
    const pa0 = this.translate(sp, ACCESS_READ);
    const pa1 = pa0 < 0 ? -1 : this.translate(sp + 4, ACCESS_READ);
    const pa2 = pa1 < 0 ? -1 : this.translate(sp + 8, ACCESS_READ);
    if (pa2 < 0) return -1;
    const i32 = this.memory.i32;
    const status = i32[pa1 >>> 2]!;
    if (modeOfEstatus(status, true) !== MODE_USER) return 1;
    this.pc = i32[pa0 >>> 2]! >>> 0;
    this.regs[SP] = i32[pa2 >>> 2]!;
    this.flags = (status & FLAGS_MASK & ~FLAG_IF) | (this.flags & FLAG_IF);
    this.mode = MODE_USER;
    this.counters.trapReturns++;
    this.counters.ring1Returns++;
    this.translationChanged();
    return 0;
  }

  /** Port I/O as IN performs it. */
  portIn(port: number): number {
    return this.ports.read(port);
  }

  /** Port I/O as OUT performs it, before the OUT retires. */
  portOut(port: number, value: number): void {
    this.ports.write(port, value);
  }

  // The real CPU as system.ts's SystemCpu.

  get returnsToRing1(): boolean {
    return this.ring1;
  }

  controlRegisterExists(n: number): boolean {
    return this.crAbsent[n] === 0;
  }

  controlRegisterWritten(n: number): void {
    this.counters.crWrites++;
    if (n >= 0 && n < NUM_CRS) this.detail.crWritesByRegister[n]!++;
    if (n === CR.PTBR) {
      this.tlb.flush();
      this.translationChanged();
    }
  }

  tlbInvalidate(va: number | undefined): void {
    if (va === undefined) {
      this.counters.tlbFlushes++;
      this.tlb.flush();
    } else {
      this.counters.tlbInvalidations++;
      this.tlb.invalidate((va >>> PAGE_SHIFT) & 0xfffff);
    }
    this.translationChanged();
  }

  trapReturned(): void {
    this.counters.trapReturns++;
    this.translationChanged();
  }

  halt(): void {
    this.halted = true;
  }

  /** Reads a control register as RDCR does. */
  readCr(n: number): number {
    return readControlRegister(this, n);
  }

  /** Installs a software-TLB entry as TLBW does. */
  tlbWrite(va: number, entryLo: number): void {
    this.counters.tlbWrites++;
    const vpn = (va >>> PAGE_SHIFT) & 0xfffff;
    if ((entryLo & PTE_V) === 0) this.tlb.invalidate(vpn);
    else this.tlb.insert(vpn, (entryLo & PTE_FRAME_MASK) >>> 0, entryLo | PTE_U);
    this.translationChanged();
  }

  /**
   * Runs until halt, an intercepted trap, or `budget` more retired instructions.
   * Never throws for anything the guest does.
   */
  run(budget: number): StopReason {
    // Slices keep each call short, so V8 soon runs a fully optimized `execute` rather
    // than on-stack-replacement code, which knows nothing of the values set up before
    // its loop and re-checks every typed array on every access.
    let left = budget;
    for (;;) {
      // biome-ignore lint/complexity/useMathMinMax: the hot loop keeps to a plain comparison
      const slice = left > EXECUTE_SLICE ? EXECUTE_SLICE : left;
      let stop = this.execute(slice);
      if (stop === "intercept" && this.guestMode) stop = this.vmx.exitFromIntercept(this);
      left -= slice;
      if (stop !== "budget" || left <= 0) return stop;
    }
  }

  private execute(budget: number): StopReason {
    const core = this.core; // registers and decoded instructions
    const crs = this.crs;
    const i32 = this.memory.i32;
    const u8 = this.memory.u8;
    const codePage = this.codePage;
    const privileged = this.privileged;
    const absent = this.absent;
    // compareFlags (opcodes.ts) in a local: no module-cell load on every compare.
    const compare = compareFlags;
    // Traps taken also consume the budget, so a guest stuck in a fault loop still stops.
    let budgetEnd = this.retired + budget;

    let pc = this.pc | 0; // signed inside the loop: stays a small integer for V8
    let flags = this.flags;
    let retired = this.retired;
    // Within a chunk the retired count is end - left: `left` is a small integer counting
    // down, so one decrement and one compare per instruction keep the count and the limit.
    let end = retired;
    let left = 0;
    let fetchKey = this.fetchKey;
    let fetchBase = this.fetchBase;
    let readKey = this.readKey;
    let readBase = this.readBase;
    let writeKey = this.writeKey;
    let writeBase = this.writeBase;
    let epoch = this.mmuEpoch;
    let stop: StopReason = "budget";

    outer: for (;;) {
      retired = end - left;
      end = retired;
      left = 0;
      // An instruction that left the inner loop early (RTE, STI, POPF, OUT to the timer)
      // may have retired at the deadline: the interrupt becomes pending before any is taken.
      if (retired >= this.deadline) this.tickTimer(retired);
      if (this.pending && (flags & 0x200 /* FLAG_IF */) !== 0) {
        this.pending = false;
        this.flags = flags;
        this.retired = retired;
        if (this.trap(CAUSE.TIMER, pc >>> 0, 0, 0, false)) {
          stop = "intercept";
          break outer;
        }
        pc = this.pc | 0;
        flags = this.flags;
      }
      if (retired >= budgetEnd) break;
      // Run to the timer deadline or the budget, whichever is first (may be <= 0).
      left = (Math.min(this.deadline, budgetEnd, retired + 0x40000000) - retired) | 0;
      end = retired + left;

      inner: while (left > 0) {
        // The fast loop: fetch-page hits, decoded instructions, loads and stores that hit
        // the last translated page, and no calls, so V8 keeps the hot state in registers.
        // Anything else leaves it, before changing any state, for the complete
        // interpreter below, which runs one instruction (or hands a just-decoded one back).
        fast: while (left > 0) {
          if ((pc & 0xfffff003) !== fetchKey) break;
          const fi = ((fetchBase + (pc & 0xfff)) >>> 1) + 16 /* DECODED_BASE */;
          const w = core[fi]!;
          switch (w & 0xff) {
            // BEGIN generated from the instruction table (opcodes.ts) by `pnpm generate`: fast loop
            case 0x01 /* ADD */: core[(w >>> 8) & 15] = (core[(w >>> 12) & 15]! + core[(w >>> 16) & 15]!) | 0; break;
            case 0x02 /* SUB */: core[(w >>> 8) & 15] = (core[(w >>> 12) & 15]! - core[(w >>> 16) & 15]!) | 0; break;
            case 0x03 /* AND */: core[(w >>> 8) & 15] = core[(w >>> 12) & 15]! & core[(w >>> 16) & 15]!; break;
            case 0x04 /* OR */: core[(w >>> 8) & 15] = core[(w >>> 12) & 15]! | core[(w >>> 16) & 15]!; break;
            case 0x05 /* XOR */: core[(w >>> 8) & 15] = core[(w >>> 12) & 15]! ^ core[(w >>> 16) & 15]!; break;
            case 0x06 /* SHL */: core[(w >>> 8) & 15] = core[(w >>> 12) & 15]! << (core[(w >>> 16) & 15]! & 31); break;
            case 0x07 /* SHR */: core[(w >>> 8) & 15] = (core[(w >>> 12) & 15]! >>> (core[(w >>> 16) & 15]! & 31)) | 0; break;
            case 0x08 /* SAR */: core[(w >>> 8) & 15] = core[(w >>> 12) & 15]! >> (core[(w >>> 16) & 15]! & 31); break;
            case 0x09 /* MUL */: core[(w >>> 8) & 15] = Math.imul(core[(w >>> 12) & 15]!, core[(w >>> 16) & 15]!); break;
            case 0x0a /* DIV */: {
              if (core[(w >>> 16) & 15]! === 0) break fast;
              core[(w >>> 8) & 15] = (core[(w >>> 12) & 15]! / core[(w >>> 16) & 15]!) | 0;
              break;
            }
            case 0x0b /* DIVU */: {
              if (core[(w >>> 16) & 15]! === 0) break fast;
              core[(w >>> 8) & 15] = ((core[(w >>> 12) & 15]! >>> 0) / (core[(w >>> 16) & 15]! >>> 0)) | 0;
              break;
            }
            case 0x0c /* REM */: {
              if (core[(w >>> 16) & 15]! === 0) break fast;
              core[(w >>> 8) & 15] = (core[(w >>> 12) & 15]! % core[(w >>> 16) & 15]!) | 0;
              break;
            }
            case 0x0d /* REMU */: {
              if (core[(w >>> 16) & 15]! === 0) break fast;
              core[(w >>> 8) & 15] = ((core[(w >>> 12) & 15]! >>> 0) % (core[(w >>> 16) & 15]! >>> 0)) | 0;
              break;
            }
            case 0x0e /* SLT */: core[(w >>> 8) & 15] = core[(w >>> 12) & 15]! < core[(w >>> 16) & 15]! ? 1 : 0; break;
            case 0x0f /* SLTU */: core[(w >>> 8) & 15] = (core[(w >>> 12) & 15]! >>> 0) < (core[(w >>> 16) & 15]! >>> 0) ? 1 : 0; break;
            case 0x10 /* ADDI */: core[(w >>> 8) & 15] = (core[(w >>> 12) & 15]! + core[fi + 1]!) | 0; break;
            case 0x11 /* ANDI */: core[(w >>> 8) & 15] = core[(w >>> 12) & 15]! & core[fi + 1]!; break;
            case 0x12 /* ORI */: core[(w >>> 8) & 15] = core[(w >>> 12) & 15]! | core[fi + 1]!; break;
            case 0x13 /* XORI */: core[(w >>> 8) & 15] = core[(w >>> 12) & 15]! ^ core[fi + 1]!; break;
            case 0x14 /* SHLI */: core[(w >>> 8) & 15] = core[(w >>> 12) & 15]! << core[fi + 1]!; break;
            case 0x15 /* SHRI */: core[(w >>> 8) & 15] = (core[(w >>> 12) & 15]! >>> core[fi + 1]!) | 0; break;
            case 0x16 /* SARI */: core[(w >>> 8) & 15] = core[(w >>> 12) & 15]! >> core[fi + 1]!; break;
            case 0x17 /* MULI */: core[(w >>> 8) & 15] = Math.imul(core[(w >>> 12) & 15]!, core[fi + 1]!); break;
            case 0x18 /* LUI */: core[(w >>> 8) & 15] = core[fi + 1]! << 16; break;
            case 0x19 /* SLTI */: core[(w >>> 8) & 15] = core[(w >>> 12) & 15]! < core[fi + 1]! ? 1 : 0; break;
            case 0x1a /* CMP */: flags = compare(core[(w >>> 8) & 15]!, core[(w >>> 12) & 15]!, flags); break;
            case 0x1b /* CMPI */: flags = compare(core[(w >>> 8) & 15]!, core[fi + 1]!, flags); break;
            case 0x20 /* LW */: {
              const addr = (core[(w >>> 12) & 15]! + core[fi + 1]!) | 0;
              if ((addr & 0xfffff003) !== readKey) break fast;
              core[(w >>> 8) & 15] = i32[(readBase + (addr & 0xfff)) >>> 2]!;
              break;
            }
            case 0x21 /* LB */: {
              const addr = (core[(w >>> 12) & 15]! + core[fi + 1]!) | 0;
              if ((addr & 0xfffff000) !== readKey) break fast;
              core[(w >>> 8) & 15] = (u8[readBase + (addr & 0xfff)]! << 24) >> 24;
              break;
            }
            case 0x22 /* LBU */: {
              const addr = (core[(w >>> 12) & 15]! + core[fi + 1]!) | 0;
              if ((addr & 0xfffff000) !== readKey) break fast;
              core[(w >>> 8) & 15] = u8[readBase + (addr & 0xfff)]!;
              break;
            }
            case 0x23 /* SW */: {
              const addr = (core[(w >>> 12) & 15]! + core[fi + 1]!) | 0;
              if ((addr & 0xfffff003) !== writeKey) break fast;
              const pa = writeBase + (addr & 0xfff);
              if (codePage[pa >>> 12 /* PAGE_SHIFT */] !== 0) break fast; // may overwrite decoded code
              i32[pa >>> 2] = core[(w >>> 8) & 15]!;
              break;
            }
            case 0x24 /* SB */: {
              const addr = (core[(w >>> 12) & 15]! + core[fi + 1]!) | 0;
              if ((addr & 0xfffff000) !== writeKey) break fast;
              const pa = writeBase + (addr & 0xfff);
              if (codePage[pa >>> 12 /* PAGE_SHIFT */] !== 0) break fast; // may overwrite decoded code
              u8[pa] = core[(w >>> 8) & 15]!;
              break;
            }
            case 0x25 /* PUSH */: {
              const addr = (core[15 /* SP */]! - 4) | 0;
              if ((addr & 0xfffff003) !== writeKey) break fast;
              const pa = writeBase + (addr & 0xfff);
              if (codePage[pa >>> 12 /* PAGE_SHIFT */] !== 0) break fast;
              i32[pa >>> 2] = core[(w >>> 8) & 15]!;
              core[15 /* SP */] = addr;
              break;
            }
            case 0x26 /* POP */: {
              const addr = core[15 /* SP */]!;
              if ((addr & 0xfffff003) !== readKey) break fast;
              const value = i32[(readBase + (addr & 0xfff)) >>> 2]!;
              core[15 /* SP */] = (addr + 4) | 0;
              core[(w >>> 8) & 15] = value;
              break;
            }
            case 0x30 /* JMP */:
              pc = (pc + 4 + core[fi + 1]!) | 0;
              left = (left - 1) | 0;
              continue fast;
            case 0x31 /* BEQ */:
            case 0x32 /* BNE */:
            case 0x33 /* BLT */:
            case 0x34 /* BGE */:
            case 0x35 /* BLE */:
            case 0x36 /* BGT */:
            case 0x37 /* BLTU */:
            case 0x38 /* BGEU */:
            case 0x39 /* BLEU */:
            case 0x3a /* BGTU */:
              // Bit (16 + C|Z|N|V) of the decode says whether the branch is taken.
              pc = ((w >>> (16 + (flags & 15))) & 1) !== 0 ? (pc + 4 + core[fi + 1]!) | 0 : (pc + 4) | 0;
              left = (left - 1) | 0;
              continue fast;
            case 0x3b /* CALL */: {
              const addr = (core[15 /* SP */]! - 4) | 0;
              if ((addr & 0xfffff003) !== writeKey) break fast;
              const pa = writeBase + (addr & 0xfff);
              if (codePage[pa >>> 12 /* PAGE_SHIFT */] !== 0) break fast;
              const target = (pc + 4 + core[fi + 1]!) | 0;
              i32[pa >>> 2] = (pc + 4) | 0;
              core[15 /* SP */] = addr;
              pc = target;
              left = (left - 1) | 0;
              continue fast;
            }
            case 0x3c /* JR */:
              pc = core[(w >>> 8) & 15]!;
              left = (left - 1) | 0;
              continue fast;
            case 0x3d /* CALLR */: {
              const addr = (core[15 /* SP */]! - 4) | 0;
              if ((addr & 0xfffff003) !== writeKey) break fast;
              const pa = writeBase + (addr & 0xfff);
              if (codePage[pa >>> 12 /* PAGE_SHIFT */] !== 0) break fast;
              const target = core[(w >>> 8) & 15]!;
              i32[pa >>> 2] = (pc + 4) | 0;
              core[15 /* SP */] = addr;
              pc = target;
              left = (left - 1) | 0;
              continue fast;
            }
            case 0x3e /* RET */: {
              const addr = core[15 /* SP */]!;
              if ((addr & 0xfffff003) !== readKey) break fast;
              pc = i32[(readBase + (addr & 0xfff)) >>> 2]!;
              core[15 /* SP */] = (addr + 4) | 0;
              left = (left - 1) | 0;
              continue fast;
            }
            // END generated: fast loop
            default:
              break fast; // not decoded yet, privileged, or rare: the complete interpreter
          }
          pc = (pc + 4) | 0;
          left = (left - 1) | 0;
        }
        if (left <= 0) break;
        // A faulting instruction sets `cause` (-1: the details are in the fault fields)
        // and leaves the block `faulted`; it does not retire.
        let cause = 0;
        let va = 0;
        faulted: {
          if ((pc & 0xfffff003) !== fetchKey) {
            if ((pc & 3) !== 0) {
              this.fault(CAUSE.ADDRESS_ERROR, pc >>> 0, ACCESS_FETCH, false);
              cause = -1;
              break faulted;
            } else {
              this.flags = flags;
              const pa = this.translate(pc, ACCESS_FETCH);
              if (pa < 0) { cause = -1; break faulted; }
              else {
                if (this.mmuEpoch !== epoch) {
                  epoch = this.mmuEpoch;
                  readKey = writeKey = -1;
                }
                fetchKey = pc & 0xfffff000;
                fetchBase = pa & 0xfffff000;
              }
            }
          }
          {
            // pc is word-aligned here, so pa >>> 1 is twice the word index.
            const di = ((fetchBase + (pc & 0xfff)) >>> 1) + 16 /* DECODED_BASE */;
            let d = core[di]!;
            if (d === 0) d = this.decode(fetchBase + (pc & 0xfff));
            const op = d & 0xff;
            if (op >= 0x40 && op !== DECODED_ILLEGAL) {
              if (absent[op]) { cause = CAUSE.ILLEGAL; break faulted; }
              if (privileged[op] && this.mode !== 0 /* MODE_KERNEL */) {
                // At ring 1 with a trap gate set, RTE is the outer-ring return to user mode.
                if (op !== 0x42 /* RTE */ || this.mode !== MODE_RING1 || crs[CR.TGATE] === 0) { cause = CAUSE.PRIVILEGED; break faulted; }
                this.flags = flags;
                const r = this.returnFromRing1();
                if (r !== 0) { cause = r > 0 ? CAUSE.PRIVILEGED : -1; break faulted; }
                pc = this.pc | 0;
                flags = this.flags;
                fetchKey = readKey = writeKey = -1;
                epoch = this.mmuEpoch;
                left = (left - 1) | 0;
                continue outer;
              }
              if (this.guestMode && this.vmx.instructionExits(this, op, (d >>> 8) & 15, this.core[di + 1]!, this.memory.i32[(di - DECODED_BASE) >>> 1]!)) {
                // A VM exit before the instruction runs: it has not retired.
                this.retired = end - left;
                this.flags = flags;
                this.pc = pc >>> 0;
                stop = "intercept";
                break outer;
              }
            }
            switch (op) {
              // BEGIN generated from the instruction table (opcodes.ts) by `pnpm generate`: complete interpreter
              case 0x01 /* ADD */:
              case 0x02 /* SUB */:
              case 0x03 /* AND */:
              case 0x04 /* OR */:
              case 0x05 /* XOR */:
              case 0x06 /* SHL */:
              case 0x07 /* SHR */:
              case 0x08 /* SAR */:
              case 0x09 /* MUL */:
              case 0x0e /* SLT */:
              case 0x0f /* SLTU */:
              case 0x10 /* ADDI */:
              case 0x11 /* ANDI */:
              case 0x12 /* ORI */:
              case 0x13 /* XORI */:
              case 0x14 /* SHLI */:
              case 0x15 /* SHRI */:
              case 0x16 /* SARI */:
              case 0x17 /* MULI */:
              case 0x18 /* LUI */:
              case 0x19 /* SLTI */:
              case 0x1a /* CMP */:
              case 0x1b /* CMPI */:
              case 0x30 /* JMP */:
              case 0x31 /* BEQ */:
              case 0x32 /* BNE */:
              case 0x33 /* BLT */:
              case 0x34 /* BGE */:
              case 0x35 /* BLE */:
              case 0x36 /* BGT */:
              case 0x37 /* BLTU */:
              case 0x38 /* BGEU */:
              case 0x39 /* BLEU */:
              case 0x3a /* BGTU */:
              case 0x3c /* JR */:
                // Now fetched and decoded, these always complete in the fast loop.
                continue inner;
              case 0x0a /* DIV */:
              case 0x0b /* DIVU */:
              case 0x0c /* REM */:
              case 0x0d /* REMU */:
                // Division by zero traps here; any other division completes in the fast loop.
                if (core[(d >>> 16) & 15]! === 0) { cause = CAUSE.DIVIDE; break faulted; }
                continue inner;
              case 0x20 /* LW */: {
                va = (core[(d >>> 12) & 15]! + core[di + 1]!) | 0;
                let pa: number;
                if ((va & 0xfffff003) === readKey) pa = readBase + (va & 0xfff);
                else {
                  if ((va & 3) !== 0) { this.fault(CAUSE.ADDRESS_ERROR, va, ACCESS_READ, false); cause = -1; break faulted; }
                  this.flags = flags;
                  pa = this.translate(va, ACCESS_READ);
                  if (pa < 0) { cause = -1; break faulted; }
                  if (this.mmuEpoch !== epoch) { epoch = this.mmuEpoch; fetchKey = writeKey = -1; }
                  readKey = va & 0xfffff000;
                  readBase = pa & 0xfffff000;
                }
                core[(d >>> 8) & 15] = i32[pa >>> 2]!;
                break;
              }
              case 0x21 /* LB */: {
                va = (core[(d >>> 12) & 15]! + core[di + 1]!) | 0;
                let pa: number;
                if ((va & 0xfffff000) === readKey) pa = readBase + (va & 0xfff);
                else {
                  this.flags = flags;
                  pa = this.translate(va, ACCESS_READ);
                  if (pa < 0) { cause = -1; break faulted; }
                  if (this.mmuEpoch !== epoch) { epoch = this.mmuEpoch; fetchKey = writeKey = -1; }
                  readKey = va & 0xfffff000;
                  readBase = pa & 0xfffff000;
                }
                core[(d >>> 8) & 15] = (u8[pa]! << 24) >> 24;
                break;
              }
              case 0x22 /* LBU */: {
                va = (core[(d >>> 12) & 15]! + core[di + 1]!) | 0;
                let pa: number;
                if ((va & 0xfffff000) === readKey) pa = readBase + (va & 0xfff);
                else {
                  this.flags = flags;
                  pa = this.translate(va, ACCESS_READ);
                  if (pa < 0) { cause = -1; break faulted; }
                  if (this.mmuEpoch !== epoch) { epoch = this.mmuEpoch; fetchKey = writeKey = -1; }
                  readKey = va & 0xfffff000;
                  readBase = pa & 0xfffff000;
                }
                core[(d >>> 8) & 15] = u8[pa]!;
                break;
              }
              case 0x23 /* SW */: {
                va = (core[(d >>> 12) & 15]! + core[di + 1]!) | 0;
                const value = core[(d >>> 8) & 15]!;
                let pa: number;
                if ((va & 0xfffff003) === writeKey) pa = writeBase + (va & 0xfff);
                else {
                  if ((va & 3) !== 0) { this.fault(CAUSE.ADDRESS_ERROR, va, ACCESS_WRITE, false); cause = -1; break faulted; }
                  this.flags = flags;
                  pa = this.translate(va, ACCESS_WRITE);
                  if (pa < 0) { cause = -1; break faulted; }
                  if (this.mmuEpoch !== epoch) { epoch = this.mmuEpoch; fetchKey = readKey = -1; }
                  writeKey = va & 0xfffff000;
                  writeBase = pa & 0xfffff000;
                }
                i32[pa >>> 2] = value;
                if (codePage[pa >>> 12 /* PAGE_SHIFT */] !== 0) this.storeIntoCode(pa);
                break;
              }
              case 0x24 /* SB */: {
                va = (core[(d >>> 12) & 15]! + core[di + 1]!) | 0;
                const value = core[(d >>> 8) & 15]!;
                let pa: number;
                if ((va & 0xfffff000) === writeKey) pa = writeBase + (va & 0xfff);
                else {
                  this.flags = flags;
                  pa = this.translate(va, ACCESS_WRITE);
                  if (pa < 0) { cause = -1; break faulted; }
                  if (this.mmuEpoch !== epoch) { epoch = this.mmuEpoch; fetchKey = readKey = -1; }
                  writeKey = va & 0xfffff000;
                  writeBase = pa & 0xfffff000;
                }
                u8[pa] = value;
                if (codePage[pa >>> 12 /* PAGE_SHIFT */] !== 0) this.storeIntoCode(pa);
                break;
              }
              case 0x25 /* PUSH */: {
                va = (core[15 /* SP */]! - 4) | 0;
                const value = core[(d >>> 8) & 15]!;
                let pa: number;
                if ((va & 0xfffff003) === writeKey) pa = writeBase + (va & 0xfff);
                else {
                  if ((va & 3) !== 0) { this.fault(CAUSE.ADDRESS_ERROR, va, ACCESS_WRITE, false); cause = -1; break faulted; }
                  this.flags = flags;
                  pa = this.translate(va, ACCESS_WRITE);
                  if (pa < 0) { cause = -1; break faulted; }
                  if (this.mmuEpoch !== epoch) { epoch = this.mmuEpoch; fetchKey = readKey = -1; }
                  writeKey = va & 0xfffff000;
                  writeBase = pa & 0xfffff000;
                }
                i32[pa >>> 2] = value;
                if (codePage[pa >>> 12 /* PAGE_SHIFT */] !== 0) this.storeIntoCode(pa);
                core[15 /* SP */] = va;
                break;
              }
              case 0x26 /* POP */: {
                va = core[15 /* SP */]!;
                let pa: number;
                if ((va & 0xfffff003) === readKey) pa = readBase + (va & 0xfff);
                else {
                  if ((va & 3) !== 0) { this.fault(CAUSE.ADDRESS_ERROR, va, ACCESS_READ, false); cause = -1; break faulted; }
                  this.flags = flags;
                  pa = this.translate(va, ACCESS_READ);
                  if (pa < 0) { cause = -1; break faulted; }
                  if (this.mmuEpoch !== epoch) { epoch = this.mmuEpoch; fetchKey = writeKey = -1; }
                  readKey = va & 0xfffff000;
                  readBase = pa & 0xfffff000;
                }
                const value = i32[pa >>> 2]!;
                core[15 /* SP */] = (va + 4) | 0;
                core[(d >>> 8) & 15] = value;
                break;
              }
              case 0x3b /* CALL */: {
                va = (core[15 /* SP */]! - 4) | 0;
                const value = (pc + 4) | 0;
                let pa: number;
                if ((va & 0xfffff003) === writeKey) pa = writeBase + (va & 0xfff);
                else {
                  if ((va & 3) !== 0) { this.fault(CAUSE.ADDRESS_ERROR, va, ACCESS_WRITE, false); cause = -1; break faulted; }
                  this.flags = flags;
                  pa = this.translate(va, ACCESS_WRITE);
                  if (pa < 0) { cause = -1; break faulted; }
                  if (this.mmuEpoch !== epoch) { epoch = this.mmuEpoch; fetchKey = readKey = -1; }
                  writeKey = va & 0xfffff000;
                  writeBase = pa & 0xfffff000;
                }
                i32[pa >>> 2] = value;
                if (codePage[pa >>> 12 /* PAGE_SHIFT */] !== 0) this.storeIntoCode(pa);
                const target = (pc + 4 + core[di + 1]!) | 0;
                core[15 /* SP */] = va;
                pc = target;
                left = (left - 1) | 0;
                continue inner;
              }
              case 0x3d /* CALLR */: {
                va = (core[15 /* SP */]! - 4) | 0;
                const value = (pc + 4) | 0;
                let pa: number;
                if ((va & 0xfffff003) === writeKey) pa = writeBase + (va & 0xfff);
                else {
                  if ((va & 3) !== 0) { this.fault(CAUSE.ADDRESS_ERROR, va, ACCESS_WRITE, false); cause = -1; break faulted; }
                  this.flags = flags;
                  pa = this.translate(va, ACCESS_WRITE);
                  if (pa < 0) { cause = -1; break faulted; }
                  if (this.mmuEpoch !== epoch) { epoch = this.mmuEpoch; fetchKey = readKey = -1; }
                  writeKey = va & 0xfffff000;
                  writeBase = pa & 0xfffff000;
                }
                i32[pa >>> 2] = value;
                if (codePage[pa >>> 12 /* PAGE_SHIFT */] !== 0) this.storeIntoCode(pa);
                const target = core[(d >>> 8) & 15]!;
                core[15 /* SP */] = va;
                pc = target;
                left = (left - 1) | 0;
                continue inner;
              }
              case 0x3e /* RET */: {
                va = core[15 /* SP */]!;
                let pa: number;
                if ((va & 0xfffff003) === readKey) pa = readBase + (va & 0xfff);
                else {
                  if ((va & 3) !== 0) { this.fault(CAUSE.ADDRESS_ERROR, va, ACCESS_READ, false); cause = -1; break faulted; }
                  this.flags = flags;
                  pa = this.translate(va, ACCESS_READ);
                  if (pa < 0) { cause = -1; break faulted; }
                  if (this.mmuEpoch !== epoch) { epoch = this.mmuEpoch; fetchKey = writeKey = -1; }
                  readKey = va & 0xfffff000;
                  readBase = pa & 0xfffff000;
                }
                const value = i32[pa >>> 2]!;
                core[15 /* SP */] = (va + 4) | 0;
                pc = value;
                left = (left - 1) | 0;
                continue inner;
              }
              case 0x40 /* SYSCALL */:
              case 0x41 /* BRK */:
              case 0x54 /* HCALL */: {
                // These retire, then trap with EPC = the next instruction.
                left = (left - 1) | 0;
                this.retired = end - left;
                this.flags = flags;
                if (this.trap(TRAP_CAUSE[op]!, (pc + 4) >>> 0, 0, 0, false)) {
                  stop = "intercept";
                  break outer;
                }
                pc = this.pc | 0;
                flags = this.flags;
                fetchKey = readKey = writeKey = -1;
                epoch = this.mmuEpoch;
                continue inner;
              }
              // END generated: complete interpreter
              case 0x42 /* RTE */:
              case 0x43 /* HALT */:
              case 0x44 /* IN */:
              case 0x45 /* OUT */:
              case 0x46 /* CLI */:
              case 0x47 /* STI */:
              case 0x4a /* TLBW */:
              case 0x4b /* TLBI */:
              case 0x4c /* TLBFLUSH */:
              case 0x52 /* RDMODE */:
              case 0x53 /* RDTVEC */: {
                // The semantics every monitor's virtual CPU shares (system.ts), on the real state.
                if ((op === 0x52 /* RDMODE */ || op === 0x53 /* RDTVEC */) && this.mode !== 0 /* MODE_KERNEL */) this.sensitiveUnprivileged(op, pc, end - left);
                this.retired = end - left;
                this.flags = flags;
                const next = executeSystem(this, i32[(di - DECODED_BASE) >>> 1]!, pc >>> 0);
                if (next < 0) { cause = CAUSE.ILLEGAL; break faulted; }
                left = (left - 1) | 0;
                pc = next | 0;
                flags = this.flags;
                if (op === 0x43 /* HALT */) { stop = "halt"; break outer; }
                // Only what changed the translation (RTE, PTBR, the TLB) costs the cached
                // pages: a kernel's RDCR and WRCR of trap-frame registers keep them.
                if (this.mmuEpoch !== epoch) {
                  fetchKey = readKey = writeKey = -1;
                  epoch = this.mmuEpoch;
                }
                // IF may have come on with an interrupt pending, or the timer's deadline moved.
                if (op === 0x42 /* RTE */ || op === 0x47 /* STI */ || op === 0x45 /* OUT */) continue outer;
                continue inner;
              }
              case 0x48 /* RDCR */:
              case 0x49 /* WRCR */: {
                // The same semantics (system.ts), called directly: the commonest system instructions.
                this.retired = end - left;
                if (!(op === 0x48 ? readCr(this, (d >>> 8) & 15, core[di + 1]!) : writeCr(this, (d >>> 8) & 15, core[di + 1]!))) { cause = CAUSE.ILLEGAL; break faulted; }
                if (this.mmuEpoch !== epoch) {
                  fetchKey = readKey = writeKey = -1;
                  epoch = this.mmuEpoch;
                }
                break;
              }
              case 0x50 /* PUSHF */: {
                va = (core[15 /* SP */]! - 4) | 0;
                let pa: number;
                if ((va & 0xfffff003) === writeKey) pa = writeBase + (va & 0xfff);
                else {
                  if ((va & 3) !== 0) { this.fault(CAUSE.ADDRESS_ERROR, va, ACCESS_WRITE, false); cause = -1; break faulted; }
                  this.flags = flags;
                  pa = this.translate(va, ACCESS_WRITE);
                  if (pa < 0) { cause = -1; break faulted; }
                  if (this.mmuEpoch !== epoch) { epoch = this.mmuEpoch; fetchKey = readKey = -1; }
                  writeKey = va & 0xfffff000;
                  writeBase = pa & 0xfffff000;
                }
                this.flags = flags;
                i32[pa >>> 2] = flagsToPush(this);
                if (codePage[pa >>> 12 /* PAGE_SHIFT */] !== 0) this.storeIntoCode(pa);
                core[15 /* SP */] = va;
                // Counted once it cannot fault any more (a faulting one runs again).
                if (this.mode !== 0 /* MODE_KERNEL */) this.sensitiveUnprivileged(op, pc, end - left);
                break;
              }
              case 0x51 /* POPF */: {
                va = core[15 /* SP */]!;
                let pa: number;
                if ((va & 0xfffff003) === readKey) pa = readBase + (va & 0xfff);
                else {
                  if ((va & 3) !== 0) { this.fault(CAUSE.ADDRESS_ERROR, va, ACCESS_READ, false); cause = -1; break faulted; }
                  this.flags = flags;
                  pa = this.translate(va, ACCESS_READ);
                  if (pa < 0) { cause = -1; break faulted; }
                  if (this.mmuEpoch !== epoch) { epoch = this.mmuEpoch; fetchKey = writeKey = -1; }
                  readKey = va & 0xfffff000;
                  readBase = pa & 0xfffff000;
                }
                if (this.mode !== 0 /* MODE_KERNEL */) this.sensitiveUnprivileged(op, pc, end - left);
                core[15 /* SP */] = (va + 4) | 0;
                this.flags = flags;
                flags = flagsAfterPop(this, i32[pa >>> 2]!, this.popfKeepsIf);
                pc = (pc + 4) | 0;
                left = (left - 1) | 0;
                continue outer;
              }
              default:
                cause = CAUSE.ILLEGAL;
                break faulted;
            }
          }
          pc = (pc + 4) | 0;
          left = (left - 1) | 0;
          continue;
        }
        // The instruction faulted: it does not retire; EPC = its address.
        this.retired = end - left;
        this.flags = flags;
        const intercepted =
          cause === -1
            ? this.trap(this.faultCause, pc >>> 0, this.faultAddress, this.faultAccess, this.faultProtection)
            : this.trap(cause, pc >>> 0, 0, 0, false);
        if (intercepted) {
          stop = "intercept";
          break outer;
        }
        pc = this.pc | 0;
        flags = this.flags;
        fetchKey = readKey = writeKey = -1;
        epoch = this.mmuEpoch;
        budgetEnd--;
        continue outer;
      }
      retired = end - left;
      end = retired;
      left = 0;
      if (retired >= this.deadline) this.tickTimer(retired);
    }
    if (stop !== "intercept") this.pc = pc >>> 0;
    this.flags = stop === "intercept" ? this.flags : flags;
    this.retired = end - left;
    this.fetchKey = fetchKey;
    this.fetchBase = fetchBase;
    this.readKey = readKey;
    this.readBase = readBase;
    this.writeKey = writeKey;
    this.writeBase = writeBase;
    if (this.mmuEpoch !== epoch) this.fetchKey = this.readKey = this.writeKey = -1;
    return stop;
  }
}
