// A matrix worker: runs each cell's configuration as the main thread resolved it.
import "reflect-metadata";
import { parentPort } from "node:worker_threads";
import type { ContainerModule } from "inversify";
import { loadScenario } from "@vmlab/guest";
import { importStrategyModules } from "./plugins.js";
import { runConfiguration } from "./run.js";
import type { CellTask } from "./matrix.js";

const loaded = new Map<string, ContainerModule[]>();

parentPort!.on("message", async (task: CellTask) => {
  try {
    const key = task.strategyPackages.join("\n");
    let modules = loaded.get(key);
    if (!modules) {
      modules = await importStrategyModules(task.strategyPackages);
      loaded.set(key, modules);
    }
    const scenario = loadScenario(task.scenarioDir);
    const { execution: _e, vmExecutions: _v, ...result } = runConfiguration(task.configuration, scenario, modules, task.budget !== undefined ? { budget: task.budget } : {});
    void _e;
    void _v;
    parentPort!.postMessage({ id: task.id, result });
  } catch (e) {
    parentPort!.postMessage({ id: task.id, error: (e as Error).message });
  }
});
