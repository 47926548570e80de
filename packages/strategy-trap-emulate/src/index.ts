import { ContainerModule } from "inversify";
import { TOKENS } from "@vmlab/core";
import { TRAP_EMULATE_INFO, TrapEmulateCpu } from "./trap-emulate.js";

export { TrapEmulateCpu, TRAP_EMULATE_INFO };

/** Binds the trap-and-emulate CPU strategy. */
export const strategyModule = new ContainerModule(({ bind }) => {
  bind(TOKENS.StrategyInfo).toConstantValue(TRAP_EMULATE_INFO);
  bind(TOKENS.CpuStrategy).to(TrapEmulateCpu).whenNamed(TRAP_EMULATE_INFO.name);
});
