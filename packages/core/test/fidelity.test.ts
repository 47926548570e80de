// What an expert checks first in the tables: compute-bound work near native under every
// strategy that runs guest code directly or from a translation cache, interpretation far
// from it, and no virtual configuration cheaper than bare metal unless a published
// result says so (port 0x80). Tolerances fixed here before the runs were looked at.
import { describe, expect, it } from "vitest";
import { findScenario } from "@vmlab/guest";
import { enumerateConfigurations, MACHINE_PROFILE_NAMES, runConfiguration, type Configuration, type RunResult } from "../src/index.js";
import { strategyLab } from "@vmlab/test-support";

const lab = await strategyLab();
const { modules, catalog } = lab;

/** Region cycles (the guest's marked work) of `config` over native's, same scenario and machine. */
function regionSlowdown(scenario: string, config: Configuration, natives: Map<string, RunResult>): { slowdown: number; run: RunResult } {
  const s = findScenario(scenario);
  const key = `${scenario}|${config.profile.name}|${config.machine.name}`;
  let native = natives.get(key);
  if (!native) {
    native = runConfiguration(config.reference("native"), s, modules);
    natives.set(key, native);
  }
  const run = runConfiguration(config, s, modules, { reference: native.digest! });
  expect(run.region, `${scenario} under ${config.label} marks its region`).toBeDefined();
  return { slowdown: run.region!.cycles.total / native.region!.cycles.total, run };
}

const faithful = (r: RunResult) => r.properties?.equivalent === true;

describe("compute-bound work", () => {
  const { configurations } = enumerateConfigurations(catalog, { machines: MACHINE_PROFILE_NAMES });
  const natives = new Map<string, RunResult>();
  it("runs within 5% of native under every strategy that runs it directly or translated, on every profile and generation; interpreted, far from it", () => {
    let checked = 0;
    for (const config of configurations) {
      if (config.cpu === "native") continue;
      const { slowdown, run } = regionSlowdown("compute", config, natives);
      if (!faithful(run)) continue; // trap-and-emulate on x86-like: diverges by design
      checked++;
      if (config.cpu === "interpret") expect(slowdown, config.label).toBeGreaterThan(10);
      else {
        expect(slowdown, `${config.label} on ${config.machine.name}`).toBeGreaterThanOrEqual(0.999);
        expect(slowdown, `${config.label} on ${config.machine.name}`).toBeLessThan(1.05);
      }
    }
    expect(checked).toBeGreaterThan(20);
  });
});

describe("nothing beats bare metal without a published reason", () => {
  const natives = new Map<string, RunResult>();
  for (const scenario of ["disk-io", "syscall", "kernel-build", "page-fault"]) {
    it(`${scenario}: every faithful configuration costs at least native's cycles, whole run and region`, () => {
      const { configurations } = enumerateConfigurations(catalog, { machines: ["p4-2006", "skylake-2015"], profiles: ["x86-like", "mips-like"] });
      for (const config of configurations) {
        if (config.cpu === "native") continue;
        const { slowdown, run } = regionSlowdown(scenario, config, natives);
        if (!faithful(run)) continue;
        expect(slowdown, `${scenario} region under ${config.label} on ${config.machine.name}`).toBeGreaterThanOrEqual(0.999);
      }
    });
  }
});

describe("the page-walk cache under a monitor", () => {
  // Where the generation has one, the walker caches whatever tables the real PTBR names
  // (shadow or mirror tables under a monitor): the monitors' invalidations must keep it
  // coherent, as they keep the TLB. Equivalence on the scenarios that edit tables most.
  const { configurations } = enumerateConfigurations(catalog, {
    machines: ["penryn-2008"],
    profiles: ["riscv-like", "x86-like"],
    cpus: ["trap-emulate", "binary-translation", "paravirt"],
  });
  for (const scenario of ["forkwait", "pte-modify", "page-fault", "tlb-pressure", "kernel-build"]) {
    it(`${scenario}: every faithful configuration stays equivalent to native with the cache on`, () => {
      const s = findScenario(scenario);
      for (const config of configurations) {
        if (config.cpu === "trap-emulate" && config.profile.name === "x86-like") continue;
        const native = runConfiguration(config.reference("native"), s, modules);
        const run = runConfiguration(config, s, modules, { reference: native.digest! });
        expect(run.properties!.equivalent, `${config.label}: ${run.properties!.divergence?.detail}`).toBe(true);
        // ... and the cache was in use (walks that skipped levels).
        expect(run.execution.machine!.stats().pageWalkCacheHits, config.label).toBeGreaterThan(0);
      }
    });
  }
});
