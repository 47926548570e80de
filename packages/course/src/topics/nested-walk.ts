// How many memory references a TLB miss makes under nested paging: n-level guest tables
// whose every guest-physical address (each table's, and the final one) goes through
// n-level host tables make (n+1)(n+1)-1 without walk caches; the page-walk cache and the
// nested TLB cut that. Both measured on a TLB-heavy scenario with the caches off and on
// (machine feature switches, as `pnpm ablation:walk-caches` does).
import type { QuizLab } from "../lab.js";
import type { Asked } from "../question.js";
import { fixed, int, runName } from "../format.js";
import { pick, type Random } from "../random.js";

const SCENARIO = "tlb-pressure";
const OFF = ":pageWalkCache=off:nestedTlb=off:largePages=off";
const ON = ":pageWalkCache=on:nestedTlb=on:largePages=off";

export function nestedWalk(lab: QuizLab, rng: Random): Asked {
  const levels = pick(rng, [2, 3, 4] as const);
  const profile = pick(rng, ["riscv-like", "x86-like"] as const);
  const machine = pick(rng, ["nehalem-2009", "skylake-2015"] as const);
  const formula = (levels + 1) * (levels + 1) - 1;
  const runWith = (switches: string) => {
    const r = lab.run({ profile, levels, cpu: "hardware-assist", memory: "nested", machine: machine + switches }, SCENARIO);
    const m = r.metrics!;
    return { label: r.configuration.label, misses: m.tlbMisses, references: m.walkReferences, perMiss: m.walkReferences / m.tlbMisses };
  };
  const off = runWith(OFF);
  const on = runWith(ON);
  return {
    question: `Under nested paging with ${levels}-level guest page tables and ${levels}-level host (extended) tables (${profile}, hardware assist, ${machine}), how many memory references does the hardware make to walk one TLB miss without walk caches? And on average with the page-walk cache and the nested TLB on?`,
    answer: `(${levels}+1)(${levels}+1)-1 = ${formula} without walk caches (measured: ${fixed(off.perMiss)} per miss on average: a kernel kseg0 address needs only the host tables' walk, so the average sits a little below); ${fixed(on.perMiss)} per miss with the page-walk cache and nested TLB`,
    value: { profile, levels, machine, withoutCaches: formula, measuredWithoutCaches: Number(off.perMiss.toFixed(2)), withCaches: Number(on.perMiss.toFixed(2)) },
    proof: [
      { source: runName(off.label, machine + OFF), scenario: SCENARIO, figure: `walk references / TLB misses (${int(off.references)} / ${int(off.misses)})`, value: Number(off.perMiss.toFixed(2)) },
      { source: runName(on.label, machine + ON), scenario: SCENARIO, figure: `walk references / TLB misses (${int(on.references)} / ${int(on.misses)})`, value: Number(on.perMiss.toFixed(2)) },
    ],
  };
}
