// The strategy packages a command uses: the built-in ones, plus those a vmlab.config.json
// names (from --config, or ./vmlab.config.json when present).
import { existsSync, readdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import type { ContainerModule } from "inversify";
import {
  BUILTIN_STRATEGY_PACKAGES,
  catalogOf,
  ConfigurationError,
  getMachineProfile,
  guestImage,
  importStrategyModules,
  PluginError,
  readConfigFile,
  resolveConfiguration,
  resolveStrategyPackage,
  type Configuration,
  type ConfigurationSpec,
  type MachineProfile,
  type StrategyInfo,
} from "@vmlab/core";
import type { Image } from "@vmlab/isa";
import { findScenario, scenariosRoot, ScenarioError, type Scenario } from "@vmlab/guest";
import { CliError } from "./errors.js";
import { unknownName } from "./did-you-mean.js";
import { NAMES } from "./names.js";
import { checkNames } from "./options.js";

const CLI_DIR = dirname(fileURLToPath(import.meta.url));

/** Set by the bundler (build.mjs): the folder of the prebuilt strategy packages, relative to this file. */
declare const VMLAB_BUNDLED_STRATEGIES: string | undefined;

/** A built-in strategy package: prebuilt beside the bundled command, else its TypeScript source. */
function builtinPackage(name: string): string {
  if (typeof VMLAB_BUNDLED_STRATEGIES === "string") return new URL(`${VMLAB_BUNDLED_STRATEGIES}${name.replace(/^@vmlab\//, "")}.mjs`, import.meta.url).href;
  return resolveStrategyPackage(name, CLI_DIR);
}

export interface LoadedStrategies {
  readonly packages: string[];
  /** Those a vmlab.config.json names (the built-in ones are the workspace's own code). */
  readonly plugins: string[];
  readonly modules: ContainerModule[];
  readonly catalog: StrategyInfo[];
}

export async function loadStrategies(configFile?: string): Promise<LoadedStrategies> {
  try {
    if (configFile !== undefined && configFile.trim() === "") throw new CliError(`--config needs a file name (got '${configFile}')`);
    const packages = BUILTIN_STRATEGY_PACKAGES.map(builtinPackage);
    const file = configFile ?? (existsSync("vmlab.config.json") ? "vmlab.config.json" : undefined);
    if (configFile && !existsSync(configFile)) throw new CliError(`${configFile}: no such file`);
    const plugins = file ? readConfigFile(file) : [];
    packages.push(...plugins);
    const modules = await importStrategyModules(packages);
    return { packages, plugins, modules, catalog: catalogOf(modules) };
  } catch (e) {
    if (e instanceof PluginError) throw new CliError(e.message);
    throw e;
  }
}

export const cpuNames = (catalog: readonly StrategyInfo[]): string[] => catalog.filter((s) => s.kind === "cpu").map((s) => s.name);
export const memoryNames = (catalog: readonly StrategyInfo[]): string[] => catalog.filter((s) => s.kind === "memory").map((s) => s.name);

/** A machine profile by name (with feature switches, `name:feature=off`) or from a .json file. */
export function machineOrFail(spec: string): MachineProfile {
  const name = spec.split(":")[0]!;
  if (!spec.endsWith(".json") && !NAMES.machines.includes(name)) throw new CliError(`${unknownName("machine profile", name, NAMES.machines)} (or a .json file)`);
  try {
    return getMachineProfile(spec);
  } catch (e) {
    throw new CliError((e as Error).message);
  }
}

export function configurationOrFail(spec: ConfigurationSpec, catalog: readonly StrategyInfo[]): Configuration {
  checkNames("CPU strategy", spec.cpu === undefined ? [] : [spec.cpu], cpuNames(catalog));
  checkNames("memory strategy", spec.memory === undefined ? [] : [spec.memory], memoryNames(catalog));
  if (typeof spec.machine === "string") machineOrFail(spec.machine);
  try {
    return resolveConfiguration(spec, catalog);
  } catch (e) {
    if (e instanceof ConfigurationError) throw new CliError(e.message);
    throw e;
  }
}

/** The scenarios' names (the folders of scenarios/ with a scenario.json). */
export function scenarioNames(): string[] {
  const root = scenariosRoot();
  return existsSync(root)
    ? readdirSync(root)
        .filter((d) => existsSync(join(root, d, "scenario.json")))
        .sort()
    : [];
}

/** A scenario by name, or a folder of one (a path). */
export function scenarioOrFail(name: string): Scenario {
  const isPath = name.includes("/") || name.startsWith(".");
  if (!isPath) {
    const names = scenarioNames();
    if (!names.includes(name)) throw new CliError(unknownName("scenario", name, names));
  }
  try {
    return findScenario(name);
  } catch (e) {
    if (e instanceof ScenarioError) throw new CliError(e.message);
    throw e;
  }
}

/** The guest image a configuration runs (the paravirtual build for a strategy that requires it), for symbols. */
export function imageFor(scenario: Scenario, config: Configuration, catalog: readonly StrategyInfo[]): Image {
  const cpu = catalog.find((s) => s.kind === "cpu" && s.name === config.cpu);
  return guestImage(scenario, config.profile, { paravirt: cpu?.requires.paravirtualGuest === true });
}
