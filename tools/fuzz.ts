// pnpm fuzz [--seed S] [--count N] [--kind user|kernel|both] [--user-sensitive]:
// equivalence on N random user programs and N random kernels from seed S (the test suite
// runs a few from a fixed seed; this runs as many as asked). A kernel that diverges is
// shrunk and printed with its seed. --user-sensitive lets x86-like's user segments run
// PUSHF, POPF, RDMODE and RDTVEC (left out by default).
import { parseArgs } from "node:util";
import { startVitest } from "vitest/node";

const { values } = parseArgs({
  options: { seed: { type: "string" }, count: { type: "string" }, kind: { type: "string" }, "user-sensitive": { type: "boolean" } },
});
const seed = values.seed ?? String(Date.now() % 1_000_000_007);
const count = values.count ?? "50";
const kind = values.kind ?? "both";
for (const [flag, v] of [["--seed", seed], ["--count", count]] as const) {
  if (!/^\d+$/.test(v)) {
    process.stderr.write(`fuzz: ${flag} must be a non-negative integer (got '${v}')\n`);
    process.exit(2);
  }
}
if (!["user", "kernel", "both"].includes(kind)) {
  process.stderr.write(`fuzz: --kind must be user, kernel or both (got '${kind}')\n`);
  process.exit(2);
}
process.env.VMLAB_FUZZ_SEED = seed;
process.env.VMLAB_FUZZ_COUNT = count;
if (values["user-sensitive"]) process.env.VMLAB_FUZZ_USER_SENSITIVE = "1";
const files = [
  ...(kind !== "kernel" ? ["packages/core/test/random-programs.test.ts"] : []),
  ...(kind !== "user" ? ["packages/core/test/random-kernels.test.ts"] : []),
];
const what = [kind !== "kernel" ? `${count} random user programs` : "", kind !== "user" ? `${count} random kernels` : ""].filter(Boolean).join(" and ");
process.stderr.write(`fuzz: ${what} from seed ${seed}\n`);
const started = Date.now();
// One file at a time: the machine is shared.
const vitest = await startVitest("test", files, { watch: false, fileParallelism: false });
// The programs that failed (tests only: getCountOfFailedTests also counts their suite and file).
type Task = { type: string; result?: { state?: string }; tasks?: Task[] };
const failedTests = (t: Task): number => (t.type === "test" ? (t.result?.state === "fail" ? 1 : 0) : (t.tasks ?? []).reduce((n, c) => n + failedTests(c), 0));
const failed = vitest ? (vitest.state.getFiles() as Task[]).reduce((n, f) => n + failedTests(f), 0) : 1;
await vitest?.close();
process.stderr.write(`fuzz: ${failed} diverging program${failed === 1 ? "" : "s"} in ${((Date.now() - started) / 1000).toFixed(0)} s\n`);
process.exit(failed > 0 || (process.exitCode ?? 0) !== 0 ? 1 : 0);
