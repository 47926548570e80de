// Running one configuration on one scenario.
import type { ContainerModule } from "inversify";
import { diskContentsOf, type Scenario } from "@vmlab/guest";
import { guestImage } from "./images.js";
import { runContainer, strategiesFor } from "./container.js";
import type { Configuration } from "./configuration.js";
import { digestOf, firstDivergence, type GuestDigest } from "./equivalence.js";
import type { RunResult } from "./run-result.js";
import type { Execution } from "./strategy.js";
import type { TraceSink } from "./monitor/trace-events.js";

export interface RunOptions {
  /** Guest instruction budget (default: the scenario's). */
  readonly budget?: number;
  /** The native run's digest, to judge equivalence. */
  readonly reference?: GuestDigest;
  /** Records the run's events (for `vmlab trace`). */
  readonly trace?: TraceSink;
}

export function configurationSummary(config: Configuration): RunResult["configuration"] {
  return {
    label: config.label,
    profile: config.profile.name,
    ...(config.profile.mmu.kind === "walker" ? { levels: config.profile.mmu.levels } : {}),
    cpu: config.cpu,
    memory: config.memory,
    machine: config.machine.name,
  };
}

/** Runs `config` on `scenario`. Bad input (assembly errors, ...) throws. */
export function runConfiguration(
  config: Configuration,
  scenario: Scenario,
  modules: readonly ContainerModule[],
  options: RunOptions = {},
): RunResult & { execution: Execution } {
  const container = runContainer(config, modules);
  const { cpu, memory, ledger } = strategiesFor(container, config);
  const image = guestImage(scenario, config.profile, { paravirt: cpu.info.requires.paravirtualGuest === true });
  const basis = cpu.info.equivalence ?? "full";
  const disk = diskContentsOf(scenario);
  const started = performance.now();
  const e = cpu.execute({
    scenario,
    profile: config.profile,
    image,
    budget: options.budget ?? scenario.budget,
    ...(disk ? { diskContents: disk } : {}),
    machineProfile: config.machine,
    ledger,
    memory,
    ...(options.trace ? { trace: options.trace } : {}),
  });
  const hostWallMs = performance.now() - started;
  const digest = digestOf(e);
  const divergence = options.reference ? firstDivergence(options.reference, digest, basis) : undefined;
  return {
    scenario: scenario.name,
    configuration: configurationSummary(config),
    outcome: e.outcome,
    output: e.output,
    digest,
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
      hostWallMs,
    },
    cycles: { total: ledger.total(), byCategory: ledger.byCategory(), lines: ledger.entries() },
    properties: {
      equivalent: options.reference ? divergence === undefined : null,
      ...(basis !== "full" ? { equivalenceBasis: basis } : {}),
      ...(divergence ? { divergence } : {}),
      resourceControl: { violations: [...e.audit] },
      ...(e.sensitiveUntrapped ? { sensitiveUntrapped: e.sensitiveUntrapped } : {}),
      efficiency: e.guestInstructions === 0 ? 0 : e.executedDirectly / e.guestInstructions,
    },
    execution: e,
  };
}

/** A result with the native run's digest applied after the fact (the matrix does this). */
export function judgeEquivalence(result: RunResult, reference: GuestDigest | undefined): RunResult {
  if (!result.digest || !result.properties || !reference) return result;
  const divergence = firstDivergence(reference, result.digest, result.properties.equivalenceBasis);
  const { divergence: _old, ...rest } = result.properties;
  void _old;
  return { ...result, properties: { ...rest, equivalent: divergence === undefined, ...(divergence ? { divergence } : {}) } };
}
