import { ContainerModule } from "inversify";
import { TOKENS } from "@vmlab/core";
import { HARDWARE_ASSIST_INFO, HardwareAssistCpu } from "./hardware-assist.js";
import { GuestModeMonitor } from "./vmm.js";

export { HardwareAssistCpu, HARDWARE_ASSIST_INFO, GuestModeMonitor };

/** Binds the hardware-assist CPU strategy. */
export const strategyModule = new ContainerModule(({ bind }) => {
  bind(TOKENS.StrategyInfo).toConstantValue(HARDWARE_ASSIST_INFO);
  bind(TOKENS.CpuStrategy).to(HardwareAssistCpu).whenNamed(HARDWARE_ASSIST_INFO.name);
});
