// The CPU interpreter. One loop, one switch on decoded opcodes, hot state in locals and
// typed arrays. Instructions are decoded once per physical word and the decode is
// dropped when that word is written. Address translation is cached per access kind
// (fetch, read, write) for one virtual page each; any change to the translation state
// (mode, PTBR, TLB contents) empties those caches.
import {
  ACCESS_FETCH, ACCESS_READ, ACCESS_WRITE, CAUSE, CAUSE_ACCESS_SHIFT, CAUSE_PROTECTION, CR, ESTATUS_MODE_SHIFT,
  FLAG_C, FLAG_IF, FLAG_N, FLAG_V, FLAG_Z, FLAGS_MASK, KSEG_BASE, MODE_KERNEL, MODE_USER, NUM_CRS, NUM_REGS, PAGE_SHIFT,
  PORT, PTE_FRAME_MASK, PTE_U, PTE_V, PTE_W, SP,
} from "../arch.js";
import type { Console } from "../devices/console.js";
import type { Disk } from "../devices/disk.js";
import type { PhysicalMemory } from "../memory.js";
import { Tlb } from "../mmu/tlb.js";
import { walk, walkShape, WALK_BAD_TABLE, WALK_OK, WALK_PROTECTION, type WalkResult, type WalkShape } from "../mmu/walker.js";
import { BY_OPCODE, OP } from "../opcodes.js";
import { absentTable, privilegeTable, type Profile } from "../profiles.js";

/** Decoded opcode for a word whose opcode is unassigned (traps ILLEGAL). */
const DECODED_ILLEGAL = 0xff;

export type StopReason = "halt" | "budget" | "intercept";

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
}

const NUM_CAUSES = 16;

export class Cpu {
  // Architectural state.
  readonly regs = new Int32Array(NUM_REGS);
  pc = 0;
  flags = 0;
  mode = MODE_KERNEL;
  readonly crs = new Int32Array(NUM_CRS);
  halted = false;
  /** Retired instructions since reset (the timer and COUNT read it). */
  retired = 0;

  // Timer: the interrupt becomes pending when `retired` reaches the deadline.
  timerPeriod = 0;
  timerDeadline = Infinity;
  timerPending = false;

  /**
   * The monitor interface: a trap whose cause is set here is not taken
   * architecturally; `run` stops with reason "intercept" and the exit fields below.
   */
  readonly intercept = new Uint8Array(NUM_CAUSES);
  exitCause = 0;
  exitAddress = 0;
  exitAccess = 0;
  exitProtection = false;

  readonly trapsByCause = new Float64Array(NUM_CAUSES);
  readonly counters: CpuCounters = {
    tlbHits: 0, tlbMisses: 0, walks: 0, walkReferences: 0, codeInvalidations: 0, portReads: 0, portWrites: 0,
    trapReturns: 0, tlbWrites: 0, tlbInvalidations: 0, tlbFlushes: 0, crWrites: 0,
  };

  readonly tlb: Tlb;
  readonly profile: Profile;
  private readonly softwareTlb: boolean;
  private readonly shape: WalkShape | undefined;
  private readonly privileged: Uint8Array;
  private readonly absent: Uint8Array;
  private readonly popfKeepsIf: boolean;

  // Decoded-instruction cache, one slot per physical word.
  private readonly dOp: Uint8Array;
  private readonly dA: Uint8Array;
  private readonly dB: Uint8Array;
  private readonly dC: Uint8Array;
  private readonly dImm: Int32Array;
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

  // Fault being raised by the slow path.
  private faultCause = 0;
  private faultAddress = 0;
  private faultAccess = 0;
  private faultProtection = false;
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
    const words = memory.size >>> 2;
    this.dOp = new Uint8Array(words);
    this.dA = new Uint8Array(words);
    this.dB = new Uint8Array(words);
    this.dC = new Uint8Array(words);
    this.dImm = new Int32Array(words);
    this.codePage = new Uint8Array(memory.size >>> PAGE_SHIFT);
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
        const to = Math.min(end, (page + 1) << PAGE_SHIFT) >>> 2;
        this.dOp.fill(0, from, to);
        this.counters.codeInvalidations++;
      }
    }
  }

  /** Sets the timer period as `OUT rA, 0x20` does (counting starts after now). */
  setTimer(period: number): void {
    this.timerPeriod = period >>> 0;
    this.timerDeadline = this.timerPeriod === 0 ? Infinity : this.retired + this.timerPeriod;
  }

  private decode(wi: number): number {
    const w = this.memory.i32[wi]!;
    const opcode = w >>> 24;
    const info = BY_OPCODE[opcode];
    this.codePage[wi >>> (PAGE_SHIFT - 2)] = 1;
    if (!info) {
      this.dOp[wi] = DECODED_ILLEGAL;
      return DECODED_ILLEGAL;
    }
    this.dA[wi] = (w >>> 20) & 15;
    this.dB[wi] = (w >>> 16) & 15;
    this.dC[wi] = (w >>> 12) & 15;
    switch (info.form) {
      case "rri":
      case "ri":
      case "m":
        this.dImm[wi] = (w << 16) >> 16;
        break;
      case "j":
        this.dImm[wi] = ((w << 8) >> 8) * 4;
        break;
      case "rru":
        this.dImm[wi] = opcode === OP.SHLI || opcode === OP.SHRI || opcode === OP.SARI ? w & 31 : w & 0xffff;
        break;
      default:
        this.dImm[wi] = w & 0xffff;
    }
    this.dOp[wi] = opcode;
    return opcode;
  }

  /**
   * The slow path of address translation. Returns the physical address, or -1 with
   * the fault recorded (cause, address, access kind, protection).
   */
  translate(va: number, access: number): number {
    va = va >>> 0;
    const user = this.mode === MODE_USER;
    let pa: number;
    if (!user && va >= KSEG_BASE) {
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
          const r = walk(this.memory.i32, root, this.shape!, va, access === ACCESS_WRITE, user, this.walkOut);
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

  private fault(cause: number, va: number, access: number, protection: boolean): number {
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
    if (this.intercept[cause]) {
      this.exitCause = cause;
      this.exitAddress = address >>> 0;
      this.exitAccess = access;
      this.exitProtection = protection;
      this.pc = epc >>> 0;
      return true;
    }
    this.enterTrap(cause, epc, address, access, protection);
    return false;
  }

  /** Architectural trap entry, as ISA.md describes it (also used by monitors to reflect). */
  enterTrap(cause: number, epc: number, address: number, access: number, protection: boolean): void {
    const crs = this.crs;
    crs[CR.ESTATUS] = (this.flags & FLAGS_MASK) | (this.mode << ESTATUS_MODE_SHIFT);
    crs[CR.EPC] = epc;
    const memoryFault = cause === CAUSE.PAGE_FAULT || cause === CAUSE.TLB_MISS || cause === CAUSE.ADDRESS_ERROR;
    crs[CR.CAUSE] = memoryFault ? cause | (access << CAUSE_ACCESS_SHIFT) | (protection ? CAUSE_PROTECTION : 0) : cause;
    if (memoryFault) crs[CR.BADADDR] = address;
    this.flags &= ~FLAG_IF;
    if (this.mode === MODE_USER) {
      crs[CR.USP] = this.regs[SP]!;
      this.regs[SP] = crs[CR.KSP]!;
      this.mode = MODE_KERNEL;
    }
    this.pc = crs[CR.TVEC]! >>> 0;
    this.translationChanged();
  }

  /** Port I/O as IN performs it. */
  portIn(port: number): number {
    this.counters.portReads++;
    switch (port) {
      case PORT.TIMER_PERIOD:
        return this.timerPeriod | 0;
      case PORT.TIMER_COUNT:
        return this.timerPeriod === 0 ? 0 : (this.timerDeadline - this.retired) | 0;
      case PORT.DISK_STATUS:
        return this.disk.status;
      default:
        return 0;
    }
  }

  /** Port I/O as OUT performs it; `retiredAfter` is the count once the OUT retires. */
  portOut(port: number, value: number, retiredAfter: number): void {
    this.counters.portWrites++;
    switch (port) {
      case PORT.CONSOLE_OUT:
        this.console.write(value);
        return;
      case PORT.TIMER_PERIOD:
        this.timerPeriod = value >>> 0;
        this.timerDeadline = this.timerPeriod === 0 ? Infinity : retiredAfter + this.timerPeriod;
        this.timerPending = false;
        return;
      case PORT.DISK_SECTOR:
        this.disk.sector = value >>> 0;
        return;
      case PORT.DISK_ADDR:
        this.disk.address = value >>> 0;
        return;
      case PORT.DISK_CMD: {
        const written = this.disk.command(value, this.memory.u8);
        if (written) this.invalidateCode(written[0], written[1]);
        return;
      }
      default:
        return;
    }
  }

  private writeCr(n: number, value: number): void {
    this.counters.crWrites++;
    if (n === CR.COUNT) return;
    this.crs[n] = value;
    if (n === CR.PTBR) {
      this.tlb.flush();
      this.translationChanged();
    }
  }

  /** Reads a control register as RDCR does. */
  readCr(n: number): number {
    return n === CR.COUNT ? this.retired | 0 : this.crs[n]!;
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
    const regs = this.regs;
    const crs = this.crs;
    const i32 = this.memory.i32;
    const u8 = this.memory.u8;
    const dOp = this.dOp;
    const dA = this.dA;
    const dB = this.dB;
    const dC = this.dC;
    const dImm = this.dImm;
    const codePage = this.codePage;
    const privileged = this.privileged;
    const absent = this.absent;
    // Traps taken also consume the budget, so a guest stuck in a fault loop still stops.
    let budgetEnd = this.retired + budget;

    let pc = this.pc | 0; // signed inside the loop: stays a small integer for V8
    let flags = this.flags;
    let retired = this.retired;
    // Retired instructions are counted as base + ran, ran a small integer within a chunk.
    let base = retired;
    let ran = 0;
    let fetchKey = this.fetchKey;
    let fetchBase = this.fetchBase;
    let readKey = this.readKey;
    let readBase = this.readBase;
    let writeKey = this.writeKey;
    let writeBase = this.writeBase;
    let epoch = this.mmuEpoch;
    let stop: StopReason = "budget";

    outer: for (;;) {
      retired = base + ran;
      base = retired;
      ran = 0;
      if (this.timerPending && (flags & FLAG_IF) !== 0) {
        this.timerPending = false;
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
      const chunk = Math.min(this.timerDeadline, budgetEnd, retired + 0x40000000) - retired;

      // Fault handling below jumps here: `fault` is set, the instruction did not retire.
      inner: while (ran < chunk) {
        let cause = 0;
        let va = 0;
        if ((pc & 0xfffff003) !== fetchKey) {
          if ((pc & 3) !== 0) {
            this.fault(CAUSE.ADDRESS_ERROR, pc >>> 0, ACCESS_FETCH, false);
            cause = -1;
          } else {
            this.flags = flags;
            const pa = this.translate(pc, ACCESS_FETCH);
            if (pa < 0) cause = -1;
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
        if (cause === 0) {
          const wi = (fetchBase + (pc & 0xfff)) >>> 2;
          let op = dOp[wi]!;
          if (op === 0) op = this.decode(wi);
          if (op >= 0x40 && op !== DECODED_ILLEGAL) {
            if (absent[op]) cause = CAUSE.ILLEGAL;
            else if (privileged[op] && this.mode === MODE_USER) cause = CAUSE.PRIVILEGED;
          }
          if (cause === 0)
            switch (op) {
              case OP.ADD: regs[dA[wi]!] = regs[dB[wi]!]! + regs[dC[wi]!]!; break;
              case OP.SUB: regs[dA[wi]!] = regs[dB[wi]!]! - regs[dC[wi]!]!; break;
              case OP.AND: regs[dA[wi]!] = regs[dB[wi]!]! & regs[dC[wi]!]!; break;
              case OP.OR: regs[dA[wi]!] = regs[dB[wi]!]! | regs[dC[wi]!]!; break;
              case OP.XOR: regs[dA[wi]!] = regs[dB[wi]!]! ^ regs[dC[wi]!]!; break;
              case OP.SHL: regs[dA[wi]!] = regs[dB[wi]!]! << (regs[dC[wi]!]! & 31); break;
              case OP.SHR: regs[dA[wi]!] = regs[dB[wi]!]! >>> (regs[dC[wi]!]! & 31); break;
              case OP.SAR: regs[dA[wi]!] = regs[dB[wi]!]! >> (regs[dC[wi]!]! & 31); break;
              case OP.MUL: regs[dA[wi]!] = Math.imul(regs[dB[wi]!]!, regs[dC[wi]!]!); break;
              case OP.DIV: {
                const d = regs[dC[wi]!]!;
                if (d === 0) { cause = CAUSE.DIVIDE; break; }
                regs[dA[wi]!] = (regs[dB[wi]!]! / d) | 0;
                break;
              }
              case OP.DIVU: {
                const d = regs[dC[wi]!]! >>> 0;
                if (d === 0) { cause = CAUSE.DIVIDE; break; }
                regs[dA[wi]!] = ((regs[dB[wi]!]! >>> 0) / d) >>> 0;
                break;
              }
              case OP.REM: {
                const d = regs[dC[wi]!]!;
                if (d === 0) { cause = CAUSE.DIVIDE; break; }
                regs[dA[wi]!] = regs[dB[wi]!]! % d | 0;
                break;
              }
              case OP.REMU: {
                const d = regs[dC[wi]!]! >>> 0;
                if (d === 0) { cause = CAUSE.DIVIDE; break; }
                regs[dA[wi]!] = (regs[dB[wi]!]! >>> 0) % d;
                break;
              }
              case OP.SLT: regs[dA[wi]!] = regs[dB[wi]!]! < regs[dC[wi]!]! ? 1 : 0; break;
              case OP.SLTU: regs[dA[wi]!] = regs[dB[wi]!]! >>> 0 < regs[dC[wi]!]! >>> 0 ? 1 : 0; break;
              case OP.ADDI: regs[dA[wi]!] = regs[dB[wi]!]! + dImm[wi]!; break;
              case OP.ANDI: regs[dA[wi]!] = regs[dB[wi]!]! & dImm[wi]!; break;
              case OP.ORI: regs[dA[wi]!] = regs[dB[wi]!]! | dImm[wi]!; break;
              case OP.XORI: regs[dA[wi]!] = regs[dB[wi]!]! ^ dImm[wi]!; break;
              case OP.SHLI: regs[dA[wi]!] = regs[dB[wi]!]! << dImm[wi]!; break;
              case OP.SHRI: regs[dA[wi]!] = regs[dB[wi]!]! >>> dImm[wi]!; break;
              case OP.SARI: regs[dA[wi]!] = regs[dB[wi]!]! >> dImm[wi]!; break;
              case OP.MULI: regs[dA[wi]!] = Math.imul(regs[dB[wi]!]!, dImm[wi]!); break;
              case OP.LUI: regs[dA[wi]!] = dImm[wi]! << 16; break;
              case OP.SLTI: regs[dA[wi]!] = regs[dB[wi]!]! < dImm[wi]! ? 1 : 0; break;
              case OP.CMP:
              case OP.CMPI: {
                const a = regs[dA[wi]!]!;
                const b = op === OP.CMP ? regs[dB[wi]!]! : dImm[wi]!;
                const r = (a - b) | 0;
                flags =
                  (flags & FLAG_IF) |
                  (r === 0 ? FLAG_Z : 0) |
                  (r < 0 ? FLAG_N : 0) |
                  (a >>> 0 < b >>> 0 ? FLAG_C : 0) |
                  (((a ^ b) & (a ^ r)) < 0 ? FLAG_V : 0);
                break;
              }
              case OP.LW: {
                va = (regs[dB[wi]!]! + dImm[wi]!) | 0;
                if ((va & 0xfffff003) === readKey) {
                  regs[dA[wi]!] = i32[(readBase + (va & 0xfff)) >>> 2]!;
                  break;
                }
                if ((va & 3) !== 0) { this.fault(CAUSE.ADDRESS_ERROR, va, ACCESS_READ, false); cause = -1; break; }
                this.flags = flags;
                const pa = this.translate(va, ACCESS_READ);
                if (pa < 0) { cause = -1; break; }
                if (this.mmuEpoch !== epoch) { epoch = this.mmuEpoch; fetchKey = writeKey = -1; }
                readKey = va & 0xfffff000;
                readBase = pa & 0xfffff000;
                regs[dA[wi]!] = i32[pa >>> 2]!;
                break;
              }
              case OP.LB:
              case OP.LBU: {
                va = (regs[dB[wi]!]! + dImm[wi]!) | 0;
                let pa: number;
                if ((va & 0xfffff000) === readKey) pa = readBase + (va & 0xfff);
                else {
                  this.flags = flags;
                  pa = this.translate(va, ACCESS_READ);
                  if (pa < 0) { cause = -1; break; }
                  if (this.mmuEpoch !== epoch) { epoch = this.mmuEpoch; fetchKey = writeKey = -1; }
                  readKey = va & 0xfffff000;
                  readBase = pa & 0xfffff000;
                }
                const byte = u8[pa]!;
                regs[dA[wi]!] = op === OP.LB ? (byte << 24) >> 24 : byte;
                break;
              }
              case OP.SW:
              case OP.SB:
              case OP.PUSH:
              case OP.CALL:
              case OP.CALLR: {
                // All stores: compute the address and the value first, so a fault
                // leaves every register unchanged.
                let value: number;
                if (op === OP.SW || op === OP.SB) {
                  va = (regs[dB[wi]!]! + dImm[wi]!) | 0;
                  value = regs[dA[wi]!]!;
                } else {
                  va = (regs[SP]! - 4) | 0;
                  value = op === OP.PUSH ? regs[dA[wi]!]! : (pc + 4) | 0;
                }
                const word = op !== OP.SB;
                let pa: number;
                if (((va & (word ? 0xfffff003 : 0xfffff000)) | 0) === writeKey) pa = writeBase + (va & 0xfff);
                else {
                  if (word && (va & 3) !== 0) { this.fault(CAUSE.ADDRESS_ERROR, va, ACCESS_WRITE, false); cause = -1; break; }
                  this.flags = flags;
                  pa = this.translate(va, ACCESS_WRITE);
                  if (pa < 0) { cause = -1; break; }
                  if (this.mmuEpoch !== epoch) { epoch = this.mmuEpoch; fetchKey = readKey = -1; }
                  writeKey = va & 0xfffff000;
                  writeBase = pa & 0xfffff000;
                }
                if (word) i32[pa >>> 2] = value;
                else u8[pa] = value;
                if (codePage[pa >>> PAGE_SHIFT] !== 0 && dOp[pa >>> 2] !== 0) {
                  dOp[pa >>> 2] = 0;
                  this.counters.codeInvalidations++;
                }
                if (op === OP.SW || op === OP.SB) break;
                if (op === OP.PUSH) { regs[SP] = va; break; }
                const target = op === OP.CALL ? (pc + 4 + dImm[wi]!) | 0 : regs[dA[wi]!]!;
                regs[SP] = va;
                pc = target;
                ran++;
                continue inner;
              }
              case OP.POP:
              case OP.RET: {
                va = regs[SP]!;
                let pa: number;
                if ((va & 0xfffff003) === readKey) pa = readBase + (va & 0xfff);
                else {
                  if ((va & 3) !== 0) { this.fault(CAUSE.ADDRESS_ERROR, va, ACCESS_READ, false); cause = -1; break; }
                  this.flags = flags;
                  pa = this.translate(va, ACCESS_READ);
                  if (pa < 0) { cause = -1; break; }
                  if (this.mmuEpoch !== epoch) { epoch = this.mmuEpoch; fetchKey = writeKey = -1; }
                  readKey = va & 0xfffff000;
                  readBase = pa & 0xfffff000;
                }
                const value = i32[pa >>> 2]!;
                regs[SP] = (va + 4) | 0;
                if (op === OP.POP) { regs[dA[wi]!] = value; break; }
                pc = value;
                ran++;
                continue inner;
              }
              case OP.JMP:
                pc = (pc + 4 + dImm[wi]!) | 0;
                ran++;
                continue inner;
              case OP.BEQ:
              case OP.BNE:
              case OP.BLT:
              case OP.BGE:
              case OP.BLE:
              case OP.BGT:
              case OP.BLTU:
              case OP.BGEU:
              case OP.BLEU:
              case OP.BGTU: {
                let taken: boolean;
                const lt = ((flags & FLAG_N) !== 0) !== ((flags & FLAG_V) !== 0);
                switch (op) {
                  case OP.BEQ: taken = (flags & FLAG_Z) !== 0; break;
                  case OP.BNE: taken = (flags & FLAG_Z) === 0; break;
                  case OP.BLT: taken = lt; break;
                  case OP.BGE: taken = !lt; break;
                  case OP.BLE: taken = lt || (flags & FLAG_Z) !== 0; break;
                  case OP.BGT: taken = !lt && (flags & FLAG_Z) === 0; break;
                  case OP.BLTU: taken = (flags & FLAG_C) !== 0; break;
                  case OP.BGEU: taken = (flags & FLAG_C) === 0; break;
                  case OP.BLEU: taken = (flags & (FLAG_C | FLAG_Z)) !== 0; break;
                  default: taken = (flags & (FLAG_C | FLAG_Z)) === 0; break;
                }
                pc = taken ? (pc + 4 + dImm[wi]!) | 0 : (pc + 4) | 0;
                ran++;
                continue inner;
              }
              case OP.JR:
                pc = regs[dA[wi]!]!;
                ran++;
                continue inner;
              case OP.SYSCALL:
              case OP.BRK:
              case OP.HCALL: {
                // These retire, then trap with EPC = the next instruction.
                ran++;
                this.retired = base + ran;
                this.flags = flags;
                const c = op === OP.SYSCALL ? CAUSE.SYSCALL : op === OP.BRK ? CAUSE.BREAKPOINT : CAUSE.HYPERCALL;
                if (this.trap(c, (pc + 4) >>> 0, 0, 0, false)) {
                  stop = "intercept";
                  break outer;
                }
                pc = this.pc | 0;
                flags = this.flags;
                fetchKey = readKey = writeKey = -1;
                epoch = this.mmuEpoch;
                continue inner;
              }
              case OP.RTE: {
                const status = crs[CR.ESTATUS]!;
                pc = crs[CR.EPC]!;
                flags = status & FLAGS_MASK;
                const newMode = status >>> ESTATUS_MODE_SHIFT;
                if (newMode === MODE_USER) regs[SP] = crs[CR.USP]!;
                this.mode = newMode;
                this.counters.trapReturns++;
                this.translationChanged();
                fetchKey = readKey = writeKey = -1;
                epoch = this.mmuEpoch;
                ran++;
                continue outer; // IF may have come back on with an interrupt pending
              }
              case OP.HALT:
                ran++;
                pc = (pc + 4) | 0;
                this.halted = true;
                stop = "halt";
                break outer;
              case OP.IN:
                this.retired = base + ran;
                regs[dA[wi]!] = this.portIn(dImm[wi]!);
                break;
              case OP.OUT:
                this.retired = base + ran;
                this.portOut(dImm[wi]!, regs[dA[wi]!]!, base + ran + 1);
                if (dImm[wi] === PORT.TIMER_PERIOD) {
                  pc = (pc + 4) | 0;
                  ran++;
                  continue outer; // the timer deadline changed
                }
                break;
              case OP.CLI:
                flags &= ~FLAG_IF;
                break;
              case OP.STI:
                flags |= FLAG_IF;
                pc = (pc + 4) | 0;
                ran++;
                continue outer;
              case OP.RDCR: {
                const n = dImm[wi]!;
                if (n >= crs.length) { cause = CAUSE.ILLEGAL; break; }
                regs[dA[wi]!] = n === CR.COUNT ? (base + ran) | 0 : crs[n]!;
                break;
              }
              case OP.WRCR: {
                const n = dImm[wi]!;
                if (n >= crs.length) { cause = CAUSE.ILLEGAL; break; }
                this.writeCr(n, regs[dA[wi]!]!);
                fetchKey = readKey = writeKey = -1;
                epoch = this.mmuEpoch;
                break;
              }
              case OP.TLBW:
                this.tlbWrite(regs[dA[wi]!]!, regs[dB[wi]!]!);
                fetchKey = readKey = writeKey = -1;
                epoch = this.mmuEpoch;
                break;
              case OP.TLBI:
                this.counters.tlbInvalidations++;
                this.tlb.invalidate((regs[dA[wi]!]! >>> PAGE_SHIFT) & 0xfffff);
                this.translationChanged();
                fetchKey = readKey = writeKey = -1;
                epoch = this.mmuEpoch;
                break;
              case OP.TLBFLUSH:
                this.counters.tlbFlushes++;
                this.tlb.flush();
                this.translationChanged();
                fetchKey = readKey = writeKey = -1;
                epoch = this.mmuEpoch;
                break;
              case OP.PUSHF: {
                va = (regs[SP]! - 4) | 0;
                let pa: number;
                if ((va & 0xfffff003) === writeKey) pa = writeBase + (va & 0xfff);
                else {
                  if ((va & 3) !== 0) { this.fault(CAUSE.ADDRESS_ERROR, va, ACCESS_WRITE, false); cause = -1; break; }
                  this.flags = flags;
                  pa = this.translate(va, ACCESS_WRITE);
                  if (pa < 0) { cause = -1; break; }
                  if (this.mmuEpoch !== epoch) { epoch = this.mmuEpoch; fetchKey = readKey = -1; }
                  writeKey = va & 0xfffff000;
                  writeBase = pa & 0xfffff000;
                }
                i32[pa >>> 2] = flags & FLAGS_MASK;
                if (codePage[pa >>> PAGE_SHIFT] !== 0 && dOp[pa >>> 2] !== 0) {
                  dOp[pa >>> 2] = 0;
                  this.counters.codeInvalidations++;
                }
                regs[SP] = va;
                break;
              }
              case OP.POPF: {
                va = regs[SP]!;
                let pa: number;
                if ((va & 0xfffff003) === readKey) pa = readBase + (va & 0xfff);
                else {
                  if ((va & 3) !== 0) { this.fault(CAUSE.ADDRESS_ERROR, va, ACCESS_READ, false); cause = -1; break; }
                  this.flags = flags;
                  pa = this.translate(va, ACCESS_READ);
                  if (pa < 0) { cause = -1; break; }
                  if (this.mmuEpoch !== epoch) { epoch = this.mmuEpoch; fetchKey = writeKey = -1; }
                  readKey = va & 0xfffff000;
                  readBase = pa & 0xfffff000;
                }
                const popped = i32[pa >>> 2]! & FLAGS_MASK;
                regs[SP] = (va + 4) | 0;
                flags = this.mode === MODE_USER && this.popfKeepsIf ? (popped & ~FLAG_IF) | (flags & FLAG_IF) : popped;
                pc = (pc + 4) | 0;
                ran++;
                continue outer;
              }
              case OP.RDMODE:
                regs[dA[wi]!] = this.mode;
                break;
              case OP.RDTVEC:
                regs[dA[wi]!] = crs[CR.TVEC]!;
                break;
              default:
                cause = CAUSE.ILLEGAL;
                break;
            }
        }
        if (cause === 0) {
          pc = (pc + 4) | 0;
          ran++;
          continue;
        }
        // The instruction faulted: it does not retire; EPC = its address.
        this.retired = base + ran;
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
      retired = base + ran;
      base = retired;
      ran = 0;
      if (retired >= this.timerDeadline) {
        this.timerPending = true;
        this.timerDeadline = retired + this.timerPeriod;
      }
    }
    if (stop !== "intercept") this.pc = pc >>> 0;
    this.flags = stop === "intercept" ? this.flags : flags;
    this.retired = base + ran;
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
