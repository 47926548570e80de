// The strategy packages a command uses: the built-in ones, plus those a vmlab.config.json
// names (from --config, or ./vmlab.config.json when present).
import { existsSync } from "node:fs";
import { dirname } from "node:path";
import { fileURLToPath } from "node:url";
import type { ContainerModule } from "inversify";
import {
  BUILTIN_STRATEGY_PACKAGES, catalogOf, ConfigurationError, importStrategyModules, PluginError, readConfigFile, resolveConfiguration,
  resolveStrategyPackage, type Configuration, type ConfigurationSpec, type StrategyInfo,
} from "@vmlab/core";
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

export const commaList = (v: string): string[] => v.split(",").map((s) => s.trim()).filter(Boolean);
