// One fuzz worker thread: checks the programs the main thread sends, one at a time,
// and answers each with its verdict and how long it took.
import { fileURLToPath } from "node:url";
import { parentPort, workerData } from "node:worker_threads";
import { BUILTIN_STRATEGY_PACKAGES, importStrategyModules, resolveStrategyPackage } from "../packages/core/src/index.js";
import { checkKernel, checkUserProgram, reportKernelFailure, reportUserFailure, targets, targetsForSeed } from "../packages/core/test/random-check.js";

export interface FuzzJob {
  readonly kind: "user" | "kernel";
  readonly seed: number;
}
export interface FuzzVerdict extends FuzzJob {
  readonly failure?: string;
  readonly ms: number;
}

const root = fileURLToPath(new URL("..", import.meta.url));
const modules = await importStrategyModules(BUILTIN_STRATEGY_PACKAGES.map((p) => resolveStrategyPackage(p, root)));
const all = targets(modules, true);
const options = { userSensitive: (workerData as { userSensitive?: boolean }).userSensitive === true };

parentPort!.on("message", (job: FuzzJob) => {
  const started = performance.now();
  let failure: string | undefined;
  try {
    if (job.kind === "user") {
      const f = checkUserProgram(job.seed, modules);
      failure = f && reportUserFailure(f);
    } else {
      const f = checkKernel(job.seed, targetsForSeed(all, job.seed), modules, options);
      failure = f && reportKernelFailure(f);
    }
  } catch (e) {
    failure = `${job.kind} seed ${job.seed}: vmlab threw ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`;
  }
  parentPort!.postMessage({ ...job, ...(failure ? { failure } : {}), ms: performance.now() - started } satisfies FuzzVerdict);
});
parentPort!.postMessage("ready");
