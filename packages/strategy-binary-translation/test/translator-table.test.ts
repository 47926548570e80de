// The translator and the CPU interpreter carry out the same table entry alike: each
// register-only instruction (ALU, divide, compare), translated and run as a region,
// leaves the registers and flags the CPU leaves, over operands at the edges of int32.
import { describe, expect, it } from "vitest";
import { CAUSE, CR, encode, getProfile, INSTRUCTIONS, KSEG_BASE, Machine, MODE_KERNEL, OP, PAGE_SIZE, type OpInfo } from "@vmlab/isa";
import { Translator, type BtStateLike } from "../src/translator.js";

const profile = getProfile("riscv-like");
const CODE = 0x1000;
const OPERANDS = [0, 1, -1, 5, 31, 32, 0x7fffffff, -0x80000000, 0x12345678, -7];
const IMMEDIATES = [0, 1, 0x7fff, 0x8000, 0xffff, 33];

const machine = new Machine({ profile });
const translator = new Translator(profile);

/** The instruction, then HALT, run on the CPU in kernel mode from registers `regs`. */
function onCpu(word: number, regs: readonly number[]): { regs: number[]; flags: number; cause: number } {
  const cpu = machine.cpu;
  machine.memory.i32[CODE >>> 2] = word;
  machine.memory.i32[(CODE >>> 2) + 1] = encode({ opcode: OP.HALT });
  cpu.invalidateCode(CODE, CODE + 8);
  cpu.mode = MODE_KERNEL;
  cpu.flags = 0;
  cpu.pc = KSEG_BASE + CODE;
  cpu.crs[CR.PTBR] = 0;
  cpu.regs.set(regs);
  cpu.intercept({ traps: "all" });
  cpu.translationChanged();
  const stop = cpu.run(1);
  return { regs: Array.from(cpu.regs), flags: cpu.flags, cause: stop === "intercept" ? cpu.exitCause : 0 };
}

/** The same page translated: one block, ended by the HALT callout. */
function translated(word: number, regs: readonly number[]): { regs: number[]; flags: number; cause: number } {
  const words = new Int32Array(PAGE_SIZE / 4);
  words[0] = word;
  words[1] = encode({ opcode: OP.HALT });
  const code = translator.compile(words, KSEG_BASE, [0]);
  const S = {
    pc: KSEG_BASE | 0,
    left: 10,
    flags: 0,
    exit: 0,
    trapCause: 0,
    rk: -1,
    rb: 0,
    wk: -1,
    wb: 0,
    sk: -1,
    sb: 0,
    indirect: 0,
    m: new Int32Array(1),
    u8: new Uint8Array(4),
    cp: new Uint8Array(1),
    ad: new Uint8Array(PAGE_SIZE / 4),
    faultCause: 0,
    lw: () => 0,
    lb: () => 0,
    sw: () => 0,
    swCallout: () => 0,
    co(_word: number, pc: number, left: number): number {
      this.pc = pc;
      this.left = left;
      return 0;
    },
  };
  const r = Int32Array.from(regs);
  code.fns[code.fnOf[0]!]!(S as BtStateLike, r);
  return { regs: Array.from(r), flags: S.flags, cause: S.exit === 1 ? S.faultCause : 0 };
}

const registerOnly = INSTRUCTIONS.filter((i: OpInfo) => i.effect.kind === "alu" || i.effect.kind === "divide" || i.effect.kind === "compare");

describe("translator and interpreter agree on every register-only instruction of the table", () => {
  it("covers the ALU, divide and compare entries", () => {
    expect(registerOnly.length).toBeGreaterThan(25);
  });

  for (const i of registerOnly) {
    it(i.mnemonic, () => {
      for (const b of OPERANDS) {
        for (const c of i.form === "rrr" || i.form === "rr" ? OPERANDS : IMMEDIATES) {
          // A = r1, B = r2, C = r3 (or the immediate); CMP compares A with B.
          const regs = Array.from({ length: 16 }, (_, k) => (k === 1 ? b : k === 2 ? (i.form === "rr" ? c : b) : k === 3 ? c : 0x1000 * k));
          const word = i.form === "rrr" ? encode({ opcode: i.opcode, a: 1, b: 2, c: 3 }) : encode({ opcode: i.opcode, a: 1, b: 2, imm: c });
          const cpu = onCpu(word, regs);
          const bt = translated(word, regs);
          expect(bt, `${i.mnemonic} with ${b}, ${c}`).toEqual(cpu);
          if (i.effect.kind === "divide" && c === 0) expect(cpu.cause).toBe(CAUSE.DIVIDE);
        }
      }
    });
  }
});
