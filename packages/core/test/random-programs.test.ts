// Equivalence on programs nobody wrote by hand: each random user program runs natively
// and under every faithful configuration of every profile; each must print what native
// prints (and, judged on everything, retire the same instructions and leave the same
// state). The seeds: VMLAB_FUZZ_SEED (a base) and VMLAB_FUZZ_COUNT, or a default set.
import { describe, expect, it } from "vitest";
import { RUNTIME_DIR, type Scenario } from "@vmlab/guest";
import { catalogOf, enumerateConfigurations, runConfiguration, type RunResult } from "../src/index.js";
import { builtinModules } from "./helpers.js";
import { randomUserProgram } from "./random-programs.js";

const modules = await builtinModules();
const catalog = catalogOf(modules);
const BASE = Number(process.env.VMLAB_FUZZ_SEED ?? 20261204);
const COUNT = Number(process.env.VMLAB_FUZZ_COUNT ?? 6);

function scenarioOf(seed: number, source: string): Scenario {
  const sources = [{ name: "random.s", file: `${RUNTIME_DIR}random.s`, source }];
  return {
    name: `random-${seed}`,
    description: `random user program, seed ${seed}`,
    stresses: [],
    programs: ["random.s"],
    budget: 3_000_000,
    vms: 1,
    dir: `${RUNTIME_DIR}random-${seed}`,
    sources,
    vmGuests: [{ name: "vm1", sources }],
  } as Scenario;
}

describe("random user programs: every faithful configuration equals native", () => {
  const { configurations } = enumerateConfigurations(catalog, { machines: ["skylake-2015", "p4-2006"] });
  for (let k = 0; k < COUNT; k++) {
    const seed = BASE + k;
    it(`seed ${seed}`, () => {
      const source = randomUserProgram(seed);
      const s = scenarioOf(seed, source);
      const natives = new Map<string, RunResult>();
      for (const config of configurations) {
        if (config.cpu === "native") continue;
        // Trap-and-emulate on x86-like diverges by design (its kernel's PUSHF, POPF, RDMODE).
        if (config.cpu === "trap-emulate" && config.profile.name === "x86-like") continue;
        const key = `${config.profile.name}|${config.machine.name}`;
        let native = natives.get(key);
        if (!native) {
          native = runConfiguration({ ...config, cpu: "native", memory: "direct", label: "native" }, s, modules);
          expect(native.outcome, `seed ${seed}: the native run halts\n${source}`).toBe("halt");
          natives.set(key, native);
        }
        const r = runConfiguration(config, s, modules, { reference: native.digest! });
        expect(r.properties!.equivalent, `seed ${seed} under ${config.label} on ${config.machine.name}: ${r.properties!.divergence?.detail}\n${source}`).toBe(true);
      }
    });
  }
});
