// The strategy packages a command uses: the built-in ones, plus those a vmlab.config.json
// names (from --config, or ./vmlab.config.json when present).
import { existsSync } from "node:fs";
import { dirname } from "node:path";
import { fileURLToPath } from "node:url";
import type { ContainerModule } from "inversify";
import {
  BUILTIN_STRATEGY_PACKAGES, catalogOf, ConfigurationError, guestImage, importStrategyModules, PluginError, readConfigFile,
  resolveConfiguration, resolveStrategyPackage, type Configuration, type ConfigurationSpec, type StrategyInfo,
} from "@vmlab/core";
import type { Image } from "@vmlab/isa";
import { findScenario, ScenarioError, type Scenario } from "@vmlab/guest";
import { CliError } from "./errors.js";

const CLI_DIR = dirname(fileURLToPath(import.meta.url));

export interface LoadedStrategies {
  readonly packages: string[];
  readonly modules: ContainerModule[];
  readonly catalog: StrategyInfo[];
}

export async function loadStrategies(configFile?: string): Promise<LoadedStrategies> {
  try {
    if (configFile !== undefined && configFile.trim() === "") throw new CliError(`--config needs a file name (got '${configFile}')`);
    const packages = BUILTIN_STRATEGY_PACKAGES.map((p) => resolveStrategyPackage(p, CLI_DIR));
    const file = configFile ?? (existsSync("vmlab.config.json") ? "vmlab.config.json" : undefined);
    if (configFile && !existsSync(configFile)) throw new CliError(`${configFile}: no such file`);
    if (file) packages.push(...readConfigFile(file));
    const modules = await importStrategyModules(packages);
    return { packages, modules, catalog: catalogOf(modules) };
  } catch (e) {
    if (e instanceof PluginError) throw new CliError(e.message);
    throw e;
  }
}

export function configurationOrFail(spec: ConfigurationSpec, catalog: readonly StrategyInfo[]): Configuration {
  try {
    return resolveConfiguration(spec, catalog);
  } catch (e) {
    if (e instanceof ConfigurationError) throw new CliError(e.message);
    throw e;
  }
}

export function scenarioOrFail(name: string): Scenario {
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

/** A comma-separated list option; one that names nothing is refused (leaving the option out means all). */
export const commaList =
  (flag: string, noun: string) =>
  (v: string): string[] => {
    const list = v.split(",").map((s) => s.trim()).filter(Boolean);
    if (list.length === 0) throw new CliError(`${flag} names no ${noun} (give a comma-separated list, or leave it out for all)`);
    return list;
  };
