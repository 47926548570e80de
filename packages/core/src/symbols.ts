// Guest addresses named after the nearest symbol at or below them ("kputc+8"), for
// traces and audits. Local labels (".loop") and constants outside the image are skipped.
import type { Image } from "@vmlab/isa";

const tables = new WeakMap<Image, { addresses: number[]; names: string[] }>();

function tableOf(image: Image): { addresses: number[]; names: string[] } {
  let t = tables.get(image);
  if (!t) {
    const lo = Math.min(...image.segments.map((s) => s.address >>> 0));
    const hi = Math.max(...image.segments.map((s) => (s.address >>> 0) + s.bytes.length));
    const entries = Object.entries(image.symbols)
      .filter(([name, a]) => !name.includes(".") && a >>> 0 >= lo && a >>> 0 < hi)
      .sort((x, y) => (x[1] >>> 0) - (y[1] >>> 0));
    t = { addresses: entries.map(([, a]) => a >>> 0), names: entries.map(([n]) => n) };
    tables.set(image, t);
  }
  return t;
}

/** "name+offset" for a guest address, or undefined when no symbol precedes it. */
export function symbolize(image: Image, address: number): string | undefined {
  const { addresses, names } = tableOf(image);
  const a = address >>> 0;
  let lo = 0;
  let hi = addresses.length - 1;
  let best = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (addresses[mid]! <= a) {
      best = mid;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  if (best < 0) return undefined;
  const off = a - addresses[best]!;
  return off === 0 ? names[best]! : `${names[best]!}+${off}`;
}
