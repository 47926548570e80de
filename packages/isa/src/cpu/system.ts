// The semantics of the system instructions and of trap entry, written once over the
// privileged state they read and change. The CPU carries them out on its own state; a
// monitor carries them out on a virtual CPU (its guest's control registers, interrupt
// flag and mode) for a deprivileged guest kernel. What differs between the two is behind
// `SystemCpu`: where the devices, the TLB and the mode change go.
import { CAUSE, CAUSE_ACCESS_SHIFT, CAUSE_PROTECTION, contextAfterMiss, CR, crAfterWrite, estatusMode, FLAG_IF, FLAGS_MASK, MODE_KERNEL, modeOfEstatus, SP, trapVector } from "../arch.js";
import { OP } from "../opcodes.js";

// The switch below names the opcodes as literals, so V8 makes it a jump table (as the
// interpreter's in cpu.ts): a kernel runs these tens of thousands of times per run.
if (
  OP.RTE !== 0x42 ||
  OP.HALT !== 0x43 ||
  OP.IN !== 0x44 ||
  OP.OUT !== 0x45 ||
  OP.CLI !== 0x46 ||
  OP.STI !== 0x47 ||
  OP.RDCR !== 0x48 ||
  OP.WRCR !== 0x49 ||
  OP.TLBW !== 0x4a ||
  OP.TLBI !== 0x4b ||
  OP.TLBFLUSH !== 0x4c ||
  OP.RDMODE !== 0x52 ||
  OP.RDTVEC !== 0x53
) {
  throw new Error("opcodes.ts changed a system instruction's opcode: update the literals in system.ts");
}

/** The privileged state a system instruction sees: the real CPU's, or a virtual CPU's. */
export interface SystemCpu {
  /** The general registers. */
  readonly regs: Int32Array;
  /** The control registers the instruction reads and writes. */
  readonly crs: Int32Array;
  /** FLAGS as the instruction sees them: the condition codes and IF. */
  flags: number;
  /** The mode as the instruction sees it (MODE_KERNEL, MODE_USER, MODE_RING1). */
  mode: number;
  /** Instructions retired before this one (COUNT). */
  readonly retired: number;
  /** RTE honours ESTATUS's ring-1 bit (the profile has ring 1 and the state is the real CPU's). */
  readonly returnsToRing1: boolean;
  controlRegisterExists(n: number): boolean;
  /** After WRCR changed control register `n` (PTBR: the translation changed). */
  controlRegisterWritten(n: number, value: number): void;
  portIn(port: number): number;
  portOut(port: number, value: number): void;
  tlbWrite(va: number, entryLo: number): void;
  /** One page's entry (`va`), or every entry (undefined). */
  tlbInvalidate(va: number | undefined): void;
  /** After RTE changed the mode, flags and pc. */
  trapReturned(): void;
  halt(): void;
}

/**
 * Carries out system instruction `word` at `pc` (any but PUSHF and POPF, whose stack
 * access belongs to the caller: see `flagsAfterPop`). Returns the pc to go on at, or -1
 * when it traps ILLEGAL (a control register the profile lacks) having changed nothing.
 */
export function executeSystem(s: SystemCpu, word: number, pc: number): number {
  const op = word >>> 24;
  const a = (word >>> 20) & 15;
  const imm = word & 0xffff;
  const regs = s.regs;
  const crs = s.crs;
  switch (op) {
    case 0x42 /* RTE */:
      returnFromTrap(s, crs[CR.ESTATUS]!, crs[CR.USP]!);
      return crs[CR.EPC]! >>> 0;
    case 0x43 /* HALT */:
      s.halt();
      break;
    case 0x44 /* IN */:
      regs[a] = s.portIn(imm);
      break;
    case 0x45 /* OUT */:
      s.portOut(imm, regs[a]!);
      break;
    case 0x46 /* CLI */:
      s.flags &= ~FLAG_IF;
      break;
    case 0x47 /* STI */:
      s.flags |= FLAG_IF;
      break;
    case 0x48 /* RDCR */:
      if (!readCr(s, a, imm)) return -1;
      break;
    case 0x49 /* WRCR */:
      if (!writeCr(s, a, imm)) return -1;
      break;
    case 0x4a /* TLBW */:
      s.tlbWrite(regs[a]!, regs[(word >>> 16) & 15]!);
      break;
    case 0x4b /* TLBI */:
      s.tlbInvalidate(regs[a]! >>> 0);
      break;
    case 0x4c /* TLBFLUSH */:
      s.tlbInvalidate(undefined);
      break;
    case 0x52 /* RDMODE */:
      regs[a] = s.mode;
      break;
    case 0x53 /* RDTVEC */:
      regs[a] = crs[CR.TVEC]!;
      break;
    default:
      throw new Error(`no system semantics for opcode 0x${op.toString(16)}`);
  }
  return (pc + 4) >>> 0;
}

/**
 * RDCR rA, n: false, having changed nothing, when the profile lacks control register
 * `n` (it traps ILLEGAL). Small, so the CPU's loop runs it inlined: a kernel's trap path
 * reads and writes the trap-frame registers tens of thousands of times per run.
 */
export function readCr(s: SystemCpu, a: number, n: number): boolean {
  if (!s.controlRegisterExists(n)) return false;
  s.regs[a] = readControlRegister(s, n);
  return true;
}

/** WRCR rA, n: false, having changed nothing, when the profile lacks control register `n`. */
export function writeCr(s: SystemCpu, a: number, n: number): boolean {
  if (!s.controlRegisterExists(n)) return false;
  const value = s.regs[a]!;
  if (n !== CR.COUNT) s.crs[n] = crAfterWrite(n, s.crs[n]!, value);
  s.controlRegisterWritten(n, value);
  return true;
}

/**
 * The state change of a return from trap with trap-frame words `status` (ESTATUS) and
 * `userStack` (USP): flags and mode from the status, and the stack pointer when it
 * returns out of kernel mode. The caller sets the pc (EPC).
 */
export function returnFromTrap(s: SystemCpu, status: number, userStack: number): void {
  const mode = modeOfEstatus(status, s.returnsToRing1);
  if (mode !== MODE_KERNEL) s.regs[SP] = userStack;
  s.flags = status & FLAGS_MASK;
  s.mode = mode;
  s.trapReturned();
}

/** Control register `n` as RDCR reads it (COUNT: the instructions retired before it). */
export function readControlRegister(s: SystemCpu, n: number): number {
  return n === CR.COUNT ? s.retired | 0 : s.crs[n]!;
}

/** The word PUSHF pushes. */
export function flagsToPush(s: SystemCpu): number {
  return s.flags & FLAGS_MASK;
}

/**
 * FLAGS after POPF popped `word`; outside kernel mode where the profile says so IF
 * stays as it is (x86's silent failure).
 */
export function flagsAfterPop(s: SystemCpu, word: number, keepsIfOutsideKernel: boolean): number {
  const popped = word & FLAGS_MASK;
  return s.mode !== MODE_KERNEL && keepsIfOutsideKernel ? (popped & ~FLAG_IF) | (s.flags & FLAG_IF) : popped;
}

/**
 * Architectural trap entry, as ISA.md describes it: the trap frame into EPC, ESTATUS,
 * CAUSE (BADADDR and CONTEXT for memory faults), IF off, kernel mode on the kernel stack.
 * Returns the handler's address (the refill vector for a user-address TLB miss where
 * `refillVector`).
 */
export function enterTrap(s: SystemCpu, cause: number, epc: number, address: number, access: number, protection: boolean, refillVector: boolean): number {
  const crs = s.crs;
  crs[CR.ESTATUS] = (s.flags & FLAGS_MASK) | estatusMode(s.mode);
  crs[CR.EPC] = epc;
  const memoryFault = cause === CAUSE.PAGE_FAULT || cause === CAUSE.TLB_MISS || cause === CAUSE.ADDRESS_ERROR;
  crs[CR.CAUSE] = memoryFault ? cause | (access << CAUSE_ACCESS_SHIFT) | (protection ? CAUSE_PROTECTION : 0) : cause;
  if (memoryFault) crs[CR.BADADDR] = address;
  if (cause === CAUSE.TLB_MISS) crs[CR.CONTEXT] = contextAfterMiss(crs[CR.CONTEXT]!, address);
  s.flags &= ~FLAG_IF;
  if (s.mode !== MODE_KERNEL) {
    // From user mode or ring 1: the kernel's stack (x86: ESP0 of the TSS).
    crs[CR.USP] = s.regs[SP]!;
    s.regs[SP] = crs[CR.KSP]!;
    s.mode = MODE_KERNEL;
  }
  return trapVector(refillVector, cause, address, crs[CR.TVEC]!);
}
