// Service identifiers for the per-run container. Strategies are bound by name.
export const TOKENS = {
  /** The resolved configuration of this run. */
  Configuration: Symbol.for("vmlab.Configuration"),
  MachineProfile: Symbol.for("vmlab.MachineProfile"),
  /** Every strategy's descriptor (CPU and memory), for listing and validation. */
  StrategyInfo: Symbol.for("vmlab.StrategyInfo"),
  /** CPU strategies, bound with `.whenNamed(name)`. */
  CpuStrategy: Symbol.for("vmlab.CpuStrategy"),
  /** Memory strategies, bound with `.whenNamed(name)`. */
  MemoryStrategy: Symbol.for("vmlab.MemoryStrategy"),
} as const;
