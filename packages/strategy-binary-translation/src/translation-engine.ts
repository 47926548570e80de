// The monitor side of binary translation: the translation cache (regions by guest
// page), the dispatcher that runs the deprivileged kernel from it, the slow paths of
// translated loads and stores (through the real MMU, so shadow paging and its hidden
// faults and traced writes work as for directly executed code), coherence with
// writes to translated code, callouts, and adaptive retranslation of stores that keep
// trapping.
import { FAULT_HIDDEN, FAULT_REFLECT, type Monitor } from "@vmlab/core";
import { ACCESS_READ, ACCESS_WRITE, BY_OPCODE, CAUSE, CAUSE_NAMES, KSEG_BASE, MODE_KERNEL, OP, PAGE_SHIFT, PORT, TRAP_CAUSE, uimm16, type Cpu, hex } from "@vmlab/isa";
import { EXIT_AFTER_CALLOUT, EXIT_CALLOUT, EXIT_CODE_WRITTEN, EXIT_DISPATCH, EXIT_FAULT, EXIT_TRAP, Translator, type BtStateLike, type RegionCode } from "./translator.js";

/** IN or OUT of a virtual device (the work-marker port is none: it costs no device access). */
const isDeviceAccess = (w: number): boolean => {
  const op = w >>> 24;
  return (op === OP.IN || op === OP.OUT) && uimm16(w) !== PORT.WORK_MARK;
};

/** Traced writes by one store instruction after which it is retranslated as a callout. */
export const ADAPT_AFTER = 2;
/** Below this many instructions before the timer or the budget, the dispatcher steps instead of entering a region. */
const SHORT = 64;
/** Callout stores in a row that found no page table, after which the store is translated back. */
export const UNADAPT_AFTER = 64;

interface Region {
  code: RegionCode;
  readonly entries: Set<number>;
  /** Word indices covered by translated instructions (a store there invalidates). */
  readonly words: Uint8Array;
  /** Word indices of stores retranslated as callouts. */
  readonly adaptive: Uint8Array;
}

/** State shared with generated code; its slow paths call back into the engine. */
class BtState implements BtStateLike {
  pc = 0;
  left = 0;
  flags = 0;
  exit = 0;
  trapCause = 0;
  rk = -1;
  rb = 0;
  wk = -1;
  wb = 0;
  sk = -1;
  sb = 0;
  indirect = 0;
  faultCause = 0;
  faultAddress = 0;
  faultAccess = 0;
  faultProtection = false;
  readonly m: Int32Array;
  readonly u8: Uint8Array;
  readonly cp: Uint8Array;
  ad: Uint8Array = new Uint8Array(1024);

  constructor(
    private readonly engine: TranslationEngine,
    m: Int32Array,
    u8: Uint8Array,
    cp: Uint8Array,
  ) {
    this.m = m;
    this.u8 = u8;
    // The CPU's own code-page marks: a page holds translations or instructions the CPU
    // decoded while single-stepping, and a store there must reach both.
    this.cp = cp;
  }
  lw(va: number, _pc: number): number {
    return this.engine.load(va, 4);
  }
  lb(va: number, _pc: number): number {
    return this.engine.load(va, 1);
  }
  sw(va: number, value: number, size: number, pc: number): number {
    return this.engine.store(va, value, size, pc);
  }
  swCallout(va: number, value: number, size: number, pc: number): number {
    return this.engine.storeByCallout(va, value, size, pc);
  }
  co(word: number, pc: number, left: number): number {
    return this.engine.inlineCallout(word, pc, left);
  }
  /** Guest instructions retired when the region (or the last callout) started, and `left` then. */
  base = 0;
  left0 = 0;
}

export class TranslationEngine {
  readonly state: BtState;
  private readonly cpu: Cpu;
  private readonly translator: Translator;
  private readonly regions = new Map<number, Region>();
  /** Per guest page, the word indices of stores retranslated as callouts. */
  private readonly adaptive = new Map<number, Uint8Array>();
  private readonly tracedAt = new Map<number, number>();
  /** Adaptive stores: how many in a row found no page table. */
  private readonly untracedRun = new Map<number, number>();
  private codeChanged = false;

  // Counters (charged by the strategy).
  translatedInstructions = 0; // translation work: guest instructions translated
  regionsCompiled = 0;
  translationRetired = 0; // guest instructions executed from the translation cache
  lookups = 0; // translation-cache lookups on unchained exits
  cacheHits = 0; // lookups that found the block already translated
  chains = 0;
  callouts = 0;
  portCallouts = 0;
  invalidations = 0;
  adaptiveRetranslations = 0;
  adaptiveStores = 0;
  /** Adaptive stores that did write a traced page table (charged as a page-table write). */
  adaptivePageTableStores = 0;
  tracedWrites = 0;
  singleSteps = 0;
  /** Hardware traps taken by translated code (to the monitor), by cause. */
  readonly traps = new Float64Array(16);

  constructor(
    private readonly monitor: Monitor,
    private readonly options: { readonly adaptive: boolean } = { adaptive: true },
  ) {
    this.cpu = monitor.cpu;
    this.translator = new Translator(monitor.machine.profile);
    this.state = new BtState(this, monitor.machine.memory.i32, monitor.machine.memory.u8, this.cpu.codePages);
    this.cpu.intercept({ codeWritten: (pa, end) => this.codeWritten(pa, end) });
  }

  // --- coherence -------------------------------------------------------------------

  /** A write reached a watched machine page (machine bytes [pa, end), within one page): drop translations that cover a written word. */
  private codeWritten(pa: number, end: number): void {
    const guest = this.monitor.guest;
    const gpa = guest.guestPhysical(pa);
    if (gpa < 0) return;
    const frame = gpa >>> PAGE_SHIFT;
    const region = this.regions.get(frame);
    if (!region) return;
    let covered = false;
    for (let w = (gpa & 0xfff) >>> 2, last = ((end - 1) & 0xfff) >>> 2; w <= last && !covered; w++) covered = region.words[w] === 1;
    if (!covered) return;
    // The page stays watched: the CPU may hold decodes of it, and they must be dropped too.
    this.regions.delete(frame);
    this.invalidations++;
    this.codeChanged = true;
    this.monitor.trace?.event({ actor: "vmm", kind: "translate", text: `guest wrote translated code at ${hex(gpa + KSEG_BASE)}: the page's translations are dropped`, at: this.cpu.retired });
  }

  // --- slow paths of translated code ---------------------------------------------------

  private fail(cause: number, va: number, access: number, protection: boolean): void {
    const s = this.state;
    s.faultCause = cause;
    s.faultAddress = va >>> 0;
    s.faultAccess = access;
    s.faultProtection = protection;
    s.exit = EXIT_FAULT;
  }

  /** Real translation for translated code, resolving hidden faults; -1 fault (state set), -2 traced write. */
  private translate(va: number, access: number): number {
    const cpu = this.cpu;
    for (;;) {
      const pa = cpu.translate(va, access);
      if (pa >= 0) return pa;
      const cause = cpu.faultCause;
      this.traps[cause]!++;
      this.state.rk = this.state.wk = this.state.sk = -1;
      if (cause === CAUSE.PAGE_FAULT || cause === CAUSE.TLB_MISS) {
        const d = this.monitor.mmu.realFault(va, access, cause, cpu.faultProtection);
        if (d === FAULT_HIDDEN) continue;
        if (d === FAULT_REFLECT) {
          const f = this.monitor.fault;
          this.fail(f.cause, f.address, f.access, f.protection);
          return -1;
        }
        return -2;
      }
      this.fail(cause, cpu.faultAddress, cpu.faultAccess, cpu.faultProtection);
      return -1;
    }
  }

  load(va: number, size: number): number {
    if (size === 4 && (va & 3) !== 0) {
      this.traps[CAUSE.ADDRESS_ERROR]!++;
      this.fail(CAUSE.ADDRESS_ERROR, va, ACCESS_READ, false);
      return 0;
    }
    const pa = this.translate(va, ACCESS_READ);
    if (pa < 0) return 0;
    const s = this.state;
    s.rk = va & 0xfffff000;
    s.rb = pa & 0xfffff000;
    return size === 4 ? s.m[pa >>> 2]! : s.u8[pa]!;
  }

  /** 0 done, 1 faulted, 2 done and translated code changed. */
  store(va: number, value: number, size: number, pc: number): number {
    const s = this.state;
    if (size === 4 && (va & 3) !== 0) {
      this.traps[CAUSE.ADDRESS_ERROR]!++;
      this.fail(CAUSE.ADDRESS_ERROR, va, ACCESS_WRITE, false);
      return 1;
    }
    this.codeChanged = false;
    let pa = this.translate(va, ACCESS_WRITE);
    if (pa === -1) return 1;
    if (pa === -2) {
      // A write to a traced guest page table: the monitor applies it (one trap each time).
      const memory = this.monitor.mmu;
      memory.beginTracedWrite(va);
      pa = this.cpu.translate(va, ACCESS_WRITE);
      this.write(pa, value, size);
      memory.endTracedWrite(va);
      this.cpu.invalidateCode(pa, pa + size);
      this.tracedWrites++;
      s.rk = s.wk = s.sk = -1;
      const n = (this.tracedAt.get(pc >>> 0) ?? 0) + 1;
      this.tracedAt.set(pc >>> 0, n);
      if (n >= ADAPT_AFTER && this.options.adaptive) this.retranslateAsCallout(pc >>> 0);
      return this.codeChanged ? 2 : 0;
    }
    this.write(pa, value, size);
    s.wk = va & 0xfffff000;
    s.wb = pa & 0xfffff000;
    if (s.cp[pa >>> PAGE_SHIFT]) this.cpu.invalidateCode(pa, pa + size);
    return this.codeChanged ? 2 : 0;
  }

  /** An adaptively retranslated store: the monitor does it through the guest's own mappings, with no trap. */
  storeByCallout(va: number, value: number, size: number, pc: number): number {
    if (size === 4 && (va & 3) !== 0) {
      this.fail(CAUSE.ADDRESS_ERROR, va, ACCESS_WRITE, false);
      return 1;
    }
    const m = this.monitor;
    const gpa = m.memory.guestTranslate(va, ACCESS_WRITE);
    if (gpa < 0) {
      this.fail(m.fault.cause, m.fault.address, m.fault.access, m.fault.protection);
      return 1;
    }
    this.codeChanged = false;
    const ma = m.guest.machineAddress(gpa);
    this.write(ma, value, size);
    this.cpu.invalidateCode(ma, ma + size);
    const traced = m.memory.guestPhysicalWritten(gpa, gpa + size);
    this.adaptiveStores++;
    this.state.rk = this.state.wk = this.state.sk = -1;
    if (traced) {
      this.adaptivePageTableStores++;
      this.untracedRun.delete(pc >>> 0);
    } else {
      // Its target is no page table any more (a loop that zeroed one now fills data):
      // translate it back to a plain store.
      const n = (this.untracedRun.get(pc >>> 0) ?? 0) + 1;
      this.untracedRun.set(pc >>> 0, n);
      if (n >= UNADAPT_AFTER) this.translateBack(pc >>> 0);
    }
    return this.codeChanged ? 2 : 0;
  }

  private write(pa: number, value: number, size: number): void {
    if (size === 4) this.state.m[pa >>> 2] = value;
    else this.state.u8[pa] = value;
  }

  private adaptiveFlags(frame: number): Uint8Array {
    let flags = this.adaptive.get(frame);
    if (!flags) {
      flags = new Uint8Array(1024);
      this.adaptive.set(frame, flags);
    }
    return flags;
  }

  private translateBack(pc: number): void {
    this.adaptiveFlags((pc - KSEG_BASE) >>> PAGE_SHIFT)[((pc - KSEG_BASE) & 0xfff) >>> 2] = 0;
    this.untracedRun.delete(pc);
    this.tracedAt.delete(pc);
    this.codeChanged = true;
  }

  private retranslateAsCallout(pc: number): void {
    const flags = this.adaptiveFlags((pc - KSEG_BASE) >>> PAGE_SHIFT);
    const index = ((pc - KSEG_BASE) & 0xfff) >>> 2;
    if (flags[index]) return;
    flags[index] = 1;
    this.adaptiveRetranslations++;
    this.codeChanged = true;
    this.monitor.trace?.event({ actor: "vmm", kind: "translate", text: `the store at ${hex(pc)} keeps trapping: retranslated as a callout`, pc, at: this.cpu.retired });
  }

  // --- the translation cache -------------------------------------------------------

  /** The region with `pc` as an entry point; compiled (or recompiled with the new entry) only when `compile`. */
  private regionFor(pc: number, compile = true): Region | undefined {
    const guest = this.monitor.guest;
    const gpa = (pc >>> 0) - KSEG_BASE;
    if (gpa < 0 || gpa >= guest.bytes) return undefined;
    const frame = gpa >>> PAGE_SHIFT;
    const index = (gpa & 0xfff) >>> 2;
    let region = this.regions.get(frame);
    if (region?.entries.has(index)) {
      this.cacheHits++;
      return region;
    }
    // Inside a translated block (after a single step, or a trap returning mid-block): step
    // to the next block start rather than compile the page again for a one-off entry. A
    // word that is no instruction (zeroed memory, data) only traps: step it too.
    if (!compile || (region && region.words[index] === 1) || this.translator.illegal(guest.read32(gpa) >>> 24)) return undefined;
    const entries = new Set(region?.entries ?? []);
    entries.add(index);
    const words = guest.frameWords(frame);
    const before = region ? new Set(region.code.blocks.map((b) => b.start)) : new Set<number>();
    const code = this.translator.compile(words, (KSEG_BASE + (frame << PAGE_SHIFT)) | 0, entries);
    let added = 0;
    let addedBlocks = 0;
    const covered = new Uint8Array(1024);
    for (const b of code.blocks) {
      for (let k = 0; k <= b.length && b.start + k < 1024; k++) covered[b.start + k] = 1;
      if (!before.has(b.start)) {
        added += b.length + (b.endsInCallout ? 1 : 0);
        addedBlocks++;
      }
    }
    this.translatedInstructions += added;
    this.chains += Math.max(0, code.chains - (region?.code.chains ?? 0));
    this.regionsCompiled++;
    // Every block start is an entry of the region's switch.
    for (const b of code.blocks) entries.add(b.start);
    region = { code, entries, words: covered, adaptive: this.adaptiveFlags(frame) };
    this.regions.set(frame, region);
    this.cpu.watchCode(guest.machineAddress(frame << PAGE_SHIFT));
    this.monitor.trace?.event({
      actor: "vmm",
      kind: "translate",
      text: `translate ${addedBlocks} block${addedBlocks === 1 ? "" : "s"} (${added} instructions) of the page at ${hex(KSEG_BASE + (frame << PAGE_SHIFT))} into the translation cache, ${code.chains} direct branches chained, ${code.callouts} callouts`,
      pc,
      at: this.cpu.retired,
    });
    return region;
  }

  // --- running the virtual kernel --------------------------------------------------

  /** Runs the guest while it is in virtual kernel mode, from the translation cache. */
  runKernel(budget: number): void {
    const { monitor, cpu, state: s } = this;
    const vcpu = monitor.vcpu;
    while (vcpu.mode === MODE_KERNEL && !vcpu.halted) {
      const used = monitor.used;
      if (used >= budget || (monitor.trace as { full?: boolean } | undefined)?.full === true) return;
      if (cpu.tickTimer(cpu.retired)) {
        monitor.afterRetire();
        continue;
      }
      const pc = cpu.pc >>> 0;
      const left = Math.min(cpu.timerDeadline - cpu.retired, budget - used);
      // Close to the timer or the end of the budget, step (entering a block in its middle would add an entry point).
      const region = (pc & 3) === 0 ? this.regionFor(pc, left >= SHORT) : undefined;
      if (!region) {
        this.singleStep(pc);
        continue;
      }
      s.pc = pc | 0;
      s.left = left;
      s.flags = cpu.flags;
      s.exit = EXIT_DISPATCH;
      const startRetired = cpu.retired;
      const calloutsBefore = this.callouts;
      s.base = startRetired;
      s.left0 = left;
      this.lookups++;
      s.ad = region.adaptive;
      this.traceMark = startRetired;
      this.tracePc = pc;
      region.code.fns[region.code.fnOf[((pc - KSEG_BASE) & 0xfff) >>> 2]!]!(s, cpu.regs);
      cpu.retired = s.base + (s.left0 - s.left);
      const ran = cpu.retired - startRetired;
      this.translationRetired += ran - (this.callouts - calloutsBefore);
      cpu.flags = s.flags;
      cpu.pc = s.pc >>> 0;
      if (monitor.trace) this.traceRun();
      switch (s.exit) {
        case EXIT_DISPATCH:
          // The next block did not fit in what is left before the timer or the budget.
          if (ran === 0 && s.pc >>> 0 === pc) this.singleStep(pc);
          break;
        case EXIT_FAULT:
          s.rk = s.wk = s.sk = -1;
          if (monitor.trace) monitor.note("os", "trap", `${CAUSE_NAMES[s.faultCause]!.toLowerCase()} in translated code: trap`, { pc: s.pc, cause: s.faultCause });
          monitor.reflectFault(s.faultCause, s.pc >>> 0, s.faultAddress, s.faultAccess, s.faultProtection);
          break;
        case EXIT_CALLOUT:
          s.rk = s.wk = s.sk = -1;
          // As on the machine: nothing runs past the budget, and a timer due now comes first.
          if (monitor.used >= budget || cpu.retired >= cpu.timerDeadline) break;
          this.callout(s.pc >>> 0);
          break;
        case EXIT_TRAP:
          s.rk = s.wk = s.sk = -1;
          this.traps[s.trapCause]!++;
          if (monitor.trace) monitor.note("os", "trap", `${CAUSE_NAMES[s.trapCause]!.toLowerCase()}: trap`, { pc: s.pc, cause: s.trapCause });
          monitor.reflect(s.trapCause, ((s.pc >>> 0) + 4) >>> 0, 0, 0, false);
          break;
        case EXIT_CODE_WRITTEN:
        case EXIT_AFTER_CALLOUT:
          s.rk = s.wk = s.sk = -1;
          break;
      }
    }
  }

  // Tracing: where the stretch of translated execution being reported began.
  private traceMark = 0;
  private tracePc = 0;

  private traceRun(): void {
    const n = this.cpu.retired - this.traceMark;
    if (n > 0) {
      this.monitor.note("os", "run", `runs ${n} translated instruction${n === 1 ? "" : "s"} from the translation cache`, {
        pc: this.tracePc,
        instructions: n,
        at: this.traceMark,
      });
    }
    this.traceMark = this.cpu.retired;
  }

  /** A callout made from inside a region (see BtStateLike.co). */
  inlineCallout(word: number, pc: number, left: number): number {
    const { monitor: m, cpu, state: s } = this;
    const vcpu = m.vcpu;
    cpu.retired = s.base + (s.left0 - left);
    cpu.flags = s.flags;
    cpu.pc = pc >>> 0;
    const before = cpu.retired;
    const reflections = m.reflections;
    const epoch = cpu.translationEpoch;
    if (m.trace) this.traceRun();
    const op = word >>> 24;
    const info = BY_OPCODE[op];
    this.codeChanged = false;
    if (!info || m.machine.profile.absent.has(info.mnemonic)) m.reflectFault(CAUSE.ILLEGAL, pc >>> 0, 0, 0, false);
    else {
      this.callouts++;
      if (isDeviceAccess(word)) this.portCallouts++;
      m.emulateWord(word, pc >>> 0, "callout");
    }
    s.flags = cpu.flags;
    s.pc = cpu.pc | 0;
    s.base = cpu.retired;
    this.traceMark = cpu.retired;
    this.tracePc = cpu.pc;
    // The callout may have reprogrammed the timer: the region may run only up to its new deadline.
    s.left = s.left0 = Math.min(left - (cpu.retired - before), cpu.timerDeadline - cpu.retired);
    // The region's cached page translations stay valid unless the callout changed the MMU.
    if (cpu.translationEpoch !== epoch) s.rk = s.wk = s.sk = -1;
    // A callout that wrote translated code (disk DMA over it) ends the region: what follows may be stale.
    const goOn = s.left > 0 && cpu.pc === (pc + 4) >>> 0 && m.reflections === reflections && vcpu.mode === MODE_KERNEL && !vcpu.halted && !this.codeChanged;
    return goOn ? 1 : 0;
  }

  /** The instruction at `pc` is for the monitor: emulate it on the virtual CPU, no trap. */
  private callout(pc: number): void {
    const m = this.monitor;
    const w = m.fetchGuestWord(pc);
    if (w === undefined) return;
    const op = w >>> 24;
    const info = BY_OPCODE[op];
    if (!info || m.machine.profile.absent.has(info.mnemonic)) {
      m.reflectFault(CAUSE.ILLEGAL, pc, 0, 0, false);
      return;
    }
    this.callouts++;
    if (isDeviceAccess(w)) this.portCallouts++;
    m.emulateWord(w, pc, "callout");
  }

  /**
   * One instruction, faithfully, when no translation applies (the tail before a timer
   * deadline, code outside kseg0): the monitor's instructions by callout, the rest on
   * the real CPU (in user mode: an innocuous instruction behaves the same there).
   */
  private singleStep(pc: number): void {
    const m = this.monitor;
    const cpu = this.cpu;
    this.singleSteps++;
    const w = (pc & 3) === 0 ? m.fetchGuestWord(pc) : 0;
    if (w === undefined) return;
    const op = w >>> 24;
    if ((pc & 3) === 0 && this.translator.needsMonitor(op)) {
      const cause = TRAP_CAUSE[op]!;
      if (cause !== 0) {
        cpu.retireEmulated();
        this.traps[cause]!++;
        m.reflect(cause, (pc + 4) >>> 0, 0, 0, false);
        m.afterRetire();
        return;
      }
      this.callout(pc);
      return;
    }
    const stop = m.machine.run(1);
    if (stop.reason === "intercept") m.handleTrap(cpu.exitCause);
    cpu.translationChanged();
  }
}
