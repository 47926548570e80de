import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { AssemblyError, getProfile, Machine } from "@vmlab/isa";
import { buildImage, BuildError, guestDefines, PROGRAM_TABLE, USER_CODE } from "../src/index.js";

const mips = getProfile("mips-like");
const prog = (source: string, file = "prog.s") => ({ name: file, source, file });

function wordAt(image: ReturnType<typeof buildImage>, address: number): number {
  for (const s of image.segments) {
    if (address >= s.address && address + 4 <= s.address + s.bytes.length) {
      return new DataView(s.bytes.buffer, s.bytes.byteOffset).getUint32(address - s.address, true);
    }
  }
  throw new Error(`no byte at 0x${address.toString(16)}`);
}

function run(image: ReturnType<typeof buildImage>, profile = mips, budget = 1_000_000) {
  const machine = new Machine({ profile });
  machine.load(image);
  const stop = machine.run(budget);
  return { machine, output: machine.console.text(), reason: stop.reason };
}

describe("buildImage", () => {
  it("links the programs behind the kernel with a table of (entry, address, size)", () => {
    // Program 0: `halt` (1 word, entry = USER_CODE). Program 1: 3 words, then `start`
    // (entry = USER_CODE + 12), 5 words in all.
    const image = buildImage({
      profile: mips,
      programs: [prog("start: halt\n"), prog("        .word 1, 2, 3\nstart:  halt\n        halt\n", "b.s")],
    });
    expect(wordAt(image, PROGRAM_TABLE)).toBe(2);
    // The table takes 4 + 2 * 12 = 28 bytes, rounded up to 32; programs are 16-byte aligned.
    expect(wordAt(image, PROGRAM_TABLE + 4)).toBe(USER_CODE);
    expect(wordAt(image, PROGRAM_TABLE + 8)).toBe(PROGRAM_TABLE + 32);
    expect(wordAt(image, PROGRAM_TABLE + 12)).toBe(4);
    expect(wordAt(image, PROGRAM_TABLE + 16)).toBe(USER_CODE + 12);
    expect(wordAt(image, PROGRAM_TABLE + 20)).toBe(PROGRAM_TABLE + 48);
    expect(wordAt(image, PROGRAM_TABLE + 24)).toBe(20);
    expect(wordAt(image, PROGRAM_TABLE + 32)).toBe(0x43 << 24); // HALT, opcode 0x43
    expect(wordAt(image, PROGRAM_TABLE + 48)).toBe(1);
    expect(wordAt(image, PROGRAM_TABLE + 56)).toBe(3);
    expect(image.entry).toBe(image.symbols.start);
    expect(image.symbols.start! >= 0x80000000 && image.symbols.start! < PROGRAM_TABLE).toBe(true);
  });

  it("passes the profile's defines: the machine, the MMU and the walker depth", () => {
    expect(guestDefines(mips)).toEqual({ MIPS_LIKE: 1, SOFTWARE_TLB: 1, LEVELS: 2, TIMER_PERIOD: 1_000_000 });
    expect(guestDefines(getProfile("riscv-like", { levels: 4 }), 500)).toEqual({ RISCV_LIKE: 1, WALKER: 1, LEVELS: 4, TIMER_PERIOD: 500 });
    expect(guestDefines(getProfile("x86-like"))).toEqual({ X86_LIKE: 1, WALKER: 1, LEVELS: 2, TIMER_PERIOD: 1_000_000 });
  });

  it("programs see the defines, extra defines included, and the kernel programs the timer with the period", () => {
    const source = `        .include "runtime.s"
start:  li r2, MARK
        call print_char
.ifdef WALKER
        li r2, 'w'
.else
        li r2, 's'
.endif
        call print_char
        li r2, 0
        call exit
`;
    for (const [name, expected] of [
      ["mips-like", "Zs"],
      ["x86-like", "Zw"],
    ] as const) {
      const profile = getProfile(name);
      const r = run(buildImage({ profile, programs: [prog(source)], timerPeriod: 777, defines: { MARK: 90 } }), profile);
      expect(r.output).toBe(expected);
      expect(r.machine.cpu.timerPeriod).toBe(777);
    }
  });

  it("an assembly error in a program is the assembler's AssemblyError naming the program's file", () => {
    const build = () => buildImage({ profile: mips, programs: [prog("start: halt\n"), prog("start:  addi r1, r2\n        bogus r1\n", "scenarios/demo/child.s")] });
    expect(build).toThrow(AssemblyError);
    expect(build).toThrow(/^scenarios\/demo\/child\.s:1:\d+: .*\nscenarios\/demo\/child\.s:2:9: /);
  });

  it("includes resolve next to the program first, then in the runtime folder", () => {
    const dir = mkdtempSync(join(tmpdir(), "vmlab-builder-"));
    writeFileSync(join(dir, "lib.s"), "greet:  li r2, 'L'\n        call print_char\n        ret\n");
    const file = join(dir, "main.s");
    const source = `        .include "runtime.s"\n        .include "lib.s"\nstart:  call greet\n        li r2, 0\n        call exit\n`;
    writeFileSync(file, source);
    expect(run(buildImage({ profile: mips, programs: [{ name: "main", source, file }] })).output).toBe("L");
  });

  it("rejects bad input with one clear error", () => {
    expect(() => buildImage({ profile: mips, programs: [] })).toThrow(BuildError);
    expect(() => buildImage({ profile: mips, programs: [prog("        .org 0x500000\nstart: halt\n", "org.s")] })).toThrow(/^org\.s: a user program must be one block starting at 0x400000/);
    // The program area is 0x80000 - 16 bytes of table.
    expect(() => buildImage({ profile: mips, programs: [prog("start: halt\n        .space 0x80000\n")] })).toThrow(/the programs take \d+ bytes/);
    expect(() => buildImage({ profile: mips, programs: [prog("start: halt\n")], timerPeriod: -5 })).toThrow(/timer period .* got -5/);
    expect(() => buildImage({ profile: mips, programs: [prog("start: halt\n")], timerPeriod: 1.5 })).toThrow(BuildError);
  });
});
