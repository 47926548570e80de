// Running one configuration on one scenario.
import type { ContainerModule } from "inversify";
import { diskContentsOf, type Scenario } from "@vmlab/guest";
import { guestImage } from "./images.js";
import { runContainer, strategiesFor } from "./container.js";
import type { Configuration } from "./configuration.js";
import { digestOf, firstDivergence, fnv1a, type Divergence, type GuestDigest, type PredictedDivergence } from "./equivalence.js";
import { predictionFor } from "./prediction.js";
import type { RunResult, VmRunResult } from "./run-result.js";
import type { CpuStrategy, EquivalenceBasis, Execution, GuestSession, MemoryStrategy, SensitiveUntrapped, StrategyInfo } from "./strategy.js";
import type { TraceSink } from "./monitor/trace-events.js";
import { TOKENS } from "./tokens.js";
import { addCounts, subtractCounts, type EventCounts } from "./costs/events.js";
import { priceEvents } from "./costs/pricing.js";
import { Ledger } from "./ledger.js";
import type { Costs } from "./machine-profiles.js";
import type { RegionMark, RegionRecorder } from "./region.js";

export interface RunOptions {
  /** Guest instruction budget (default: the scenario's). */
  readonly budget?: number;
  /** The native run's digest, to judge equivalence. */
  readonly reference?: GuestDigest;
  /** Records the run's events (for `vmlab trace`). */
  readonly trace?: TraceSink;
  /**
   * Told at each of the guest's work markers. Runs of one VM only: several VMs share
   * one ledger, so a region of one of them has no cycles of its own (each VM's marker
   * counts still come back in its VmRunResult).
   */
  readonly region?: RegionRecorder;
  /**
   * Keeps the machines' memory and registers readable after the run (for a picture of
   * its memory, or a test that reads it); by default they go back to the pool.
   */
  readonly keepMachine?: boolean;
}

/** What a returned Execution holds for guest memory: the digest has its hash. */
const RELEASED = new Uint8Array(0);

/** The execution without its memory, copied property by property (a gathering getter is not called). */
function released(x: Execution): Execution {
  const properties: PropertyDescriptorMap = { ...Object.getOwnPropertyDescriptors(x), guestMemory: { value: RELEASED, enumerable: true } };
  return Object.defineProperties({}, properties) as Execution;
}

/**
 * Runs `config` on `scenario`. Bad input (assembly errors, ...) throws. The returned
 * executions keep their machines' counters; their memory and registers are in `digest` (and stay readable with `keepMachine`).
 */
export function runConfiguration(
  config: Configuration,
  scenario: Scenario,
  modules: readonly ContainerModule[],
  options: RunOptions = {},
): RunResult & { execution: Execution; vmExecutions?: readonly Execution[] } {
  const container = runContainer(config, modules);
  const { cpu, memory } = strategiesFor(container, config);
  const region = new RegionSnapshots(options.region);
  const paravirt = cpu.info.requires.paravirtualGuest === true;
  const declared = cpu.info.equivalence ?? "full";
  // Judged by output on a scenario whose lines interleave by timing: same lines per writer.
  const basis = declared === "output" && scenario.interleavedOutput === true ? "output-by-writer" : declared;
  const disk = diskContentsOf(scenario);
  const hosting = cpu.info.hosting;
  const hosted = config.host === "hosted" && hosting && "crossing" in hosting ? hosting.crossing : undefined;
  const session = (vm: number, memoryStrategy: MemoryStrategy): GuestSession => ({
    scenario,
    profile: config.profile,
    image: guestImage(scenario, config.profile, { paravirt, vm }),
    budget: options.budget ?? scenario.budget,
    ...(disk ? { diskContents: disk } : {}),
    machineProfile: config.machine,
    memory: memoryStrategy,
    ...(options.trace && vm === 0 ? { trace: options.trace } : {}),
    // One region per run: the guest's markers in a run of several VMs are not measured.
    ...(scenario.vms === 1 ? { region } : {}),
    ...(hosted ? { hosted } : {}),
  });
  const started = performance.now();
  let e: Execution;
  let vmExecutions: readonly Execution[] | undefined;
  let machineSwitches: number | undefined;
  if (scenario.vms === 1) {
    e = cpu.execute(session(0, memory));
  } else {
    // Each VM has a memory strategy of its own (its shadow or mirror tables, its virtual TLB).
    const sessions = scenario.vmGuests.map((_, i) => session(i, i === 0 ? memory : container.get<MemoryStrategy>(TOKENS.MemoryStrategy, { name: config.memory })));
    if (cpu.executeVms) {
      const multi = cpu.executeVms(sessions);
      vmExecutions = multi.vms;
      machineSwitches = multi.machineSwitches;
    } else {
      // A strategy that cannot share a machine runs each VM alone, one after another.
      vmExecutions = sessions.map((s, i) => (i === 0 ? cpu : container.get<CpuStrategy>(TOKENS.CpuStrategy, { name: config.cpu })).execute(s));
    }
    e = combineExecutions(
      scenario.vmGuests.map((g) => g.name),
      vmExecutions,
    );
    if (machineSwitches) e = { ...e, counts: addCounts({ ...e.counts }, { machineSwitch: machineSwitches }) };
  }
  const hostWallMs = performance.now() - started;
  const digest = vmExecutions
    ? combinedDigest(
        scenario.vmGuests.map((g) => g.name),
        vmExecutions,
      )
    : digestOf(e);
  const prediction = predictionFor(config.profile, cpu.info, e.sensitiveUntrapped);
  const notCompared = notComparedVms(scenario, cpu.info);
  const vms = vmExecutions
    ? vmResults(
        scenario.vmGuests.map((g) => g.name),
        vmExecutions,
        digest,
        options.reference,
        basis,
        notCompared,
        (x) => predictionFor(config.profile, cpu.info, x.sensitiveUntrapped),
      )
    : undefined;
  const divergence = options.reference ? predicted(firstDivergence(options.reference, digest, basis, new Set(notCompared.keys())), prediction, vms) : undefined;
  // The digest holds what the guest left in memory and registers: the machines' buffers
  // go back to the pool for the next run (their counters stay readable).
  if (!options.keepMachine) {
    for (const x of vmExecutions ?? [e]) x.machine?.release();
    e = released(e);
    if (vmExecutions) vmExecutions = vmExecutions.map(released);
  }
  return {
    scenario: scenario.name,
    configuration: config.record,
    outcome: e.outcome,
    output: e.output,
    digest,
    ...(vms ? { vms } : {}),
    metrics: {
      guestInstructions: e.guestInstructions,
      executedDirectly: e.executedDirectly,
      emulated: e.emulated,
      translated: e.translated,
      traps: e.traps,
      vmExits: e.vmExits,
      tlbMisses: e.tlbMisses,
      walkReferences: e.walkReferences,
      pageFaultsHidden: e.pageFaultsHidden,
      pageFaultsReflected: e.pageFaultsReflected,
      ...(e.events ? { events: e.events } : {}),
      ...(machineSwitches !== undefined ? { machineSwitches } : {}),
      ...(e.region ? { region: e.region } : {}),
      hostWallMs,
    },
    counts: e.counts,
    cycles: cyclesOf(config.machine.costs, e.counts),
    ...(region.counts ? { region: { counts: region.counts, cycles: cyclesOf(config.machine.costs, region.counts), ...(scenario.iterations ? { operations: scenario.iterations } : {}) } } : {}),
    properties: {
      equivalent: options.reference ? divergence === undefined : null,
      ...(basis !== "full" ? { equivalenceBasis: basis } : {}),
      ...(divergence ? { divergence } : {}),
      resourceControl: { violations: [...e.audit] },
      ...(e.sensitiveUntrapped ? { sensitiveUntrapped: e.sensitiveUntrapped } : {}),
      ...(prediction ? { prediction } : {}),
      efficiency: e.guestInstructions === 0 ? 0 : e.executedDirectly / e.guestInstructions,
    },
    execution: e,
    ...(vmExecutions ? { vmExecutions } : {}),
  };
}

/** The console output of several VMs, one after another, each under a heading with its name. */
export function vmOutputs(names: readonly string[], outputs: readonly string[]): string {
  return outputs.map((o, i) => `--- VM ${i + 1} (${names[i]}) ---\n${o}${o.length > 0 && !o.endsWith("\n") ? "\n" : ""}`).join("");
}

/** A run's cycles on a machine: its counted events priced by the machine's costs. */
export function cyclesOf(costs: Costs, counts: EventCounts): NonNullable<RunResult["cycles"]> {
  const ledger = priceEvents(new Ledger(), costs, counts);
  return { total: ledger.total(), byCategory: ledger.byCategory(), lines: ledger.entries() };
}

/** The guest's work markers: event counts snapshotted at begin and end. */
class RegionSnapshots implements RegionRecorder {
  private counter: (() => EventCounts) | undefined;
  /** Also told of each mark (a caller watching the markers). */
  constructor(private readonly observer?: RegionRecorder) {}
  private begin: EventCounts | undefined;
  private end: EventCounts | undefined;
  countWith(counter: () => EventCounts): void {
    this.counter = counter;
  }
  mark(kind: RegionMark): void {
    this.observer?.mark(kind);
    if (!this.counter) return;
    if (kind === "begin" && !this.begin) this.begin = { ...this.counter() };
    else if (kind === "end" && this.begin && !this.end) this.end = { ...this.counter() };
  }
  /** The region's counts, once both marks were seen. */
  get counts(): EventCounts | undefined {
    return this.begin && this.end ? subtractCounts(this.end, this.begin) : undefined;
  }
}

const sum = (xs: readonly Execution[], f: (e: Execution) => number): number => xs.reduce((a, e) => a + f(e), 0);

function addNamed(into: Record<string, number>, from: Record<string, number> | undefined): void {
  for (const [k, v] of Object.entries(from ?? {})) into[k] = (into[k] ?? 0) + v;
}

/** One Execution for a run of several VMs: outputs under headings, counts summed, audits by VM. */
export function combineExecutions(names: readonly string[], vms: readonly Execution[]): Execution {
  const traps: Record<string, number> = {};
  const vmExits: Record<string, number> = {};
  const events: Record<string, number> = {};
  const counts: EventCounts = {};
  const untrapped = new Map<string, SensitiveUntrapped>();
  vms.forEach((e) => {
    addNamed(traps, e.traps);
    addNamed(vmExits, e.vmExits);
    addNamed(events, e.events);
    addCounts(counts, e.counts);
    for (const u of e.sensitiveUntrapped ?? []) {
      const key = `${u.mode} ${u.mnemonic}`;
      const seen = untrapped.get(key);
      untrapped.set(key, seen ? { ...seen, count: seen.count + u.count } : u);
    }
  });
  return {
    outcome: vms.every((e) => e.outcome === "halt") ? "halt" : "budget",
    output: vmOutputs(
      names,
      vms.map((e) => e.output),
    ),
    guestRegisters: [],
    guestMemory: new Uint8Array(0),
    guestInstructions: sum(vms, (e) => e.guestInstructions),
    executedDirectly: sum(vms, (e) => e.executedDirectly),
    emulated: sum(vms, (e) => e.emulated),
    translated: sum(vms, (e) => e.translated),
    traps,
    vmExits,
    tlbMisses: sum(vms, (e) => e.tlbMisses),
    walkReferences: sum(vms, (e) => e.walkReferences),
    pageFaultsHidden: sum(vms, (e) => e.pageFaultsHidden),
    pageFaultsReflected: sum(vms, (e) => e.pageFaultsReflected),
    audit: vms.flatMap((e, i) => e.audit.map((a) => `VM ${i + 1} (${names[i]}): ${a}`)),
    ...(untrapped.size ? { sensitiveUntrapped: [...untrapped.values()] } : {}),
    ...(Object.keys(events).length ? { events } : {}),
    ...(vms[0]?.machine ? { machine: vms[0].machine } : {}),
    counts,
  };
}

/** The digest of a run of several VMs: each VM's own, and their sum. */
function combinedDigest(names: readonly string[], vms: readonly Execution[]): GuestDigest {
  const each = vms.map((e, i) => ({ ...digestOf(e), name: names[i]! }));
  return {
    outcome: vms.every((e) => e.outcome === "halt") ? "halt" : "budget",
    output: vmOutputs(
      names,
      vms.map((e) => e.output),
    ),
    guestInstructions: sum(vms, (e) => e.guestInstructions),
    registers: [],
    memoryHash: fnv1a(new TextEncoder().encode(each.map((d) => d.memoryHash).join(""))),
    vms: each,
  };
}

function vmResults(
  names: readonly string[],
  vms: readonly Execution[],
  digest: GuestDigest,
  reference: GuestDigest | undefined,
  basis: EquivalenceBasis,
  notCompared: ReadonlyMap<number, string>,
  predict: (e: Execution) => PredictedDivergence | undefined,
): VmRunResult[] {
  return vms.map((e, i) => {
    const mine = digest.vms![i]!;
    const why = notCompared.get(i);
    const theirs = why === undefined ? reference?.vms?.[i] : undefined;
    const prediction = predict(e);
    const divergence = theirs ? predicted(firstDivergence(theirs, mine, basis), prediction) : undefined;
    return {
      name: names[i]!,
      outcome: e.outcome,
      output: e.output,
      guestInstructions: e.guestInstructions,
      ...(e.region ? { region: e.region } : {}),
      equivalent: theirs ? divergence === undefined : null,
      ...(divergence ? { divergence } : {}),
      ...(why !== undefined ? { notCompared: why } : {}),
      ...(prediction ? { prediction } : {}),
      violations: [...e.audit],
    };
  });
}

/**
 * A divergence with the model's prediction attached where one applies: the run's, or
 * for a run of several VMs, that of the VM that diverged.
 */
function predicted(d: Divergence | undefined, prediction: PredictedDivergence | undefined, vms?: readonly VmRunResult[]): Divergence | undefined {
  const p = d?.vm !== undefined && vms ? vms[d.vm]?.prediction : prediction;
  return d && p ? { ...d, predicted: p } : d;
}

/**
 * The VMs of a run that have no native counterpart: under a strategy that runs the
 * paravirtual build of the guest's kernel, a guest that brings a kernel of its own. Only
 * the vmlab kernel's paravirtual build is written to print what its native build prints;
 * a kernel of a scenario's own is ported to talk to the monitor, and prints what the
 * monitor answers (a refused hypercall), which no bare machine can answer.
 */
function notComparedVms(scenario: Scenario, cpu: StrategyInfo): Map<number, string> {
  const out = new Map<number, string>();
  if (cpu.requires.paravirtualGuest !== true || scenario.vms === 1) return out;
  scenario.vmGuests.forEach((g, i) => {
    if (g.kernel) {
      out.set(
        i,
        `it brings its own kernel (${g.kernel.name}), whose paravirtual build asks the monitor through hypercalls and reports its answers: no native run prints those, so there is nothing to compare it with (its audit still holds)`,
      );
    }
  });
  return out;
}

/** A result with the native run's digest applied after the fact (the matrix does this). */
export function judgeEquivalence(result: RunResult, reference: GuestDigest | undefined): RunResult {
  if (!result.digest || !result.properties || !reference) return result;
  const basis = result.properties.equivalenceBasis ?? "full";
  const notCompared = new Set((result.vms ?? []).flatMap((v, i) => (v.notCompared !== undefined ? [i] : [])));
  const { divergence: _old, ...rest } = result.properties;
  void _old;
  const vms = result.vms?.map((v, i) => {
    const theirs = v.notCompared === undefined ? reference.vms?.[i] : undefined;
    const d = theirs && result.digest!.vms?.[i] ? predicted(firstDivergence(theirs, result.digest!.vms[i]!, basis), v.prediction) : undefined;
    const { divergence: _d, ...others } = v;
    void _d;
    return { ...others, equivalent: theirs ? d === undefined : null, ...(d ? { divergence: d } : {}) };
  });
  const divergence = predicted(firstDivergence(reference, result.digest, basis, notCompared), result.properties.prediction, vms);
  return { ...result, ...(vms ? { vms } : {}), properties: { ...rest, equivalent: divergence === undefined, ...(divergence ? { divergence } : {}) } };
}
