// The instruction table drives the engines: the interpreter's generated cases are up to
// date with it, every instruction has an effect the interpreter carries out, and what the
// table says of each (memory access, trap cause, branch condition) is what running it does.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { ACCESS_READ, ACCESS_WRITE, BRANCH_TAKEN_MASK, CAUSE, CR, encode, encodeJump, getProfile, INSTRUCTIONS, KSEG_BASE, Machine, MODE_KERNEL, OP, TRAP_CAUSE } from "../src/index.js";
import { regenerate } from "../src/cpu/interpreter-gen.js";
import { regenerateDoc } from "../src/isa-doc-gen.js";

const CPU_FILE = new URL("../src/cpu/cpu.ts", import.meta.url);

describe("the instruction table", () => {
  it("the interpreter's generated cases are what the table gives (run `pnpm generate` after changing it)", () => {
    const source = readFileSync(CPU_FILE, "utf8");
    expect(regenerate(source) === source).toBe(true);
  });

  it("ISA.md's instruction table is what the table gives (run `pnpm generate` after changing it)", () => {
    const doc = readFileSync(new URL("../ISA.md", import.meta.url), "utf8");
    expect(regenerateDoc(doc) === doc).toBe(true);
  });

  it("every case label in cpu.ts names the opcode the table gives it, and the complete interpreter has one for each instruction", () => {
    const source = readFileSync(CPU_FILE, "utf8");
    const labels = [...source.matchAll(/case 0x([0-9a-f]{2}) \/\* ([A-Z]+) \*\//g)].map((m) => [Number.parseInt(m[1]!, 16), m[2]!] as const);
    for (const [opcode, mnemonic] of labels) expect(OP[mnemonic as keyof typeof OP], `${mnemonic}`).toBe(opcode);
    const complete = source.slice(source.indexOf("switch (op) {", source.indexOf("faulted: {")));
    for (const i of INSTRUCTIONS) expect(complete, i.mnemonic).toContain(`case 0x${i.opcode.toString(16).padStart(2, "0")} /* ${i.mnemonic} */:`);
  });

  it("mnemonics and opcodes are unique", () => {
    expect(new Set(INSTRUCTIONS.map((i) => i.opcode)).size).toBe(INSTRUCTIONS.length);
    expect(new Set(INSTRUCTIONS.map((i) => i.mnemonic)).size).toBe(INSTRUCTIONS.length);
  });

  it("branch conditions as masks over C|Z|N|V (bit f: taken with flags f)", () => {
    // Z is flag bit 1: taken for f in {2,3,6,7,10,11,14,15}.
    expect(BRANCH_TAKEN_MASK[OP.BEQ]).toBe(0xcccc);
    expect(BRANCH_TAKEN_MASK[OP.BNE]).toBe(0x3333);
    // N (bit 2) != V (bit 3): f in 4..7 and 8..11.
    expect(BRANCH_TAKEN_MASK[OP.BLT]).toBe(0x0ff0);
    // C (bit 0): every odd f.
    expect(BRANCH_TAKEN_MASK[OP.BLTU]).toBe(0xaaaa);
    expect(BRANCH_TAKEN_MASK[OP.JMP]).toBe(0);
    expect(INSTRUCTIONS.filter((i) => BRANCH_TAKEN_MASK[i.opcode] !== 0).map((i) => i.mnemonic)).toEqual(["BEQ", "BNE", "BLT", "BGE", "BLE", "BGT", "BLTU", "BGEU", "BLEU", "BGTU"]);
  });

  it("trap causes in ISA.md's numbering: SYSCALL 1, BRK 2, HCALL 9", () => {
    expect([TRAP_CAUSE[OP.SYSCALL], TRAP_CAUSE[OP.BRK], TRAP_CAUSE[OP.HCALL]]).toEqual([1, 2, 9]);
    expect(INSTRUCTIONS.filter((i) => TRAP_CAUSE[i.opcode] !== 0)).toHaveLength(3);
  });

  /**
   * Runs one instruction in kernel mode with paging on and nothing but kseg0 mapped, every
   * register (the stack pointer too) pointing at an unmapped page, and every trap
   * intercepted: a data access page-faults with its access kind.
   */
  function runOne(word: number): { stop: string; cause: number; access: number; address: number; retired: number } {
    const machine = new Machine({ profile: getProfile("riscv-like") });
    const cpu = machine.cpu;
    const root = 0x100000; // a zeroed page: no user page is mapped
    const code = 0x1000;
    machine.memory.i32[code >>> 2] = word;
    cpu.crs[CR.PTBR] = root;
    cpu.mode = MODE_KERNEL;
    cpu.pc = KSEG_BASE + code;
    cpu.regs.fill(0x00500000);
    cpu.intercept({ traps: "all" });
    cpu.translationChanged();
    const stop = cpu.run(1);
    return { stop, cause: cpu.exitCause, access: cpu.exitAccess, address: cpu.exitAddress, retired: cpu.retired };
  }

  /** Instruction `i` with A = 1, B = 2, and C = 3 or an immediate of 8 (a control register that exists: KSP). */
  function wordFor(i: (typeof INSTRUCTIONS)[number]): number {
    if (i.form === "j") return encodeJump(i.opcode, 16);
    if (i.form === "rrr") return encode({ opcode: i.opcode, a: 1, b: 2, c: 3 });
    return encode({ opcode: i.opcode, a: 1, b: 2, imm: i.form === "rc" ? CR.KSP : 8 });
  }

  it("each instruction's memory access is the one the interpreter makes", () => {
    for (const i of INSTRUCTIONS) {
      const r = runOne(wordFor(i));
      const dataFault = r.stop === "intercept" && r.cause === CAUSE.PAGE_FAULT && (r.access === ACCESS_READ || r.access === ACCESS_WRITE);
      const seen = !dataFault ? "none" : r.access === ACCESS_READ ? "read" : "write";
      expect(`${i.mnemonic}: ${seen}`).toBe(`${i.mnemonic}: ${i.memory}`);
      // The access is to the operand's address (B + 8, or the stack: r15 - 4 or r15).
      if (dataFault) expect([0x500008, 0x4ffffc, 0x500000], i.mnemonic).toContain(r.address);
    }
  });

  it("every instruction is carried out: none traps ILLEGAL unless the profile lacks it", () => {
    const absent = getProfile("riscv-like").absent;
    for (const i of INSTRUCTIONS) {
      const r = runOne(wordFor(i));
      const illegal = r.stop === "intercept" && r.cause === CAUSE.ILLEGAL;
      expect(`${i.mnemonic}: ${illegal}`).toBe(`${i.mnemonic}: ${absent.has(i.mnemonic)}`);
    }
  });

  it("a trapping instruction retires, then traps with its table cause", () => {
    for (const i of INSTRUCTIONS.filter((x) => x.effect.kind === "trap")) {
      const r = runOne(encode({ opcode: i.opcode, imm: 0 }));
      expect([i.mnemonic, r.stop, r.cause, r.retired]).toEqual([i.mnemonic, "intercept", TRAP_CAUSE[i.opcode], 1]);
    }
  });
});
