// What the next step of a trace is: steps 1..k of a real run's trace shown, step k+1 asked.
import type { TraceStart } from "@vmlab/report";
import type { QuizLab } from "../lab.js";
import type { Asked } from "../question.js";
import { pick, type Random } from "../random.js";

/** Traces with something to reason about from their start. */
const TRACES: readonly { scenario: string; profile: string; cpu: string; memory?: string; machine: string; start: TraceStart }[] = [
  { scenario: "syscall", profile: "mips-like", cpu: "trap-emulate", machine: "p4-2006", start: "syscall" },
  { scenario: "syscall", profile: "riscv-like", cpu: "paravirt", machine: "p4-2006", start: "syscall" },
  { scenario: "syscall", profile: "x86-like", cpu: "binary-translation", machine: "p4-2006", start: "syscall" },
  { scenario: "syscall", profile: "riscv-like", cpu: "native", machine: "p4-2006", start: "syscall" },
  { scenario: "page-fault", profile: "x86-like", cpu: "hardware-assist", memory: "shadow", machine: "p4-2006", start: "page-fault" },
  { scenario: "page-fault", profile: "riscv-like", cpu: "trap-emulate", memory: "shadow", machine: "p4-2006", start: "page-fault" },
  { scenario: "tlb-pressure", profile: "mips-like", cpu: "trap-emulate", memory: "software-tlb", machine: "p4-2006", start: "tlb-miss" },
  { scenario: "syscall", profile: "riscv-like", cpu: "hardware-assist", memory: "nested", machine: "nehalem-2009", start: "syscall" },
];
const MAX_SHOWN = 5;
/** Events recorded: each trace's start and the steps after it come well before. */
export const NEXT_STEP_EVENTS = 20_000;
export const ACTOR_NAMES = { process: "Process", os: "Operating System", vmm: "VMM" } as const;

export function nextStep(lab: QuizLab, rng: Random): Asked {
  const t = pick(rng, TRACES);
  const spec = { profile: t.profile, cpu: t.cpu, machine: t.machine, ...(t.memory ? { memory: t.memory } : {}) };
  const steps = lab.traceSteps(spec, t.scenario, { start: t.start, steps: MAX_SHOWN + 1, events: NEXT_STEP_EVENTS });
  if (steps.length < 2) throw new Error(`quiz: the trace of ${t.scenario} from its first ${t.start} has fewer than two steps`);
  const k = 1 + Math.floor(rng() * Math.min(MAX_SHOWN, steps.length - 1));
  const next = steps[k]!;
  const label = `${t.profile}/${t.cpu}${t.memory ? `/${t.memory}` : ""}`;
  const columns = t.cpu === "native" ? "Process | Operating System" : "Process | Operating System | VMM";
  return {
    question: `The trace of ${t.scenario} under ${label} on ${t.machine} (${columns}), from the first ${t.start}, shows steps 1 to ${k}. What is step ${k + 1}: whose column is it in, and what happens?`,
    shown: steps.slice(0, k),
    shownColumns: t.cpu === "native" ? 2 : 3,
    answer: `step ${k + 1}, ${ACTOR_NAMES[next.actor]}: ${next.text}`,
    value: { scenario: t.scenario, profile: t.profile, cpu: t.cpu, ...(t.memory ? { memory: t.memory } : {}), machine: t.machine, start: t.start, step: k + 1, actor: next.actor, text: next.text },
    proof: [
      {
        source: `vmlab trace ${t.scenario} --profile ${t.profile} --cpu ${t.cpu}${t.memory ? ` --memory ${t.memory}` : ""} --machine ${t.machine} --start ${t.start} --events ${k + 1}`,
        scenario: t.scenario,
        figure: `step ${k + 1}`,
        value: next.text,
      },
    ],
  };
}
