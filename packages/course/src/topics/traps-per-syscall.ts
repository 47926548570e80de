// How many traps one system call costs under trap-and-emulate on mips-like: the
// syscall microbenchmark's region (its getpid calls) counted under the monitor, divided
// by the system calls the native run makes in the same region.
import type { QuizLab } from "../lab.js";
import type { Asked } from "../question.js";
import { fixed, int, runName } from "../format.js";
import { pick, type Random } from "../random.js";

const SCENARIO = "syscall";
const MACHINES = ["p4-2006", "penryn-2008", "nehalem-2009", "skylake-2015"] as const;

/** What is counted per system call: an event of the monitor's ledger, and how the question names it. */
const ASKED = [
  { event: "trapEntry", what: "traps reach the monitor", unit: "trap" },
  { event: "privilegedEmulated", what: "privileged instructions of the guest kernel trap and are emulated by the monitor", unit: "privileged instruction" },
  { event: "kseg0Mapped", what: "kseg0 pages does the monitor map into the real TLB for the deprivileged kernel (kseg0 needs no mapping on bare metal)", unit: "kseg0 page" },
] as const;

export function trapsPerSyscall(lab: QuizLab, rng: Random): Asked {
  const asked = pick(rng, ASKED);
  const machine = pick(rng, MACHINES);
  const spec = { profile: "mips-like", cpu: "trap-emulate", memory: "software-tlb", machine };
  const monitored = lab.run(spec, SCENARIO);
  const native = lab.run({ profile: "mips-like", cpu: "native", machine }, SCENARIO);
  // On bare metal every trap in this region is a system call (getpid, and the marker's at its end).
  const calls = native.region?.counts.trapEntry;
  const counted = monitored.region?.counts[asked.event];
  if (!calls || counted === undefined) throw new Error(`quiz: the ${SCENARIO} scenario's region was not measured`);
  const perCall = counted / calls;
  return {
    question: `The ${SCENARIO} microbenchmark makes getpid system calls in a loop. On mips-like under trap-and-emulate (software TLB, ${machine}), how many ${asked.what} per system call, on average?`,
    answer: `${int(perCall)} (${int(counted)} for ${int(calls)} system calls in the measured region: ${fixed(perCall)} each)`,
    value: { perCall: Math.round(perCall), exact: Number(perCall.toFixed(2)), event: asked.event, machine },
    proof: [
      { source: runName(monitored.configuration.label, machine), scenario: SCENARIO, figure: `${asked.unit}s in the region (ledger event ${asked.event})`, value: counted },
      { source: runName(native.configuration.label, machine), scenario: SCENARIO, figure: "system calls in the region (every trap on bare metal there)", value: calls },
    ],
  };
}
