import type { Command } from "commander";
import { printJson } from "../options.js";
import { terminalWidth } from "../terminal.js";

export function register(program: Command): void {
  program
    .command("list")
    .description("list scenarios, ISA profiles, CPU and memory strategies, and machine profiles")
    .option("--config <file>", "vmlab.config.json naming more strategy packages")
    .option("--json", "print as JSON")
    .action(async (o: { config?: string; json?: boolean }) => {
      const { MACHINE_PROFILES } = await import("@vmlab/core");
      const { listScenarios } = await import("@vmlab/guest");
      const { PROFILES } = await import("@vmlab/isa");
      const { table } = await import("../text-table.js");
      const { fitWidths } = await import("@vmlab/report");
      const { loadStrategies } = await import("../strategies.js");
      const { catalog } = await loadStrategies(o.config);
      const scenarios = listScenarios(undefined, { multiVm: true }).map((s) => ({
        name: s.name,
        description: s.vms > 1 ? `${s.description} [${s.vms} VMs: ${s.vmGuests.map((g) => g.name).join(", ")}]` : s.description,
        stresses: s.stresses,
        vms: s.vms,
      }));
      const profiles = Object.values(PROFILES).map((p) => ({ name: p.name, description: p.description }));
      const cpus = catalog.filter((s) => s.kind === "cpu").map((s) => ({ name: s.name, description: s.description, memories: s.memories ?? [] }));
      const memories = catalog.filter((s) => s.kind === "memory").map((s) => ({ name: s.name, description: s.description }));
      const machines = Object.values(MACHINE_PROFILES).map((m) => ({ name: m.name, description: m.description }));
      if (o.json) {
        printJson({ scenarios, profiles, cpuStrategies: cpus, memoryStrategies: memories, machineProfiles: machines });
        return;
      }
      const width = terminalWidth();
      const section = (title: string, items: { name: string; description: string }[]) => {
        const rows = items.map((i) => [i.name, i.description]);
        const [name, description] = fitWidths(rows, width, [1], 20) as [number, number];
        return `${title}\n${table(rows, { columns: { 0: { width: name }, 1: { width: description, wrapWord: true } } })}`;
      };
      process.stdout.write(
        [
          section("scenarios", scenarios),
          section("ISA profiles (--profile)", profiles),
          section(
            "CPU strategies (--cpu)",
            cpus.map((c) => ({ name: c.name, description: `${c.description} [memory: ${c.memories.join(", ")}]` })),
          ),
          section("memory strategies (--memory)", memories),
          section("machine profiles (--machine)", machines),
        ].join("\n"),
      );
    });
}
