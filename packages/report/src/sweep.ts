// A sweep: the same configurations rerun over a range of one machine-profile cost,
// as tables (cost value x configuration), crossover points, and a Chart.js line chart.
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { table } from "table";
import { isReference, machineName } from "@vmlab/core";
import type { RunResult } from "@vmlab/core";
import { csv } from "./files.js";
import { chartJsSource, scriptText } from "./html/assets.js";
import { esc } from "./html/markup.js";
import { statusOf } from "./summary.js";

export type SweepMetric = "slowdown" | "cycles";

export interface SweepPoint {
  readonly value: number;
  readonly scenario: string;
  /** Configuration label (profile/cpu/memory). */
  readonly configuration: string;
  readonly cycles?: number;
  /** Against the native run of the same scenario at the same cost value. */
  readonly slowdown?: number;
  readonly equivalent?: boolean | null;
  readonly status: string;
}

export interface Sweep {
  readonly param: string;
  /** The machine profile whose cost was varied. */
  readonly machine: string;
  readonly values: readonly number[];
  readonly metric: SweepMetric;
  readonly scenarios: readonly string[];
  /** Configuration labels in column order (native first when the metric is cycles). */
  readonly configurations: readonly string[];
  readonly points: readonly SweepPoint[];
}

export interface Crossover {
  /** A scenario name, or "geometric mean". */
  readonly scenario: string;
  /** Cheaper below `at`, and the other above it. */
  readonly cheaperBelow: string;
  readonly cheaperAbove: string;
  /** Interpolated cost value where the two are equal, between the two sweep values around it. */
  readonly at: number;
  readonly between: readonly [number, number];
}

export const GEOMEAN = "geometric mean";

/** The points of a sweep from its runs; `valueAt` maps a run's machine-profile name to its cost value. */
export function sweepOf(param: string, machine: string, values: readonly number[], metric: SweepMetric, results: readonly RunResult[], valueAt: (machineName: string) => number | undefined): Sweep {
  const nativeCycles = new Map<string, number>();
  const key = (scenario: string, value: number) => `${scenario}\u0000${value}`;
  for (const r of results) {
    const v = valueAt(machineName(r.configuration));
    if (isReference(r.configuration) && r.cycles && v !== undefined) nativeCycles.set(key(r.scenario, v), r.cycles.total);
  }
  const points: SweepPoint[] = [];
  for (const r of results) {
    const value = valueAt(machineName(r.configuration));
    if (value === undefined) continue;
    if (metric === "slowdown" && isReference(r.configuration)) continue;
    const n = nativeCycles.get(key(r.scenario, value));
    points.push({
      value,
      scenario: r.scenario,
      configuration: r.configuration.label,
      ...(r.cycles ? { cycles: r.cycles.total } : {}),
      ...(r.cycles && n ? { slowdown: r.cycles.total / n } : {}),
      ...(r.properties ? { equivalent: r.properties.equivalent } : {}),
      status: statusOf(r),
    });
  }
  const scenarios = [...new Set(points.map((p) => p.scenario))];
  const configurations = [...new Set(points.map((p) => p.configuration))];
  return { param, machine, values: [...values], metric, scenarios, configurations, points };
}

function metricOf(p: SweepPoint | undefined, metric: SweepMetric): number | undefined {
  if (!p || p.equivalent === false) return undefined;
  return metric === "slowdown" ? p.slowdown : p.cycles;
}

/** metric[configuration][value index] for one scenario, or the geometric mean over all scenarios. */
export function series(sweep: Sweep, scenario: string): Map<string, (number | undefined)[]> {
  const out = new Map<string, (number | undefined)[]>();
  for (const c of sweep.configurations) {
    out.set(
      c,
      sweep.values.map((v) => {
        if (scenario !== GEOMEAN)
          return metricOf(
            sweep.points.find((p) => p.scenario === scenario && p.configuration === c && p.value === v),
            sweep.metric,
          );
        const xs = sweep.scenarios.map((s) =>
          metricOf(
            sweep.points.find((p) => p.scenario === s && p.configuration === c && p.value === v),
            sweep.metric,
          ),
        );
        let logs = 0;
        for (const x of xs) {
          if (x === undefined || x <= 0) return undefined;
          logs += Math.log(x);
        }
        return Math.exp(logs / xs.length);
      }),
    );
  }
  return out;
}

/** The scenarios a sweep reports on: each one, and their geometric mean when there are several. */
export function sweepGroups(sweep: Sweep): string[] {
  return sweep.scenarios.length > 1 ? [...sweep.scenarios, GEOMEAN] : [...sweep.scenarios];
}

/** Where two configurations change order along the swept cost (linear interpolation between neighbouring values). */
export function crossovers(sweep: Sweep): Crossover[] {
  const out: Crossover[] = [];
  const order = sweep.values.map((v, i) => ({ v, i })).sort((a, b) => a.v - b.v);
  for (const scenario of sweepGroups(sweep)) {
    const s = series(sweep, scenario);
    const configs = sweep.configurations;
    for (let a = 0; a < configs.length; a++) {
      for (let b = a + 1; b < configs.length; b++) {
        const A = s.get(configs[a]!)!;
        const B = s.get(configs[b]!)!;
        for (let k = 0; k + 1 < order.length; k++) {
          const i = order[k]!.i;
          const j = order[k + 1]!.i;
          const [a1, b1, a2, b2] = [A[i], B[i], A[j], B[j]];
          if (a1 === undefined || b1 === undefined || a2 === undefined || b2 === undefined) continue;
          const d1 = a1 - b1;
          const d2 = a2 - b2;
          if (d1 === 0 || d2 === 0 || Math.sign(d1) === Math.sign(d2)) continue;
          const v1 = order[k]!.v;
          const v2 = order[k + 1]!.v;
          const at = v1 + ((v2 - v1) * d1) / (d1 - d2);
          // Below the crossing the one that was cheaper at v1 wins.
          const [below, above] = d1 < 0 ? [configs[a]!, configs[b]!] : [configs[b]!, configs[a]!];
          out.push({ scenario, cheaperBelow: below, cheaperAbove: above, at, between: [v1, v2] });
        }
      }
    }
  }
  return out;
}

const fmt = (x: number | undefined, metric: SweepMetric): string => (x === undefined ? "-" : metric === "slowdown" ? `${x.toFixed(2)}x` : Math.round(x).toLocaleString("en-US"));
const fmtValue = (v: number): string => (Number.isInteger(v) ? v.toLocaleString("en-US") : v.toPrecision(4));

/** One terminal table per scenario (and their geometric mean): rows are cost values, columns configurations. */
export function sweepTables(sweep: Sweep): string {
  const parts: string[] = [];
  for (const scenario of sweepGroups(sweep)) {
    const s = series(sweep, scenario);
    const head = [sweep.param, ...sweep.configurations];
    const rows = sweep.values.map((v, i) => [fmtValue(v), ...sweep.configurations.map((c) => fmt(s.get(c)![i], sweep.metric))]);
    const what = sweep.metric === "slowdown" ? "slowdown against native" : "modeled cycles";
    parts.push(`${scenario}: ${what} by ${sweep.param} (${sweep.machine} otherwise)\n`);
    parts.push(
      table([head, ...rows], {
        columns: Object.fromEntries(head.map((_, i) => [i, { alignment: "right" as const, ...(i > 0 ? { width: 16, wrapWord: true } : {}) }])),
        drawHorizontalLine: (i, n) => i === 0 || i === 1 || i === n,
      }),
    );
  }
  const diverging = sweep.configurations.filter((c) => sweep.points.some((p) => p.configuration === c && p.equivalent === false));
  for (const c of diverging) parts.push(`${c}: not equivalent to native, left out (${sweep.points.find((p) => p.configuration === c && p.equivalent === false)!.status})\n`);
  const x = crossovers(sweep);
  if (x.length) {
    parts.push("Crossovers:\n");
    for (const c of x) parts.push(`  ${crossoverText(c, sweep.param)}\n`);
  } else parts.push("No configurations change order over this range.\n");
  return parts.join("");
}

export function crossoverText(c: Crossover, param: string): string {
  return `${c.scenario}: ${c.cheaperBelow} is cheaper below ${param} ≈ ${fmtValue(Math.round(c.at))}, ${c.cheaperAbove} above (between ${fmtValue(c.between[0])} and ${fmtValue(c.between[1])})`;
}

export function sweepCsv(sweep: Sweep): string {
  return csv([
    ["param", "value", "scenario", "configuration", "cycles", "slowdown", "equivalent", "status"],
    ...sweep.points.map((p) => [sweep.param, p.value, p.scenario, p.configuration, p.cycles, p.slowdown, p.equivalent, p.status]),
  ]);
}

export function sweepHtml(sweep: Sweep): string {
  const palette = ["#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f", "#edc948", "#b07aa1", "#ff9da7", "#9c755f", "#bab0ac"];
  const groups = sweepGroups(sweep);
  const charts = groups.map((scenario, k) => {
    const s = series(sweep, scenario);
    return {
      id: `chart${k}`,
      scenario,
      data: {
        labels: sweep.values.map(fmtValue),
        datasets: sweep.configurations.map((c, i) => ({
          label: c,
          borderColor: palette[i % palette.length],
          backgroundColor: palette[i % palette.length],
          data: s.get(c)!.map((x) => x ?? null),
          tension: 0,
        })),
      },
    };
  });
  const json = (v: unknown) => JSON.stringify(v).replace(/</g, "\\u003c");
  const yTitle = sweep.metric === "slowdown" ? "slowdown (x native)" : "modeled cycles";
  const x = crossovers(sweep);
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>vmlab sweep: ${esc(sweep.param)}</title>
<style>body{font-family:system-ui,sans-serif;margin:2em;max-width:1100px}.chart{height:420px;margin:1em 0 2.5em}li{margin:.2em 0}</style>
</head><body>
<h1>vmlab sweep: ${esc(sweep.param)}</h1>
<p>${esc(sweep.param)} from ${fmtValue(Math.min(...sweep.values))} to ${fmtValue(Math.max(...sweep.values))} (${sweep.values.length} values); every other cost from the machine profile ${esc(sweep.machine)}. ${sweep.metric === "slowdown" ? "Slowdown is against the native run of the same scenario at the same cost value." : "Cycles are modeled."} A run that is not equivalent to native is left out.</p>
<h2>Crossovers</h2>
${x.length ? `<ul>${x.map((c) => `<li>${esc(crossoverText(c, sweep.param))}</li>`).join("")}</ul>` : "<p>No configurations change order over this range.</p>"}
${charts.map((c) => `<h2>${esc(c.scenario)}</h2><div class="chart"><canvas id="${c.id}"></canvas></div>`).join("\n")}
<script>${scriptText(chartJsSource())}</script>
<script>
${charts
  .map(
    (c) => `new Chart(document.getElementById(${json(c.id)}), { type: "line", data: ${json(c.data)},
  options: { maintainAspectRatio: false, animation: false, scales: { x: { title: { display: true, text: ${json(sweep.param)} } }, y: { title: { display: true, text: ${json(yTitle)} } } } } });`,
  )
  .join("\n")}
</script>
</body></html>
`;
}

export function writeSweep(dir: string, sweep: Sweep): string[] {
  mkdirSync(dir, { recursive: true });
  const files = {
    "sweep.json": `${JSON.stringify({ ...sweep, crossovers: crossovers(sweep) }, null, 2)}\n`,
    "sweep.csv": sweepCsv(sweep),
    "sweep.html": sweepHtml(sweep),
  };
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return Object.keys(files).map((f) => join(dir, f));
}
