import type { Command } from "commander";
import { NAMES } from "../names.js";
import { choiceOption, levelsOption, parseBudget, parseCount, printJson, profileOption } from "../options.js";
import type { TraceStart } from "@vmlab/report";

export function register(program: Command): void {
  program
    .command("memory")
    .description("picture a VM's memory at a moment of a run: a process's VPNs -> the guest page table's PFNs -> the monitor's MFNs, and the shadow or nested tables (or software TLB) between")
    .argument("<scenario>", "scenario name (see `vmlab list`) or path to a scenario folder")
    .addOption(profileOption())
    .addOption(levelsOption())
    .option("--cpu <strategy>", "CPU strategy", "trap-emulate")
    .option("--memory <strategy>", "memory strategy (default: the CPU strategy's first that fits the profile)")
    .option("--machine <profile>", "machine (cost) profile, or a .json file", NAMES.defaultMachine)
    .option("--at <step>", "after this step, numbered as `vmlab trace` numbers them (default: after the last step of a user process)", parseCount("--at"))
    .addOption(choiceOption("--start <where>", "where --at counts from, as for `vmlab trace`", "start", NAMES.traceStarts).default("user"))
    .option("--all", "count every monitor event as a step of its own, as `vmlab trace --all`")
    .option("--process <pid>", "the process to picture (default: the current one)", parseCount("--process"))
    .option("--budget <n>", "guest instruction budget (default: the scenario's)", parseBudget())
    .option("--config <file>", "vmlab.config.json naming more strategy packages")
    .option("--json", "print the picture as JSON")
    .action(
      async (
        name: string,
        o: {
          profile: string;
          levels?: number;
          cpu: string;
          memory?: string;
          machine: string;
          at?: number;
          start: TraceStart;
          all?: boolean;
          process?: number;
          budget?: number;
          config?: string;
          json?: boolean;
        },
      ) => {
        const { memoryPictureText } = await import("@vmlab/report");
        const { configurationOrFail, imageFor, loadStrategies, scenarioOrFail } = await import("../strategies.js");
        const { pictureHeading, takeMemoryPicture } = await import("../memory-picture.js");
        const { modules, catalog } = await loadStrategies(o.config);
        const scenario = scenarioOrFail(name);
        const config = configurationOrFail(
          { profile: o.profile, ...(o.levels !== undefined ? { levels: o.levels } : {}), machine: o.machine, cpu: o.cpu, ...(o.memory !== undefined ? { memory: o.memory } : {}) },
          catalog,
        );
        const taken = await takeMemoryPicture(config, scenario, modules, imageFor(scenario, config, catalog), {
          moment: { ...(o.at !== undefined ? { step: o.at } : {}), start: o.start, ...(o.all ? { all: true } : {}) },
          ...(o.process !== undefined ? { pid: o.process } : {}),
          ...(o.budget !== undefined ? { budget: o.budget } : {}),
        });
        if (o.json) {
          printJson({ scenario: scenario.name, configuration: config.label, moment: taken.moment, ...taken.picture });
          return;
        }
        process.stdout.write(memoryPictureText(taken.picture, pictureHeading(scenario, config, taken)));
      },
    );
}
