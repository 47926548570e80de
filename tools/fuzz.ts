// pnpm fuzz [--seed S] [--count N] [--kind user|kernel|both] [--jobs J] [--user-sensitive]:
// equivalence on N random user programs and N random kernels from seed S (the test suite
// runs a few from a fixed seed; this runs as many as asked), J worker threads at a time.
// Each program's verdict is printed as it comes; a kernel that diverges is shrunk and
// printed with its seed. --user-sensitive lets x86-like's user segments run PUSHF, POPF,
// RDMODE and RDTVEC (a divergence the model predicts; left out by default).
import { availableParallelism } from "node:os";
import { parseArgs } from "node:util";
import { startTypeScriptWorker } from "../packages/core/src/worker-thread.js";
import type { FuzzJob, FuzzVerdict } from "./fuzz-worker.js";

function fail(message: string): never {
  process.stderr.write(`fuzz: ${message}\n`);
  process.exit(2);
}

let values: { seed?: string; count?: string; kind?: string; jobs?: string; "user-sensitive"?: boolean };
try {
  ({ values } = parseArgs({
    options: { seed: { type: "string" }, count: { type: "string" }, kind: { type: "string" }, jobs: { type: "string" }, "user-sensitive": { type: "boolean" } },
  }));
} catch (e) {
  fail((e as Error).message);
}
const seedText = values.seed ?? String(Date.now() % 1_000_000_007);
const countText = values.count ?? "50";
const jobsText = values.jobs ?? String(Math.max(1, Math.min(availableParallelism(), 4)));
const kind = values.kind ?? "both";
for (const [flag, v] of [
  ["--seed", seedText],
  ["--count", countText],
  ["--jobs", jobsText],
] as const) {
  if (!/^\d+$/.test(v) || !Number.isSafeInteger(Number(v))) fail(`${flag} must be a non-negative integer (got '${v}')`);
}
if (!["user", "kernel", "both"].includes(kind)) fail(`--kind must be user, kernel or both (got '${kind}')`);
const seed = Number(seedText);
const count = Number(countText);
const jobs = Math.max(1, Number(jobsText));

// Kernels and user programs by turns, so a partial run has tried both.
const queue: FuzzJob[] = [];
for (let k = 0; k < count; k++) {
  if (kind !== "user") queue.push({ kind: "kernel", seed: seed + k });
  if (kind !== "kernel") queue.push({ kind: "user", seed: seed + k });
}
const total = queue.length;
const what = [kind !== "kernel" ? `${count} random user programs` : "", kind !== "user" ? `${count} random kernels` : ""].filter(Boolean).join(" and ");
process.stderr.write(`fuzz: ${what} from seed ${seed}, ${jobs} at a time\n`);

const started = Date.now();
let done = 0;
const failures: FuzzVerdict[] = [];
const counts = { user: 0, kernel: 0 };
const width = String(total).length;

await Promise.all(
  Array.from(
    { length: Math.min(jobs, total) },
    () =>
      new Promise<void>((resolve, reject) => {
        const worker = startTypeScriptWorker(new URL("./fuzz-worker.ts", import.meta.url), { workerData: { userSensitive: values["user-sensitive"] === true } });
        const next = () => {
          const job = queue.shift();
          if (job) worker.postMessage(job);
          else void worker.terminate().then(() => resolve());
        };
        worker.on("message", (m: FuzzVerdict | "ready") => {
          if (m !== "ready") {
            done++;
            counts[m.kind]++;
            const verdict = m.failure ? "DIVERGES" : "ok";
            process.stdout.write(`[${String(done).padStart(width)}/${total}] ${m.kind.padEnd(6)} seed ${m.seed}  ${verdict}  ${(m.ms / 1000).toFixed(1)} s\n`);
            if (m.failure) {
              failures.push(m);
              process.stdout.write(`${m.failure}\n`);
            }
          }
          next();
        });
        worker.on("error", reject);
        worker.on("exit", (code) => (code === 0 || code === 1 ? resolve() : reject(new Error(`a fuzz worker exited with ${code}`))));
      }),
  ),
);

const seconds = ((Date.now() - started) / 1000).toFixed(0);
process.stderr.write(
  `fuzz: seed ${seed}: ${counts.user} user programs and ${counts.kernel} kernels checked, ${failures.length} diverging in ${seconds} s` +
    (failures.length ? ` (${failures.map((f) => `${f.kind} ${f.seed}`).join(", ")})` : "") +
    "\n",
);
process.exit(failures.length > 0 || done < total ? 1 : 0);
