import type { Command } from "commander";
import { NAMES } from "../names.js";
import { hostOption, levelsOption, parseBudget, profileOption, printJson } from "../options.js";
import { EXIT } from "../errors.js";
import { n, terminalWidth } from "../terminal.js";

export function register(program: Command): void {
  program
    .command("run")
    .description("run one scenario under one configuration and compare it with the native run")
    .argument("<scenario>", "scenario name (see `vmlab list`) or path to a scenario folder")
    .addOption(profileOption())
    .addOption(levelsOption())
    .option("--cpu <strategy>", "CPU strategy", "native")
    .option("--memory <strategy>", "memory strategy (default: the CPU strategy's first)")
    .option("--machine <profile>", "machine (cost) profile, or a .json file", NAMES.defaultMachine)
    .addOption(hostOption())
    .option("--budget <n>", "guest instruction budget (default: the scenario's)", parseBudget())
    .option("--config <file>", "vmlab.config.json naming more strategy packages")
    .option("--json", "print the result as JSON")
    .action(async (name: string, o: { profile: string; levels?: number; cpu: string; memory?: string; machine: string; host: string; budget?: number; config?: string; json?: boolean }) => {
      const { CATEGORIES, isReference, REFERENCE, runConfiguration, symbolize } = await import("@vmlab/core");
      const { table } = await import("../text-table.js");
      const { cellVerdict, fitWidths, predictedStatus, publishedPerOp } = await import("@vmlab/report");
      const { configurationOrFail, imageFor, loadStrategies, scenarioOrFail } = await import("../strategies.js");
      const { modules, catalog } = await loadStrategies(o.config);
      const spec = { profile: o.profile, ...(o.levels !== undefined ? { levels: o.levels } : {}), machine: o.machine };
      const scenario = scenarioOrFail(name);
      const config = configurationOrFail({ ...spec, cpu: o.cpu, host: o.host, ...(o.memory !== undefined ? { memory: o.memory } : {}) }, catalog);
      const budget = o.budget !== undefined ? { budget: o.budget } : {};
      const reference = isReference(config) ? undefined : runConfiguration(configurationOrFail({ ...spec, ...REFERENCE }, catalog), scenario, modules, budget);
      const run = runConfiguration(config, scenario, modules, { ...budget, ...(reference?.digest ? { reference: reference.digest } : {}) });
      const { execution: _e, vmExecutions: _v, ...result } = run;
      void _e;
      void _v;
      const native = reference ?? run;
      const regionSlowdown = result.region && native.region ? result.region.cycles.total / native.region.cycles.total : undefined;
      const perOperation = result.region && scenario.iterations ? result.region.cycles.total / scenario.iterations : undefined;
      const published = publishedPerOp(scenario.name, config.cpu, config.machine.name);
      const { exitLabelTitle, vtxExitOfLabel } = await import("@vmlab/isa");
      if (o.json) {
        printJson({
          ...result,
          // Each exit reason with the VT-x basic exit reason (number and name) it models.
          ...(result.metrics && Object.keys(result.metrics.vmExits).length
            ? {
                vmExitReasons: Object.entries(result.metrics.vmExits).map(([label, count]) => {
                  const v = vtxExitOfLabel(label);
                  return { label, ...(v ? { vtx: v.reason.number, vtxName: v.reason.name, ...(v.detail ? { detail: v.detail } : {}) } : {}), count };
                }),
              }
            : {}),
          nativeCycles: native.cycles?.total,
          slowdown: result.cycles && native.cycles ? result.cycles.total / native.cycles.total : undefined,
          ...(regionSlowdown !== undefined ? { regionSlowdown } : {}),
          ...(perOperation !== undefined ? { perOperation } : {}),
          ...(published !== undefined ? { publishedPerOperation: { cycles: published, source: "Adams & Agesen, ASPLOS 2006" } } : {}),
        });
      } else {
        process.stdout.write(result.output);
        const m = result.metrics!;
        const p = result.properties!;
        const rows: [string, string][] = [
          ["scenario", `${scenario.name} (${scenario.description})`],
          ["configuration", `${config.label} on ${config.machine.name}`],
          ["outcome", result.outcome === "halt" ? "halted" : `budget of ${n(o.budget ?? scenario.budget)} instructions exhausted`],
          ["guest instructions", n(m.guestInstructions)],
          ["executed directly / emulated / translated", `${n(m.executedDirectly)} / ${n(m.emulated)} / ${n(m.translated)}`],
          [
            "traps",
            Object.entries(m.traps)
              .map(([k, v]) => `${k} ${n(v)}`)
              .join(", ") || "none",
          ],
          ...(Object.keys(m.vmExits).length
            ? [
                [
                  "VM exits",
                  Object.entries(m.vmExits)
                    .map(([k, v]) => `${exitLabelTitle(k)} ${v.toLocaleString("en-US")}`)
                    .join(", "),
                ] as [string, string],
              ]
            : []),
          ["TLB misses / walk references", `${n(m.tlbMisses)} / ${n(m.walkReferences)}`],
          ["modeled cycles", result.cycles!.total.toLocaleString("en-US")],
          ...CATEGORIES.filter((c) => result.cycles!.byCategory[c] > 0).flatMap((c): [string, string][] => [
            [`  ${c}`, result.cycles!.byCategory[c].toLocaleString("en-US")],
            // A hosted monitor's crossings, each kind with its count: what the host costs.
            ...(c === "host crossings" ? result.cycles!.lines.filter((l) => l.category === c).map((l): [string, string] => [`    ${l.event}`, `${n(l.count)} x ${n(l.unitCycles)}`]) : []),
          ]),
          ["slowdown vs native", `${(result.cycles!.total / native.cycles!.total).toFixed(2)}x (whole run)`],
          ...(result.region
            ? [
                ["region (work markers)", `${result.region.cycles.total.toLocaleString("en-US")} cycles${regionSlowdown !== undefined ? `, ${regionSlowdown.toFixed(2)}x native` : ""}`] as [
                  string,
                  string,
                ],
              ]
            : []),
          ...(perOperation !== undefined
            ? [
                [
                  "cycles per operation",
                  `${Math.round(perOperation).toLocaleString("en-US")} (region / ${scenario.iterations!.toLocaleString("en-US")})${published !== undefined ? `; Adams & Agesen measured ${published.toLocaleString("en-US")}` : ""}`,
                ] as [string, string],
              ]
            : []),
          [
            "equivalence",
            p.equivalent === null
              ? "(this is the native run)"
              : p.equivalent
                ? `equivalent to native${
                    p.equivalenceBasis === "output"
                      ? " (console output and outcome: the guest is the paravirtual build)"
                      : p.equivalenceBasis === "output-by-writer"
                        ? " (each writer's lines and the outcome: the guest is the paravirtual build and this scenario's lines interleave by timing)"
                        : ""
                  }`
                : p.divergence?.predicted
                  ? `${predictedStatus(p.divergence.predicted, p.sensitiveUntrapped)}: ${p.divergence.predicted.reason}; ${p.divergence.detail}`
                  : `DIVERGES: ${p.divergence?.detail}`,
          ],
          ...(p.sensitiveUntrapped?.length
            ? [
                [
                  "sensitive, did not trap",
                  p.sensitiveUntrapped
                    .map((u) => {
                      const where = symbolize(imageFor(scenario, config, catalog), u.firstPc);
                      return `${u.mnemonic} ${u.count.toLocaleString("en-US")}x ${u.mode === "user" ? "in user mode" : "in the kernel"} (first at 0x${u.firstPc.toString(16)}${where ? ` <${where}>` : ""}, guest instruction ${u.firstAt.toLocaleString("en-US")})`;
                    })
                    .join("; "),
                ] as [string, string],
              ]
            : []),
          ...(result.vms
            ? [
                [
                  "virtual machines",
                  `${result.vms.length} on one machine, ${n(result.metrics!.machineSwitches ?? 0)} machine switches${result.metrics!.machineSwitches === undefined ? " (this strategy runs each alone)" : ""}`,
                ] as [string, string],
                ...result.vms.map((v, i): [string, string] => [
                  `  VM ${i + 1} (${v.name})`,
                  `${v.outcome === "halt" ? "halted" : "budget exhausted"}, ${v.guestInstructions.toLocaleString("en-US")} instructions; ${
                    v.notCompared !== undefined
                      ? `not compared: ${v.notCompared}`
                      : v.equivalent === null
                        ? ""
                        : v.equivalent
                          ? "equivalent to its native run alone"
                          : v.divergence?.predicted
                            ? `${predictedStatus(v.divergence.predicted)}: ${v.divergence.detail}`
                            : `DIVERGES: ${v.divergence?.detail}`
                  }${v.violations.length ? `; audit: ${v.violations.length} attempt(s) recorded` : ""}`,
                ]),
              ]
            : []),
          ["resource control", p.resourceControl.violations.length ? p.resourceControl.violations.join("; ") : "no violations"],
          ["efficiency", `${(p.efficiency * 100).toFixed(1)}% executed directly`],
          ["host wall time", `${m.hostWallMs.toFixed(0)} ms`],
        ];
        const widths = fitWidths(rows, terminalWidth(process.stderr), [0, 1], 16);
        process.stderr.write(table(rows, { columns: { 0: { width: widths[0]!, wrapWord: true }, 1: { width: widths[1]!, wrapWord: true } } }));
      }
      // Out of budget, an error, or a divergence no theorem predicts (out of budget is how
      // a predicted divergence ends under trap-and-emulate on x86-like: not a failure).
      if (cellVerdict(run) === "failed") process.exitCode = EXIT.failed;
    });
}
