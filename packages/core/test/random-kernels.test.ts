// Equivalence on kernels nobody wrote by hand: each random kernel (random-kernels.ts)
// runs natively, where it must halt, and under every faithful configuration of every
// profile (walker profiles at depth 2, 3 or 4 by turns), on a machine with every
// feature and one with the fewest; each must equal native on everything: console,
// outcome, instructions retired, registers and memory. A divergence is shrunk with
// fast-check and reported with its seed and the smallest kernel that still diverges.
// The seeds: VMLAB_FUZZ_SEED (a base) and VMLAB_FUZZ_COUNT, or a default set;
// VMLAB_FUZZ_USER_SENSITIVE=1 lets x86-like's user segments run its unprivileged
// sensitive instructions (PUSHF, POPF, RDMODE, RDTVEC), a predicted divergence under
// monitors that run user code directly, so left out by default.
import { describe, expect, it } from "vitest";
import { builtinModules } from "./helpers.js";
import { checkKernel, reportKernelFailure, targets, targetsForSeed } from "./random-check.js";

const modules = await builtinModules();
const all = targets(modules, true);
const BASE = Number(process.env.VMLAB_FUZZ_SEED ?? 20261204);
const COUNT = Number(process.env.VMLAB_FUZZ_COUNT ?? 6);
const options = { userSensitive: process.env.VMLAB_FUZZ_USER_SENSITIVE === "1" };

describe("random kernels: every faithful configuration equals native", () => {
  for (let k = 0; k < COUNT; k++) {
    const seed = BASE + k;
    it(`kernel seed ${seed}`, () => {
      const failure = checkKernel(seed, targetsForSeed(all, seed), modules, options);
      expect(failure, failure && reportKernelFailure(failure)).toBeUndefined();
    });
  }
});
