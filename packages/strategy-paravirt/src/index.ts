import { ContainerModule } from "inversify";
import { TOKENS } from "@vmlab/core";
import { PARAVIRT_INFO, ParavirtCpu } from "./paravirt.js";
import { PARAVIRT_MMU_INFO, ParavirtMmu } from "./paravirt-mmu.js";

export { ParavirtCpu, PARAVIRT_INFO, ParavirtMmu, PARAVIRT_MMU_INFO };
export { ParavirtMonitor } from "./paravirt-monitor.js";
export { finishParavirt } from "./paravirt.js";
export { HC, PT, SH, HYPERCALL_NAMES, MAX_BATCH, REFUSED, type HypercallName } from "./abi.js";

/** Binds the paravirtual CPU strategy and its memory strategy. */
export const strategyModule = new ContainerModule(({ bind }) => {
  bind(TOKENS.StrategyInfo).toConstantValue(PARAVIRT_INFO);
  bind(TOKENS.StrategyInfo).toConstantValue(PARAVIRT_MMU_INFO);
  bind(TOKENS.CpuStrategy).to(ParavirtCpu).whenNamed(PARAVIRT_INFO.name);
  bind(TOKENS.MemoryStrategy).to(ParavirtMmu).whenNamed(PARAVIRT_MMU_INFO.name);
});
