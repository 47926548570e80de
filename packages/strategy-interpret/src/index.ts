import { ContainerModule } from "inversify";
import { TOKENS } from "@vmlab/core";
import { INTERPRET_INFO, InterpretCpu } from "./interpret.js";

export { InterpretCpu, INTERPRET_INFO, type InstructionGroup } from "./interpret.js";
export { MonitorFetch, FETCH_FAULT } from "./monitor-fetch.js";

/** Binds the interpret CPU strategy (it uses the direct memory strategy). */
export const strategyModule = new ContainerModule(({ bind }) => {
  bind(TOKENS.StrategyInfo).toConstantValue(INTERPRET_INFO);
  bind(TOKENS.CpuStrategy).to(InterpretCpu).whenNamed(INTERPRET_INFO.name);
});
