import { ContainerModule } from "inversify";
import { TOKENS } from "@vmlab/core";
import { DIRECT_INFO, DirectMemory, NATIVE_INFO, NativeCpu } from "./native.js";

export { NativeCpu, DirectMemory, NATIVE_INFO, DIRECT_INFO };

/** Binds the native CPU strategy and the direct memory strategy. */
export const strategyModule = new ContainerModule(({ bind }) => {
  bind(TOKENS.StrategyInfo).toConstantValue(NATIVE_INFO);
  bind(TOKENS.StrategyInfo).toConstantValue(DIRECT_INFO);
  bind(TOKENS.CpuStrategy).to(NativeCpu).whenNamed(NATIVE_INFO.name);
  bind(TOKENS.MemoryStrategy).to(DirectMemory).whenNamed(DIRECT_INFO.name);
});
