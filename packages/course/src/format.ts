// Numbers as the questions and answers print them (the same on every machine: en-US).
import type { QuizProof } from "./question.js";

export const int = (n: number): string => Math.round(n).toLocaleString("en-US");
export const fixed = (n: number, digits = 2): string => n.toLocaleString("en-US", { minimumFractionDigits: digits, maximumFractionDigits: digits });

/** "configuration on machine", as the proofs name a run. */
export const runName = (label: string, machine: string): string => `${label} on ${machine}`;

/** A proof as `vmlab quiz -c` prints it after "Proof: ". */
export function proofText(p: QuizProof): string {
  const run = p.scenario ? `${p.source}, scenario ${p.scenario}${p.budget ? ` (budget ${p.budget.toLocaleString("en-US")} instructions)` : ""}` : p.source;
  return `${run}: ${p.figure} = ${typeof p.value === "number" ? p.value.toLocaleString("en-US") : p.value}`;
}
