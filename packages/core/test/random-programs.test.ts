// Equivalence on programs nobody wrote by hand: each random user program runs natively
// and under every faithful configuration of every profile; each must print what native
// prints (and, judged on everything, retire the same instructions and leave the same
// state). The seeds: VMLAB_FUZZ_SEED (a base) and VMLAB_FUZZ_COUNT, or a default set.
import { describe, expect, it } from "vitest";
import { builtinModules } from "./helpers.js";
import { checkUserProgram, reportUserFailure } from "./random-check.js";

const modules = await builtinModules();
const BASE = Number(process.env.VMLAB_FUZZ_SEED ?? 20261204);
const COUNT = Number(process.env.VMLAB_FUZZ_COUNT ?? 6);

describe("random user programs: every faithful configuration equals native", () => {
  for (let k = 0; k < COUNT; k++) {
    const seed = BASE + k;
    it(`seed ${seed}`, () => {
      const failure = checkUserProgram(seed, modules);
      expect(failure, failure && reportUserFailure(failure)).toBeUndefined();
    });
  }
});
