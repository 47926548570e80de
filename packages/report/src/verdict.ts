// What a run's outcome means for a reader: the reference, exact, a divergence the model
// predicts (Popek & Goldberg), or a real failure.
import { isReference } from "@vmlab/core";
import type { RunResult } from "@vmlab/core";

/** The model's prediction that a configuration cannot be exact (see core's equivalence.ts). */
export interface Prediction {
  /** 1: sensitive instructions that are not privileged; 3: user-sensitive ones under a hybrid monitor. */
  readonly theorem: 1 | 3;
  readonly instructions: readonly string[];
  readonly reason: string;
}

/** "unchecked": no native run to compare with. */
export type VerdictKind = "reference" | "equivalent" | "unchecked" | "predicted" | "diverges" | "budget" | "error";

export interface Verdict {
  readonly kind: VerdictKind;
  /** One line for tables. */
  readonly text: string;
  readonly prediction?: Prediction;
}

const predictedOf = (d: unknown): Prediction | undefined => (d as { predicted?: Prediction } | undefined)?.predicted;

/** The prediction a diverging run carries (core sets it where the model predicts the divergence). */
export function predictionOf(r: RunResult): Prediction | undefined {
  const p = r.properties;
  return p?.equivalent === false ? predictedOf(p.divergence) : undefined;
}

export function verdictOf(r: RunResult): Verdict {
  if (r.outcome === "error") return { kind: "error", text: `error: ${r.error ?? "unknown"}` };
  if (r.properties?.equivalent === false) {
    const prediction = predictionOf(r);
    const where = r.properties.divergence?.what ?? "?";
    if (prediction) return { kind: "predicted", text: `diverges as predicted (Theorem ${prediction.theorem}: ${prediction.instructions.join(", ")})`, prediction };
    return { kind: "diverges", text: `DIVERGES (${where})` };
  }
  if (r.outcome === "budget") return { kind: "budget", text: "over budget" };
  if (isReference(r.configuration)) return { kind: "reference", text: "native (reference)" };
  if (r.properties?.equivalent !== true) return { kind: "unchecked", text: "ok (no native run to compare with)" };
  const basis = r.properties.equivalenceBasis;
  return { kind: "equivalent", text: basis === "output" ? "equivalent (output)" : basis === "output-by-writer" ? "equivalent (output, lines per writer)" : "equivalent" };
}

/** A failure nobody predicted: a divergence without a prediction, a run over budget, an error. */
export const isRealFailure = (v: Verdict): boolean => v.kind === "diverges" || v.kind === "budget" || v.kind === "error";
