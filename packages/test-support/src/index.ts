// What the tests of every package set up alike: the built-in strategies loaded, their
// catalog, configurations on a default machine, and a run judged against native.
import { fileURLToPath } from "node:url";
import type { ContainerModule } from "inversify";
import { findScenario, type Scenario } from "@vmlab/guest";
import {
  BUILTIN_STRATEGY_PACKAGES,
  catalogOf,
  Configuration,
  importStrategyModules,
  REFERENCE,
  resolveConfiguration,
  resolveStrategyPackage,
  runConfiguration,
  type ConfigurationSpec,
  type RunOptions,
  type RunResult,
  type StrategyInfo,
} from "@vmlab/core";

/** The repository root, which depends on every strategy package. */
export const REPO_ROOT = fileURLToPath(new URL("../../..", import.meta.url));
/** The built-in strategy packages, resolved from the repository root. */
export const BUILTIN_URLS: readonly string[] = BUILTIN_STRATEGY_PACKAGES.map((p) => resolveStrategyPackage(p, REPO_ROOT));

/** The machine a test's configuration runs on unless it names one. */
export const DEFAULT_MACHINE = "p4-2006";

/** A configuration spec whose machine defaults to DEFAULT_MACHINE (an undefined memory or levels means the default). */
export type LabSpec = Omit<ConfigurationSpec, "machine" | "memory" | "levels"> & {
  readonly memory?: string | undefined;
  readonly levels?: number | undefined;
  readonly machine?: ConfigurationSpec["machine"];
};

export type LabRun = ReturnType<typeof runConfiguration>;

export interface Lab {
  readonly modules: readonly ContainerModule[];
  readonly catalog: readonly StrategyInfo[];
  config(spec: LabSpec): Configuration;
  /** Runs a configuration (or spec) on a scenario (or a scenario's name). */
  run(c: LabSpec | Configuration, scenario: string | Scenario, options?: RunOptions): LabRun;
  /** Runs the reference on the same profile and machine, then `c` judged against it (R: the caller's view of a run). */
  againstNative<R extends RunResult = LabRun>(c: LabSpec | Configuration, scenario: string | Scenario, options?: Omit<RunOptions, "reference">): { native: R; run: R };
}

/** The built-in strategies, plus any strategy packages given (URLs or paths). */
export async function strategyLab(extraPackages: readonly string[] = []): Promise<Lab> {
  const modules = await importStrategyModules([...BUILTIN_URLS, ...extraPackages]);
  const catalog = catalogOf(modules);
  const config = (spec: LabSpec): Configuration => {
    const { memory, levels, machine, ...rest } = spec;
    return resolveConfiguration({ ...rest, machine: machine ?? DEFAULT_MACHINE, ...(memory !== undefined ? { memory } : {}), ...(levels !== undefined ? { levels } : {}) }, catalog);
  };
  const configured = (c: LabSpec | Configuration) => (c instanceof Configuration ? c : config(c));
  const scenarioOf = (s: string | Scenario) => (typeof s === "string" ? findScenario(s) : s);
  const run = (c: LabSpec | Configuration, scenario: string | Scenario, options: RunOptions = {}) => runConfiguration(configured(c), scenarioOf(scenario), modules, options);
  return {
    modules,
    catalog,
    config,
    run,
    againstNative<R extends RunResult = LabRun>(c: LabSpec | Configuration, scenario: string | Scenario, options: Omit<RunOptions, "reference"> = {}) {
      const configuration = configured(c);
      const s = scenarioOf(scenario);
      const native = runConfiguration(configuration.reference(configuration.label.replace(/\/.*/, `/${REFERENCE.cpu}/${REFERENCE.memory}`)), s, modules, options);
      // A run's result with its execution (a test reads the machine's counters through it).
      const run = runConfiguration(configuration, s, modules, { ...options, reference: native.digest! });
      return { native: native as unknown as R, run: run as unknown as R };
    },
  };
}

/** The error `f` throws: a test compares what passes it on with it, instead of copying its wording. */
export function thrown(f: () => unknown): Error {
  try {
    f();
  } catch (e) {
    return e as Error;
  }
  throw new Error("expected a refusal, and nothing was thrown");
}
