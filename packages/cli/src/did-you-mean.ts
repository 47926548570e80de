// "did you mean" for a misspelled name: the valid name that starts with what was typed,
// else the nearest by edit distance when it is near enough to be a typo.
import { distance } from "fastest-levenshtein";

export function closestName(value: string, valid: readonly string[]): string | undefined {
  const v = value.toLowerCase();
  if (v.length === 0) return undefined;
  const prefixed = valid.filter((n) => n.toLowerCase().startsWith(v));
  if (prefixed.length === 1) return prefixed[0];
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const n of valid) {
    const d = distance(v, n.toLowerCase());
    if (d < bestDistance) {
      best = n;
      bestDistance = d;
    }
  }
  // A typo changes a few characters, not most of the word.
  return bestDistance <= Math.max(1, Math.floor(v.length / 3)) ? best : undefined;
}

/** "unknown KIND 'value' (valid: a, b, c)", with "; did you mean 'b'?" when one is close. */
export function unknownName(kind: string, value: string, valid: readonly string[], where = ""): string {
  const near = closestName(value, valid);
  return `unknown ${kind} '${value}'${where ? ` ${where}` : ""} (valid: ${valid.join(", ")})${near ? `; did you mean '${near}'?` : ""}`;
}
