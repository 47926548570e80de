import { ContainerModule } from "inversify";
import { TOKENS } from "@vmlab/core";
import { BINARY_TRANSLATION_INFO, BinaryTranslationCpu } from "./binary-translation.js";

export { BinaryTranslationCpu, BINARY_TRANSLATION_INFO };
export { TranslationEngine, ADAPT_AFTER } from "./translation-engine.js";
export { Translator } from "./translator.js";

/** Binds the binary-translation CPU strategy. */
export const strategyModule = new ContainerModule(({ bind }) => {
  bind(TOKENS.StrategyInfo).toConstantValue(BINARY_TRANSLATION_INFO);
  bind(TOKENS.CpuStrategy).to(BinaryTranslationCpu).whenNamed(BINARY_TRANSLATION_INFO.name);
});
