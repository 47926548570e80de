import { ContainerModule } from "inversify";
import { TOKENS } from "@vmlab/core";
import { NESTED_INFO, NestedMemory } from "./nested.js";

export { NestedMemory, NESTED_INFO };

/** Binds the nested-paging memory strategy. */
export const strategyModule = new ContainerModule(({ bind }) => {
  bind(TOKENS.StrategyInfo).toConstantValue(NESTED_INFO);
  bind(TOKENS.MemoryStrategy).to(NestedMemory).whenNamed(NESTED_INFO.name);
});
