export { TOKENS } from "./tokens.js";
export * from "./machine-profiles.js";
export { Ledger, CATEGORIES, type Category, type LedgerLine } from "./ledger.js";
export type { Requirements, StrategyInfo, GuestSession, Execution, CpuStrategy, MemoryStrategy, FaultDisposition } from "./strategy.js";
export {
  resolveConfiguration, enumerateConfigurations, unmetRequirement, isStrict, ConfigurationError, type Configuration, type ConfigurationSpec,
} from "./configuration.js";
export { digestOf, firstDivergence, fnv1a, type GuestDigest, type Divergence } from "./equivalence.js";
export type { RunResult, RunMetrics } from "./run-result.js";
export { catalogOf, runContainer, strategiesFor, type StrategyPackage } from "./container.js";
export { BUILTIN_STRATEGY_PACKAGES, resolveStrategyPackage, readConfigFile, importStrategyModules, PluginError } from "./plugins.js";
export { runConfiguration, judgeEquivalence, configurationSummary, type RunOptions } from "./run.js";
export { newGuestMachine, chargeHardwareEvents, trapsOf } from "./bare-metal.js";
export { runMatrix, errorResult, type MatrixCell, type MatrixOptions, type CellTask } from "./matrix.js";
