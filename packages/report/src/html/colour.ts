// A log-scaled, diverging colour scale for slowdowns: blue below native (1x), white at
// 1x, yellow to dark red above. Each side is normalised to its own extreme, so a matrix
// whose fastest run is 0.1x and slowest 70x uses the whole range on both sides.

const BLUES = ["#ffffff", "#deebf7", "#c6dbef", "#9ecae1", "#6baed6", "#4292c6", "#2171b5", "#08519c"];
const YLORRD = ["#ffffff", "#ffffcc", "#ffeda0", "#fed976", "#feb24c", "#fd8d3c", "#fc4e2a", "#e31a1c", "#bd0026", "#800026"];

const rgbOf = (c: string): [number, number, number] => [parseInt(c.slice(1, 3), 16), parseInt(c.slice(3, 5), 16), parseInt(c.slice(5, 7), 16)];

function ramp(stops: readonly string[], t: number): [number, number, number] {
  const x = Math.min(1, Math.max(0, t)) * (stops.length - 1);
  const i = Math.min(stops.length - 2, Math.floor(x));
  const a = rgbOf(stops[i]!);
  const b = rgbOf(stops[i + 1]!);
  const f = x - i;
  return [0, 1, 2].map((k) => Math.round(a[k]! + (b[k]! - a[k]!) * f)) as [number, number, number];
}

export interface SlowdownScale {
  readonly min: number;
  readonly max: number;
  /** Background and a legible text colour for a slowdown. */
  colour(x: number): { background: string; text: string };
  /** Tick values (1-2-5 or powers of ten) inside the domain, 1 included. */
  ticks(): number[];
  /** Position of a value along the legend, 0..1 (log). */
  position(x: number): number;
}

export function slowdownScale(values: readonly number[]): SlowdownScale {
  const finite = values.filter((v) => Number.isFinite(v) && v > 0);
  // Below 1.05x and above 1/1.05 the sides would be flat; keep a little range.
  const min = Math.min(0.95, ...finite);
  const max = Math.max(1.05, ...finite);
  const lo = Math.log(min);
  const hi = Math.log(max);
  const rgb = (x: number): [number, number, number] => {
    const l = Math.log(x);
    return l >= 0 ? ramp(YLORRD, l / hi) : ramp(BLUES, l / lo);
  };
  return {
    min,
    max,
    colour(x) {
      const [r, g, b] = rgb(x);
      // Relative luminance (sRGB, approximate): dark backgrounds get white text.
      const lum = (0.2126 * r + 0.7152 * g + 0.0722 * b) / 255;
      return { background: `rgb(${r},${g},${b})`, text: lum < 0.5 ? "#fff" : "#111" };
    },
    ticks() {
      const out: number[] = [];
      for (let e = Math.floor(Math.log10(min)); e <= Math.ceil(Math.log10(max)); e++) {
        for (const m of [1, 3]) {
          const v = m * 10 ** e;
          if (v >= min && v <= max) out.push(Number(v.toPrecision(2)));
        }
      }
      return out;
    },
    position: (x) => (Math.log(x) - lo) / (hi - lo),
  };
}

/** A CSS gradient of the scale from min to max, for its legend. */
export function legendGradient(s: SlowdownScale): string {
  const stops: string[] = [];
  for (let i = 0; i <= 20; i++) {
    const x = Math.exp(Math.log(s.min) + ((Math.log(s.max) - Math.log(s.min)) * i) / 20);
    stops.push(`${s.colour(x).background} ${(i * 5).toFixed(0)}%`);
  }
  return `linear-gradient(to right, ${stops.join(", ")})`;
}

/** A slowdown short enough for a heatmap cell: 0.43, 1.30, 14.4, 148. */
export function shortRatio(x: number): string {
  return x < 10 ? x.toFixed(2) : x < 100 ? x.toFixed(1) : x.toFixed(0);
}

/** One colour per cycle category (Tableau 10), in CATEGORIES' order. */
export const CATEGORY_COLOURS = ["#4e79a7", "#59a14f", "#f28e2b", "#76b7b2", "#e15759", "#b07aa1", "#edc948", "#9c755f", "#bab0ac", "#ff9da7"];
