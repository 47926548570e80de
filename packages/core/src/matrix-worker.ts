// A matrix worker: rebuilds each cell from plain data and runs it.
import "reflect-metadata";
import { parentPort } from "node:worker_threads";
import type { ContainerModule } from "inversify";
import { loadScenario } from "@vmlab/guest";
import { catalogOf } from "./container.js";
import { resolveConfiguration, type Configuration } from "./configuration.js";
import type { MachineProfile } from "./machine-profiles.js";
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
    const resolved = resolveConfiguration(
      { profile: task.spec.profile, ...(task.spec.levels !== undefined ? { levels: task.spec.levels } : {}), cpu: task.spec.cpu, memory: task.spec.memory, machine: task.spec.machineProfile as MachineProfile, host: task.spec.host },
      catalogOf(modules),
    );
    const config: Configuration = resolved;
    const { execution: _e, vmExecutions: _v, ...result } = runConfiguration(config, scenario, modules, task.budget !== undefined ? { budget: task.budget } : {});
    void _e;
    void _v;
    parentPort!.postMessage({ id: task.id, result });
  } catch (e) {
    parentPort!.postMessage({ id: task.id, error: (e as Error).message });
  }
});
