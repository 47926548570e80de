// A matrix worker: resolves each cell's configuration record with the strategies it loaded, and runs it.
import "reflect-metadata";
import { parentPort } from "node:worker_threads";
import type { ContainerModule } from "inversify";
import { loadScenario } from "@vmlab/guest";
import { importStrategyModules } from "./plugins.js";
import { catalogOf } from "./container.js";
import { resolveConfiguration, type StrategyInfo } from "./index.js";
import { runConfiguration } from "./run.js";
import type { CellTask } from "./matrix.js";

const loaded = new Map<string, { modules: ContainerModule[]; catalog: StrategyInfo[] }>();

parentPort!.on("message", async (task: CellTask) => {
  try {
    const key = task.strategyPackages.join("\n");
    let strategies = loaded.get(key);
    if (!strategies) {
      const modules = await importStrategyModules(task.strategyPackages);
      strategies = { modules, catalog: catalogOf(modules) };
      loaded.set(key, strategies);
    }
    const scenario = loadScenario(task.scenarioDir);
    const configuration = resolveConfiguration(task.configuration, strategies.catalog);
    const { execution: _e, vmExecutions: _v, ...result } = runConfiguration(configuration, scenario, strategies.modules, task.budget !== undefined ? { budget: task.budget } : {});
    void _e;
    void _v;
    parentPort!.postMessage({ id: task.id, result });
  } catch (e) {
    parentPort!.postMessage({ id: task.id, error: (e as Error).message });
  }
});
