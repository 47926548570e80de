import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { assemble, assembleFile, CAUSE, getProfile, Machine, type Image } from "../src/index.js";
import { ALL_PROFILES, runKernel, u32 } from "./helpers.js";

const HELLO = fileURLToPath(new URL("../examples/hello-syscall.s", import.meta.url));

/** Kernel program whose trap handler records CAUSE in r13, EPC in r12, BADADDR in r11, then halts. */
function runTrapping(body: string, profile = "riscv-like" as const): { machine: Machine; image: Image } {
  const image = assemble(
    `        .org 0x80001000
start:  la r1, handler
        wrcr r1, TVEC
${body}
        halt
handler: rdcr r13, CAUSE
        rdcr r12, EPC
        rdcr r11, BADADDR
        halt
`,
    { file: "trap.s" },
  );
  const machine = new Machine({ profile: getProfile(profile) });
  machine.load(image);
  expect(machine.run(10_000).reason).toBe("halt");
  return { machine, image };
}

describe("the bare-metal system-call example", () => {
  for (const name of ALL_PROFILES) {
    it(`prints through the kernel and halts on ${name}`, () => {
      const profile = getProfile(name);
      const defines: Record<string, number> = { [name.replace("-", "_").toUpperCase()]: 1 };
      if (profile.mmu.kind === "walker") defines.LEVELS = profile.mmu.levels;
      const machine = new Machine({ profile });
      machine.load(assembleFile(HELLO, { defines }));
      const stop = machine.run(100_000);
      expect(stop.reason).toBe("halt");
      expect(machine.console.text()).toBe("hello from the kernel\n");
      // Two system calls made from user mode, nothing else trapped.
      expect(machine.stats().trapsByCause.SYSCALL).toBe(2);
      expect(machine.stats().trapsByCause.PRIVILEGED).toBe(0);
      expect(machine.cpu.mode).toBe(0); // halted in the kernel's handler
    });
  }
});

describe("address errors", () => {
  it("a misaligned word load traps ADDRESS_ERROR (read) with BADADDR and EPC = the load", () => {
    const { machine, image } = runTrapping(`        li r1, 0x80010002
bad:    lw r2, 0(r1)`);
    const r = machine.cpu.regs;
    expect(r[13]).toBe(CAUSE.ADDRESS_ERROR); // access 0 = read, no protection bit
    expect(u32(r[12]!)).toBe(image.symbols.bad);
    expect(u32(r[11]!)).toBe(0x80010002);
  });

  it("a misaligned store traps with the write access bits and leaves memory alone", () => {
    const { machine, image } = runTrapping(`        li r1, 0x80010001
        li r2, -1
bad:    sw r2, 0(r1)`);
    const r = machine.cpu.regs;
    expect(r[13]).toBe(CAUSE.ADDRESS_ERROR | (1 << 8)); // 10 + 256
    expect(u32(r[12]!)).toBe(image.symbols.bad);
    expect(machine.memory.i32[0x10000 >>> 2]).toBe(0);
  });

  it("a byte store needs no alignment", () => {
    const machine = runKernel(`        li r1, 0x80010003
        li r2, 0x1ab
        sb r2, 0(r1)
        li r1, 0x80010000
        lw r3, 0(r1)`);
    expect(u32(machine.cpu.regs[3]!)).toBe(0xab000000);
  });

  it("a physical address beyond memory traps ADDRESS_ERROR", () => {
    // 4 MiB of memory: kseg0 0x80400000 is physical 0x400000, one past the end.
    const { machine, image } = runTrapping(`        li r1, 0x80400000
bad:    lw r2, 0(r1)`);
    expect(machine.cpu.regs[13]).toBe(CAUSE.ADDRESS_ERROR);
    expect(u32(machine.cpu.regs[12]!)).toBe(image.symbols.bad);
    expect(u32(machine.cpu.regs[11]!)).toBe(0x80400000);
  });

  it("jumping to a misaligned address traps on the fetch with EPC = that address", () => {
    const { machine } = runTrapping(`        li r1, 0x80001102
        jr r1`);
    expect(machine.cpu.regs[13]).toBe(CAUSE.ADDRESS_ERROR | (2 << 8)); // fetch
    expect(u32(machine.cpu.regs[12]!)).toBe(0x80001102);
  });
});

describe("ports and control registers", () => {
  it("POST port and unassigned ports read 0; writes there change nothing", () => {
    const machine = runKernel(`        li r1, 0x55
        out r1, 0x80
        li r2, 7
        in r2, 0x80
        li r3, 7
        in r3, 0x7f`);
    expect(machine.cpu.regs[2]).toBe(0);
    expect(machine.cpu.regs[3]).toBe(0);
    expect(machine.console.text()).toBe("");
  });

  it("the timer period reads back and the count goes down by one per retired instruction", () => {
    const machine = runKernel(`        li r1, 100
        out r1, 0x20
        in r2, 0x21          ; nothing retired since the OUT: 100 left
        in r3, 0x21          ; one retired: 99
        in r4, 0x20`);
    expect(machine.cpu.regs[2]).toBe(100);
    expect(machine.cpu.regs[3]).toBe(99);
    expect(machine.cpu.regs[4]).toBe(100);
  });

  it("COUNT reads the retired count before the reading instruction; writes to it are ignored", () => {
    const image = assemble(
      `        .org 0x80001000
start:  rdcr r1, COUNT      ; 0 retired before it
        add r5, r5, r5
        add r5, r5, r5
        wrcr r5, COUNT       ; ignored
        rdcr r2, COUNT       ; 4 retired before it
        halt
`,
      { file: "count.s" },
    );
    const machine = new Machine({ profile: getProfile("x86-like") });
    machine.load(image);
    expect(machine.run(100)).toEqual({ reason: "halt", retired: 6 });
    expect(machine.cpu.regs[1]).toBe(0);
    expect(machine.cpu.regs[2]).toBe(4);
  });

  it("an unknown control register traps ILLEGAL with EPC = the instruction", () => {
    const word = (0x48 << 24) | (1 << 20) | 200; // rdcr r1, 200
    const { machine, image } = runTrapping(`bad:    .word ${word}`);
    expect(machine.cpu.regs[13]).toBe(CAUSE.ILLEGAL);
    expect(u32(machine.cpu.regs[12]!)).toBe(image.symbols.bad);
  });

  it("WRCR and RDCR round-trip ordinary control registers", () => {
    const machine = runKernel(`        li r1, 0x1234
        wrcr r1, TPR
        rdcr r2, TPR
        li r1, -5
        wrcr r1, USP
        rdcr r3, USP`);
    expect(machine.cpu.regs[2]).toBe(0x1234);
    expect(machine.cpu.regs[3]).toBe(-5);
  });
});

describe("budget", () => {
  it("a guest that never halts stops with 'budget' after exactly the budget", () => {
    const machine = new Machine({ profile: getProfile("mips-like") });
    machine.load(assemble(`        .org 0x80001000\nstart:  jmp start\n`, { file: "spin.s" }));
    expect(machine.run(1000)).toEqual({ reason: "budget", retired: 1000 });
    // A budget larger than one internal slice (2^20) is honoured exactly too.
    expect(machine.run(3_000_001)).toEqual({ reason: "budget", retired: 3_000_001 });
    expect(machine.cpu.retired).toBe(3_001_001);
  });
});
