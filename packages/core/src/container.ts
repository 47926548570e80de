// The composition root: one container per run, built from the configuration and the
// strategy packages' container modules. Used for wiring only.
import "reflect-metadata";
import { Container, type ContainerModule } from "inversify";
import type { Configuration } from "./configuration.js";
import type { CpuStrategy, MemoryStrategy, StrategyInfo } from "./strategy.js";
import { TOKENS } from "./tokens.js";

/** A strategy package's public face: its container module. */
export interface StrategyPackage {
  readonly strategyModule: ContainerModule;
}

export function catalogOf(modules: readonly ContainerModule[]): StrategyInfo[] {
  const c = new Container();
  c.load(...modules);
  return c.isBound(TOKENS.StrategyInfo) ? c.getAll<StrategyInfo>(TOKENS.StrategyInfo) : [];
}

export function runContainer(config: Configuration, modules: readonly ContainerModule[]): Container {
  const c = new Container();
  c.bind(TOKENS.Configuration).toConstantValue(config);
  c.bind(TOKENS.MachineProfile).toConstantValue(config.machine);
  c.load(...modules);
  return c;
}

export function strategiesFor(c: Container, config: Configuration): { cpu: CpuStrategy; memory: MemoryStrategy } {
  return {
    cpu: c.get<CpuStrategy>(TOKENS.CpuStrategy, { name: config.cpu }),
    memory: c.get<MemoryStrategy>(TOKENS.MemoryStrategy, { name: config.memory }),
  };
}
