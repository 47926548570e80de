// Figures about runs that more than one report format lists.
import { lookupIn, validate, type RunResult, type ValidationResult, isReference, machineName } from "@vmlab/core";
import { fasterThanNativeReason, slowdowns } from "./summary.js";
import { exitLabelTitle, vtxExitOfLabel } from "@vmlab/isa";

export const totalExits = (r: RunResult): number => Object.values(r.metrics?.vmExits ?? {}).reduce((a, b) => a + b, 0);
/** "IO_INSTRUCTION (30)=1020; EXTERNAL_INTERRUPT (1)=2; HLT (12)=1": each reason as the VT-x exit it models. */
export const exitsByReason = (r: RunResult): string =>
  Object.entries(r.metrics?.vmExits ?? {})
    .map(([k, n]) => `${exitLabelTitle(k)}=${n}`)
    .join("; ");

/** Each exit-count label the runs use, with the VT-x basic exit reason (number and name) it models. */
export function vmExitReasons(results: readonly RunResult[]): Record<string, { vtx: number; vtxName: string; detail?: string }> {
  const out: Record<string, { vtx: number; vtxName: string; detail?: string }> = {};
  for (const label of new Set(results.flatMap((r) => Object.keys(r.metrics?.vmExits ?? {})))) {
    const v = vtxExitOfLabel(label);
    if (v) out[label] = { vtx: v.reason.number, vtxName: v.reason.name, ...(v.detail ? { detail: v.detail } : {}) };
  }
  return out;
}

/** Runs that beat bare metal, each with the published result that explains it, or none. */
export function fasterThanNative(results: readonly RunResult[]): { run: RunResult; slowdown: number; reason: string | undefined }[] {
  const slow = slowdowns(results);
  const nativeOf = (r: RunResult) =>
    results.find(
      (n) =>
        isReference(n.configuration) &&
        n.scenario === r.scenario &&
        n.configuration.profile === r.configuration.profile &&
        n.configuration.levels === r.configuration.levels &&
        machineName(n.configuration) === machineName(r.configuration),
    );
  return results
    .filter((r) => !isReference(r.configuration) && r.properties?.equivalent !== false && (slow.get(r) ?? 1) < 0.995)
    .map((r) => ({ run: r, slowdown: slow.get(r)!, reason: fasterThanNativeReason(r, nativeOf(r)) }));
}

/** The validation rows a matrix's own runs can answer. */
export function matrixValidation(results: readonly RunResult[]): ValidationResult[] {
  return validate(lookupIn(results)).filter((v) => !Number.isNaN(v.modeledValue));
}
