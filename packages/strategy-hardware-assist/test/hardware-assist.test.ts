import { describe, expect, it } from "vitest";
import { findScenario, listScenarios } from "@vmlab/guest";
import { CATEGORIES, digestOf, firstDivergence, guestImage, MACHINE_PROFILES, runConfiguration, runContainer, strategiesFor, type Configuration, type RunResult, type VmContext } from "@vmlab/core";
import { diskContentsOf } from "@vmlab/guest";
import type { MachineStats, VmControl } from "@vmlab/isa";
import { strategyLab } from "@vmlab/test-support";

/** The work marker's OUTs that exit: none, its I/O-bitmap bit lets it run in guest mode (no device either way). */
const WORK_MARKS = 0;

const lab = await strategyLab();
const { modules } = lab;
const config = (profile: string, cpu: string, memory?: string, levels?: number, machine = memory === "nested" ? "nehalem-2009" : "p4-2006"): Configuration =>
  lab.config({ profile, cpu, machine, memory, levels });

type Run = RunResult & { execution: { machine?: { stats(): MachineStats } } };
const stats = (r: Run): MachineStats => r.execution.machine!.stats();
const exits = (r: RunResult): Record<string, number> => r.metrics!.vmExits;
const totalExits = (r: RunResult): number => Object.values(exits(r)).reduce((a, b) => a + b, 0);

const FAITHFUL: [string, string, number?][] = [
  ["x86-like", "shadow"],
  ["x86-like", "nested"],
  ["riscv-like", "shadow"],
  ["riscv-like", "nested"],
  ["x86-like", "nested", 4],
  ["riscv-like", "shadow", 4],
];

for (const [profile, memory, levels] of FAITHFUL) {
  describe(`hardware assist with ${memory} paging on ${profile}${levels ? ` (${levels} levels)` : ""}`, () => {
    const hw = config(profile, "hardware-assist", memory, levels);
    const scenarios = levels ? ["syscall", "page-fault", "pte-modify", "forkwait", "disk-io"].map((n) => findScenario(n)) : listScenarios();
    for (const s of scenarios) {
      it(`${s.name}: equivalent to native`, () => {
        const { native: n, run: t } = lab.againstNative(hw, s);
        expect(n.outcome).toBe("halt");
        expect(t.properties!.equivalent, t.properties!.divergence?.detail).toBe(true);
        // The red pill's RDTVEC on x86-like exits (trap-vector read exiting) and is audited;
        // it gets its kernel's vector, so the run stays equivalent.
        const audited = profile === "x86-like" && s.name === "red-pill" ? [expect.stringMatching(/^a guest process read the trap vector with RDTVEC at 0x[0-9a-f]+: a VM exit/)] : [];
        expect(t.properties!.resourceControl.violations).toEqual(audited);
        // Nothing sensitive ran deprivileged: the guest kernel has its own privilege.
        expect(t.properties!.sensitiveUntrapped).toBeUndefined();
        expect(t.metrics!.executedDirectly + t.metrics!.emulated).toBe(t.metrics!.guestInstructions);
        // Only the instructions that exited were carried out by the monitor.
        expect(t.metrics!.emulated).toBeLessThanOrEqual(totalExits(t));
        expect(t.properties!.efficiency).toBeGreaterThan(0.95);
        expect(CATEGORIES.reduce((a, c) => a + t.cycles!.byCategory[c], 0)).toBe(t.cycles!.total);
        // Each exit is charged one exit and one entry.
        const line = (event: string) => t.cycles!.lines.find((l) => l.category === "VM exits/entries" && l.event === event)?.count ?? 0;
        expect(line("VM exit")).toBe(totalExits(t));
        expect(line("VM entry")).toBe(totalExits(t));
      });
    }

    it("a budget that ends mid-run stops at the same guest state as native", () => {
      for (const name of ["page-fault", "divide-by-zero", "context-switch", "forkwait", "port-io"]) {
        for (const budget of [20_011, 61_337]) {
          const s = findScenario(name);
          const { native: n, run: t } = lab.againstNative(hw, s, { budget });
          expect(n.outcome).toBe("budget");
          expect(t.properties!.equivalent, `${name}@${budget}: ${t.properties!.divergence?.detail}`).toBe(true);
        }
      }
    });
  });
}

describe("hardware assist: what exits, against the native run's own counts", () => {
  const both = (name: string, profile: string, memory: string) => {
    const s = findScenario(name);
    const { native: n, run: t } = lab.againstNative<Run>(config(profile, "hardware-assist", memory), s);
    expect(t.properties!.equivalent).toBe(true);
    return { n, t, ns: stats(n), ts: stats(t), iterations: s.iterations! };
  };

  for (const profile of ["x86-like", "riscv-like"]) {
    for (const memory of ["shadow", "nested"]) {
      it(`${profile}/${memory}: a system call causes no VM exit; the guest kernel takes it and returns by itself`, () => {
        const { ns, ts, t, iterations } = both("syscall", profile, memory);
        expect(ns.trapsByCause.SYSCALL).toBeGreaterThanOrEqual(iterations);
        // The CPU took every system call and every return-from-trap in guest mode ...
        expect(ts.trapsByCause.SYSCALL).toBe(ns.trapsByCause.SYSCALL);
        expect(ts.trapReturns).toBe(ns.trapReturns);
        // ... and no exit is about them: fewer exits than system calls, none of them an exception but page faults.
        expect(totalExits(t)).toBeLessThan(iterations / 4);
        for (const reason of Object.keys(exits(t))) expect(reason).toMatch(/^(I\/O instruction|external interrupt|halt|exception PAGE_FAULT|control-register write)$/);
        if (memory === "nested") {
          // Exactly the native run's port I/O, its timer interrupts, and the final HALT.
          expect(exits(t)).toEqual({
            "I/O instruction": ns.portReads + ns.portWrites + WORK_MARKS,
            // Timer exits only if the native run took timer interrupts (its tick is 10^6 instructions).
            ...(ns.trapsByCause.TIMER ? { "external interrupt": ns.trapsByCause.TIMER } : {}),
            halt: 1,
          });
        }
      });
    }
  }

  for (const memory of ["shadow", "nested"]) {
    it(`x86-like/${memory}: port I/O is exactly one exit per IN or OUT, and no real device is touched`, () => {
      const { ns, ts, t, iterations } = both("port-io", "x86-like", memory);
      expect(ns.portReads).toBeGreaterThanOrEqual(iterations);
      expect(exits(t)["I/O instruction"]).toBe(ns.portReads + ns.portWrites + WORK_MARKS);
      expect(ts.portReads + ts.portWrites).toBe(0);
      expect(t.metrics!.events!["virtual port I/O"]).toBe(ns.portReads + ns.portWrites);
    });

    it(`x86-like/${memory}: privileged-register writes, divides by zero and calls stay in the guest`, () => {
      const cr = both("privileged-register-write", "x86-like", memory);
      expect(cr.ts.crWrites).toBeGreaterThanOrEqual(cr.iterations);
      // TPR writes ran in the guest: the only CR exits are PTBR writes (shadow), as many as native has.
      expect(exits(cr.t)["control-register write"] ?? 0).toBe(memory === "shadow" ? cr.ns.crWrites - cr.ts.crWrites : 0);
      const d = both("divide-by-zero", "x86-like", memory);
      expect(d.ts.trapsByCause.DIVIDE).toBe(d.ns.trapsByCause.DIVIDE);
      expect(d.ns.trapsByCause.DIVIDE).toBeGreaterThanOrEqual(d.iterations);
      expect(exits(d.t)["exception DIVIDE"]).toBeUndefined();
      const c = both("call-return", "x86-like", memory);
      expect(totalExits(c.t)).toBeLessThan(c.iterations / 10);
    });
  }

  it("pte-modify: no exit for the page-table writes under nested paging; under shadow paging each is a traced write behind an exit", () => {
    const nested = both("pte-modify", "x86-like", "nested");
    expect(exits(nested.t)).toEqual({
      "I/O instruction": nested.ns.portReads + nested.ns.portWrites + WORK_MARKS,
      // Timer exits only if the native run took timer interrupts (its tick is 10^6 instructions).
      ...(nested.ns.trapsByCause.TIMER ? { "external interrupt": nested.ns.trapsByCause.TIMER } : {}),
      halt: 1,
    });
    // The guest's own TLBI ran in the guest, on the real TLB.
    expect(nested.ts.tlbInvalidations).toBe(nested.ns.tlbInvalidations);
    const shadow = both("pte-modify", "x86-like", "shadow");
    const pf = exits(shadow.t)["exception PAGE_FAULT"]!;
    expect(shadow.t.metrics!.events!["traced page-table writes"]).toBeGreaterThanOrEqual(shadow.iterations);
    expect(pf).toBeGreaterThanOrEqual(shadow.t.metrics!.events!["traced page-table writes"]!);
    expect(shadow.t.metrics!.events!["traced writes carried out"]).toBe(shadow.t.metrics!.events!["traced page-table writes"]);
    // The 2006 cost of that: each iteration an exit and an entry more than native.
    const costs = MACHINE_PROFILES["p4-2006"]!.costs;
    const extra = (shadow.t.cycles!.total - shadow.n.cycles!.total) / shadow.iterations;
    expect(extra).toBeGreaterThan(costs.vmExit + costs.vmEntry);
  });

  it("page faults: under nested paging the guest takes them itself; under shadow paging they exit and are hidden or injected", () => {
    const nested = both("page-fault", "x86-like", "nested");
    expect(nested.ts.trapsByCause.PAGE_FAULT).toBe(nested.ns.trapsByCause.PAGE_FAULT);
    expect(nested.t.metrics!.pageFaultsReflected).toBe(nested.ns.trapsByCause.PAGE_FAULT);
    expect(exits(nested.t)["exception PAGE_FAULT"]).toBeUndefined();
    const shadow = both("page-fault", "x86-like", "shadow");
    // Every page fault the guest saw was injected on entry after an exit.
    expect(shadow.t.metrics!.pageFaultsReflected).toBe(shadow.ns.trapsByCause.PAGE_FAULT);
    expect(shadow.t.metrics!.pageFaultsHidden).toBeGreaterThan(0);
    expect(exits(shadow.t)["exception PAGE_FAULT"]).toBe(shadow.ts.trapsByCause.PAGE_FAULT);
    expect(exits(shadow.t)["exception PAGE_FAULT"]).toBeGreaterThanOrEqual(shadow.ns.trapsByCause.PAGE_FAULT + shadow.t.metrics!.pageFaultsHidden);
  });

  it("the timer is injected at the native run's instructions: one external-interrupt exit per native timer trap", () => {
    for (const memory of ["shadow", "nested"]) {
      // interleave keeps a short time slice (the default tick is 10^6 instructions).
      const r = both("interleave", "x86-like", memory);
      expect(r.ns.trapsByCause.TIMER).toBeGreaterThan(10);
      expect(exits(r.t)["external interrupt"]).toBe(r.ns.trapsByCause.TIMER);
      expect(r.t.metrics!.events!["virtual timer interrupts"]).toBe(r.ns.trapsByCause.TIMER);
    }
  });

  it("modeled cycles on the 2006 machine: a system call and a privileged-register write cost native cycles; port I/O about 5x", () => {
    const costs = MACHINE_PROFILES["nehalem-2009"]!.costs;
    const perIteration = (name: string, memory = "nested") => {
      const { n, t, iterations } = both(name, "x86-like", memory);
      return { native: n.cycles!.total / iterations, hw: t.cycles!.total / iterations, n, t };
    };
    // Nothing but the run's fixed exits (printing, the timer, halt) separates them.
    for (const name of ["syscall", "privileged-register-write"]) {
      const { n, t } = perIteration(name);
      const fixed = totalExits(t) * (costs.vmExit + costs.vmEntry + costs.exitHandling + costs.vmmEmulatePrivileged + costs.deviceEmulation + costs.deviceConsole);
      expect(t.cycles!.total - n.cycles!.total).toBeLessThanOrEqual(fixed + t.metrics!.walkReferences * costs.walkReference);
    }
    // IN from port 0x80: Adams & Agesen measured 3,209 cycles native, 15,826 under VT-x.
    const io = perIteration("port-io", "shadow");
    expect(io.hw / io.native).toBeGreaterThan(4);
    expect(io.hw / io.native).toBeLessThan(6);
  });
});

describe("hardware assist: invalidation exits, when a memory strategy asks for them", () => {
  // Shadow paging does not need them (traced writes keep its shadows coherent); a shadow
  // that asks for them anyway must still give the native run's state, one exit per TLBI/TLBFLUSH.
  for (const profile of ["x86-like", "riscv-like"]) {
    it(`${profile}: pte-modify is equivalent, with one INVALIDATE exit per TLBI and TLBFLUSH of the native run`, () => {
      const s = findScenario("pte-modify");
      const n = runConfiguration(config(profile, "native"), s, modules) as Run;
      expect(stats(n).tlbInvalidations).toBeGreaterThanOrEqual(s.iterations!);
      const hw = config(profile, "hardware-assist", "shadow");
      const { cpu, memory } = strategiesFor(runContainer(hw, modules), hw);
      const attach = memory.attachGuestMode!.bind(memory);
      memory.attachGuestMode = (vm: VmContext, vmcs: VmControl) => {
        const attached = attach(vm, vmcs);
        vmcs.invalidateExiting = true;
        return attached;
      };
      const disk = diskContentsOf(s);
      const e = cpu.execute({
        scenario: s,
        profile: hw.profile,
        image: guestImage(s, hw.profile),
        budget: s.budget,
        machineProfile: hw.machine,
        memory,
        ...(disk ? { diskContents: disk } : {}),
      });
      expect(firstDivergence(n.digest!, digestOf(e))).toBeUndefined();
      expect(e.vmExits["TLB invalidation"]).toBe(stats(n).tlbInvalidations + stats(n).tlbFlushes);
      expect(e.machine!.stats().tlbInvalidations).toBe(0); // none ran in the guest
    });
  }
});
