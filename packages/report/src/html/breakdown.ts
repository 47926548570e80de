// Where the cycles went: each run's modeled cycles by category, as shares of the run, in
// one chart for the scenario and machine chosen (so the chart stays one screen high).
import { CATEGORIES, type RunResult, machineName } from "@vmlab/core";
import { CATEGORY_COLOURS } from "./colour.js";
import { esc } from "./markup.js";
import { measured } from "./heatmap.js";
import type { ReportView } from "./view.js";

/** The chart's data: compact rows the page's script turns into Chart.js datasets. */
export function breakdownData(v: ReportView): unknown {
  // Grouped as the heatmaps' columns are: profile, then CPU strategy (native first), then memory strategy.
  const parts = [...new Map(v.results.map((r) => [r.configuration.label, r.configuration] as const)).values()];
  const profiles = [...new Set(parts.map((c) => c.label.split("/")[0]!))];
  const rank = (c: RunResult["configuration"]) => [profiles.indexOf(c.label.split("/")[0]!), v.cpus.indexOf(c.cpu), v.memories.indexOf(c.memory), c.host ? 1 : 0];
  parts.sort((a, b) => {
    const x = rank(a);
    const y = rank(b);
    return x[0]! - y[0]! || x[1]! - y[1]! || x[2]! - y[2]! || x[3]! - y[3]!;
  });
  const order = new Map(parts.map((c, i) => [c.label, i] as const));
  const machines = v.machines.map((m) => m.name);
  const drawn = (r: RunResult) => r.cycles !== undefined && (measured(v, r) || v.verdict.get(r)!.kind === "reference");
  const rows = v.results
    .filter(drawn)
    .map((r) => [
      v.scenarios.indexOf(r.scenario),
      r.configuration.label,
      machines.indexOf(machineName(r.configuration)),
      order.get(r.configuration.label) ?? 0,
      CATEGORIES.map((c) => r.cycles!.byCategory[c] ?? 0),
      r.region ? CATEGORIES.map((c) => r.region!.cycles.byCategory[c] ?? 0) : null,
    ]);
  const leftOut = v.results.filter((r) => r.cycles && !drawn(r));
  const leftOutBy = v.scenarios.map((s) => {
    const xs = leftOut.filter((r) => r.scenario === s);
    return xs.length ? [...new Set(xs.map((r) => `${r.configuration.label} (${v.verdict.get(r)!.kind === "predicted" ? "diverges as predicted" : "fails"})`))].join("; ") : "";
  });
  return { categories: CATEGORIES, colours: CATEGORY_COLOURS.slice(0, CATEGORIES.length), scenarios: v.scenarios, machines, rows, leftOut: leftOutBy };
}

export function breakdownSection(v: ReportView): string {
  const json = JSON.stringify(breakdownData(v)).replace(/</g, "\\u003c");
  return `<section id="cycles"><h2>Where the cycles went</h2>
<p>Each bar is one run, its modeled cycles split by category as shares of the run (hover for the cycles). Choose a scenario and a machine, or all machines side by side; the machine is in every label. Runs that diverge are left out: their cycles describe another execution.</p>
<div class="controls"><label>scenario <select id="bd-scenario">${v.scenarios.map((s, i) => `<option value="${i}">${esc(s)}</option>`).join("")}</select></label>
<label>machine <select id="bd-machine"><option value="-1">all machines</option>${v.machines.map((m, i) => `<option value="${i}"${i === 0 ? " selected" : ""}>${esc(m.name)}</option>`).join("")}</select></label>
<label><input type="radio" name="bd-part" value="run" checked> whole run</label> <label><input type="radio" name="bd-part" value="region"> measured region</label></div>
<p class="muted" id="bd-leftout"></p>
<div class="chart" id="bd-box"><canvas id="breakdown" role="img" aria-label="cycle shares by category"></canvas></div>
<script type="application/json" id="breakdown-data">${json}</script>
</section>`;
}
