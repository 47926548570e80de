import { describe, expect, it } from "vitest";
import { CAUSE, CAUSE_PROTECTION, getProfile, Machine, nestedWalk, PageTableBuilder, PhysicalMemory, PTE_U, PTE_W, assemble, type Levels } from "../src/index.js";

function frames(start: number): () => number {
  let next = start;
  return () => {
    const pa = next;
    next += 4096;
    return pa;
  };
}

/** Kernel code that turns paging on with PTBR and loads three user pages' words. */
function pagedMachine(levels: Levels) {
  const profile = getProfile("riscv-like", { levels });
  const m = new Machine({ profile });
  const pt = new PageTableBuilder(m.memory.i32, levels, frames(0x100000));
  pt.map(0x00400000, 0x200000, PTE_W);
  pt.map(0x00401000, 0x201000, PTE_W);
  pt.map(0x12345000, 0x202000, 0); // read-only
  m.load(
    assemble(
      `
        .org 0x80001000
start:  la r1, handler
        wrcr r1, TVEC
        li r1, ROOT
        wrcr r1, PTBR
        li r2, 0x00400000
        lw r3, 0(r2)      ; miss: one walk
        lw r3, 4(r2)      ; hit
        li r2, 0x00401000
        lw r3, 0(r2)      ; miss: one walk
        li r2, 0x12345000
        lw r3, 0(r2)      ; miss: one walk
        sw r3, 0(r2)      ; read-only: protection fault
        halt
handler: rdcr r13, CAUSE
        rdcr r11, BADADDR
        halt
`,
      { file: "paging.s", defines: { ROOT: pt.root } },
    ),
  );
  return m;
}

describe("hardware walker", () => {
  for (const levels of [2, 3, 4] as const) {
    it(`makes ${levels} references per TLB miss with ${levels} levels, none on a hit`, () => {
      const m = pagedMachine(levels);
      expect(m.run(1000).reason).toBe("halt");
      const s = m.stats();
      expect(s.walks).toBe(3);
      expect(s.walkReferences).toBe(3 * levels);
      expect(m.cpu.regs[13]).toBe(CAUSE.PAGE_FAULT | (1 << 8) | CAUSE_PROTECTION);
      expect(m.cpu.regs[11]! >>> 0).toBe(0x12345000);
    });
  }

  it("a user access to a page without U faults (protection), a missing page faults (not present)", () => {
    const m = new Machine({ profile: getProfile("x86-like") });
    const pt = new PageTableBuilder(m.memory.i32, 2, frames(0x100000));
    pt.map(0x2000, 0x2000, PTE_U); // user code
    pt.map(0x5000, 0x5000, 0); // kernel-only data
    m.load(
      assemble(
        `
        .org 0x80001000
start:  la r1, handler
        wrcr r1, TVEC
        li r1, ROOT
        wrcr r1, PTBR
        li r1, 0x2000
        wrcr r1, EPC
        li r1, 0x80000000
        wrcr r1, ESTATUS
        rte
handler: rdcr r13, CAUSE
        rdcr r11, BADADDR
        halt
        .org 0x2000
        li r2, 0x5000
        lw r3, 0(r2)
`,
        { file: "u.s", defines: { ROOT: pt.root } },
      ),
    );
    m.run(1000);
    expect(m.cpu.regs[13]).toBe(CAUSE.PAGE_FAULT | CAUSE_PROTECTION);
    expect(m.cpu.regs[11]).toBe(0x5000);
  });
});

describe("software TLB (mips-like)", () => {
  it("a miss on a user address enters the refill vector (TVEC - 0x80) with BADADDR; TLBW installs; TLBI removes", () => {
    const m = new Machine({ profile: getProfile("mips-like") });
    m.load(
      assemble(
        `
        .org 0x80001000
start:  la r1, general
        wrcr r1, TVEC
        li r10, 0
        li r2, 0x00400010
        lw r3, 0(r2)          ; miss → refill installs → retried
        li r4, 0x00400000
        tlbi r4
        lw r3, 0(r2)          ; misses again
        halt
        .align 128
refill: addi r10, r10, 1
        rdcr r11, BADADDR
        rdcr r13, CAUSE
        li r5, 0x00200003     ; frame 0x200000 | W | V
        tlbw r11, r5
        rte
        .space refill + 0x80 - .
general: halt                 ; the general vector: not taken
`,
        { file: "tlb.s" },
      ),
    );
    m.memory.i32[0x200010 >>> 2] = 42;
    expect(m.run(1000).reason).toBe("halt");
    expect(m.cpu.regs[10]).toBe(2);
    expect(m.cpu.regs[3]).toBe(42);
    expect(m.cpu.regs[11]).toBe(0x00400010);
    expect(m.cpu.regs[13]).toBe(CAUSE.TLB_MISS);
    expect(m.stats().walkReferences).toBe(0);
  });

  it("CONTEXT: the kernel's PTEBase (bits 31..12) and the missing page's directory offset (bits 11..2); a kseg miss takes the general vector", () => {
    const m = new Machine({ profile: getProfile("mips-like") });
    m.load(
      assemble(
        `
        .org 0x80001000
start:  la r1, general
        wrcr r1, TVEC
        li r1, 0x80123fff     ; the low 12 bits are the hardware's: not written
        wrcr r1, CONTEXT
        rdcr r9, CONTEXT
        li r2, 0x7fffe000     ; directory index 0x1ff
        lw r3, 0(r2)
        halt
        .align 128
refill: rdcr r11, CONTEXT
        rdcr r12, EPC
        li r1, 0x80000000     ; user mode, IF off, at 'user'
        wrcr r1, ESTATUS
        la r1, user
        wrcr r1, EPC
        rte
        .space refill + 0x80 - .
general: rdcr r13, CONTEXT
        rdcr r14, CAUSE
        halt
user:   halt                  ; fetched from user mode: a kernel-half address, no refill
`,
        { file: "context.s" },
      ),
    );
    expect(m.run(1000).reason).toBe("halt");
    expect(m.cpu.regs[9]! >>> 0).toBe(0x80123000);
    expect(m.cpu.regs[11]! >>> 0).toBe(0x80123000 + 0x1ff * 4);
    expect(m.cpu.regs[12]! >>> 0).toBe(0x80001000 + 4 * 9); // the lw, after la (2), wrcr, li (2), wrcr, rdcr, li (2)
    expect(m.cpu.regs[13]! >>> 0).toBe(0x80123000 + (0x80001000 >>> 22) * 4);
    expect(m.cpu.regs[14]).toBe(CAUSE.TLB_MISS | (2 << 8)); // a fetch
  });
});

describe("nested (two-dimensional) walk", () => {
  // Guest tables live in guest-physical space; the host maps guest-physical page g to
  // machine page g + 0x100000 (identity-plus-offset), through its own tables.
  for (const n of [2, 3, 4] as const) {
    for (const mLevels of [2, 3, 4] as const) {
      it(`${n} guest × ${mLevels} host levels: ${(n + 1) * (mLevels + 1) - 1} references`, () => {
        const mem = new PhysicalMemory(8 * 1024 * 1024);
        const OFFSET = 0x100000;
        const host = new PageTableBuilder(mem.i32, mLevels, frames(0x600000));
        for (let g = 0; g < 0x80000; g += 4096) host.map(g, g + OFFSET, PTE_W);
        // Build the guest table by hand: one path down to the leaf for gva.
        const gva = 0x00403000;
        const shifts = n === 2 ? [10, 0] : n === 3 ? [14, 7, 0] : [15, 10, 5, 0];
        const masks = n === 2 ? [1023, 1023] : n === 3 ? [63, 127, 127] : [31, 31, 31, 31];
        let nextGuest = 0x10000;
        const root = nextGuest;
        nextGuest += 4096;
        let table = root;
        for (let level = 0; level < n; level++) {
          const idx = ((gva >>> 12) >>> shifts[level]!) & masks[level]!;
          const entryMa = table + idx * 4 + OFFSET;
          const next = level === n - 1 ? 0x50000 : nextGuest;
          if (level < n - 1) nextGuest += 4096;
          mem.i32[entryMa >>> 2] = next | 1 | PTE_W | PTE_U;
          table = next;
        }
        const r = nestedWalk(gva + 0x24, root, host.root, n, mLevels, mem.i32, { write: false, user: true });
        expect(r.outcome).toBe("ok");
        expect(r.address).toBe(0x50000 + OFFSET + 0x24);
        expect(r.references).toBe((n + 1) * (mLevels + 1) - 1);
        expect(r.guestReferences).toBe(n);
      });
    }
  }
});

describe("timer", () => {
  it("fires after exactly N retired instructions, only with IF = 1, pending until STI", () => {
    const m = new Machine({ profile: getProfile("riscv-like") });
    m.load(
      assemble(
        `
        .org 0x80001000
start:  la r1, handler
        wrcr r1, TVEC
        li r1, 10
        out r1, 0x20          ; period 10: counting starts with the next instruction
        sti                   ; 1
        li r2, 0              ; 2
        addi r2, r2, 1        ; 3
        addi r2, r2, 1        ; 4
        addi r2, r2, 1        ; 5
        addi r2, r2, 1        ; 6
        addi r2, r2, 1        ; 7
        addi r2, r2, 1        ; 8
        addi r2, r2, 1        ; 9
        addi r2, r2, 1        ; 10 → interrupt before the next
        addi r2, r2, 1
        halt
handler: rdcr r12, EPC
        rdcr r13, CAUSE
        halt
`,
        { file: "timer.s" },
      ),
    );
    m.run(1000);
    expect(m.cpu.regs[13]).toBe(CAUSE.TIMER);
    expect(m.cpu.regs[2]).toBe(8);
    // la (2 words) + wrcr + li r1, 10 (lui + ori) put the OUT at 0x80001014; the
    // interrupt is taken before the 11th instruction after it.
    expect(m.cpu.regs[12]! >>> 0).toBe(0x80001014 + 11 * 4);
  });

  it("with IF = 0 the interrupt stays pending and is taken right after STI", () => {
    const m = new Machine({ profile: getProfile("mips-like") });
    m.load(
      assemble(
        `
        .org 0x80001000
start:  la r1, handler
        wrcr r1, TVEC
        li r1, 3
        out r1, 0x20
        li r2, 0
        addi r2, r2, 1
        addi r2, r2, 1
        addi r2, r2, 1        ; pending from here, IF = 0
        addi r2, r2, 1
        addi r2, r2, 1
        sti
        addi r2, r2, 100
        halt
handler: rdcr r13, CAUSE
        halt
`,
        { file: "pending.s" },
      ),
    );
    m.run(1000);
    expect(m.cpu.regs[13]).toBe(CAUSE.TIMER);
    expect(m.cpu.regs[2]).toBe(5);
  });
});
