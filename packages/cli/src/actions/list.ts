// The work of `vmlab list`, imported only when it runs (see commands/lazy.ts).
import { MACHINE_PROFILES } from "@vmlab/core";
import { listScenarios } from "@vmlab/guest";
import { PROFILES } from "@vmlab/isa";
import { table } from "table";
import { fitWidths } from "@vmlab/report";
import { loadStrategies } from "../strategies.js";
import { printJson } from "../options.js";
import { terminalWidth } from "../terminal.js";

export default async function listAction(o: { config?: string; json?: boolean }): Promise<void> {
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
    return `${title}\n` + table(rows, { columns: { 0: { width: name }, 1: { width: description, wrapWord: true } } });
  };
  process.stdout.write(
    [
      section("scenarios", scenarios),
      section("ISA profiles (--profile)", profiles),
      section("CPU strategies (--cpu)", cpus.map((c) => ({ name: c.name, description: `${c.description} [memory: ${c.memories.join(", ")}]` }))),
      section("memory strategies (--memory)", memories),
      section("machine profiles (--machine)", machines),
    ].join("\n"),
  );
}
