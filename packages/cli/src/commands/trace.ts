import type { Command } from "commander";
import { NAMES } from "../names.js";
import { checkNames, choiceOption, commaList, hostOption, levelsOption, parseCount, parseBudget, profileOption, printJson } from "../options.js";
import { CliError, EXIT } from "../errors.js";
import { terminalWidth } from "../terminal.js";
import type { TraceKind } from "@vmlab/core";
import type { TraceStart } from "@vmlab/report";

/** How the steps are printed: a table fitted to the terminal, or plain lines an autograder can diff. */
export const TRACE_FORMATS = ["table", "plain"] as const;

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
    .option("--every <n>", "record only every Nth event (of the kinds --only keeps): each is a row of its own, numbered by its place in the run", parseCount("--every"))
    .option("--only <kinds>", `record only events of these kinds (comma-separated: ${NAMES.traceKinds.join(", ")}), each a row of its own`, (v: string) => {
      const kinds = commaList("--only", "event kind")(v);
      checkNames("event kind", kinds, NAMES.traceKinds);
      return kinds;
    })
    .addOption(choiceOption("--format <format>", "table (fitted to the terminal) or plain (one tab-separated line per step: step, at, actor, text)", "format", TRACE_FORMATS).default("table"))
    .option("--json", "print the steps as JSON")
    .action(
      async (
        name: string,
        o: {
          every?: number;
          only?: TraceKind[];
          format: (typeof TRACE_FORMATS)[number];
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
        command: Command,
      ) => {
        const { isReference, runConfiguration, symbolize, TraceLog } = await import("@vmlab/core");
        const { PLAIN_TRACE_FIELDS, sampledSteps, tracePlain, traceSteps, traceTable } = await import("@vmlab/report");
        const { configurationOrFail, imageFor, loadStrategies, scenarioOrFail } = await import("../strategies.js");
        const { modules, catalog } = await loadStrategies(o.config);
        const scenario = scenarioOrFail(name);
        const config = configurationOrFail(
          { profile: o.profile, ...(o.levels !== undefined ? { levels: o.levels } : {}), machine: o.machine, cpu: o.cpu, host: o.host, ...(o.memory !== undefined ? { memory: o.memory } : {}) },
          catalog,
        );
        const sampling = { ...(o.every !== undefined ? { every: o.every } : {}), ...(o.only ? { only: o.only } : {}) };
        const sampled = o.every !== undefined || o.only !== undefined;
        if (sampled && o.memoryAt !== undefined) throw new CliError("--memory-at needs the whole trace: leave out --every and --only");
        if (o.format === "plain" && o.memoryAt !== undefined) throw new CliError("--memory-at draws a picture: leave out --format plain (or use --json)");
        // A sample starts at the first event unless --start is given.
        const start: TraceStart | undefined = sampled && command.getOptionValueSource("start") === "default" ? undefined : o.start;
        const log = new TraceLog(EVENT_LIMIT, sampling);
        runConfiguration(config, scenario, modules, { trace: log, ...(o.budget !== undefined ? { budget: o.budget } : {}) });
        const image = imageFor(scenario, config, catalog);
        const symbols = (pc: number) => symbolize(image, pc);
        const steps = sampled
          ? sampledSteps(log.events, log.ordinals, { ...(start ? { start } : {}), steps: o.events, symbolize: symbols })
          : traceSteps(log.events, { start: o.start, steps: o.events, all: o.all === true, symbolize: symbols });
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
        const where = start === undefined ? "the first event" : start === "user" ? "the first step of a user process" : `the first ${start}`;
        const sample = sampled
          ? `${o.only ? `${o.only.join(", ")} events` : "events"}${o.every !== undefined && o.every > 1 ? `, one in ${o.every.toLocaleString("en-US")}` : ""}, of ${log.emitted.toLocaleString("en-US")} in the run`
          : undefined;
        if (o.json) {
          printJson({
            scenario: scenario.name,
            configuration: config.label,
            columns,
            start: start ?? null,
            ...(sampled ? { sampling: { ...sampling, emitted: log.emitted, kept: log.events.length } } : {}),
            steps,
            ...(taken ? { memory: { moment: taken.moment, ...taken.picture } } : {}),
          });
          return;
        }
        const heading = `${scenario.name} on ${config.label}, from ${where}${sample ? ` (${sample})` : ""}`;
        if (o.format === "plain") {
          // Two comment lines (heading, field names), then the steps: the same text on any terminal.
          process.stdout.write(`# ${heading}\n# ${PLAIN_TRACE_FIELDS.join("\t")}\n${tracePlain(steps)}`);
          return;
        }
        process.stdout.write(`${heading}:\n`);
        if (steps.length === 0) {
          process.stdout.write(`(no ${start ?? "kept"} event in this run)\n`);
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
