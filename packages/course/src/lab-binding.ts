// The quiz's runs bound to core with the strategy packages a host loaded: the CLI passes
// what it imported and finds scenarios on disk, a web page its bundled strategies and
// scenarios. Only core's and report's browser-safe names are used, so both can share it.
import type { ContainerModule } from "inversify";
import { guestImage, resolveConfiguration, runConfiguration, symbolize, TraceLog, type ConfigurationSpec, type StrategyInfo } from "@vmlab/core";
import type { Scenario } from "@vmlab/guest";
import { traceSteps } from "@vmlab/report";
import type { QuizLab } from "./lab.js";

export function bindQuizLab(modules: readonly ContainerModule[], catalog: readonly StrategyInfo[], findScenario: (name: string) => Scenario): QuizLab {
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
      // The paravirtual build for a strategy that requires it, for the steps' symbols.
      const cpu = catalog.find((s) => s.kind === "cpu" && s.name === config.cpu);
      const image = guestImage(scenario(name), config.profile, { paravirt: cpu?.requires.paravirtualGuest === true });
      return traceSteps(log.events, { start: options.start, steps: options.steps, symbolize: (pc) => symbolize(image, pc) });
    },
  };
}
