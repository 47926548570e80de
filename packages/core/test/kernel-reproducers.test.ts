// Small kernels that once made a faithful configuration diverge from native, each the
// minimized form of what the random kernels found (random-kernels.ts), named after what
// it shows. Each runs natively and under every faithful configuration of each profile.
import { describe, expect, it } from "vitest";
import { builtinModules } from "./helpers.js";
import { firstDivergent, kernelPlan, targets, describe as where, KERNEL_BUDGET } from "./random-check.js";
import { renderKernel, type KernelOp, type KernelPlan } from "./random-kernels.js";

const modules = await builtinModules();
const all = targets(modules, false);

/** A plan with the quietest settings: code at page 1, its own data and stack pages, no timer, paging off. */
const plan = (ops: KernelOp[], settings: Partial<KernelPlan> = {}): KernelPlan => ({
  codePage: 1,
  shared: false,
  timer: 0,
  interrupts: false,
  paging: "off",
  large: false,
  foreign: false,
  lowVector: false,
  regs: [1, 2, 3, 4, 5, 6, 7, 8, 9],
  ops,
  ...settings,
});

/**
 * Native and the faithful configurations of each profile (or of `profiles`) on the machine
 * with every feature: all of them, or those of the CPU or memory strategies named in `only`
 * (where the divergence was, to keep the test short).
 */
function expectEquivalent(p: KernelPlan, profiles?: readonly string[], only?: readonly string[]): void {
  for (const t of all.filter((t) => !profiles || profiles.includes(t.profile.name))) {
    const source = renderKernel(p, t.profile);
    const d = firstDivergent(source, t, modules, "kernel", KERNEL_BUDGET, (c) => c.machine.name === "skylake-2015" && (!only || only.includes(c.cpu) || only.includes(c.memory)));
    expect(d === "no-halt" ? `${where(t.profile)}: the native run does not halt` : d && `${where(t.profile)} under ${d.label} on ${d.machine}: ${d.detail}`).toBeUndefined();
  }
}

describe("kernels that once diverged: every faithful configuration equals native", () => {
  it("code, data and stack on page 0: a call whose callee loads from that page returns where it was called from", () => {
    // Binary translation handed a slow load path the page keys but not their bases, and took
    // back a stale stack base: the `ret` read 0 and went to address 0.
    expectEquivalent(plan([{ k: "sub", d: 5 }], { codePage: 0, shared: true }), undefined, ["binary-translation"]);
  });

  it("disk DMA over the instructions about to run: the new ones run", () => {
    // Binary translation went on in the region after the OUT that started the transfer.
    expectEquivalent(
      plan([
        { k: "loop", n: 2, body: [{ k: "dmaCode", sector: 3, zero: false }] },
        { k: "print", r: 14 },
      ]),
      undefined,
      ["binary-translation"],
    );
  });

  it("a large page maps its whole span under shadow paging too", () => {
    // Shadow paging walked the guest's tables without PTE_LARGE: it took the large entry for a
    // table and the load page-faulted.
    expectEquivalent(
      plan(
        [
          { k: "vmem", op: "lw", r: 5, va: "large", off: 0x20 },
          { k: "print", r: 5 },
        ],
        { large: true, paging: "root0" },
      ),
      ["riscv-like", "x86-like"],
      ["shadow"],
    );
  });

  it("an illegal or unassigned opcode in kernel code: the ILLEGAL trap is taken and the kernel goes on", () => {
    expectEquivalent(
      plan([
        { k: "fault", which: "word0" },
        { k: "print", r: 5 },
        { k: "fault", which: "unassigned" },
        { k: "print", r: 6 },
      ]),
      undefined,
      ["binary-translation"],
    );
  });

  it("kernel code at page 0, entered at address 0 by a call and by a ret", () => {
    expectEquivalent(
      plan(
        [
          { k: "alias", ret0: true, map: true },
          { k: "alias", ret0: false, map: true },
          { k: "print", r: 14 },
        ],
        { codePage: 0, shared: true },
      ),
      undefined,
      ["binary-translation"],
    );
  });

  it("a trap vector at address 0, never written: traps enter the kernel's page 0 through its low alias", () => {
    expectEquivalent(
      plan(
        [
          { k: "fault", which: "div0" },
          { k: "trap", which: "syscall", imm: 1 },
          { k: "print", r: 5 },
        ],
        { codePage: 0, lowVector: true },
      ),
      ["riscv-like", "x86-like"],
      ["binary-translation"],
    );
  });

  it("a TLB write, then kernel accesses through it to low addresses", () => {
    expectEquivalent(
      plan(
        [
          { k: "tlbw", va: "low", frame: "identity", writable: true },
          { k: "vmem", op: "lw", r: 5, va: "low", off: 0x44 },
          { k: "vmem", op: "sw", r: 6, va: "low", off: 0 },
          { k: "print", r: 5 },
        ],
        { codePage: 0, shared: true },
      ),
      ["mips-like"],
      ["binary-translation"],
    );
  });

  it("a page-table entry rewritten and invalidated: every strategy uses the new entry from then on (ISA.md)", () => {
    expectEquivalent(
      plan(
        [
          { k: "vmem", op: "lw", r: 5, va: "udata", off: 0 },
          { k: "vmem", op: "sw", r: 7, va: "udata", off: 0 },
          { k: "pte", entry: "udata0", frame: 1, flags: 7, alias: false, invalidate: true },
          { k: "vmem", op: "lw", r: 5, va: "udata", off: 0 },
          { k: "pte", entry: "udata0", frame: 0, flags: 7, alias: true, invalidate: true },
          { k: "vmem", op: "lw", r: 6, va: "udata", off: 0 },
          { k: "print", r: 5 },
          { k: "print", r: 6 },
        ],
        { paging: "root0" },
      ),
      ["riscv-like", "x86-like"],
    );
  });

  it("a PTBR write flushes the software-managed TLB too", () => {
    // The software-TLB monitor kept its virtual TLB: the second call through the low alias took no refill.
    expectEquivalent(
      plan(
        [
          { k: "alias", ret0: false, map: false },
          { k: "ptbr", root: "off" },
          { k: "alias", ret0: false, map: false },
        ],
        { codePage: 0, timer: 150 },
      ),
      ["mips-like"],
    );
  });

  it("code rewritten twice, run by single steps near the timer in between: the second rewrite runs", () => {
    // Random kernel 7 on riscv-like at depth 3 (not shrunk further: it needs its timer and
    // layout). Binary translation dropped its translations of the page at the first rewrite
    // and stopped watching the page, while single steps had left the CPU's decode of that
    // rewrite: the second rewrite reached neither, and the stale instruction ran.
    const deep = targets(modules, true).find((t) => t.profile.name === "riscv-like" && t.profile.mmu.kind === "walker" && t.profile.mmu.levels === 3)!;
    const d = firstDivergent(
      renderKernel(kernelPlan(7), deep.profile),
      deep,
      modules,
      "kernel",
      KERNEL_BUDGET,
      (c) => c.cpu === "binary-translation" && c.memory === "shadow" && c.machine.name === "skylake-2015",
    );
    expect(d === "no-halt" ? "the native run does not halt" : d && `${d.label}: ${d.detail}`).toBeUndefined();
  });
});
