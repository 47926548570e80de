import { ContainerModule } from "inversify";
import { TOKENS } from "@vmlab/core";
import { SOFTWARE_TLB_INFO, SoftwareTlbMemory } from "./software-tlb.js";

export { SoftwareTlbMemory, SOFTWARE_TLB_INFO };

/** Binds the software-TLB interception memory strategy. */
export const strategyModule = new ContainerModule(({ bind }) => {
  bind(TOKENS.StrategyInfo).toConstantValue(SOFTWARE_TLB_INFO);
  bind(TOKENS.MemoryStrategy).to(SoftwareTlbMemory).whenNamed(SOFTWARE_TLB_INFO.name);
});
