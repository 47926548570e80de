// Field packing for the one 32-bit instruction word format (see opcodes.ts).

export interface Fields {
  opcode: number;
  a?: number;
  b?: number;
  c?: number;
  /** 16-bit immediate (stored as its low 16 bits) or, for jump forms, the 24-bit word offset. */
  imm?: number;
}

export function encode(f: Fields): number {
  const op = (f.opcode & 0xff) << 24;
  const a = ((f.a ?? 0) & 0xf) << 20;
  const b = ((f.b ?? 0) & 0xf) << 16;
  const c = ((f.c ?? 0) & 0xf) << 12;
  return (op | a | b | c | ((f.imm ?? 0) & 0xffff)) >>> 0;
}

export function encodeJump(opcode: number, wordOffset: number): number {
  return (((opcode & 0xff) << 24) | (wordOffset & 0xffffff)) >>> 0;
}

export const opcodeOf = (w: number): number => w >>> 24;
export const fieldA = (w: number): number => (w >>> 20) & 0xf;
export const fieldB = (w: number): number => (w >>> 16) & 0xf;
export const fieldC = (w: number): number => (w >>> 12) & 0xf;
export const simm16 = (w: number): number => (w << 16) >> 16;
export const uimm16 = (w: number): number => w & 0xffff;
export const simm24 = (w: number): number => (w << 8) >> 8;

/** Jump target of a j-form word at address pc. */
export const jumpTarget = (w: number, pc: number): number => (pc + 4 + simm24(w) * 4) >>> 0;
