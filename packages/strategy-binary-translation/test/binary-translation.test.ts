import { describe, expect, it } from "vitest";
import { findScenario, listScenarios } from "@vmlab/guest";
import { CATEGORIES, guestImage, Ledger, MACHINE_PROFILES, priceEvents, runConfiguration, type Configuration, type GuestSession, type RunResult } from "@vmlab/core";
import { assemble, getProfile, type Image } from "@vmlab/isa";
import { ShadowMemory } from "@vmlab/paging-shadow";
import { SoftwareTlbMemory } from "@vmlab/paging-software-tlb";
import { NativeCpu, DirectMemory } from "@vmlab/strategy-native";
import { BinaryTranslationCpu } from "../src/index.js";
import { strategyLab } from "@vmlab/test-support";

const lab = await strategyLab();
const { modules } = lab;
const config = (profile: string, cpu: string, levels?: number): Configuration => lab.config({ profile, cpu, levels });
const ev = (r: RunResult, name: string): number => r.metrics!.events?.[name] ?? 0;

const PROFILES: [string, number?][] = [["mips-like"], ["riscv-like"], ["x86-like"], ["x86-like", 4]];

for (const [profile, levels] of PROFILES) {
  describe(`binary translation on ${profile}${levels ? ` (${levels} levels)` : ""}`, () => {
    const bt = config(profile, "binary-translation", levels);
    const scenarios = levels ? ["syscall", "pte-modify", "forkwait", "kernel-build"].map((n) => findScenario(n)) : listScenarios();
    for (const s of scenarios) {
      // The red pill's processes run x86-like's user-sensitive instructions, which user
      // code runs directly here too: Theorem 3's divergence (see red-pill.test.ts).
      const theorem3 = profile === "x86-like" && s.name === "red-pill";
      it(`${s.name}: ${theorem3 ? "diverges as Theorem 3 predicts" : "equivalent to native"}`, () => {
        const { run: t } = lab.againstNative(bt, s);
        if (theorem3) expect(t.properties!.divergence?.predicted?.theorem).toBe(3);
        else {
          expect(t.properties!.equivalent, t.properties!.divergence?.detail).toBe(true);
          expect(t.properties!.resourceControl.violations).toEqual([]);
          // Faithful where trap-and-emulate is not: no sensitive instruction ran unnoticed.
          expect(t.properties!.sensitiveUntrapped).toBeUndefined();
        }
        // The kernel's never do: they are translated into callouts.
        expect(t.properties!.sensitiveUntrapped?.filter((u) => u.mode === "kernel") ?? []).toEqual([]);
        const m = t.metrics!;
        expect(m.executedDirectly + m.emulated + m.translated).toBe(m.guestInstructions);
        expect(m.translated).toBeGreaterThan(0);
        expect(CATEGORIES.reduce((a, c) => a + t.cycles!.byCategory[c], 0)).toBe(t.cycles!.total);
        expect(t.cycles!.byCategory.translation).toBeGreaterThan(0);
      });
    }
    it("a budget that ends mid-run stops at the same guest state as native", () => {
      for (const name of ["page-fault", "context-switch", "forkwait", "tlb-pressure"]) {
        for (const budget of [20_011, 61_337, 300_001]) {
          const s = findScenario(name);
          const { run: t } = lab.againstNative(bt, s, { budget });
          expect(t.properties!.equivalent, `${name}@${budget}: ${t.properties!.divergence?.detail}`).toBe(true);
        }
      }
    });
  });
}

/** Runs a bare image in kernel mode under a CPU strategy (no scenario, no kernel). */
function runImage(image: Image, profile: string, strategy: "native" | "bt", budget = 100_000) {
  const machineProfile = MACHINE_PROFILES["p4-2006"]!;
  const p = getProfile(profile);
  const memory = strategy === "native" ? new DirectMemory() : p.mmu.kind === "walker" ? new ShadowMemory() : new SoftwareTlbMemory();
  const session: GuestSession = {
    scenario: { name: "inline", dir: "(inline)" } as unknown as GuestSession["scenario"],
    profile: p,
    image,
    budget,
    machineProfile,
    memory,
  };
  if (strategy === "native") return { e: new NativeCpu().execute(session) };
  const cpu = new BinaryTranslationCpu();
  return { e: cpu.execute(session), cpu };
}

// Kernel-mode code that rewrites its own instructions: an immediate it then executes
// (in another block of the same page), and the very next instruction after the store
// (in the same block). Hand-worked output: the first loop prints 1, 2, 3 as the
// rewritten `addi` adds 1, 2, 3; the second prints 'A' + 5 = 'F' because the `addi r1,
// r1, 0` after the store has become `addi r1, r1, 5` before it runs.
const SELF_MODIFYING = `
        .org 0x80001000
start:  li      r15, 0x80003000
        li      r5, 0
        li      r6, 3
loop:   li      r1, 0
target: addi    r1, r1, 1
        addi    r1, r1, 48
        out     r1, 0x10
        la      r2, target
        lw      r3, 0(r2)
        addi    r3, r3, 1
        sw      r3, 0(r2)
        addi    r5, r5, 1
        cmp     r5, r6
        blt     loop
        li      r1, 65
        la      r2, next
        lw      r3, 0(r2)
        ori     r3, r3, 5
        sw      r3, 0(r2)
next:   addi    r1, r1, 0
        out     r1, 0x10
        li      r1, 10
        out     r1, 0x10
        halt
`;

describe("binary translation: the translation cache", () => {
  for (const profile of ["mips-like", "riscv-like", "x86-like"]) {
    it(`self-modifying kernel code behaves as on bare metal (${profile})`, () => {
      const image = assemble(SELF_MODIFYING, { file: "smc.s" });
      const n = runImage(image, profile, "native");
      const t = runImage(image, profile, "bt");
      expect(n.e.output).toBe("123F\n");
      expect(t.e.output).toBe("123F\n");
      expect(t.e.guestInstructions).toBe(n.e.guestInstructions);
      expect(Array.from(t.e.guestRegisters)).toEqual(Array.from(n.e.guestRegisters));
      expect(t.e.events!["translations invalidated"]).toBeGreaterThanOrEqual(4);
    });
  }

  it("a block is translated once and reused: 1000 system calls hit the cache", () => {
    const s = findScenario("syscall");
    const t = runConfiguration(config("x86-like", "binary-translation"), s, modules);
    expect(ev(t, "translation-cache hits")).toBeGreaterThan(s.iterations!);
    // Translation work is bounded by the size of the code, not by how often it runs.
    const words = guestImage(s, getProfile("x86-like")).segments.reduce((a, g) => a + g.bytes.length / 4, 0);
    expect(ev(t, "translations invalidated")).toBe(0);
    expect(ev(t, "instructions translated")).toBeLessThan(words);
    expect(ev(t, "instructions translated")).toBeLessThan(t.metrics!.translated / 20);
  });

  it("adaptive retranslation removes the repeated traps of pte-modify, with the same output", () => {
    const s = findScenario("pte-modify");
    const profile = getProfile("x86-like");
    const run = (adaptive: boolean) => {
      const machineProfile = MACHINE_PROFILES["p4-2006"]!;
      const cpu = new BinaryTranslationCpu();
      cpu.adaptive = adaptive;
      const e = cpu.execute({ scenario: s, profile, image: guestImage(s, profile), budget: s.budget, machineProfile, memory: new ShadowMemory() });
      return { e, cycles: priceEvents(new Ledger(), machineProfile.costs, e.counts).total() };
    };
    const without = run(false);
    const adapted = run(true);
    expect(adapted.e.output).toBe(without.e.output);
    expect(adapted.e.output).toBe("pte-modify: 1000 done\n");
    // Without it every rewrite of the page-table entry is a write-protection trap.
    expect(without.e.traps.PAGE_FAULT).toBeGreaterThanOrEqual(s.iterations!);
    expect(adapted.e.traps.PAGE_FAULT).toBeLessThan(without.e.traps.PAGE_FAULT! - s.iterations! + 10);
    expect(adapted.e.events!["adaptive retranslations"]).toBeGreaterThanOrEqual(1);
    expect(adapted.e.events!["page-table writes by adaptive callout"]).toBeGreaterThanOrEqual(s.iterations! - 10);
    expect(adapted.cycles).toBeLessThan(without.cycles);
  });
});
