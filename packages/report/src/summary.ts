// Derived figures shared by every report format.
import type { Divergence, RunResult } from "@vmlab/core";

/**
 * A divergence the model predicts (Popek & Goldberg's Theorem 1 or 3): the configuration
 * cannot be exact for this guest. Read as optional: runs judged before predictions were
 * recorded have none.
 */
export interface Predicted {
  readonly theorem: 1 | 3;
  readonly instructions: readonly string[];
  readonly reason: string;
}

export const predictedOf = (d: Divergence | undefined): Predicted | undefined => (d as { predicted?: Predicted } | undefined)?.predicted;

/**
 * What a run comes to: the native reference, equivalent to it, diverging as a theorem
 * predicts (not a failure), or failed (an error, out of budget, or a divergence no
 * theorem predicts).
 */
export type Verdict = "reference" | "equivalent" | "predicted" | "failed";

export function verdictOf(r: RunResult): Verdict {
  if (r.outcome === "error") return "failed";
  if (r.properties?.equivalent === false) return predictedOf(r.properties.divergence) ? "predicted" : "failed";
  if (r.outcome === "budget") return "failed";
  return r.configuration.cpu === "native" ? "reference" : "equivalent";
}

/** Slowdown of a run against native's modeled cycles (same scenario, profile, machine). */
export function slowdowns(results: readonly RunResult[]): Map<RunResult, number | undefined> {
  const native = new Map<string, number>();
  const key = (r: RunResult) => `${r.scenario}|${r.configuration.profile}|${r.configuration.levels ?? ""}|${r.configuration.machine}`;
  for (const r of results) if (r.configuration.cpu === "native" && r.cycles) native.set(key(r), r.cycles.total);
  const out = new Map<RunResult, number | undefined>();
  for (const r of results) {
    const n = native.get(key(r));
    out.set(r, r.cycles && n ? r.cycles.total / n : undefined);
  }
  return out;
}

/** Slowdown of a run's marked region against native's region (same scenario, profile, machine). */
export function regionSlowdowns(results: readonly RunResult[]): Map<RunResult, number | undefined> {
  const native = new Map<string, number>();
  const key = (r: RunResult) => `${r.scenario}|${r.configuration.profile}|${r.configuration.levels ?? ""}|${r.configuration.machine}`;
  for (const r of results) if (r.configuration.cpu === "native" && r.region) native.set(key(r), r.region.cycles.total);
  const out = new Map<RunResult, number | undefined>();
  for (const r of results) {
    const n = native.get(key(r));
    out.set(r, r.region && n ? r.region.cycles.total / n : undefined);
  }
  return out;
}

/**
 * Why a run beats bare metal, where a published result says it may: an emulated port
 * 0x80 reaches no device, so the monitor's device model is cheaper than the native bus
 * cycle (Adams & Agesen's `in`). Undefined when nothing published explains it.
 */
export function fasterThanNativeReason(r: RunResult, native: RunResult | undefined): string | undefined {
  if (!native?.cycles || !r.cycles) return undefined;
  const saved = native.cycles.total - r.cycles.total;
  const line = (event: string) => native.cycles!.lines.find((l) => l.event === event)?.cycles ?? 0;
  if (line("port 0x80 access") >= saved) return "port 0x80 reaches no device: the monitor's device model costs less than the native bus cycle (Adams & Agesen's `in`)";
  if (line("control-register write (TPR, TVEC, trap gate)") >= saved)
    return "the virtual CPU's task-priority write avoids the serializing native one (Adams & Agesen: 35 cycles under BT against about 140 native)";
  return undefined;
}

export function statusOf(r: RunResult): string {
  if (r.outcome === "error") return `error: ${r.error ?? "unknown"}`;
  if (r.configuration.cpu === "native") return r.outcome === "budget" ? "over budget" : "native (reference)";
  if (r.properties?.equivalent === false) {
    const predicted = predictedOf(r.properties.divergence);
    if (predicted) return `diverges as predicted (Theorem ${predicted.theorem}: ${predicted.reason})`;
    const untrapped = r.properties.sensitiveUntrapped?.map((s) => `${s.mnemonic} ${fmtInt(s.count)}`).join(", ");
    return `DIVERGES (${r.properties.divergence?.what ?? "?"})${untrapped ? `: untrapped ${untrapped}` : ""}`;
  }
  if (r.outcome === "budget") return "over budget";
  if (r.properties?.equivalent) {
    const basis = r.properties.equivalenceBasis;
    return basis === "output" ? "equivalent (output)" : basis === "output-by-writer" ? "equivalent (output, lines per writer)" : "equivalent";
  }
  return "ok";
}

export const fmtInt = (n: number): string => Math.round(n).toLocaleString("en-US");
export const fmtRatio = (x: number | undefined): string => (x === undefined ? "-" : `${x.toFixed(2)}x`);
export const fmtPct = (x: number | undefined): string => (x === undefined ? "-" : `${(x * 100).toFixed(0)}%`);
