// The instruction table: the single truth for the decoder, the CPU interpreter (its fast
// loop is generated from `effect`, see cpu/interpreter-gen.ts), the binary translator
// (which emits the same effects as code strings), the assembler, the disassembler, the
// profiles and the classifier. Adding an instruction is one entry here.
//
// Encoding: one 32-bit little-endian word per instruction.
//   bits 31..24  opcode
//   bits 23..20  A register field
//   bits 19..16  B register field
//   bits 15..12  C register field (three-register forms)
//   bits 15..0   16-bit immediate (signed or unsigned, by form)
//   bits 23..0   24-bit signed word offset (jump forms): target = pc + 4 + 4 * offset
import { CAUSE } from "./arch.js";

/** Operand forms, as written in assembly (letters name the fields they fill). */
export type Form =
  | "none" // halt
  | "rrr" // op A, B, C
  | "rri" // op A, B, simm16
  | "rru" // op A, B, uimm16
  | "ri" // op A, simm16
  | "ru" // op A, uimm16
  | "rc" // op A, control-register (number or name) in imm16
  | "rr" // op A, B
  | "r" // op A
  | "m" // op A, simm16(B)
  | "j" // op label (pc-relative, 24-bit word offset)
  | "u"; // op uimm16

/**
 * How an instruction relates to privileged state, after Popek & Goldberg. Whether it
 * is *privileged* (traps in user mode) is a per-profile property, in profiles.ts.
 *  - innocuous: neither reads nor changes privileged state, same behaviour in both modes
 *  - control: changes mode, interrupt flag, trap vector, translation or devices
 *  - behaviour: its result depends on the mode or on privileged state
 *  - control+behaviour: both
 */
export type Sensitivity = "innocuous" | "control" | "behaviour" | "control+behaviour";

/** Whether a branch is taken, from the condition codes. */
export type Condition = (c: boolean, z: boolean, n: boolean, v: boolean) => boolean;

/**
 * What an instruction does, as data every engine expands the same way. Expressions are
 * JavaScript over the operands `$B`, `$C` (registers, int32) and `$I` (the decoded
 * immediate, see `immediateOf`) and evaluate to an int32: the interpreter stores them
 * into its register file, the translator into a local.
 *  - alu: A = value
 *  - divide: A = value; C = 0 traps DIVIDE instead
 *  - compare: FLAGS from A - right (compareFlags)
 *  - load: A = the word (size 4) or byte (size 1, sign- or zero-extended) at B + I
 *  - store: the word or low byte of A to B + I
 *  - push / pop: r15 -= 4, word at r15 = A / A = word at r15, r15 += 4
 *  - jump, branch (when `taken`), call (push pc + 4): pc = pc + 4 + I
 *  - jump-register, call-register: pc = A (call-register pushes pc + 4)
 *  - return: pc = pop
 *  - trap: retires, then traps with `cause` (EPC = the next instruction)
 *  - system: privileged state (cpu/system.ts); `memory` names the data access it makes
 */
export type Effect =
  | { readonly kind: "alu"; readonly value: string }
  | { readonly kind: "divide"; readonly value: string }
  | { readonly kind: "compare"; readonly right: "$B" | "$I" }
  | { readonly kind: "load"; readonly size: 4 }
  | { readonly kind: "load"; readonly size: 1; readonly extend: "sign" | "zero" }
  | { readonly kind: "store"; readonly size: 1 | 4 }
  | { readonly kind: "push" | "pop" | "jump" | "call" | "jump-register" | "call-register" | "return" }
  | { readonly kind: "branch"; readonly taken: Condition }
  | { readonly kind: "trap"; readonly cause: number }
  | { readonly kind: "system"; readonly memory?: "read" | "write" };
export type EffectKind = Effect["kind"];

/** How the 16-bit (or 24-bit) immediate is decoded for the engines. */
export type Immediate = "none" | "signed" | "unsigned" | "shift" | "offset";

interface Entry {
  readonly opcode: number;
  readonly form: Form;
  readonly group: "alu" | "compare" | "memory" | "stack" | "branch" | "system";
  readonly semantics: string;
  readonly effect: Effect;
  readonly sensitivity?: Sensitivity;
  /** The immediate is a shift amount: its low 5 bits. */
  readonly shift?: true;
  /** Execution does not go on at the next instruction (RTE, HALT). */
  readonly leaves?: true;
}

const alu = (value: string): Effect => ({ kind: "alu", value });
const divide = (value: string): Effect => ({ kind: "divide", value });
const branch = (taken: Condition): Effect => ({ kind: "branch", taken });
const system = (memory?: "read" | "write"): Effect => (memory ? { kind: "system", memory } : { kind: "system" });

const TABLE = {
  // ALU, three registers: A = B op C
  ADD: { opcode: 0x01, form: "rrr", group: "alu", semantics: "A = B + C", effect: alu("($B + $C) | 0") },
  SUB: { opcode: 0x02, form: "rrr", group: "alu", semantics: "A = B − C", effect: alu("($B - $C) | 0") },
  AND: { opcode: 0x03, form: "rrr", group: "alu", semantics: "A = B & C", effect: alu("$B & $C") },
  OR: { opcode: 0x04, form: "rrr", group: "alu", semantics: "A = B | C", effect: alu("$B | $C") },
  XOR: { opcode: 0x05, form: "rrr", group: "alu", semantics: "A = B ^ C", effect: alu("$B ^ $C") },
  SHL: { opcode: 0x06, form: "rrr", group: "alu", semantics: "A = B << (C & 31)", effect: alu("$B << ($C & 31)") },
  SHR: { opcode: 0x07, form: "rrr", group: "alu", semantics: "A = B >>> (C & 31), logical", effect: alu("($B >>> ($C & 31)) | 0") },
  SAR: { opcode: 0x08, form: "rrr", group: "alu", semantics: "A = B >> (C & 31), arithmetic", effect: alu("$B >> ($C & 31)") },
  MUL: { opcode: 0x09, form: "rrr", group: "alu", semantics: "low 32 bits of B × C", effect: alu("Math.imul($B, $C)") },
  DIV: { opcode: 0x0a, form: "rrr", group: "alu", semantics: "signed B / C truncated; C = 0 traps DIVIDE; −2³¹ / −1 = −2³¹", effect: divide("($B / $C) | 0") },
  DIVU: { opcode: 0x0b, form: "rrr", group: "alu", semantics: "unsigned B / C; C = 0 traps DIVIDE", effect: divide("(($B >>> 0) / ($C >>> 0)) | 0") },
  REM: { opcode: 0x0c, form: "rrr", group: "alu", semantics: "signed remainder (sign of B); C = 0 traps DIVIDE", effect: divide("($B % $C) | 0") },
  REMU: { opcode: 0x0d, form: "rrr", group: "alu", semantics: "unsigned remainder; C = 0 traps DIVIDE", effect: divide("(($B >>> 0) % ($C >>> 0)) | 0") },
  SLT: { opcode: 0x0e, form: "rrr", group: "alu", semantics: "A = 1 if B < C signed, else 0", effect: alu("$B < $C ? 1 : 0") },
  SLTU: { opcode: 0x0f, form: "rrr", group: "alu", semantics: "A = 1 if B < C unsigned, else 0", effect: alu("($B >>> 0) < ($C >>> 0) ? 1 : 0") },
  // ALU with a 16-bit immediate
  ADDI: { opcode: 0x10, form: "rri", group: "alu", semantics: "A = B + simm16", effect: alu("($B + $I) | 0") },
  ANDI: { opcode: 0x11, form: "rru", group: "alu", semantics: "A = B & uimm16", effect: alu("$B & $I") },
  ORI: { opcode: 0x12, form: "rru", group: "alu", semantics: "A = B | uimm16", effect: alu("$B | $I") },
  XORI: { opcode: 0x13, form: "rru", group: "alu", semantics: "A = B ^ uimm16", effect: alu("$B ^ $I") },
  SHLI: { opcode: 0x14, form: "rru", group: "alu", semantics: "A = B << (uimm16 & 31)", effect: alu("$B << $I"), shift: true },
  SHRI: { opcode: 0x15, form: "rru", group: "alu", semantics: "A = B >>> (uimm16 & 31)", effect: alu("($B >>> $I) | 0"), shift: true },
  SARI: { opcode: 0x16, form: "rru", group: "alu", semantics: "A = B >> (uimm16 & 31)", effect: alu("$B >> $I"), shift: true },
  MULI: { opcode: 0x17, form: "rri", group: "alu", semantics: "low 32 bits of B × simm16", effect: alu("Math.imul($B, $I)") },
  LUI: { opcode: 0x18, form: "ru", group: "alu", semantics: "A = uimm16 << 16", effect: alu("$I << 16") },
  SLTI: { opcode: 0x19, form: "rri", group: "alu", semantics: "A = 1 if B < simm16 signed, else 0", effect: alu("$B < $I ? 1 : 0") },
  // Compare: the only instructions that set the condition codes
  CMP: { opcode: 0x1a, form: "rr", group: "compare", semantics: "flags from A − B", effect: { kind: "compare", right: "$B" } },
  CMPI: { opcode: 0x1b, form: "ri", group: "compare", semantics: "flags from A − simm16", effect: { kind: "compare", right: "$I" } },
  // Memory: address = B + simm16; words must be 4-byte aligned
  LW: { opcode: 0x20, form: "m", group: "memory", semantics: "A = word at B + simm16", effect: { kind: "load", size: 4 } },
  LB: { opcode: 0x21, form: "m", group: "memory", semantics: "A = sign-extended byte", effect: { kind: "load", size: 1, extend: "sign" } },
  LBU: { opcode: 0x22, form: "m", group: "memory", semantics: "A = zero-extended byte", effect: { kind: "load", size: 1, extend: "zero" } },
  SW: { opcode: 0x23, form: "m", group: "memory", semantics: "word at B + simm16 = A", effect: { kind: "store", size: 4 } },
  SB: { opcode: 0x24, form: "m", group: "memory", semantics: "byte at B + simm16 = low byte of A", effect: { kind: "store", size: 1 } },
  PUSH: { opcode: 0x25, form: "r", group: "stack", semantics: "r15 −= 4; word at r15 = A (the old value if A is r15)", effect: { kind: "push" } },
  POP: { opcode: 0x26, form: "r", group: "stack", semantics: "A = word at r15; r15 += 4 (then A is written)", effect: { kind: "pop" } },
  // Control flow: target = pc + 4 + 4 * simm24
  JMP: { opcode: 0x30, form: "j", group: "branch", semantics: "pc = target", effect: { kind: "jump" } },
  BEQ: { opcode: 0x31, form: "j", group: "branch", semantics: "if Z", effect: branch((_c, z) => z) },
  BNE: { opcode: 0x32, form: "j", group: "branch", semantics: "if not Z", effect: branch((_c, z) => !z) },
  BLT: { opcode: 0x33, form: "j", group: "branch", semantics: "if N ≠ V (signed <)", effect: branch((_c, _z, n, v) => n !== v) },
  BGE: { opcode: 0x34, form: "j", group: "branch", semantics: "if N = V (signed ≥)", effect: branch((_c, _z, n, v) => n === v) },
  BLE: { opcode: 0x35, form: "j", group: "branch", semantics: "if Z or N ≠ V", effect: branch((_c, z, n, v) => z || n !== v) },
  BGT: { opcode: 0x36, form: "j", group: "branch", semantics: "if not Z and N = V", effect: branch((_c, z, n, v) => !z && n === v) },
  BLTU: { opcode: 0x37, form: "j", group: "branch", semantics: "if C (unsigned <)", effect: branch((c) => c) },
  BGEU: { opcode: 0x38, form: "j", group: "branch", semantics: "if not C", effect: branch((c) => !c) },
  BLEU: { opcode: 0x39, form: "j", group: "branch", semantics: "if C or Z", effect: branch((c, z) => c || z) },
  BGTU: { opcode: 0x3a, form: "j", group: "branch", semantics: "if not C and not Z", effect: branch((c, z) => !c && !z) },
  CALL: { opcode: 0x3b, form: "j", group: "branch", semantics: "push pc + 4; pc = target", effect: { kind: "call" } },
  JR: { opcode: 0x3c, form: "r", group: "branch", semantics: "pc = A", effect: { kind: "jump-register" } },
  CALLR: { opcode: 0x3d, form: "r", group: "branch", semantics: "push pc + 4; pc = A", effect: { kind: "call-register" } },
  RET: { opcode: 0x3e, form: "none", group: "branch", semantics: "pc = pop", effect: { kind: "return" } },
  // System
  SYSCALL: { opcode: 0x40, form: "u", group: "system", semantics: "trap SYSCALL; the immediate is for software", effect: { kind: "trap", cause: CAUSE.SYSCALL } },
  BRK: { opcode: 0x41, form: "u", group: "system", semantics: "trap BREAKPOINT", effect: { kind: "trap", cause: CAUSE.BREAKPOINT } },
  RTE: { opcode: 0x42, form: "none", group: "system", semantics: "return from trap", effect: system(), sensitivity: "control+behaviour", leaves: true },
  HALT: { opcode: 0x43, form: "none", group: "system", semantics: "stop the machine", effect: system(), sensitivity: "control", leaves: true },
  IN: { opcode: 0x44, form: "ru", group: "system", semantics: "A = port", effect: system(), sensitivity: "behaviour" },
  OUT: { opcode: 0x45, form: "ru", group: "system", semantics: "port = A", effect: system(), sensitivity: "control+behaviour" },
  CLI: { opcode: 0x46, form: "none", group: "system", semantics: "IF = 0", effect: system(), sensitivity: "control" },
  STI: { opcode: 0x47, form: "none", group: "system", semantics: "IF = 1", effect: system(), sensitivity: "control" },
  RDCR: { opcode: 0x48, form: "rc", group: "system", semantics: "A = control register", effect: system(), sensitivity: "behaviour" },
  WRCR: { opcode: 0x49, form: "rc", group: "system", semantics: "control register = A", effect: system(), sensitivity: "control" },
  TLBW: { opcode: 0x4a, form: "rr", group: "system", semantics: "install TLB entry (software TLB only)", effect: system(), sensitivity: "control" },
  TLBI: { opcode: 0x4b, form: "r", group: "system", semantics: "invalidate the TLB entry for A's page", effect: system(), sensitivity: "control" },
  TLBFLUSH: { opcode: 0x4c, form: "none", group: "system", semantics: "invalidate the TLB", effect: system(), sensitivity: "control" },
  PUSHF: { opcode: 0x50, form: "none", group: "system", semantics: "push the flags word", effect: system("write"), sensitivity: "behaviour" },
  POPF: { opcode: 0x51, form: "none", group: "system", semantics: "pop the flags word", effect: system("read"), sensitivity: "control+behaviour" },
  RDMODE: { opcode: 0x52, form: "r", group: "system", semantics: "A = current mode (0 kernel, 1 user, 2 ring 1)", effect: system(), sensitivity: "behaviour" },
  RDTVEC: { opcode: 0x53, form: "r", group: "system", semantics: "A = TVEC", effect: system(), sensitivity: "behaviour" },
  HCALL: { opcode: 0x54, form: "u", group: "system", semantics: "trap HYPERCALL to the monitor", effect: { kind: "trap", cause: CAUSE.HYPERCALL } },
} as const satisfies Record<string, Entry>;

export type Mnemonic = keyof typeof TABLE;

export interface OpInfo {
  readonly mnemonic: Mnemonic;
  readonly opcode: number;
  readonly form: Form;
  readonly group: Entry["group"];
  readonly sensitivity: Sensitivity;
  /** One line of semantics, for ISA.md's instruction table (generated from this one). */
  readonly semantics: string;
  /** The semantics every engine carries out. */
  readonly effect: Effect;
  readonly immediate: Immediate;
  /** The data memory it reads or writes (not the fetch). */
  readonly memory: "none" | "read" | "write";
  /**
   * Where execution goes after it: on to the next instruction; a jump (never on); a
   * conditional branch; a call or a trap (on at the next instruction once it returns);
   * a return; or away for good (RTE, HALT). Anything but "next" ends a basic block.
   */
  readonly flow: Flow;
}

export type Flow = "next" | "jump" | "branch" | "call" | "return" | "trap" | "leave";

function immediateKind(e: Entry): Immediate {
  if (e.shift) return "shift";
  switch (e.form) {
    case "rri":
    case "ri":
    case "m":
      return "signed";
    case "j":
      return "offset";
    case "rru":
    case "ru":
    case "rc":
    case "u":
      return "unsigned";
    default:
      return "none";
  }
}

function memoryOf(effect: Effect): OpInfo["memory"] {
  switch (effect.kind) {
    case "load":
    case "pop":
    case "return":
      return "read";
    case "store":
    case "push":
    case "call":
    case "call-register":
      return "write";
    case "system":
      return effect.memory ?? "none";
    default:
      return "none";
  }
}

function flowOf(e: Entry): Flow {
  if (e.leaves) return "leave";
  switch (e.effect.kind) {
    case "jump":
    case "jump-register":
      return "jump";
    case "branch":
      return "branch";
    case "call":
    case "call-register":
      return "call";
    case "return":
      return "return";
    case "trap":
      return "trap";
    default:
      return "next";
  }
}

export const INSTRUCTIONS: readonly OpInfo[] = (Object.entries(TABLE) as [Mnemonic, Entry][]).map(([mnemonic, e]) => ({
  mnemonic,
  opcode: e.opcode,
  form: e.form,
  group: e.group,
  sensitivity: e.sensitivity ?? "innocuous",
  semantics: e.semantics,
  effect: e.effect,
  immediate: immediateKind(e),
  memory: memoryOf(e.effect),
  flow: flowOf(e),
}));

/** Opcode numbers by mnemonic. */
export const OP: { readonly [M in Mnemonic]: number } = Object.fromEntries(INSTRUCTIONS.map((i) => [i.mnemonic, i.opcode])) as { [M in Mnemonic]: number };

/** Lookup tables indexed by opcode (undefined for unassigned opcodes). */
export const BY_OPCODE: readonly (OpInfo | undefined)[] = (() => {
  const t: (OpInfo | undefined)[] = new Array(256).fill(undefined);
  for (const i of INSTRUCTIONS) t[i.opcode] = i;
  return t;
})();

export const BY_MNEMONIC: ReadonlyMap<string, OpInfo> = new Map(INSTRUCTIONS.map((i) => [i.mnemonic.toLowerCase(), i]));

/** Sensitive = anything but innocuous (SYSCALL/BRK/HCALL trap in every mode by design). */
export function isSensitive(info: OpInfo): boolean {
  return info.sensitivity !== "innocuous";
}

/**
 * For each conditional branch opcode, a 16-bit mask over the flag nibble C|Z|N|V
 * (bits 0..3 of FLAGS): bit n is set when the branch is taken with flags n; 0 for
 * every other opcode (every condition holds for some flags).
 */
export const BRANCH_TAKEN_MASK: Uint32Array = (() => {
  const table = new Uint32Array(256);
  for (const i of INSTRUCTIONS) {
    if (i.effect.kind !== "branch") continue;
    let mask = 0;
    for (let f = 0; f < 16; f++) if (i.effect.taken((f & 1) !== 0, (f & 2) !== 0, (f & 4) !== 0, (f & 8) !== 0)) mask |= 1 << f;
    table[i.opcode] = mask;
  }
  return table;
})();

/** The cause each trapping instruction (SYSCALL, BRK, HCALL) traps with, by opcode; 0 for the rest. */
export const TRAP_CAUSE: Uint8Array = (() => {
  const table = new Uint8Array(256);
  for (const i of INSTRUCTIONS) if (i.effect.kind === "trap") table[i.opcode] = i.effect.cause;
  return table;
})();

/**
 * The immediate of instruction word `w` as the engines use it: signed or unsigned 16
 * bits, a shift amount (low 5 bits), or for jumps the byte offset from pc + 4.
 */
export function immediateOf(info: OpInfo, w: number): number {
  switch (info.immediate) {
    case "signed":
      return (w << 16) >> 16;
    case "unsigned":
      return w & 0xffff;
    case "shift":
      return w & 31;
    case "offset":
      return ((w << 8) >> 8) * 4;
    default:
      return w & 0xffff;
  }
}

/**
 * FLAGS after CMP a, b (IF kept), without branches: C is the borrow out of a - b,
 * V a signed overflow, N and Z from the difference.
 */
export function compareFlags(a: number, b: number, flags: number): number {
  const r = (a - b) | 0;
  return (
    (flags & 0x200) /* FLAG_IF */ |
    (((~a & b) | (~(a ^ b) & r)) >>> 31) /* FLAG_C */ |
    (r === 0 ? 2 /* FLAG_Z */ : 0) |
    ((r >>> 31) << 2) /* FLAG_N */ |
    ((((a ^ b) & (a ^ r)) >>> 31) << 3) /* FLAG_V */
  );
}
