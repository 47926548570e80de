import { describe, expect, it } from "vitest";
import { assemble, CAUSE, DISK_BAD_ADDRESS, getProfile, Machine } from "../src/index.js";
import { ALL_PROFILES, runKernel, runUser } from "./helpers.js";

// Innocuous instructions behave the same in both modes: each line's expected value is
// worked out by hand in the comment.
const PROGRAM = `
        li r1, 1000
        li r2, -3
        add r3, r1, r2        ; 997
        sub r4, r2, r1        ; -1003
        and r5, r1, r2        ; 1000 & ~2 = 1000
        or r6, r1, r2         ; -3 | 1000 = -3 (bit 1 of 1000 is 0, bit 0 is 0 → 0xfffffffd | 0x3e8 = -3)
        xor r7, r1, r1        ; 0
        mul r8, r1, r2        ; -3000
        div r9, r1, r2        ; -333
        rem r10, r1, r2       ; 1
        slt r11, r2, r1       ; 1
        sltu r12, r2, r1      ; 0
        shli r13, r1, 3       ; 8000
        sari r14, r2, 1       ; -2
`;
const EXPECTED = [1000, -3, 997, -1003, 1000, -3, 0, -3000, -333, 1, 1, 0, 8000, -2];

describe("innocuous instructions: same results in user and kernel mode on every profile", () => {
  for (const profile of ALL_PROFILES) {
    it(profile, () => {
      const k = runKernel(PROGRAM, profile);
      expect(Array.from(k.cpu.regs.slice(1, 15))).toEqual(EXPECTED);
      // In user mode the trap handler overwrites r11..r13; compare the rest.
      const u = runUser(PROGRAM, profile);
      expect(u.cpu.regs[13]).toBe(CAUSE.SYSCALL);
      expect(Array.from(u.cpu.regs.slice(1, 11))).toEqual(EXPECTED.slice(0, 10));
      expect(u.cpu.regs[14]).toBe(-2);
    });
  }
});

describe("disk", () => {
  it("writes a sector by DMA, reads it back elsewhere, and reports a bad address", () => {
    const m = runKernel(`
        la r1, 0x80010000
        li r2, 0x41424344
        sw r2, 0(r1)
        li r3, 5
        out r3, 0x30          ; sector 5
        li r3, 0x10000
        out r3, 0x31          ; from physical 0x10000
        li r3, 2
        out r3, 0x32          ; write
        in r4, 0x33           ; status 0
        li r3, 0x20000
        out r3, 0x31
        li r3, 1
        out r3, 0x32          ; read into 0x20000
        la r1, 0x80020000
        lw r5, 0(r1)
        li r3, 0x3fff00
        out r3, 0x31          ; runs past the end of 4 MiB
        li r3, 1
        out r3, 0x32
        in r6, 0x33
    `);
    expect(m.cpu.regs[4]).toBe(0);
    expect(m.cpu.regs[5]).toBe(0x41424344);
    expect(m.cpu.regs[6]).toBe(DISK_BAD_ADDRESS);
    expect(m.disk.data[5 * 512]).toBe(0x44);
  });

  it("DMA over decoded code drops the stale decode", () => {
    // Sector 0 holds "addi r5, r5, 100; ret" (opcode 0x10, A = B = 5, imm 100; RET = 0x3e).
    const sector = new Uint8Array([0x64, 0x00, 0x55, 0x10, 0x00, 0x00, 0x00, 0x3e]);
    const m = new Machine({ profile: getProfile("riscv-like"), diskContents: sector });
    m.load(
      assemble(
        `
        .org 0x80001000
start:  la sp, 0x80030000
        li r5, 0
        call routine          ; r5 = 1
        li r3, 0
        out r3, 0x30
        li r3, 0x2000
        out r3, 0x31
        li r3, 1
        out r3, 0x32          ; DMA the sector over the routine
        call routine          ; r5 = 101
        halt
        .org 0x80002000
routine: addi r5, r5, 1
        ret
`,
        { file: "dma.s" },
      ),
    );
    expect(m.run(10_000).reason).toBe("halt");
    expect(m.cpu.regs[5]).toBe(101);
  });
});

describe("the monitor interface", () => {
  it("an intercepted cause stops the run with the exit details instead of trapping", () => {
    const m = new Machine({ profile: getProfile("riscv-like") });
    m.load(
      assemble(
        `
        .org 0x80001000
start:  la r1, handler
        wrcr r1, TVEC
        li r2, 1
        syscall 7
        li r2, 2
        halt
handler: li r9, 99
        halt
`,
        { file: "i.s" },
      ),
    );
    m.cpu.intercept({ traps: [CAUSE.SYSCALL] });
    const stop = m.run(1000);
    expect(stop.reason).toBe("intercept");
    expect(stop.cause).toBe(CAUSE.SYSCALL);
    expect(m.cpu.regs[9]).toBe(0); // the guest handler did not run
    // pc is where EPC would point: after the syscall. Resuming continues the guest.
    expect(m.run(1000).reason).toBe("halt");
    expect(m.cpu.regs[2]).toBe(2);
  });

  it("a change of intercepts replaces only what it names", () => {
    const m = new Machine({ profile: getProfile("riscv-like") });
    m.load(
      assemble(
        `
        .org 0x80001000
start:  la r1, patch
        li r2, 0
        sw r2, 0(r1)
        syscall 0
        li r3, 3
        halt
patch:  nop
`,
        { file: "w.s" },
      ),
    );
    const written: [number, number][] = [];
    m.cpu.intercept({ codeWritten: (pa, end) => written.push([pa, end]) });
    m.cpu.intercept({ traps: "all" });
    expect(m.run(1000).reason).toBe("intercept");
    // ISA.md: la is lui + ori, li of 0 one lui, li of 3 lui + ori; so patch is word 8: physical 0x1000 + 8 * 4.
    expect(written).toEqual([[0x1020, 0x1021]]);
    expect([m.cpu.exitCause, m.cpu.intercepts(CAUSE.SYSCALL)]).toEqual([CAUSE.SYSCALL, true]);
    m.cpu.intercept({ traps: "none", codeWritten: undefined });
    expect(m.cpu.intercepts(CAUSE.SYSCALL)).toBe(false);
  });
});

describe("the work-marker port", () => {
  // Retired before each OUT, by hand: xor, addi (2) before the first; then out, addi, xor (5).
  const program = (port: number) => `
        xor r1, r1, r1
        addi r1, r1, 1
        out r1, ${port}
        addi r2, r2, 7
        xor r1, r1, r1
        out r1, ${port}
        in r3, ${port}
`;
  for (const profile of ALL_PROFILES) {
    it(`${profile}: tells the hook (value, instructions before it) and leaves the guest as an unused port does`, () => {
      const marks: [number, number][] = [];
      const m = new Machine({ profile: getProfile(profile) });
      m.onWorkMark((value, retired) => marks.push([value, retired]));
      m.load(assemble(`        .org 0x80001000\nstart:\n${program(0x90)}\n        halt\n`, { file: "mark.s" }));
      expect(m.run(1000).reason).toBe("halt");
      expect(marks).toEqual([
        [1, 2],
        [0, 5],
      ]);
      const plain = runKernel(program(0x91), profile);
      expect(Array.from(m.cpu.regs)).toEqual(Array.from(plain.cpu.regs));
      expect(m.cpu.pc).toBe(plain.cpu.pc);
      expect(m.cpu.flags).toBe(plain.cpu.flags);
      expect(m.cpu.retired).toBe(plain.cpu.retired);
      // Memory alike but for the OUT and IN words themselves, which name different ports.
      const code = (mm: Machine) => Array.from(mm.memory.i32.slice(0x1000 / 4, 0x1000 / 4 + 8));
      expect(code(m).filter((w, i) => w !== code(plain)[i])).toHaveLength(3);
      const rest = (mm: Machine) => Buffer.concat([mm.memory.u8.subarray(0, 0x1000), mm.memory.u8.subarray(0x1000 + 32)]);
      expect(rest(m).equals(rest(plain))).toBe(true);
      // Not a device: the unused port counts two writes and a read, the marker only the read.
      expect(plain.stats().portWrites).toBe(2);
      expect(m.stats().portWrites).toBe(0);
      expect(m.stats().portReads).toBe(1);
    });
  }
});
