/** A 32-bit value as the traces, diagnostics and reports write it: `0x` and lower-case hex, unsigned, at least `digits` digits. */
export function hex(n: number, digits = 0): string {
  return `0x${(n >>> 0).toString(16).padStart(digits, "0")}`;
}
