// The quiz's runs, bound to core with the strategy packages the command loaded.
import type { ContainerModule } from "inversify";
import { type ConfigurationSpec, type StrategyInfo, resolveConfiguration, runConfiguration, symbolize, TraceLog } from "@vmlab/core";
import type { QuizLab } from "@vmlab/course";
import { findScenario, type Scenario } from "@vmlab/guest";
import { traceSteps } from "@vmlab/report";
import { imageFor } from "./strategies.js";

export function quizLab(modules: readonly ContainerModule[], catalog: readonly StrategyInfo[]): QuizLab {
  const scenarios = new Map<string, Scenario>();
  const scenario = (name: string): Scenario => {
    let s = scenarios.get(name);
    if (!s) scenarios.set(name, (s = findScenario(name)));
    return s;
  };
  return {
    run: (spec: ConfigurationSpec, name: string, options = {}) => {
      const { execution: _e, vmExecutions: _v, ...result } = runConfiguration(resolveConfiguration(spec, catalog), scenario(name), modules, options);
      return result;
    },
    traceSteps: (spec, name, options) => {
      const config = resolveConfiguration(spec, catalog);
      const log = new TraceLog(options.events);
      runConfiguration(config, scenario(name), modules, { trace: log });
      const image = imageFor(scenario(name), config, catalog);
      return traceSteps(log.events, { start: options.start, steps: options.steps, symbolize: (pc) => symbolize(image, pc) });
    },
  };
}
