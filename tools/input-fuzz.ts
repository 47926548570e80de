// Settings shared by the bad-input fuzz suites (assembler, image files, scenario files, CLI
// options). Each runs a fixed seed in the test command; VMLAB_INPUT_FUZZ_SEED and
// VMLAB_INPUT_FUZZ_RUNS run another seed or more inputs, e.g.
//   VMLAB_INPUT_FUZZ_SEED=7 VMLAB_INPUT_FUZZ_RUNS=5000 npx vitest run packages/isa/test/asm-fuzz.test.ts
// On a failure fast-check prints the seed, the path and the shrunk input.
import type { Parameters } from "fast-check";

export function inputFuzzParameters<T>(defaultSeed: number, defaultRuns: number): Parameters<T> {
  const seed = Number(process.env.VMLAB_INPUT_FUZZ_SEED ?? defaultSeed);
  const numRuns = Number(process.env.VMLAB_INPUT_FUZZ_RUNS ?? defaultRuns);
  if (!Number.isSafeInteger(seed) || !Number.isSafeInteger(numRuns) || numRuns < 1) {
    throw new Error(`VMLAB_INPUT_FUZZ_SEED and VMLAB_INPUT_FUZZ_RUNS must be integers (got '${seed}', '${numRuns}')`);
  }
  return { seed, numRuns };
}
