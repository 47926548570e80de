// The instruction table: the single truth for the decoder, the CPU, the assembler,
// the disassembler, the profiles and (later) the binary translator.
//
// Encoding: one 32-bit little-endian word per instruction.
//   bits 31..24  opcode
//   bits 23..20  A register field
//   bits 19..16  B register field
//   bits 15..12  C register field (three-register forms)
//   bits 15..0   16-bit immediate (signed or unsigned, by form)
//   bits 23..0   24-bit signed word offset (jump forms): target = pc + 4 + 4 * offset

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

export interface OpInfo {
  readonly mnemonic: string;
  readonly opcode: number;
  readonly form: Form;
  readonly group: "alu" | "compare" | "memory" | "stack" | "branch" | "system";
  readonly sensitivity: Sensitivity;
  /** One line of semantics, for ISA.md, the disassembler's comments and `classify`. */
  readonly semantics: string;
}

function op(
  mnemonic: string,
  opcode: number,
  form: Form,
  group: OpInfo["group"],
  semantics: string,
  sensitivity: Sensitivity = "innocuous",
): OpInfo {
  return { mnemonic, opcode, form, group, sensitivity, semantics };
}

/** Opcode numbers by mnemonic; the CPU switches on these. */
export const OP = {
  ADD: 0x01, SUB: 0x02, AND: 0x03, OR: 0x04, XOR: 0x05, SHL: 0x06, SHR: 0x07, SAR: 0x08,
  MUL: 0x09, DIV: 0x0a, DIVU: 0x0b, REM: 0x0c, REMU: 0x0d, SLT: 0x0e, SLTU: 0x0f,
  ADDI: 0x10, ANDI: 0x11, ORI: 0x12, XORI: 0x13, SHLI: 0x14, SHRI: 0x15, SARI: 0x16,
  MULI: 0x17, LUI: 0x18, SLTI: 0x19, CMP: 0x1a, CMPI: 0x1b,
  LW: 0x20, LB: 0x21, LBU: 0x22, SW: 0x23, SB: 0x24, PUSH: 0x25, POP: 0x26,
  JMP: 0x30, BEQ: 0x31, BNE: 0x32, BLT: 0x33, BGE: 0x34, BLE: 0x35, BGT: 0x36,
  BLTU: 0x37, BGEU: 0x38, BLEU: 0x39, BGTU: 0x3a, CALL: 0x3b, JR: 0x3c, CALLR: 0x3d, RET: 0x3e,
  SYSCALL: 0x40, BRK: 0x41, RTE: 0x42, HALT: 0x43, IN: 0x44, OUT: 0x45, CLI: 0x46, STI: 0x47,
  RDCR: 0x48, WRCR: 0x49, TLBW: 0x4a, TLBI: 0x4b, TLBFLUSH: 0x4c,
  PUSHF: 0x50, POPF: 0x51, RDMODE: 0x52, RDTVEC: 0x53, HCALL: 0x54,
} as const;
export type Mnemonic = keyof typeof OP;

export const INSTRUCTIONS: readonly OpInfo[] = [
  // ALU, three registers: A = B op C
  op("ADD", OP.ADD, "rrr", "alu", "A = B + C"),
  op("SUB", OP.SUB, "rrr", "alu", "A = B - C"),
  op("AND", OP.AND, "rrr", "alu", "A = B & C"),
  op("OR", OP.OR, "rrr", "alu", "A = B | C"),
  op("XOR", OP.XOR, "rrr", "alu", "A = B ^ C"),
  op("SHL", OP.SHL, "rrr", "alu", "A = B << (C & 31)"),
  op("SHR", OP.SHR, "rrr", "alu", "A = B >>> (C & 31) (logical)"),
  op("SAR", OP.SAR, "rrr", "alu", "A = B >> (C & 31) (arithmetic)"),
  op("MUL", OP.MUL, "rrr", "alu", "A = low 32 bits of B * C"),
  op("DIV", OP.DIV, "rrr", "alu", "A = B / C signed, truncated; C = 0 traps DIVIDE"),
  op("DIVU", OP.DIVU, "rrr", "alu", "A = B / C unsigned; C = 0 traps DIVIDE"),
  op("REM", OP.REM, "rrr", "alu", "A = B % C signed (sign of B); C = 0 traps DIVIDE"),
  op("REMU", OP.REMU, "rrr", "alu", "A = B % C unsigned; C = 0 traps DIVIDE"),
  op("SLT", OP.SLT, "rrr", "alu", "A = (B < C signed) ? 1 : 0"),
  op("SLTU", OP.SLTU, "rrr", "alu", "A = (B < C unsigned) ? 1 : 0"),
  // ALU with a 16-bit immediate
  op("ADDI", OP.ADDI, "rri", "alu", "A = B + simm16"),
  op("ANDI", OP.ANDI, "rru", "alu", "A = B & uimm16"),
  op("ORI", OP.ORI, "rru", "alu", "A = B | uimm16"),
  op("XORI", OP.XORI, "rru", "alu", "A = B ^ uimm16"),
  op("SHLI", OP.SHLI, "rru", "alu", "A = B << (uimm16 & 31)"),
  op("SHRI", OP.SHRI, "rru", "alu", "A = B >>> (uimm16 & 31)"),
  op("SARI", OP.SARI, "rru", "alu", "A = B >> (uimm16 & 31)"),
  op("MULI", OP.MULI, "rri", "alu", "A = low 32 bits of B * simm16"),
  op("LUI", OP.LUI, "ru", "alu", "A = uimm16 << 16"),
  op("SLTI", OP.SLTI, "rri", "alu", "A = (B < simm16 signed) ? 1 : 0"),
  // Compare: the only instructions that set the condition codes
  op("CMP", OP.CMP, "rr", "compare", "flags from A - B: Z, N, C (unsigned A < B), V (signed overflow)"),
  op("CMPI", OP.CMPI, "ri", "compare", "flags from A - simm16, as CMP"),
  // Memory: address = B + simm16; words must be 4-byte aligned
  op("LW", OP.LW, "m", "memory", "A = word at B + simm16"),
  op("LB", OP.LB, "m", "memory", "A = sign-extended byte at B + simm16"),
  op("LBU", OP.LBU, "m", "memory", "A = zero-extended byte at B + simm16"),
  op("SW", OP.SW, "m", "memory", "word at B + simm16 = A"),
  op("SB", OP.SB, "m", "memory", "byte at B + simm16 = low byte of A"),
  op("PUSH", OP.PUSH, "r", "stack", "r15 -= 4; word at r15 = A"),
  op("POP", OP.POP, "r", "stack", "A = word at r15; r15 += 4"),
  // Control flow: target = pc + 4 + 4 * simm24
  op("JMP", OP.JMP, "j", "branch", "pc = target"),
  op("BEQ", OP.BEQ, "j", "branch", "if Z: pc = target"),
  op("BNE", OP.BNE, "j", "branch", "if !Z: pc = target"),
  op("BLT", OP.BLT, "j", "branch", "if N != V (signed <): pc = target"),
  op("BGE", OP.BGE, "j", "branch", "if N == V (signed >=): pc = target"),
  op("BLE", OP.BLE, "j", "branch", "if Z or N != V (signed <=): pc = target"),
  op("BGT", OP.BGT, "j", "branch", "if !Z and N == V (signed >): pc = target"),
  op("BLTU", OP.BLTU, "j", "branch", "if C (unsigned <): pc = target"),
  op("BGEU", OP.BGEU, "j", "branch", "if !C (unsigned >=): pc = target"),
  op("BLEU", OP.BLEU, "j", "branch", "if C or Z (unsigned <=): pc = target"),
  op("BGTU", OP.BGTU, "j", "branch", "if !C and !Z (unsigned >): pc = target"),
  op("CALL", OP.CALL, "j", "branch", "push pc + 4; pc = target"),
  op("JR", OP.JR, "r", "branch", "pc = A"),
  op("CALLR", OP.CALLR, "r", "branch", "push pc + 4; pc = A"),
  op("RET", OP.RET, "none", "branch", "pc = pop"),
  // System
  op("SYSCALL", OP.SYSCALL, "u", "system", "trap SYSCALL (EPC = next instruction)"),
  op("BRK", OP.BRK, "u", "system", "trap BREAKPOINT (EPC = next instruction)"),
  op("RTE", OP.RTE, "none", "system", "return from trap: pc = EPC; flags and mode = ESTATUS; to user mode: r15 = USP", "control+behaviour"),
  op("HALT", OP.HALT, "none", "system", "stop the machine", "control"),
  op("IN", OP.IN, "ru", "system", "A = read of I/O port uimm16", "behaviour"),
  op("OUT", OP.OUT, "ru", "system", "write A to I/O port uimm16", "control+behaviour"),
  op("CLI", OP.CLI, "none", "system", "IF = 0 (disable interrupts)", "control"),
  op("STI", OP.STI, "none", "system", "IF = 1 (enable interrupts)", "control"),
  op("RDCR", OP.RDCR, "rc", "system", "A = control register", "behaviour"),
  op("WRCR", OP.WRCR, "rc", "system", "control register = A (PTBR also flushes the TLB)", "control"),
  op("TLBW", OP.TLBW, "rr", "system", "software TLB: install entry for virtual page of A with entry-lo B", "control"),
  op("TLBI", OP.TLBI, "r", "system", "invalidate the TLB entry for the virtual page of A", "control"),
  op("TLBFLUSH", OP.TLBFLUSH, "none", "system", "invalidate every TLB entry", "control"),
  op("PUSHF", OP.PUSHF, "none", "system", "push the flags word (including IF)", "behaviour"),
  op("POPF", OP.POPF, "none", "system", "pop the flags word; IF changes only where the profile allows", "control+behaviour"),
  op("RDMODE", OP.RDMODE, "r", "system", "A = current mode (0 kernel, 1 user)", "behaviour"),
  op("RDTVEC", OP.RDTVEC, "r", "system", "A = trap vector (TVEC)", "behaviour"),
  op("HCALL", OP.HCALL, "u", "system", "trap HYPERCALL to the monitor (EPC = next instruction)"),
];

/** Lookup tables indexed by opcode (undefined for unassigned opcodes). */
export const BY_OPCODE: readonly (OpInfo | undefined)[] = (() => {
  const t: (OpInfo | undefined)[] = new Array(256).fill(undefined);
  for (const i of INSTRUCTIONS) t[i.opcode] = i;
  return t;
})();

export const BY_MNEMONIC: ReadonlyMap<string, OpInfo> = new Map(
  INSTRUCTIONS.map((i) => [i.mnemonic.toLowerCase(), i]),
);

/** Sensitive = anything but innocuous (SYSCALL/BRK/HCALL trap in every mode by design). */
export function isSensitive(info: OpInfo): boolean {
  return info.sensitivity !== "innocuous";
}
