// pnpm fuzz [--seed S] [--count N]: equivalence on N random user programs from seed S
// (the test suite runs a few from a fixed seed; this runs as many as asked).
import { parseArgs } from "node:util";
import { startVitest } from "vitest/node";

const { values } = parseArgs({ options: { seed: { type: "string" }, count: { type: "string" } } });
const seed = values.seed ?? String(Date.now() % 1_000_000_007);
const count = values.count ?? "50";
for (const [flag, v] of [["--seed", seed], ["--count", count]] as const) {
  if (!/^\d+$/.test(v)) {
    process.stderr.write(`fuzz: ${flag} must be a non-negative integer (got '${v}')\n`);
    process.exit(2);
  }
}
process.env.VMLAB_FUZZ_SEED = seed;
process.env.VMLAB_FUZZ_COUNT = count;
process.stderr.write(`fuzz: ${count} random user programs from seed ${seed}\n`);
const vitest = await startVitest("test", ["packages/core/test/random-programs.test.ts"], { watch: false });
const failed = vitest ? vitest.state.getCountOfFailedTests() : 1;
await vitest?.close();
process.exit(failed > 0 || (process.exitCode ?? 0) !== 0 ? 1 : 0);
