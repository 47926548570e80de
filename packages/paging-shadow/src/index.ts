import { ContainerModule } from "inversify";
import { TOKENS } from "@vmlab/core";
import { SHADOW_INFO, ShadowMemory } from "./shadow.js";

export { ShadowMemory, SHADOW_INFO };

/** Binds the shadow-paging memory strategy. */
export const strategyModule = new ContainerModule(({ bind }) => {
  bind(TOKENS.StrategyInfo).toConstantValue(SHADOW_INFO);
  bind(TOKENS.MemoryStrategy).to(ShadowMemory).whenNamed(SHADOW_INFO.name);
});
