// The matrix runner: scenarios × configurations across worker threads. Native runs
// first for each scenario and profile, as the reference for equivalence. A cell that
// throws or runs out of budget is reported as such; the others still run.
import { availableParallelism } from "node:os";
import type { Worker } from "node:worker_threads";
import type { Scenario } from "@vmlab/guest";
import { cyclesOf, judgeEquivalence } from "./run.js";
import { configurationLabel, isReference, machineName, REFERENCE, type Configuration, type ConfigurationRecord } from "./configuration.js";
import type { GuestDigest } from "./equivalence.js";
import type { RunResult } from "./run-result.js";
import type { ResultCache } from "./matrix-cache.js";
import { startMatrixWorker } from "./worker-thread.js";

export interface MatrixCell {
  readonly scenario: Scenario;
  readonly configuration: Configuration;
}

/** What a worker needs to run a cell, as data: the configuration's record (the worker resolves it with the strategies it loads), and where the scenario and strategies load from. */
export interface CellTask {
  readonly id: number;
  readonly scenarioDir: string;
  readonly configuration: ConfigurationRecord;
  readonly strategyPackages: readonly string[];
  readonly budget?: number;
}

/** Worker threads a matrix runs on at most: each loads vmlab and its strategies anew (about 75 MB). */
export const MAX_WORKERS = 32;

export interface MatrixOptions {
  readonly strategyPackages: readonly string[];
  /** Worker threads, at most MAX_WORKERS (default: one per core). */
  readonly workers?: number;
  readonly budget?: number;
  /** After each cell; `cached` when its result came from the cache. */
  readonly onProgress?: (done: number, total: number, last: RunResult, cached: boolean) => void;
  /** Finished cells: a cell found there is not run; a cell run is stored as soon as it ends. */
  readonly cache?: ResultCache;
}

/** A matrix's results name every cell's walker depth, asked for or not. */
function recorded(c: Configuration): ConfigurationRecord {
  return c.withLabel(configurationLabel(c.profile, c.cpu, c.memory, c.host, true)).record;
}

function taskOf(id: number, cell: MatrixCell, options: MatrixOptions): CellTask {
  return {
    id,
    scenarioDir: cell.scenario.dir,
    configuration: recorded(cell.configuration),
    strategyPackages: options.strategyPackages,
    ...(options.budget !== undefined ? { budget: options.budget } : {}),
  };
}

export function errorResult(cell: MatrixCell, message: string): RunResult {
  return { scenario: cell.scenario.name, configuration: cell.configuration.record, outcome: "error", error: message, output: "" };
}

const referenceKey = (scenario: string, c: ConfigurationRecord): string => `${scenario}|${c.profile}|${c.levels ?? ""}|${machineName(c)}`;

/** Cells with the same key run the same guest the same way: one execution serves them all. */
function executionKey(cell: MatrixCell): string {
  const c = cell.configuration.record;
  return `${cell.scenario.dir}|${c.profile}|${c.levels ?? ""}|${c.cpu}|${c.memory}|${cell.configuration.host}|${JSON.stringify(cell.configuration.machine.features)}`;
}

/** A result for another machine profile: the same counted events at its costs. */
function repriced(r: RunResult, config: Configuration): RunResult {
  if (machineName(r.configuration) === config.machine.name) return r;
  const costs = config.machine.costs;
  return {
    ...r,
    configuration: recorded(config),
    ...(r.counts ? { cycles: cyclesOf(costs, r.counts) } : {}),
    ...(r.region ? { region: { ...r.region, cycles: cyclesOf(costs, r.region.counts) } } : {}),
  };
}

/** Runs every cell; results come back in the order of `cells`. */
export async function runMatrix(cells: readonly MatrixCell[], options: MatrixOptions): Promise<RunResult[]> {
  const results: RunResult[] = new Array(cells.length);
  const isNative = (c: MatrixCell) => isReference(c.configuration);
  // Native references for every scenario/profile/machine in the matrix, run first.
  const natives = cells.map((c, i) => ({ c, i })).filter(({ c }) => isNative(c));
  const others = cells.map((c, i) => ({ c, i })).filter(({ c }) => !isNative(c));
  const extraRefs: MatrixCell[] = [];
  const haveRef = new Set(natives.map(({ c }) => referenceKey(c.scenario.name, c.configuration.record)));
  for (const { c } of others) {
    const key = referenceKey(c.scenario.name, c.configuration.record);
    if (!haveRef.has(key)) {
      haveRef.add(key);
      // Labelled as the matrix's own native cell would be: the results cache holds one for both.
      const label = `${c.configuration.label.split("/")[0]}/${REFERENCE.cpu}/${REFERENCE.memory}`;
      extraRefs.push({ scenario: c.scenario, configuration: c.configuration.reference(label) });
    }
  }
  const total = cells.length;
  let done = 0;
  // Started on the first cell the cache does not hold: a matrix found whole starts no worker.
  let pool: WorkerPool | undefined;
  const startPool = () => (pool ??= new WorkerPool(Math.max(1, Math.min(options.workers ?? availableParallelism(), MAX_WORKERS, cells.length + extraRefs.length))));
  try {
    const refResults = new Map<string, GuestDigest | undefined>();
    // A run's events do not depend on the machine's costs, only on its features: each
    // execution runs once and is priced for every machine profile with the same features.
    const executions = new Map<string, Promise<RunResult>>();
    const fromCache = new Set<number>();
    const run = async (cell: MatrixCell, id: number): Promise<RunResult> => {
      const cached = options.cache?.get(cell.scenario, cell.configuration, options.budget);
      if (cached) {
        fromCache.add(id);
        return cached;
      }
      const key = executionKey(cell);
      let execution = executions.get(key);
      if (!execution) {
        execution = startPool().run(taskOf(id, cell, options));
        executions.set(key, execution);
      }
      let result: RunResult;
      try {
        result = repriced(await execution, cell.configuration);
      } catch (e) {
        // Not stored: a worker that died (out of memory) may not die the next time.
        return errorResult(cell, (e as Error).message);
      }
      options.cache?.put(cell.scenario, cell.configuration, options.budget, result);
      return result;
    };
    await Promise.all([
      ...natives.map(async ({ c, i }) => {
        results[i] = await run(c, i);
        refResults.set(referenceKey(c.scenario.name, results[i]!.configuration), results[i]!.digest);
        options.onProgress?.(++done, total, results[i]!, fromCache.has(i));
      }),
      ...extraRefs.map(async (c, k) => {
        const r = await run(c, cells.length + k);
        refResults.set(referenceKey(c.scenario.name, r.configuration), r.digest);
      }),
    ]);
    await Promise.all(
      others.map(async ({ c, i }) => {
        const r = await run(c, i);
        results[i] = judgeEquivalence(r, refResults.get(referenceKey(c.scenario.name, r.configuration)));
        options.onProgress?.(++done, total, results[i]!, fromCache.has(i));
      }),
    );
    for (const { c, i } of natives) results[i] = judgeEquivalence(results[i]!, refResults.get(referenceKey(c.scenario.name, results[i]!.configuration)));
  } finally {
    await pool?.close();
  }
  return results;
}

/** A small pool of worker threads running cells. */
class WorkerPool {
  private readonly idle: Worker[] = [];
  private readonly waiting: ((w: Worker) => void)[] = [];
  private readonly all: Worker[] = [];

  constructor(size: number) {
    for (let k = 0; k < size; k++) this.idle.push(this.spawn());
  }

  private spawn(): Worker {
    const w = startMatrixWorker();
    this.all.push(w);
    return w;
  }

  private acquire(): Promise<Worker> {
    const w = this.idle.pop();
    if (w) return Promise.resolve(w);
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  private release(w: Worker): void {
    const next = this.waiting.shift();
    if (next) next(w);
    else this.idle.push(w);
  }

  async run(task: CellTask): Promise<RunResult> {
    let w = await this.acquire();
    try {
      return await new Promise<RunResult>((resolve, reject) => {
        const onMessage = (m: { id: number; result?: RunResult; error?: string }) => {
          if (m.id !== task.id) return;
          cleanup();
          if (m.result) resolve(m.result);
          else reject(new Error(m.error ?? "worker failed"));
        };
        const onError = (e: Error) => {
          cleanup();
          reject(e);
        };
        const onExit = (code: number) => {
          cleanup();
          reject(new Error(`worker stopped (exit code ${code})`));
        };
        const cleanup = () => {
          w.off("message", onMessage);
          w.off("error", onError);
          w.off("exit", onExit);
        };
        w.on("message", onMessage);
        w.on("error", onError);
        w.on("exit", onExit);
        w.postMessage(task);
      });
    } catch (e) {
      // The worker died with the cell (out of memory, a crash): the next cell gets a new one.
      void w.terminate();
      w = this.spawn();
      throw e;
    } finally {
      this.release(w);
    }
  }

  async close(): Promise<void> {
    await Promise.all(this.all.map((w) => w.terminate()));
  }
}
