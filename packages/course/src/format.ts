// Numbers as the questions and answers print them (the same on every machine: en-US).
export const int = (n: number): string => Math.round(n).toLocaleString("en-US");
export const fixed = (n: number, digits = 2): string => n.toLocaleString("en-US", { minimumFractionDigits: digits, maximumFractionDigits: digits });

/** "configuration on machine", as the proofs name a run. */
export const runName = (label: string, machine: string): string => `${label} on ${machine}`;
