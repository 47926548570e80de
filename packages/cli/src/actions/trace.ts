// The work of `vmlab trace`, imported only when it runs (see commands/lazy.ts).
import { runConfiguration, symbolize, TraceLog } from "@vmlab/core";
import { traceSteps, traceTable } from "@vmlab/report";
import { configurationOrFail, imageFor, loadStrategies, scenarioOrFail } from "../strategies.js";
import { type TraceStart } from "@vmlab/report";
import { EXIT } from "../errors.js";
import { printJson } from "../options.js";
import { terminalWidth } from "../terminal.js";
import { EVENT_LIMIT } from "../commands/trace.js";

export default async function traceAction(name: string, o: {
          profile: string; levels?: number; cpu: string; memory?: string; machine: string; events: number; start: TraceStart; all?: boolean;
          budget?: number; config?: string; json?: boolean;
        }): Promise<void> {
  const { modules, catalog } = await loadStrategies(o.config);
  const scenario = scenarioOrFail(name);
  const config = configurationOrFail(
    { profile: o.profile, ...(o.levels !== undefined ? { levels: o.levels } : {}), machine: o.machine, cpu: o.cpu, ...(o.memory ? { memory: o.memory } : {}) },
    catalog,
  );
  const log = new TraceLog(EVENT_LIMIT);
  runConfiguration(config, scenario, modules, { trace: log, ...(o.budget !== undefined ? { budget: o.budget } : {}) });
  const image = imageFor(scenario, config, catalog);
  const steps = traceSteps(log.events, { start: o.start, steps: o.events, all: o.all === true, symbolize: (pc) => symbolize(image, pc) });
  const columns = config.cpu === "native" ? 2 : 3;
  if (o.json) {
    printJson({ scenario: scenario.name, configuration: config.label, columns, start: o.start, steps });
    return;
  }
  process.stdout.write(`${scenario.name} on ${config.label}, from ${o.start === "user" ? "the first step of a user process" : `the first ${o.start}`}:\n`);
  if (steps.length === 0) {
    process.stdout.write(`(no ${o.start} event in this run)\n`);
    process.exitCode = EXIT.failed;
    return;
  }
  process.stdout.write(traceTable(steps, columns, terminalWidth()));
}
