// The tagged TLB (VPID), the page-walk cache and the nested TLB. Expected reference
// counts are worked out by hand from the walk's structure (ISA.md, "Walk caches"):
// n guest levels, m host levels; a cold nested miss reads n guest entries, each behind
// an m-reference host walk, then walks the host table once more for the final
// guest-physical address: (n+1)(m+1)-1.
import { describe, expect, it } from "vitest";
import {
  assemble,
  EXIT,
  getProfile,
  Machine,
  NestedTlb,
  nestedWalk,
  PageTableBuilder,
  PageWalkCache,
  PhysicalMemory,
  PTE_U,
  PTE_W,
  Tlb,
  VmControl,
  walk,
  walkCached,
  walkShape,
  type Levels,
} from "../src/index.js";

describe("tagged TLB", () => {
  it("an entry is found only under its own tag; switching tags hides entries without dropping them", () => {
    const tlb = new Tlb(8);
    tlb.setTag(1);
    tlb.insert(0x400, 0x11000, PTE_W | PTE_U);
    tlb.setTag(2);
    // VM 2 never sees VM 1's translation of the same page (isolation) ...
    expect(tlb.lookup(0x400)).toBe(-1);
    tlb.insert(0x400, 0x22000, PTE_W | PTE_U);
    expect(tlb.frame[tlb.lookup(0x400)]).toBe(0x22000);
    // ... and VM 1's is still there when it comes back.
    tlb.setTag(1);
    expect(tlb.frame[tlb.lookup(0x400)]).toBe(0x11000);
    expect(tlb.occupancy()).toBe(2);
    // The host's (tag 0) flush leaves VPID-tagged entries alone.
    expect(tlb.flushTag(0)).toBe(0);
    expect(tlb.occupancy()).toBe(2);
    // A flush of the current context (a PTBR write of VM 1) drops only VM 1's.
    tlb.flush();
    expect(tlb.lookup(0x400)).toBe(-1);
    tlb.setTag(2);
    expect(tlb.frame[tlb.lookup(0x400)]).toBe(0x22000);
    // invalidate (TLBI) acts on the current tag only.
    tlb.setTag(1);
    expect(tlb.invalidate(0x400)).toBe(false);
    tlb.setTag(2);
    expect(tlb.invalidate(0x400)).toBe(true);
    expect(tlb.occupancy()).toBe(0);
  });

  it("eviction of another tag's entry does not disturb the current tag's index", () => {
    const tlb = new Tlb(2);
    tlb.setTag(1);
    tlb.insert(0x10, 0x1000, 0);
    tlb.insert(0x11, 0x2000, 0);
    tlb.setTag(2);
    // FIFO: these evict VM 1's two entries; VM 2 sees its own only.
    expect(tlb.insert(0x10, 0x3000, 0)).toBe(-1); // not an eviction VM 2 can see
    tlb.insert(0x12, 0x4000, 0);
    expect(tlb.frame[tlb.lookup(0x10)]).toBe(0x3000);
    tlb.setTag(1);
    expect(tlb.lookup(0x10)).toBe(-1);
    expect(tlb.lookup(0x11)).toBe(-1);
  });
});

/** Host tables (m levels) mapping guest-physical g to g + OFFSET, and guest tables (n levels) mapping three neighbouring pages. */
function twoDimensions(n: Levels, m: Levels) {
  const mem = new PhysicalMemory(8 * 1024 * 1024);
  const OFFSET = 0x100000;
  let nextHost = 0x600000;
  const host = new PageTableBuilder(mem.i32, m, () => (nextHost += 4096) - 4096);
  for (let g = 0; g < 0x100000; g += 4096) host.map(g, g + OFFSET, PTE_W);
  const guestMem = new Int32Array(mem.buffer, OFFSET, 0x100000 >>> 2);
  let nextGuest = 0x10000;
  const guest = new PageTableBuilder(guestMem, n, () => (nextGuest += 4096) - 4096);
  const GVA = 0x00403000;
  for (let i = 0; i < 3; i++) guest.map(GVA + i * 4096, 0x50000 + i * 4096, PTE_W | PTE_U);
  return { mem, host, guest, GVA, OFFSET };
}

describe("nested walk with a page-walk cache and a nested TLB (hand-counted references)", () => {
  for (const [n, m] of [
    [4, 4],
    [2, 2],
  ] as const) {
    const cold = (n + 1) * (m + 1) - 1;
    describe(`${n} guest x ${m} host levels`, () => {
      const access = { write: false, user: true };
      const run = (caches: { pwc: boolean; ntlb: boolean }) => {
        const t = twoDimensions(n, m);
        const c = {
          ...(caches.pwc ? { pageWalkCache: new PageWalkCache() } : {}),
          ...(caches.ntlb ? { nestedTlb: new NestedTlb() } : {}),
          tag: 1,
        };
        const miss = (page: number) => nestedWalk(t.GVA + page * 4096 + 8, t.guest.root, t.host.root, n, m, t.mem.i32, access, c);
        return { t, c, miss };
      };

      it(`a cold miss makes (n+1)(m+1)-1 = ${cold} references with every cache on (nothing cached yet)`, () => {
        const { t, miss } = run({ pwc: true, ntlb: true });
        const r = miss(0);
        expect(r.outcome).toBe("ok");
        expect(r.address).toBe(0x50000 + t.OFFSET + 8);
        expect(r.references).toBe(cold);
        expect(r.nestedTlbHits).toBe(0);
        expect(r.guestLevelsSkipped).toBe(0);
      });

      it(`page-walk cache only: a neighbouring page skips the ${n - 1} upper guest levels: 1 guest read + 2 host walks = ${2 * m + 1}`, () => {
        const { miss } = run({ pwc: true, ntlb: false });
        expect(miss(0).references).toBe(cold);
        const r = miss(1);
        expect(r.guestLevelsSkipped).toBe(n - 1);
        expect(r.guestReferences).toBe(1);
        expect(r.references).toBe(2 * m + 1);
      });

      it(`nested TLB only: a neighbouring page's walk finds its ${n} table pages translated: ${n} guest reads + 1 host walk = ${n + m}`, () => {
        const { miss } = run({ pwc: false, ntlb: true });
        expect(miss(0).references).toBe(cold);
        const r = miss(1);
        expect(r.nestedTlbHits).toBe(n);
        expect(r.hostReferences).toBe(m);
        expect(r.references).toBe(n + m);
      });

      it(`both: a neighbouring page costs 1 guest read + 1 host walk (its data page is new) = ${1 + m}; the same page again, 1`, () => {
        const { miss } = run({ pwc: true, ntlb: true });
        expect(miss(0).references).toBe(cold);
        const r = miss(1);
        expect(r.references).toBe(1 + m);
        expect(r.nestedTlbHits).toBe(1); // the leaf table's page
        // Page 1 again (as after a TLB eviction): leaf table and data page both in the nested TLB.
        expect(miss(1).references).toBe(1);
      });

      it("another tag finds nothing of this one's (VPID isolation of both caches)", () => {
        const { t, c, miss } = run({ pwc: true, ntlb: true });
        miss(0);
        const other = nestedWalk(t.GVA + 4096, t.guest.root, t.host.root, n, m, t.mem.i32, access, { ...c, tag: 2 });
        expect(other.references).toBe(cold);
      });
    });
  }
});

describe("native walk through the page-walk cache", () => {
  for (const n of [2, 3, 4] as const) {
    it(`${n} levels: a cold miss reads ${n} entries, a neighbouring page 1, another tag ${n} again`, () => {
      const mem = new PhysicalMemory(4 * 1024 * 1024);
      let next = 0x100000;
      const pt = new PageTableBuilder(mem.i32, n, () => (next += 4096) - 4096);
      for (let i = 0; i < 2; i++) pt.map(0x00403000 + i * 4096, 0x200000 + i * 4096, PTE_W | PTE_U);
      const pwc = new PageWalkCache();
      const out = { status: 0, pte: 0, references: 0 };
      const shape = walkShape(n);
      expect(walkCached(mem.i32, pt.root, shape, 0x00403000, false, true, out, pwc, 0).references).toBe(n);
      expect(pwc.lastSkipped).toBe(0);
      const r = walkCached(mem.i32, pt.root, shape, 0x00404000, false, true, out, pwc, 0);
      expect(r.references).toBe(1);
      expect((r.pte & ~0xfff) >>> 0).toBe(0x201000);
      expect(pwc.lastSkipped).toBe(n - 1);
      // The same leaf the plain walker finds.
      expect(walk(mem.i32, pt.root, shape, 0x00404000, false, true, { status: 0, pte: 0, references: 0 }).pte).toBe(r.pte);
      expect(walkCached(mem.i32, pt.root, shape, 0x00404000, false, true, out, pwc, 3).references).toBe(n);
    });
  }
});

/** A guest in guest mode (nested paging, 4 x 4) whose kernel runs `body`; guest tables map USER_PAGE and its neighbours. */
const BASE = 0x200000;
const GUEST_BYTES = 0x400000;
/** The pmap of a guest in one block at BASE (guest frame g at machine frame g + BASE/4096). */
const atBase = (): Int32Array => Int32Array.from({ length: GUEST_BYTES >>> 12 }, (_, g) => (BASE >>> 12) + g);
const USER_PAGE = 0x00400000;
function guestMachine(body: string, options: { vpid?: number; pwc?: boolean; ntlb?: boolean; nested?: boolean } = {}) {
  const machine = new Machine({ profile: getProfile("riscv-like", { levels: 4 }), memoryBytes: BASE + GUEST_BYTES });
  const mem = machine.memory.i32;
  let nextHost = 0x1000;
  const host = new PageTableBuilder(mem, 4, () => (nextHost += 0x1000) - 0x1000);
  for (let g = 0; g < GUEST_BYTES; g += 0x1000) host.map(g, g + BASE, PTE_W);
  const guest = new Int32Array(machine.memory.buffer, BASE, GUEST_BYTES >>> 2);
  let nextGuest = 0x100000;
  const gpt = new PageTableBuilder(guest, 4, () => (nextGuest += 0x1000) - 0x1000);
  for (let i = 0; i < 4; i++) gpt.map(USER_PAGE + i * 0x1000, 0x200000 + i * 0x1000, PTE_W | PTE_U);
  machine.load(
    assemble(
      `
        .org 0x80001000
start:  li r1, ${gpt.root}
        wrcr r1, PTBR
        li r2, ${USER_PAGE}
${body}
        halt`,
      { file: "guest.s" },
    ),
    atBase(),
  );
  const vmcs = new VmControl();
  vmcs.nestedPaging = options.nested ?? true;
  vmcs.hostRoot = host.root;
  vmcs.hostLevels = 4;
  vmcs.vpid = options.vpid ?? 0;
  machine.cpu.setFeatures({ pageWalkCache: options.pwc ?? false, nestedTlb: options.ntlb ?? false });
  return { machine, vmcs };
}

/** Runs, re-entering after each I/O exit (the monitor does nothing), until HALT exits. */
function runToHalt(g: ReturnType<typeof guestMachine>): void {
  for (let i = 0; i < 100; i++) {
    g.machine.cpu.vmEnter(g.vmcs);
    expect(g.machine.run(10_000).reason).toBe("vm-exit");
    if (g.vmcs.exitReason === EXIT.HALT) return;
    expect(g.vmcs.exitReason).toBe(EXIT.IO);
    g.machine.cpu.pc = (g.machine.cpu.pc + 4) >>> 0; // the OUT retires, emulated as a no-op
  }
  throw new Error("no HALT");
}

describe("the CPU's nested walks through the caches (4 x 4)", () => {
  // Walk references of the loads alone: the same program without them is subtracted.
  const refs = (loads: string, options: Parameters<typeof guestMachine>[1]) => {
    const a = guestMachine("        nop", options);
    const b = guestMachine(loads, options);
    runToHalt(a);
    runToHalt(b);
    return { refs: b.machine.stats().walkReferences - a.machine.stats().walkReferences, b };
  };

  it("two neighbouring pages: 24 + 5 references with both caches, 24 + 24 without; counted as hits", () => {
    const loads = `        lw r3, 0(r2)
        lw r3, 4096(r2)`;
    expect(refs(loads, {}).refs).toBe(48);
    const { refs: cached, b } = refs(loads, { pwc: true, ntlb: true });
    expect(cached).toBe(24 + 5);
    // One walk of each kind: the kseg0 code page (host only) is not a guest walk.
    expect(b.machine.stats().pageWalkCacheHits).toBe(1);
    expect(b.machine.stats().pageWalkCacheMisses).toBe(1);
    expect(b.vmcs.nestedTlbHits).toBeGreaterThanOrEqual(1);
  });

  it("a guest TLBFLUSH, TLBI or PTBR write drops the page-walk cache (not the nested TLB): the third page reads 4 guest entries + 1 host walk", () => {
    const loads = `        lw r3, 0(r2)
        tlbflush
        lw r3, 8192(r2)`;
    // After the flush: 4 guest entries, their table pages in the nested TLB; the new data page walks the host (4).
    expect(refs(loads, { pwc: true, ntlb: true }).refs).toBe(24 + 8);
    // TLBI of any page does the same (as INVLPG drops the context's paging-structure entries).
    const tlbi = `        lw r3, 0(r2)
        tlbi r2
        lw r3, 8192(r2)`;
    expect(refs(tlbi, { pwc: true, ntlb: true }).refs).toBe(24 + 8);
    // A PTBR write (same root) does the same.
    const again = `        lw r3, 0(r2)
        wrcr r1, PTBR
        lw r3, 8192(r2)`;
    expect(refs(again, { pwc: true, ntlb: true }).refs).toBe(24 + 8);
  });
});

describe("VPID: VM exits and entries flush the TLB only without it", () => {
  // Kernel code on one kseg0 page; the user page read before and after an I/O exit.
  const body = `        lw r3, 0(r2)
        out r3, 0x80
        lw r3, 0(r2)`;
  // With VPID: the code page misses, again after the guest's PTBR write flushed it, then the user page: 3.
  it("with VPID: 3 misses (code page, code page after the PTBR write, user page); without: 2 more after the re-entry, and 4 flushes", () => {
    const tagged = guestMachine(body, { vpid: 1 });
    runToHalt(tagged);
    expect(tagged.machine.stats().tlbMisses).toBe(3);
    expect(tagged.vmcs.tlbFlushesAtTransitions).toBe(0);
    const untagged = guestMachine(body, { vpid: 0 });
    runToHalt(untagged);
    expect(untagged.machine.stats().tlbMisses).toBe(3 + 2);
    // Two entries and two exits (I/O, HALT), each a flush.
    expect(untagged.vmcs.tlbFlushesAtTransitions).toBe(4);
    // The same program, the same result.
    expect(untagged.machine.cpu.regs[3]).toBe(tagged.machine.cpu.regs[3]);
  });
});

describe("large pages: a PTE_LARGE leaf one level above the leaves", () => {
  const pages = { 2: 1024, 3: 128, 4: 32 } as const;
  for (const n of [2, 3, 4] as const) {
    it(`${n} levels: a large page of ${pages[n]} pages, walked in ${n - 1} references; its protection is the large entry's`, () => {
      const mem = new PhysicalMemory(8 * 1024 * 1024);
      let next = 0x700000;
      const pt = new PageTableBuilder(mem.i32, n, () => (next += 4096) - 4096);
      const span = pages[n] * 4096;
      expect(pt.largePageBytes).toBe(span);
      const VA = 0x00800000; // aligned to every span
      const PA = 0x400000;
      pt.mapLarge(VA, PA, PTE_U); // read-only
      const out = { status: 0, pte: 0, references: 0 };
      const last = pages[n] - 1;
      const r = walk(mem.i32, pt.root, walkShape(n), VA + last * 4096 + 0x10, false, true, out);
      expect(r.status).toBe(0);
      expect(r.references).toBe(n - 1);
      expect((r.pte & ~0xfff) >>> 0).toBe(PA + last * 4096);
      expect(walk(mem.i32, pt.root, walkShape(n), VA, true, true, out).status).toBe(2); // WALK_PROTECTION
      // The page-walk cache never takes a large leaf for a table pointer.
      const pwc = new PageWalkCache();
      expect(walkCached(mem.i32, pt.root, walkShape(n), VA + 4096, false, true, out, pwc, 0).references).toBe(n - 1);
      const again = walkCached(mem.i32, pt.root, walkShape(n), VA + 2 * 4096, false, true, out, pwc, 0);
      expect((again.pte & ~0xfff) >>> 0).toBe(PA + 2 * 4096);
      // The n - 2 levels above the large entry come from the cache (none at 2 levels: the root entry is the large one): 1 read.
      expect(again.references).toBe(1);
    });
  }

  for (const [n, m] of [
    [4, 4],
    [2, 2],
  ] as const) {
    it(`${n} x ${m} nested: host large pages make a cold miss n*m + m - 1 = ${n * m + m - 1}; guest ones too, n*m - 1 = ${n * m - 1}`, () => {
      const build = (guestLarge: boolean) => {
        const mem = new PhysicalMemory(16 * 1024 * 1024);
        const OFFSET = 0x800000; // aligned to every span
        let nextHost = 0xc00000;
        const host = new PageTableBuilder(mem.i32, m, () => (nextHost += 4096) - 4096);
        for (let g = 0; g < 0x400000; g += host.largePageBytes) host.mapLarge(g, g + OFFSET, PTE_W);
        const guestMem = new Int32Array(mem.buffer, OFFSET, 0x400000 >>> 2);
        let nextGuest = 0x10000;
        const guest = new PageTableBuilder(guestMem, n, () => (nextGuest += 4096) - 4096);
        if (guestLarge) guest.mapLarge(0x00800000, 0x200000 - (0x200000 % guest.largePageBytes), PTE_W | PTE_U);
        else guest.map(0x00800000, 0x200000, PTE_W | PTE_U);
        return nestedWalk(0x00800000 + 0x24, guest.root, host.root, n, m, mem.i32, { write: true, user: true });
      };
      const small = build(false);
      expect(small.outcome).toBe("ok");
      expect(small.address).toBe(0x800000 + 0x200000 + 0x24);
      expect(small.references).toBe(n * m + m - 1);
      const large = build(true);
      expect(large.outcome).toBe("ok");
      expect(large.guestReferences).toBe(n - 1);
      expect(large.references).toBe(n * m - 1);
    });
  }

  it("the CPU splinters a large page into 4 KiB TLB entries: each page of it misses once, each miss n - 1 references", () => {
    const machine = new Machine({ profile: getProfile("riscv-like", { levels: 3 }), memoryBytes: 4 * 1024 * 1024 });
    let next = 0x100000;
    const pt = new PageTableBuilder(machine.memory.i32, 3, () => (next += 4096) - 4096);
    pt.mapLarge(0x00400000, 0x200000, PTE_W); // kernel-only, 512 KiB
    machine.memory.i32[0x205008 >>> 2] = 77;
    machine.load(
      assemble(
        `
        .org 0x80001000
start:  li r1, ${pt.root}
        wrcr r1, PTBR
        li r2, 0x00405000
        lw r3, 8(r2)
        lw r4, 12(r2)
        sw r3, 4096(r2)
        halt`,
        { file: "large.s" },
      ),
    );
    expect(machine.run(100).reason).toBe("halt");
    expect(machine.cpu.regs[3]).toBe(77);
    expect(machine.memory.i32[0x206000 >>> 2]).toBe(77);
    // Two pages of the large page touched (0x405000 twice, then 0x406000): two misses of 2 references each.
    expect(machine.stats().tlbMisses).toBe(2);
    expect(machine.stats().walkReferences).toBe(4);
  });
});
