// Whole runs with the tagged TLB (VPID) and the walk caches on and off, through machine
// feature switches (`nehalem-2009:taggedTlb=off`). What must hold: every run equivalent
// to native; the caches change walk references, never which accesses miss the TLB;
// without VPID each VM entry starts from an empty TLB.
import { describe, expect, it } from "vitest";
import { findScenario } from "@vmlab/guest";
import { runConfiguration, type Execution, type GuestDigest, type RunResult } from "@vmlab/core";
import { strategyLab } from "@vmlab/test-support";

const lab = await strategyLab();
const { modules } = lab;
type Run = RunResult & { vmExecutions?: readonly Execution[] };

const run = (scenario: string, profile: string, cpu: string, machine: string, memory?: string, levels?: number, reference?: GuestDigest): Run =>
  runConfiguration(lab.config({ profile, cpu, machine, memory, levels }), findScenario(scenario), modules, reference ? { reference } : {}) as Run;
const exits = (r: RunResult): number => Object.values(r.metrics!.vmExits).reduce((a, b) => a + b, 0);

describe("VPID: an exit-heavy scenario (port-io) under hardware assist", () => {
  for (const [memory, machine] of [
    ["nested", "nehalem-2009"],
    ["shadow", "penryn-2008"],
  ] as const) {
    it(`x86-like/${memory} on ${machine}: fewer TLB misses with VPID than without; without, every re-entry misses at least once`, () => {
      const native = run("port-io", "x86-like", "native", machine);
      const on = run("port-io", "x86-like", "hardware-assist", `${machine}:taggedTlb=on`, memory, undefined, native.digest!);
      const off = run("port-io", "x86-like", "hardware-assist", `${machine}:taggedTlb=off`, memory, undefined, native.digest!);
      for (const r of [on, off]) expect(r.properties!.equivalent, r.properties!.divergence?.detail).toBe(true);
      expect(exits(on)).toBe(exits(off));
      // Each entry after an exit starts with an empty TLB: its first fetch misses.
      expect(off.metrics!.tlbMisses).toBeGreaterThanOrEqual(exits(off));
      expect(on.metrics!.tlbMisses).toBeLessThan(off.metrics!.tlbMisses);
      expect(on.metrics!.events!["TLB flushes at VM exits and entries (no VPID)"]).toBeUndefined();
      // One flush at each exit and at each entry (the first entry included).
      expect(off.metrics!.events!["TLB flushes at VM exits and entries (no VPID)"]).toBe(2 * exits(off) + (off.outcome === "halt" ? 0 : 1));
      expect(on.cycles!.total).toBeLessThan(off.cycles!.total);
    });
  }
});

describe("VPID across machine switches: three VMs on one machine (consolidation)", () => {
  for (const memory of ["nested", "shadow"] as const) {
    it(`x86-like/${memory}: each VM equivalent with and without VPID; with it, entries survive the switches (fewer misses per VM)`, () => {
      const native = run("consolidation", "x86-like", "native", "nehalem-2009");
      const on = run("consolidation", "x86-like", "hardware-assist", "nehalem-2009", memory, undefined, native.digest!);
      const off = run("consolidation", "x86-like", "hardware-assist", "nehalem-2009:taggedTlb=off", memory, undefined, native.digest!);
      for (const r of [on, off]) {
        // Isolation: every VM uses the same guest-virtual addresses for other machine
        // frames; a hit on another VM's entry would show in its output or its memory.
        expect(r.properties!.equivalent, r.properties!.divergence?.detail).toBe(true);
        r.vms!.forEach((v) => expect(v.equivalent, v.divergence?.detail).toBe(true));
      }
      on.vmExecutions!.forEach((e, i) => expect(e.tlbMisses).toBeLessThan(off.vmExecutions![i]!.tlbMisses));
    });
  }
});

describe("walk caches in whole runs: the same TLB misses, fewer references, still equivalent", () => {
  for (const scenario of ["tlb-pressure", "forkwait"]) {
    it(`${scenario}, riscv-like 4 levels, nested on nehalem-2009: off / page-walk cache / both`, () => {
      const native = run(scenario, "riscv-like", "native", "nehalem-2009", undefined, 4);
      const off = run(scenario, "riscv-like", "hardware-assist", "nehalem-2009:pageWalkCache=off:nestedTlb=off", "nested", 4, native.digest!);
      const pwc = run(scenario, "riscv-like", "hardware-assist", "nehalem-2009:nestedTlb=off", "nested", 4, native.digest!);
      const both = run(scenario, "riscv-like", "hardware-assist", "nehalem-2009", "nested", 4, native.digest!);
      for (const r of [off, pwc, both]) expect(r.properties!.equivalent, r.properties!.divergence?.detail).toBe(true);
      // The caches sit behind the TLB: which accesses miss it does not change.
      expect(pwc.metrics!.tlbMisses).toBe(off.metrics!.tlbMisses);
      expect(both.metrics!.tlbMisses).toBe(off.metrics!.tlbMisses);
      expect(both.metrics!.walkReferences).toBeLessThan(pwc.metrics!.walkReferences);
      expect(pwc.metrics!.walkReferences).toBeLessThanOrEqual(off.metrics!.walkReferences);
      if (scenario === "tlb-pressure") {
        // One address space sweeping neighbouring pages: upper levels are reused.
        expect(pwc.metrics!.walkReferences).toBeLessThan(off.metrics!.walkReferences);
        expect(pwc.metrics!.events!["page-walk cache hits"]).toBeGreaterThan(0);
      }
      // forkwait: each short-lived process walks a few far-apart pages right after its
      // PTBR write (which empties the page-walk cache): the guest dimension gains nothing there.
      expect(both.metrics!.events!["nested TLB hits"]).toBeGreaterThan(0);
      expect(off.metrics!.events!["page-walk cache hits"]).toBeUndefined();
      // Every walk is between a full one and a single reference.
      const walks = both.metrics!.tlbMisses;
      expect(both.metrics!.walkReferences).toBeLessThanOrEqual(24 * walks);
    });
  }

  it("native walks use the page-walk cache where the machine has one: same misses, fewer references, same result", () => {
    const with_ = run("tlb-pressure", "riscv-like", "native", "nehalem-2009", undefined, 4);
    const without = run("tlb-pressure", "riscv-like", "native", "nehalem-2009:pageWalkCache=off", undefined, 4);
    expect(with_.digest).toEqual(without.digest);
    expect(with_.metrics!.tlbMisses).toBe(without.metrics!.tlbMisses);
    expect(with_.metrics!.walkReferences).toBeLessThan(without.metrics!.walkReferences);
    // Without the cache each native miss reads up to 4 levels (fewer when an upper level is not present: a demand-zero fault).
    expect(without.metrics!.walkReferences).toBeLessThanOrEqual(4 * without.metrics!.tlbMisses);
    expect(without.metrics!.walkReferences).toBeGreaterThan(3 * without.metrics!.tlbMisses);
  });
});
