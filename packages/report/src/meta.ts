// What a report knows beside its runs: when and how the matrix ran, what it skipped.

/** A strategy as its package describes itself (the catalog's entry). */
export interface StrategyNote {
  readonly name: string;
  readonly kind: "cpu" | "memory";
  readonly description: string;
}

export interface ReportMeta {
  readonly name: string;
  readonly createdAt: string;
  readonly versions: Record<string, string>;
  readonly machineProfiles: readonly unknown[];
  readonly skipped: readonly { label: string; reason: string }[];
  readonly wallMs: number;
  /** The strategies' own descriptions (absent from reports written before they were recorded). */
  readonly strategies?: readonly StrategyNote[];
}
