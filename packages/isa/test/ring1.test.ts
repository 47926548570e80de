// Ring 1 on x86-like: a deprivileged kernel level enforced by the CPU (ISA.md, "Ring 1
// and the trap gate"). A ring-0 kernel sets up a page table, then enters ring 1 with
// RTE; ring 1 code and user code run against it, and the ring-0 handler records what
// reached it (r13 CAUSE, r12 EPC, r11 ESTATUS, r10 USP, r9 its own mode) and halts.
import { describe, expect, it } from "vitest";
import { assemble, CAUSE, CR, getProfile, Machine, PTE_U, PTE_V, PTE_W, type Image } from "../src/index.js";
import { u32 } from "./helpers.js";

const ROOT = 0x10000;
const KSEG_TABLE = 0x11000; // leaf table of the kernel half's first 4 MiB
const USER_TABLE = 0x12000; // leaf table of 0x00400000..0x007fffff
const USER_CODE = 0x30000; // physical frame of user VA 0x00400000
const USER_DATA = 0x31000; // user VA 0x00401000 (U)
const SUPERVISOR = 0x32000; // user VA 0x00402000, no U
const REMAPPED = 0x33000; // the frame kseg0 page 0x80005000 maps to (not 0x5000)

function mapPages(m: Machine): void {
  const i32 = m.memory.i32;
  i32[(ROOT + 0x200 * 4) >>> 2] = KSEG_TABLE | PTE_V;
  i32[(ROOT + 1 * 4) >>> 2] = USER_TABLE | PTE_V;
  // The kernel half, supervisor only (no U), identity on physical pages.
  for (let i = 0; i < 1024; i++) i32[(KSEG_TABLE >>> 2) + i] = (i << 12) | PTE_V | PTE_W;
  i32[(KSEG_TABLE >>> 2) + 5] = REMAPPED | PTE_V | PTE_W;
  i32[(USER_TABLE >>> 2) + 0] = USER_CODE | PTE_V | PTE_U;
  i32[(USER_TABLE >>> 2) + 1] = USER_DATA | PTE_V | PTE_W | PTE_U;
  i32[(USER_TABLE >>> 2) + 2] = SUPERVISOR | PTE_V | PTE_W;
  i32[0x5000 >>> 2] = 0x1111;
  i32[REMAPPED >>> 2] = 0x2222;
  i32[SUPERVISOR >>> 2] = 0x3333;
}

/**
 * `ring1`: code entered at ring 1 (kseg0, translated there); `user`: code at user VA
 * 0x00400000 (position-independent), entered from ring 1 by `enter_user` (below).
 */
function run(ring1: string, user = "        halt", options: { gate?: number; profile?: "x86-like" | "riscv-like" } = {}): { m: Machine; image: Image } {
  const src = `
        .equ GATE, ${options.gate ?? CAUSE.SYSCALL}
        .org 0x80001000
start:  li r1, ${ROOT}
        wrcr r1, PTBR
        la r1, handler
        wrcr r1, TVEC
        li r1, 0x80020000
        wrcr r1, KSP
        la r1, gate_handler
        wrcr r1, TGVEC
        li r1, 0x80022000
        wrcr r1, TGSP
        li r1, GATE
        wrcr r1, TGATE
        la r1, ring1
        wrcr r1, EPC
        li r1, 0x40000200
        wrcr r1, ESTATUS
        li r1, 0x80021000
        wrcr r1, USP
        rte
handler: rdcr r13, CAUSE
        rdcr r12, EPC
        rdcr r11, ESTATUS
        rdcr r10, USP
        rdmode r9
        halt
; From ring 1 to user mode at 0x00400000, user stack 0x00402000: the gate frame, then RTE.
enter_user:
        li r1, 0x00402000
        push r1
        li r1, 0x80000000
        push r1
        li r1, 0x00400000
        push r1
        rte
gate_handler:
        lw r5, 0(sp)
        lw r6, 4(sp)
        lw r7, 8(sp)
        mov r8, sp
        li r4, 0x77
        rte
ring1:
${ring1}
        halt
        .org 0x80030000
user:
${user}
`;
  const image = assemble(src, { file: "ring1.s" });
  const m = new Machine({ profile: getProfile(options.profile ?? "x86-like") });
  m.load(image);
  mapPages(m);
  expect(m.run(10_000).reason).toBe("halt");
  return { m, image };
}

describe("ring 1 (x86-like)", () => {
  it("the profile says which ISA has it", () => {
    expect(getProfile("x86-like").ring1).toBe(true);
    expect(getProfile("riscv-like").ring1).toBe(false);
    expect(getProfile("mips-like").ring1).toBe(false);
  });

  it("a privileged instruction at ring 1 traps PRIVILEGED to the real kernel, on its own stack", () => {
    const { m, image } = run(`        li r2, 0x80021000
        mov sp, r2
bad:    cli`);
    const r = m.cpu.regs;
    expect(r[13]).toBe(CAUSE.PRIVILEGED);
    expect(u32(r[12]!)).toBe(image.symbols.bad);
    // ESTATUS says ring 1 (bit 30), IF was on; the handler runs at ring 0 with KSP.
    expect(u32(r[11]!)).toBe(0x40000200);
    expect(u32(r[10]!)).toBe(0x80021000);
    expect(r[9]).toBe(0);
    expect(u32(r[15]!)).toBe(0x80020000);
  });

  it("reaches pages without U, but translates kseg0 (no untranslated window into physical memory)", () => {
    const { m } = run(`        li r2, 0x00402000
        lw r3, 0(r2)
        li r2, 0x80005000
        lw r4, 0(r2)
        brk 0`);
    const r = m.cpu.regs;
    expect(r[13]).toBe(CAUSE.BREAKPOINT);
    expect(r[3]).toBe(0x3333); // the supervisor page
    expect(r[4]).toBe(0x2222); // kseg0 page 5 as the page table maps it, not physical 0x5000
  });

  it("the same page without U faults in user mode (protection)", () => {
    const { m } = run(
      `        call enter_user`,
      `        li r2, 0x00402000
        lw r3, 0(r2)`,
    );
    const r = m.cpu.regs;
    expect(r[13]! & 0xff).toBe(CAUSE.PAGE_FAULT);
    expect(r[13]! & (1 << 10)).not.toBe(0); // the page was present
    expect(u32(r[12]!)).toBe(0x00400008); // the lw (after the two-word li)
    expect(u32(r[11]!) >>> 31).toBe(1); // from user mode
  });

  it("RDMODE reads 2, PUSHF shows the real IF, POPF cannot change IF", () => {
    const { m } = run(`        rdmode r2
        pushf
        pop r3
        li r4, 0
        push r4
        popf
        pushf
        pop r5
        brk 0`);
    const r = m.cpu.regs;
    expect(r[2]).toBe(2);
    expect(r[3]! & 0x200).toBe(0x200); // entered with IF on: PUSHF reveals the real flag
    expect(r[5]! & 0x200).toBe(0x200); // POPF of 0 kept IF on, as at a non-zero ring
    expect(m.cpu.sensitiveInUserMode[0x52]).toBe(1); // RDMODE counted as untrapped sensitive
    expect(m.cpu.sensitiveAtRing1[0x52]).toBe(1); // ... at ring 1 (a monitor's deprivileged kernel there)
    expect(m.cpu.firstSensitivePc[256 + 0x52]).toBeGreaterThanOrEqual(0);
    expect(m.cpu.firstSensitivePc[0x52]).toBe(-1); // none in user mode
  });

  it("a system call through the trap gate reaches ring 1 without the real kernel, and RTE returns to user mode", () => {
    const { m } = run(
      `        call enter_user`,
      `        li r1, 0x00402000
        cmpi r1, 0
        syscall 0
        rdmode r3
        brk 0`,
    );
    const r = m.cpu.regs;
    // The gate frame: EPC = after the syscall, ESTATUS = user mode with the flags
    // then (Z clear, IF on as the ring-1 code entered user mode with it), USP.
    expect(u32(r[5]!)).toBe(0x00400010); // li (two words), cmpi, syscall
    expect(u32(r[6]!)).toBe(0x80000200);
    expect(u32(r[7]!)).toBe(0x00402000);
    expect(u32(r[8]!)).toBe(0x80022000 - 12);
    expect(r[4]).toBe(0x77); // the gate handler ran
    expect(r[3]).toBe(1); // back in user mode
    expect(r[13]).toBe(CAUSE.BREAKPOINT); // the first trap the real kernel saw
    expect(u32(r[10]!)).toBe(0x00402000); // user stack restored by the RTE
    const s = m.stats();
    expect(s.trapsByCause.SYSCALL).toBe(1);
    expect(s.gateEntries).toBe(1);
    expect(s.ring1Returns).toBe(2); // enter_user, then the gate handler's return
  });

  it("without a gate the system call goes to the real kernel, and RTE at ring 1 traps", () => {
    const { m, image } = run(`        call enter_user`, `        syscall 0`, { gate: 0 });
    // enter_user's RTE trapped: no gate, so RTE at ring 1 is privileged.
    expect(m.cpu.regs[13]).toBe(CAUSE.PRIVILEGED);
    expect(u32(m.cpu.regs[12]!)).toBe(image.symbols.enter_user! + 4 * 7); // li (two words), push, li, push, li, push: the rte
  });

  it("a BRK gate leaves SYSCALL to the real kernel", () => {
    const { m } = run(`        call enter_user`, `        syscall 0`, { gate: CAUSE.BREAKPOINT });
    expect(m.cpu.regs[13]).toBe(CAUSE.SYSCALL);
    expect(m.stats().gateEntries).toBe(0);
  });

  it("RTE at ring 1 may not return to the kernel", () => {
    const { m, image } = run(`        li r1, 0x80021000
        push r1
        li r1, 0
        push r1
        la r1, ring1
        push r1
bad:    rte`);
    expect(m.cpu.regs[13]).toBe(CAUSE.PRIVILEGED);
    expect(u32(m.cpu.regs[12]!)).toBe(image.symbols.bad);
  });

  it("riscv-like has no ring 1: the gate registers are unknown and ESTATUS bit 30 returns to the kernel", () => {
    const m = new Machine({ profile: getProfile("riscv-like") });
    m.load(
      assemble(
        `        .org 0x80001000
start:  la r1, handler
        wrcr r1, TVEC
        la r1, back
        wrcr r1, EPC
        li r1, 0x40000000
        wrcr r1, ESTATUS
        rte
back:   rdmode r2
        rdcr r3, TGATE
        halt
handler: rdcr r13, CAUSE
        halt
`,
        { file: "t.s" },
      ),
    );
    expect(m.run(1000).reason).toBe("halt");
    expect(m.cpu.regs[2]).toBe(0);
    expect(m.cpu.regs[13]).toBe(CAUSE.ILLEGAL);
    expect(CR.TGATE).toBe(11);
  });
});
