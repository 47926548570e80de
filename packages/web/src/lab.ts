// The lab: what the worker does for the page, with the packages the CLI uses. A run is
// judged against the native run of the same scenario, profile and machine, as `vmlab run`
// judges it; a trace is `vmlab trace`'s steps; the state at a step is that of the run
// stopped after it (the run is deterministic: recording only the events up to the step
// stops it there), as `vmlab memory --at` takes it. A quiz is `vmlab quiz`'s, through
// the same binding of its runs.
import {
  CATEGORIES,
  catalogOf,
  ConfigurationError,
  guestImage,
  HOSTS,
  isReference,
  MACHINE_PROFILE_NAMES,
  memoryPicture,
  MemoryPictureError,
  REFERENCE,
  resolveConfiguration,
  runConfiguration,
  symbolize,
  TraceLog,
  type Configuration,
  type Execution,
  type RunResult,
  type StrategyInfo,
  type TraceEvent,
} from "@vmlab/core";
import { bindQuizLab, generateQuiz, QuizError, type QuizTopic } from "@vmlab/course";
import { BuildError, ScenarioError, type Scenario } from "@vmlab/guest";
import { AssemblyError, CR_NAMES, FLAG_IF, getProfile, MODE_KERNEL, MODE_RING1, MODE_USER, PROFILE_NAMES, PTE_U, PTE_W, TLB_KERNEL_ONLY, type Image } from "@vmlab/isa";
import { runToMoment, memoryPictureText, statusOf, TRACE_STARTS, traceStepStarts, traceSteps, verdictOf, type TraceStart } from "@vmlab/report";
import { bundledScenarios } from "./bundled-scenarios.js";
import type { Catalog, CheckReply, Edit, MachineState, NotRun, Pick, QuizReply, Registers, RunReply, StateReply, TraceReply } from "./protocol.js";
import { STRATEGY_MODULES } from "./strategy-modules.js";

/** Events a traced run records at most (as `vmlab trace`). */
const EVENT_LIMIT = 200_000;
/** Steps the page's trace table shows at most. */
export const STEP_LIMIT = 60;

const CATALOG: readonly StrategyInfo[] = catalogOf(STRATEGY_MODULES);
const SCENARIOS: ReadonlyMap<string, Scenario> = new Map(bundledScenarios().map((s) => [s.name, s]));

export function catalog(): Catalog {
  return {
    scenarios: [...SCENARIOS.values()].map((s) => ({ name: s.name, description: s.description, programs: s.sources.map((p) => ({ name: p.name, source: p.source })), vms: s.vms })),
    profiles: PROFILE_NAMES.map((name) => {
      const p = getProfile(name);
      return p.mmu.kind === "walker" ? { name, walker: true, levels: p.mmu.levels } : { name, walker: false };
    }),
    cpus: CATALOG.filter((s) => s.kind === "cpu").map((s) => ({ name: s.name, description: s.description })),
    memories: CATALOG.filter((s) => s.kind === "memory").map((s) => ({ name: s.name, description: s.description })),
    machines: MACHINE_PROFILE_NAMES,
    hosts: HOSTS,
    categories: CATEGORIES,
    traceStarts: TRACE_STARTS,
  };
}

function scenarioNamed(name: string): Scenario {
  const scenario = SCENARIOS.get(name);
  if (!scenario) throw new ScenarioError(`unknown scenario '${name}' (valid: ${[...SCENARIOS.keys()].join(", ")})`);
  return scenario;
}

function scenarioOf(pick: Pick, edit: Edit | undefined): Scenario {
  const scenario = scenarioNamed(pick.scenario);
  if (!edit) return scenario;
  const swap = <T extends { readonly name: string; readonly source: string }>(f: T): T => (f.name === edit.name ? { ...f, source: edit.source } : f);
  return { ...scenario, sources: scenario.sources.map(swap), vmGuests: scenario.vmGuests.map((g) => ({ ...g, sources: g.sources.map(swap) })) };
}

function configurationOf(pick: Pick, reference = false): Configuration {
  const spec = { profile: pick.profile, ...(pick.levels !== undefined ? { levels: pick.levels } : {}), machine: pick.machine };
  if (reference) return resolveConfiguration({ ...spec, ...REFERENCE }, CATALOG);
  return resolveConfiguration({ ...spec, cpu: pick.cpu, host: pick.host, ...(pick.memory !== undefined ? { memory: pick.memory } : {}) }, CATALOG);
}

/** An experiment that cannot run says why, in the words of the package that refused it. */
function notRun(e: unknown): NotRun {
  if (e instanceof ConfigurationError) return { kind: "refused", reason: e.message };
  if (e instanceof AssemblyError) return { kind: "assembly", errors: e.diagnostics.map((d) => ({ file: d.file, line: d.line, col: d.col, message: d.message })) };
  if (e instanceof BuildError || e instanceof ScenarioError || e instanceof QuizError || e instanceof MemoryPictureError || e instanceof RangeError) return { kind: "error", message: e.message };
  throw e;
}

export function check(pick: Pick): CheckReply {
  try {
    const c = configurationOf(pick);
    return { kind: "ok", label: c.label, memory: c.memory };
  } catch (e) {
    if (e instanceof ConfigurationError) return { kind: "refused", reason: e.message };
    throw e;
  }
}

/** The last few native runs, by what makes them the same run. */
const natives = new Map<string, RunResult>();

function nativeRun(pick: Pick, edit: Edit | undefined, scenario: Scenario): RunResult {
  const key = JSON.stringify([pick.scenario, pick.profile, pick.levels, pick.machine, edit ?? null]);
  let run = natives.get(key);
  if (!run) {
    const { execution: _e, vmExecutions: _v, ...result } = runConfiguration(configurationOf(pick, true), scenario, STRATEGY_MODULES);
    run = result;
    if (natives.size >= 8) natives.delete(natives.keys().next().value!);
    natives.set(key, run);
  }
  return run;
}

export function run(pick: Pick, edit?: Edit): RunReply {
  try {
    const scenario = scenarioOf(pick, edit);
    const config = configurationOf(pick);
    const native = nativeRun(pick, edit, scenario);
    const ran = isReference(config) ? undefined : runConfiguration(config, scenario, STRATEGY_MODULES, native.digest ? { reference: native.digest } : {});
    let result: RunResult = native;
    if (ran) {
      const { execution: _e, vmExecutions: _v, ...rest } = ran;
      result = rest;
    }
    const verdict = verdictOf(result);
    return {
      kind: "ran",
      label: config.label,
      result,
      verdict: { kind: verdict.kind, text: verdict.text },
      status: statusOf(result),
      nativeCycles: native.cycles!.total,
      slowdown: result.cycles!.total / native.cycles!.total,
      nativeOutput: native.output,
    };
  } catch (e) {
    return notRun(e);
  }
}

/** The last traced run: its events serve every step of its table. */
let traced: { key: string; events: readonly TraceEvent[]; image: Image } | undefined;

function tracedRun(pick: Pick, edit: Edit | undefined): { events: readonly TraceEvent[]; image: Image; config: Configuration; scenario: Scenario } {
  const scenario = scenarioOf(pick, edit);
  const config = configurationOf(pick);
  const key = JSON.stringify([pick, edit ?? null]);
  if (traced?.key !== key) {
    const log = new TraceLog(EVENT_LIMIT);
    runConfiguration(config, scenario, STRATEGY_MODULES, { trace: log });
    const cpu = CATALOG.find((s) => s.kind === "cpu" && s.name === config.cpu);
    traced = { key, events: log.events, image: guestImage(scenario, config.profile, { paravirt: cpu?.requires.paravirtualGuest === true }) };
  }
  return { events: traced.events, image: traced.image, config, scenario };
}

export function trace(pick: Pick, from: TraceStart, edit?: Edit): TraceReply {
  try {
    const { events, image, config } = tracedRun(pick, edit);
    const steps = traceSteps(events, { start: from, steps: STEP_LIMIT, symbolize: (pc) => symbolize(image, pc) });
    return { kind: "traced", label: config.label, columns: isReference(config) ? 2 : 3, steps, total: traceStepStarts(events, { start: from }).length - 1 };
  } catch (e) {
    return notRun(e);
  }
}

const MODES: Record<number, string> = { [MODE_KERNEL]: "kernel", [MODE_USER]: "user", [MODE_RING1]: "ring 1" };
const crsOf = (crs: Int32Array) => CR_NAMES.map((name, i) => ({ name, value: crs[i]! >>> 0 }));

function realCpu(x: Execution): Registers {
  const cpu = x.machine!.cpu;
  return { pc: cpu.pc >>> 0, regs: Array.from(cpu.regs, (r) => r >>> 0), mode: MODES[cpu.mode] ?? String(cpu.mode), flags: cpu.flags, crs: crsOf(cpu.crs) };
}

/** What the guest believes its CPU is: the monitor's virtual CPU, or under hardware assist the real CPU in guest mode. */
function virtualCpuOf(config: Configuration, x: Execution): MachineState["virtualCpu"] {
  const info = CATALOG.find((s) => s.kind === "cpu" && s.name === config.cpu);
  if (isReference(config)) return undefined;
  if (info?.requires.hardwareAssist) {
    const cpu = x.machine!.cpu;
    return {
      where: "guest mode: the real CPU holds the guest's own state (the VMCS guest-state area across an exit)",
      mode: MODES[cpu.mode] ?? "?",
      interruptFlag: (cpu.flags & FLAG_IF) !== 0,
      crs: crsOf(cpu.crs),
    };
  }
  const v = x.virtualCpu;
  if (!v) return undefined;
  return { where: "the monitor's virtual CPU (the guest kernel really runs deprivileged)", mode: MODES[v.mode] ?? "?", interruptFlag: v.interruptsEnabled, crs: crsOf(v.crs) };
}

export function state(pick: Pick, from: TraceStart, step: number, edit?: Edit): StateReply {
  try {
    const { events, image, config, scenario } = tracedRun(pick, edit);
    const at = runToMoment(events, { step, start: from }, (trace) => runConfiguration(config, scenario, STRATEGY_MODULES, { trace, keepMachine: true }));
    if (typeof at === "string") return { kind: "error", message: at };
    const { stopped, description: moment } = at;
    const x = stopped.vmExecutions?.[0] ?? stopped.execution;
    try {
      const tlb = x.machine!.cpu.tlb;
      const entries: MachineState["tlb"][number][] = [];
      for (let slot = 0; slot < tlb.size; slot++) {
        const vpn = tlb.vpn[slot]!;
        // A guest kernel's kseg0 entry in guest mode carries U but is kernel-only by its attribute.
        const user = (tlb.flags[slot]! & PTE_U) !== 0 && (tlb.attributes[slot]! & TLB_KERNEL_ONLY) === 0;
        if (vpn >= 0) entries.push({ slot, vpn, frame: tlb.frame[slot]! >>> 0, writable: (tlb.flags[slot]! & PTE_W) !== 0, user, tag: tlb.tags[slot]! });
      }
      let memory: string;
      try {
        const picture = memoryPicture({ profile: config.profile, image, execution: x });
        const vm = scenario.vms > 1 ? `, VM 1 (${scenario.vmGuests[0]!.name}) of ${scenario.vms}` : "";
        memory = memoryPictureText(picture, `${scenario.name} on ${config.label}${vm}, ${moment} (guest instruction ${picture.at.toLocaleString("en-US")}):`);
      } catch (e) {
        if (!(e instanceof MemoryPictureError)) throw e;
        memory = `no picture of memory at this moment: ${e.message}`;
      }
      return { kind: "state", step, moment, at: x.guestInstructions, cpu: realCpu(x), virtualCpu: virtualCpuOf(config, x), tlb: entries, memory };
    } finally {
      for (const e of stopped.vmExecutions ?? [stopped.execution]) e.machine?.release();
    }
  } catch (e) {
    return notRun(e);
  }
}

const QUIZ_LAB = bindQuizLab(STRATEGY_MODULES, CATALOG, scenarioNamed);
/** The last quiz: the page asks for it again when it redraws the tab. */
let lastQuiz: { key: string; reply: QuizReply } | undefined;

export function quiz(seed: number, topics: readonly QuizTopic[]): QuizReply {
  const key = JSON.stringify([seed, topics]);
  if (lastQuiz?.key !== key) {
    try {
      lastQuiz = { key, reply: { kind: "quiz", quiz: generateQuiz(QUIZ_LAB, seed, topics) } };
    } catch (e) {
      return notRun(e);
    }
  }
  return lastQuiz.reply;
}
