import type { Command } from "commander";
import { NAMES } from "../names.js";
import { choiceOption, hostOption, levelsOption, parseCount, parseBudget, profileOption, printJson } from "../options.js";
import { EXIT } from "../errors.js";
import { terminalWidth } from "../terminal.js";
import type { TraceStart } from "@vmlab/report";

/** Raw events recorded at most (a trace is for reading, not for whole long runs). */
export const EVENT_LIMIT = 200_000;

export function register(program: Command): void {
  program
    .command("trace")
    .description("show a run step by step: Process | Operating System | VMM (two columns on bare metal)")
    .argument("<scenario>", "scenario name (see `vmlab list`) or path to a scenario folder")
    .addOption(profileOption())
    .addOption(levelsOption())
    .option("--cpu <strategy>", "CPU strategy", "trap-emulate")
    .option("--memory <strategy>", "memory strategy (default: the CPU strategy's first that fits the profile)")
    .option("--machine <profile>", "machine (cost) profile, or a .json file", NAMES.defaultMachine)
    .addOption(hostOption())
    .option("--events <n>", "number of steps to show", parseCount("--events"), 12)
    .addOption(choiceOption("--start <where>", "where the table begins", "start", NAMES.traceStarts).default("user"))
    .option("--all", "every monitor event as a step of its own (nothing folded)")
    .option("--budget <n>", "guest instruction budget (default: the scenario's)", parseBudget())
    .option("--config <file>", "vmlab.config.json naming more strategy packages")
    .option("--memory-at <step>", "also picture the VM's memory after this step (as `vmlab memory --at`)", parseCount("--memory-at"))
    .option("--json", "print the steps as JSON")
    .action(
      async (
        name: string,
        o: {
          profile: string;
          levels?: number;
          cpu: string;
          memory?: string;
          machine: string;
          host: string;
          events: number;
          start: TraceStart;
          all?: boolean;
          budget?: number;
          memoryAt?: number;
          config?: string;
          json?: boolean;
        },
      ) => {
        const { isReference, runConfiguration, symbolize, TraceLog } = await import("@vmlab/core");
        const { traceSteps, traceTable } = await import("@vmlab/report");
        const { configurationOrFail, imageFor, loadStrategies, scenarioOrFail } = await import("../strategies.js");
        const { modules, catalog } = await loadStrategies(o.config);
        const scenario = scenarioOrFail(name);
        const config = configurationOrFail(
          { profile: o.profile, ...(o.levels !== undefined ? { levels: o.levels } : {}), machine: o.machine, cpu: o.cpu, host: o.host, ...(o.memory !== undefined ? { memory: o.memory } : {}) },
          catalog,
        );
        const log = new TraceLog(EVENT_LIMIT);
        runConfiguration(config, scenario, modules, { trace: log, ...(o.budget !== undefined ? { budget: o.budget } : {}) });
        const image = imageFor(scenario, config, catalog);
        const steps = traceSteps(log.events, { start: o.start, steps: o.events, all: o.all === true, symbolize: (pc) => symbolize(image, pc) });
        const columns = isReference(config) ? 2 : 3;
        // Nothing to show is a failure, whichever way it is printed.
        if (steps.length === 0) process.exitCode = EXIT.failed;
        const taken =
          o.memoryAt === undefined
            ? undefined
            : await (await import("../memory-picture.js")).takeMemoryPicture(config, scenario, modules, image, {
                moment: { step: o.memoryAt, start: o.start, ...(o.all ? { all: true } : {}) },
                events: log.events,
                ...(o.budget !== undefined ? { budget: o.budget } : {}),
              });
        if (o.json) {
          printJson({ scenario: scenario.name, configuration: config.label, columns, start: o.start, steps, ...(taken ? { memory: { moment: taken.moment, ...taken.picture } } : {}) });
          return;
        }
        process.stdout.write(`${scenario.name} on ${config.label}, from ${o.start === "user" ? "the first step of a user process" : `the first ${o.start}`}:\n`);
        if (steps.length === 0) {
          process.stdout.write(`(no ${o.start} event in this run)\n`);
          return;
        }
        process.stdout.write(traceTable(steps, columns, terminalWidth()));
        if (taken) {
          const { memoryPictureText } = await import("@vmlab/report");
          const { pictureHeading } = await import("../memory-picture.js");
          process.stdout.write(`\n${memoryPictureText(taken.picture, pictureHeading(scenario, config, taken))}`);
        }
      },
    );
}
