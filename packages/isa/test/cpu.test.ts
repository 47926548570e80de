import { describe, expect, it } from "vitest";
import { assemble, CAUSE, CR, getProfile, Machine, FLAG_C, FLAG_IF, FLAG_N, FLAG_V, FLAG_Z, MODE_USER } from "../src/index.js";
import { ALL_PROFILES, runKernel, runUser } from "./helpers.js";

describe("ALU semantics (hand-worked values)", () => {
  for (const profile of ALL_PROFILES) {
    it(`wraps, shifts, multiplies and divides on ${profile}`, () => {
      const m = runKernel(
        `
        li r1, 0x7fffffff
        addi r2, r1, 1          ; overflow wraps to -2^31
        li r3, 0x80000000
        li r4, -1
        div r5, r3, r4          ; -2^31 / -1 = -2^31
        rem r6, r3, r4          ; 0
        li r7, -7
        li r8, 2
        div r9, r7, r8          ; -3 (truncated)
        rem r10, r7, r8         ; -1 (sign of dividend)
        divu r11, r7, r8        ; 0xfffffff9 / 2 = 0x7ffffffc
        remu r12, r7, r8        ; 1
        mul r13, r1, r1         ; (2^31-1)^2 mod 2^32 = 1
        li r14, 31
        shl r0, r8, r14         ; 2 << 31 = 0
        `,
        profile,
      );
      const g = m.cpu.regs;
      expect(g[2]).toBe(-0x80000000);
      expect(g[5]).toBe(-0x80000000);
      expect(g[6]).toBe(0);
      expect(g[9]).toBe(-3);
      expect(g[10]).toBe(-1);
      expect(g[11]! >>> 0).toBe(0x7ffffffc);
      expect(g[12]).toBe(1);
      expect(g[13]).toBe(1);
      expect(g[0]).toBe(0);
    });
  }

  it("shift amounts use the low 5 bits; SAR keeps the sign, SHR does not", () => {
    const m = runKernel(`
      li r1, 0x80000000
      li r2, 32
      shl r3, r1, r2          ; shift by 32 = shift by 0
      sari r4, r1, 31         ; -1
      shri r5, r1, 31         ; 1
      li r6, 33
      shr r7, r1, r6          ; by 1: 0x40000000
      sar r8, r1, r6          ; 0xc0000000
    `);
    const g = m.cpu.regs;
    expect(g[3]! >>> 0).toBe(0x80000000);
    expect(g[4]).toBe(-1);
    expect(g[5]).toBe(1);
    expect(g[7]! >>> 0).toBe(0x40000000);
    expect(g[8]! >>> 0).toBe(0xc0000000);
  });

  it("logic, set-less-than and immediates", () => {
    const m = runKernel(`
      li r1, 0xf0f0
      andi r2, r1, 0xff      ; 0xf0
      ori r3, r1, 0x0f0f     ; 0xffff
      xori r4, r1, 0xffff    ; 0x0f0f
      li r5, -1
      li r6, 1
      slt r7, r5, r6         ; -1 < 1 signed: 1
      sltu r8, r5, r6        ; 0xffffffff < 1 unsigned: 0
      slti r9, r5, 0         ; 1
      muli r10, r6, -3       ; -3
      lui r11, 0xabcd        ; 0xabcd0000
    `);
    const g = m.cpu.regs;
    expect([g[2], g[3], g[4], g[7], g[8], g[9], g[10], g[11]! >>> 0]).toEqual([0xf0, 0xffff, 0x0f0f, 1, 0, 1, -3, 0xabcd0000]);
  });
});

describe("compare and branch", () => {
  // Each case: a, b, and which branches must be taken (worked out from a - b).
  const cases: [number, number, string[]][] = [
    [5, 5, ["beq", "bge", "ble", "bgeu", "bleu"]],
    [3, 5, ["bne", "blt", "ble", "bltu", "bleu"]],
    [5, 3, ["bne", "bge", "bgt", "bgeu", "bgtu"]],
    [-1, 1, ["bne", "blt", "ble", "bgeu", "bgtu"]], // signed less, unsigned greater
    [-0x80000000, 1, ["bne", "blt", "ble", "bgeu", "bgtu"]], // overflow: V set, N clear
    [1, -1, ["bne", "bge", "bgt", "bltu", "bleu"]], // signed greater, unsigned less
    [0x7fffffff, -1, ["bne", "bge", "bgt", "bltu", "bleu"]], // overflow: N and V both set
    [0, -0x80000000, ["bne", "bge", "bgt", "bltu", "bleu"]], // 0 - 2^31 overflows to -2^31
    [-0x80000000, -0x80000000, ["beq", "bge", "ble", "bgeu", "bleu"]],
  ];
  const all = ["beq", "bne", "blt", "bge", "ble", "bgt", "bltu", "bgeu", "bleu", "bgtu"];
  for (const [a, b, taken] of cases) {
    it(`${a} vs ${b}`, () => {
      const body = all
        .map(
          (br, i) => `
        li r1, ${a}
        li r2, ${b}
        cmp r1, r2
        ${br} .t${i}
        li r3, 0
        jmp .s${i}
.t${i}:  li r3, 1
.s${i}:  sb r3, ${i}(r10)`,
        )
        .join("\n");
      const m = runKernel(`la r10, 0x80010000\n${body}`);
      const got = all.filter((_, i) => m.memory.u8[0x10000 + i] === 1);
      expect(got).toEqual(taken);
    });
  }

  it("CMP sets exactly C, Z, N, V as defined", () => {
    const m = runKernel(`
      la sp, 0x80020000
      li r1, 0x80000000
      li r2, 1
      cmp r1, r2       ; 0x80000000 - 1 = 0x7fffffff: V (overflow), not N, not C, not Z
      pushf
      pop r3
      cmpi r2, 2       ; 1 - 2 = -1: N and C
      pushf
      pop r4
    `);
    expect(m.cpu.regs[3]).toBe(FLAG_V);
    expect(m.cpu.regs[4]).toBe(FLAG_N | FLAG_C);
    expect(m.cpu.regs[4]! & FLAG_Z).toBe(0);
  });
});

describe("memory, stack, calls", () => {
  it("loads and stores words and bytes with sign extension", () => {
    const m = runKernel(`
      la r1, 0x80010000
      li r2, 0x11223380
      sw r2, 0(r1)
      lb r3, 0(r1)        ; 0x80 sign-extended: -128
      lbu r4, 0(r1)       ; 128
      lbu r5, 3(r1)       ; 0x11 (little-endian)
      li r6, 0x7f
      sb r6, 1(r1)
      lw r7, 0(r1)        ; 0x11227f80
    `);
    expect(m.cpu.regs[3]).toBe(-128);
    expect(m.cpu.regs[4]).toBe(128);
    expect(m.cpu.regs[5]).toBe(0x11);
    expect(m.cpu.regs[7]).toBe(0x11227f80);
  });

  it("call, ret, push and pop", () => {
    const m = runKernel(`
      la sp, 0x80020000
      li r1, 7
      call double
      push r1
      pop r2
      mov r3, sp
      jmp out
double: add r1, r1, r1
      ret
out:
    `);
    expect(m.cpu.regs[1]).toBe(14);
    expect(m.cpu.regs[2]).toBe(14);
    expect(m.cpu.regs[3]! >>> 0).toBe(0x80020000);
  });

  it("self-modifying code: a store over an executed instruction changes what runs next", () => {
    const m = runKernel(`
      li r5, 0
      li r6, 2
again: addi r5, r5, 1      ; rewritten below to addi r5, r5, 100
      addi r6, r6, -1
      cmpi r6, 0
      beq done
      la r1, again
      li r2, 0x10550064    ; addi r5, r5, 100
      sw r2, 0(r1)
      jmp again
done:
    `);
    expect(m.cpu.regs[5]).toBe(101);
    expect(m.stats().codeInvalidations).toBeGreaterThan(0);
  });
});

describe("traps", () => {
  for (const profile of ALL_PROFILES) {
    it(`divide by zero traps with EPC = the instruction on ${profile}`, () => {
      const m = runUser("        li r1, 0\n        nop\nbad:    div r2, r2, r1", profile);
      expect(m.cpu.regs[13]! & 0xff).toBe(CAUSE.DIVIDE);
      expect(m.cpu.regs[12]).toBe(0x2000 + 4 * 2);
      expect(m.cpu.mode).toBe(0);
    });

    it(`privileged instructions trap in user mode on ${profile}`, () => {
      for (const ins of ["cli", "sti", "halt", "rte", "out r1, 0x10", "in r1, 0x80", "rdcr r1, EPC", "wrcr r1, TPR", "tlbflush", "tlbi r1"]) {
        const m = runUser(`        ${ins}`, profile);
        expect(m.cpu.regs[13], ins).toBe(CAUSE.PRIVILEGED);
        expect(m.cpu.regs[12], ins).toBe(0x2000);
      }
    });

    it(`a syscall saves EPC = next, switches to KSP and saves USP on ${profile}`, () => {
      const m = runUser("        li sp, 0x3ff0\n        syscall 5", profile);
      expect(m.cpu.regs[13]).toBe(CAUSE.SYSCALL);
      expect(m.cpu.regs[12]).toBe(0x2000 + 8 + 4); // `li sp, 0x3ff0` is lui + ori; EPC is after the syscall
      expect(m.cpu.crs[CR.USP]).toBe(0x3ff0);
      expect(m.cpu.regs[15]! >>> 0).toBe(0x80008000);
      expect((m.cpu.crs[CR.ESTATUS]! >>> 31) & 1).toBe(MODE_USER);
    });
  }

  it("a guest stuck in a fault loop still stops at its budget", () => {
    const m = new Machine({ profile: getProfile("riscv-like") });
    // TVEC = 0 and memory is zero: every instruction traps ILLEGAL back to 0.
    m.load(assemble("        .org 0x80001000\nstart: .word 0\n", { file: "loop.s" }));
    expect(m.run(1000).reason).toBe("budget");
    expect(m.stats().trapsByCause.ILLEGAL).toBe(1000);
  });

  it("TLBW is absent (ILLEGAL) on the walker profiles, even in kernel mode", () => {
    for (const profile of ["riscv-like", "x86-like"] as const) {
      const m = runKernel(
        `
        la r1, h
        wrcr r1, TVEC
        tlbw r1, r1
        li r9, 1
        halt
h:      rdcr r13, CAUSE
      `,
        profile,
      );
      expect(m.cpu.regs[13]).toBe(CAUSE.ILLEGAL);
      expect(m.cpu.regs[9]).toBe(0);
    }
  });

  it("RTE restores flags, mode and the user stack pointer", () => {
    const m = runUser("        rdmode r4\n        pushf\n        pop r5", "x86-like", { estatus: 0x80000000 | FLAG_IF | FLAG_Z });
    expect(m.cpu.regs[4]).toBe(MODE_USER);
    expect(m.cpu.regs[5]).toBe(FLAG_IF | FLAG_Z);
  });
});

describe("x86-like versus the strict profiles in user mode", () => {
  it("PUSHF, POPF, RDMODE and RDTVEC do not trap on x86-like and reveal real state", () => {
    const m = runUser(
      `        rdmode r4
        rdtvec r5
        pushf
        pop r6
        li r7, 0                ; try to clear IF with POPF
        push r7
        popf
        pushf
        pop r8`,
      "x86-like",
      { estatus: 0x80000000 | FLAG_IF },
    );
    expect(m.cpu.regs[13]).toBe(CAUSE.SYSCALL); // reached the final syscall: nothing trapped
    expect(m.cpu.regs[4]).toBe(MODE_USER);
    expect(m.cpu.regs[5]).toBe(m.cpu.crs[CR.TVEC]);
    expect(m.cpu.regs[6]! & FLAG_IF).toBe(FLAG_IF);
    expect(m.cpu.regs[8]! & FLAG_IF).toBe(FLAG_IF); // POPF silently kept IF
  });

  for (const profile of ["mips-like", "riscv-like"] as const) {
    it(`they trap PRIVILEGED on ${profile}`, () => {
      for (const ins of ["rdmode r4", "rdtvec r5", "pushf", "popf"]) {
        const m = runUser(`        ${ins}`, profile);
        expect(m.cpu.regs[13], ins).toBe(CAUSE.PRIVILEGED);
      }
    });
  }

  it("POPF in kernel mode changes IF on every profile", () => {
    for (const profile of ALL_PROFILES) {
      const m = runKernel(
        `
        la sp, 0x80020000
        li r1, ${FLAG_IF}
        push r1
        popf
        pushf
        pop r2
        cli
      `,
        profile,
      );
      expect(m.cpu.regs[2]! & FLAG_IF).toBe(FLAG_IF);
    }
  });
});

describe("repeated execution (decoded instructions, cached translations)", () => {
  // Instructions run a second time take the interpreter's fast path; the result of a
  // loop must match the same arithmetic done directly here.
  function expected(): { sum: number; bytes: number; calls: number } {
    let sum = 0;
    let bytes = 0;
    for (let i = 1; i <= 200; i++) {
      const q = Math.trunc((i * i - 5000) / 7); // DIV truncates toward zero
      const m = (i * i - 5000) % 7; // REM takes the dividend's sign
      const u = ((i * 2654435761) >>> 0) % 1000; // REMU on the unsigned product
      sum = (sum + q + m + u) | 0;
      bytes = (bytes + ((((i * 37) & 0xff) << 24) >> 24) + ((i * 37) & 0xff)) | 0; // LB + LBU
    }
    return { sum, bytes, calls: 200 };
  }

  for (const profile of ALL_PROFILES) {
    it(`a loop of division, bytes, stack and calls gives the directly computed result on ${profile}`, () => {
      const m = runKernel(
        `       la sp, 0x80030000
        la r10, 0x80020000   ; scratch array
        li r1, 1             ; i
        li r8, 0             ; sum
        li r9, 0             ; bytes
        li r7, 0             ; calls
loop:   mul r2, r1, r1
        addi r2, r2, -5000
        li r3, 7
        div r4, r2, r3
        rem r5, r2, r3
        add r8, r8, r4
        add r8, r8, r5
        li r3, 0x9e3779b1 ; 2654435761
        mul r4, r1, r3
        li r3, 1000
        remu r5, r4, r3
        sw r5, 0(r10)
        lw r6, 0(r10)
        add r8, r8, r6
        muli r4, r1, 37
        sb r4, 5(r10)
        lb r5, 5(r10)
        lbu r6, 5(r10)
        add r9, r9, r5
        add r9, r9, r6
        push r1
        call bump
        pop r1
        addi r1, r1, 1
        cmpi r1, 200
        ble loop
        jmp done
bump:   addi r7, r7, 1
        li r1, 12345         ; clobbered, restored by the caller's pop
        ret
done:`,
        profile,
        1_000_000,
      );
      const e = expected();
      expect(m.cpu.regs[8]).toBe(e.sum);
      expect(m.cpu.regs[9]).toBe(e.bytes);
      expect(m.cpu.regs[7]).toBe(e.calls);
      expect(m.cpu.regs[15]).toBe(0x80030000 | 0);
    });
  }
});
