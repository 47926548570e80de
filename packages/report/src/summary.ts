// Derived figures shared by every report format.
import { isReference, machineName } from "@vmlab/core";
import type { PredictedDivergence, RunResult, SensitiveUntrapped } from "@vmlab/core";
import { isRealFailure, verdictOf } from "./verdict.js";

/** Slowdown of a run against native's modeled cycles (same scenario, profile, machine). */
export function slowdowns(results: readonly RunResult[]): Map<RunResult, number | undefined> {
  const native = new Map<string, number>();
  const key = (r: RunResult) => `${r.scenario}|${r.configuration.profile}|${r.configuration.levels ?? ""}|${machineName(r.configuration)}`;
  for (const r of results) if (isReference(r.configuration) && r.cycles) native.set(key(r), r.cycles.total);
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
  const key = (r: RunResult) => `${r.scenario}|${r.configuration.profile}|${r.configuration.levels ?? ""}|${machineName(r.configuration)}`;
  for (const r of results) if (isReference(r.configuration) && r.region) native.set(key(r), r.region.cycles.total);
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

/** A divergence the model predicts, as reports show it: "diverges as predicted (Theorem 3: RDTVEC)". */
export function predictedStatus(p: PredictedDivergence, untrapped?: readonly SensitiveUntrapped[]): string {
  // With the counts where the run says how often each ran (Theorem 3: in user mode).
  const counted = p.instructions.map((m) => {
    const n = (untrapped ?? []).filter((u) => u.mnemonic === m && (p.theorem === 1 || u.mode === "user")).reduce((a, u) => a + u.count, 0);
    return n > 0 ? `${m} ${fmtInt(n)}` : m;
  });
  return `diverges as predicted (Theorem ${p.theorem}: ${p.theorem === 3 ? "in user mode, " : ""}untrapped ${counted.join(", ")})`;
}

/**
 * How a cell came out: as native ("ok"), diverging where the model predicts it cannot
 * be exact ("predicted"), or failing: an error, a divergence nothing predicts, a run out
 * of budget that was not a predicted divergence.
 */
export function cellVerdict(r: RunResult): "ok" | "predicted" | "failed" {
  const v = verdictOf(r);
  return v.kind === "predicted" ? "predicted" : isRealFailure(v) ? "failed" : "ok";
}

/** "3 diverge as predicted, 1 fails" for a matrix's cells (or "all as native"). */
export function verdictSummary(results: readonly RunResult[]): string {
  const predicted = results.filter((r) => cellVerdict(r) === "predicted").length;
  const failed = results.filter((r) => cellVerdict(r) === "failed").length;
  return `${predicted} diverge${predicted === 1 ? "s" : ""} as predicted, ${failed} fail${failed === 1 ? "s" : ""}`;
}

export function statusOf(r: RunResult): string {
  if (r.outcome === "error") return `error: ${r.error ?? "unknown"}`;
  if (isReference(r.configuration)) return r.outcome === "budget" ? "over budget" : "native (reference)";
  if (r.properties?.equivalent === false) {
    if (r.properties.divergence?.predicted) return predictedStatus(r.properties.divergence.predicted, r.properties.sensitiveUntrapped);
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
