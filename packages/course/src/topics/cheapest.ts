// Which configuration is cheapest on a scenario, and by how much: the same scenario under
// each CPU strategy (its first memory strategy that fits) on one machine, modeled cycles compared.
import type { QuizLab } from "../lab.js";
import type { Asked } from "../question.js";
import { fixed, int, runName } from "../format.js";
import { pick, type Random } from "../random.js";

/** Small scenarios: each runs in a fraction of a second under every strategy. */
const SCENARIOS = ["syscall", "page-fault", "port-io", "privileged-register-write", "divide-by-zero", "pte-modify", "call-return"] as const;
const MACHINES = ["p4-2006", "penryn-2008", "nehalem-2009", "skylake-2015"] as const;
/** On riscv-like every strategy is exact, so the cheapest is a fair answer. */
export const CHEAPEST_CPUS = ["trap-emulate", "binary-translation", "hardware-assist", "paravirt"] as const;

export function cheapest(lab: QuizLab, rng: Random): Asked {
  const scenario = pick(rng, SCENARIOS);
  const machine = pick(rng, MACHINES);
  const runs = CHEAPEST_CPUS.map((cpu) => lab.run({ profile: "riscv-like", cpu, machine }, scenario))
    .map((r) => ({ label: r.configuration.label, cycles: r.cycles!.total }))
    .sort((a, b) => a.cycles - b.cycles);
  const [best, next] = [runs[0]!, runs[1]!];
  const ratio = next.cycles / best.cycles;
  return {
    question: `On the ${scenario} scenario (riscv-like, ${machine}), which of ${CHEAPEST_CPUS.join(", ")} (each with its default memory strategy) takes the fewest modeled cycles, and by how much does it beat the next cheapest?`,
    answer: `${best.label}: ${int(best.cycles)} cycles, ${fixed(ratio)}x fewer than ${next.label} (${int(next.cycles)} cycles; ${int(next.cycles - best.cycles)} more)`,
    value: { scenario, machine, configuration: best.label, cycles: best.cycles, next: next.label, nextCycles: next.cycles, ratio: Number(ratio.toFixed(2)) },
    proof: runs.map((r) => ({ source: runName(r.label, machine), scenario, figure: "modeled cycles", value: r.cycles })),
  };
}
