// For each scenario and profile, the native run: guest instructions, the region of
// interest (work markers) and the share of the run outside it (boot, set-up, printing).
// Used to size the scenarios: `npx tsx tools/native-shares.ts [scenario...]`.
import { fileURLToPath } from "node:url";
import { listScenarios } from "@vmlab/guest";
import { BUILTIN_STRATEGY_PACKAGES, catalogOf, importStrategyModules, resolveConfiguration, resolveStrategyPackage, runConfiguration } from "@vmlab/core";

const root = fileURLToPath(new URL("..", import.meta.url));
const modules = await importStrategyModules(BUILTIN_STRATEGY_PACKAGES.map((p) => resolveStrategyPackage(p, root)));
const catalog = catalogOf(modules);
const only = process.argv.slice(2);
for (const s of listScenarios()) {
  if (only.length && !only.includes(s.name)) continue;
  for (const profile of ["mips-like", "riscv-like", "x86-like"]) {
    const config = resolveConfiguration({ profile, cpu: "native", machine: "p4-2006" }, catalog);
    const t = performance.now();
    const r = runConfiguration(config, s, modules);
    const ms = performance.now() - t;
    const m = r.metrics!;
    const region = m.region ?? r.vms?.map((v) => v.region);
    const inRegion = m.region ? m.region.endInstructions - m.region.beginInstructions : undefined;
    const outside = inRegion === undefined ? "" : `outside ${(100 * (1 - inRegion / m.guestInstructions)).toFixed(1)}%`;
    const ok = s.expectedOutput === undefined || r.output === s.expectedOutput ? "ok" : `OUTPUT ${JSON.stringify(r.output)}`;
    console.log(
      `${s.name.padEnd(26)} ${profile.padEnd(10)} ${r.outcome} ${String(m.guestInstructions).padStart(10)} instr, cycles ${r.cycles!.total}, region ${JSON.stringify(region)} ${outside} ${ok} ${ms.toFixed(0)} ms`,
    );
  }
}
