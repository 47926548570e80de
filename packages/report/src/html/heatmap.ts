// Slowdown against native as heatmaps: scenario × configuration, one per machine, the
// colour log-scaled; runs that diverge are marked and kept out of the colour scale.
import { isReference, machineName } from "@vmlab/core";
import type { RunResult } from "@vmlab/core";
import { legendGradient, shortRatio, slowdownScale, type SlowdownScale } from "./colour.js";
import { esc, idOf } from "./markup.js";
import type { ConfigColumn, ReportView } from "./view.js";

export type SlowdownMode = "run" | "region";

const slowdownOf = (v: ReportView, mode: SlowdownMode, r: RunResult): number | undefined => (mode === "run" ? v.slowdown : v.region).get(r);

/** Whether a run's slowdown is a fair figure: it ran to the end and behaved as native did. */
export const measured = (v: ReportView, r: RunResult): boolean => {
  const k = v.verdict.get(r)!.kind;
  return k === "equivalent" || k === "unchecked";
};

export function scaleOf(v: ReportView, mode: SlowdownMode): SlowdownScale {
  const xs: number[] = [];
  for (const r of v.results) {
    const x = slowdownOf(v, mode, r);
    if (!isReference(r.configuration) && measured(v, r) && x !== undefined) xs.push(x);
  }
  return slowdownScale(xs);
}

export function geomean(xs: readonly number[]): number | undefined {
  return xs.length ? Math.exp(xs.reduce((a, x) => a + Math.log(x), 0) / xs.length) : undefined;
}

/** One heatmap cell for a run (or its absence). */
export function cellHtml(v: ReportView, mode: SlowdownMode, scale: SlowdownScale, r: RunResult | undefined, why: string, sep = ""): string {
  const td = (cls: string, title: string, body: string, style = "") => `<td class="${cls}${sep}"${style ? ` style="${style}"` : ""} title="${esc(title)}">${body}</td>`;
  if (!r) return td("na", why, "—");
  const verdict = v.verdict.get(r)!;
  const where = `${r.scenario} on ${r.configuration.label} @ ${machineName(r.configuration)}`;
  if (verdict.kind === "predicted") return td("pred", `${where}: ${verdict.text}. ${verdict.prediction!.reason}`, `T${verdict.prediction!.theorem}`);
  if (verdict.kind !== "equivalent" && verdict.kind !== "unchecked") return td("fail", `${where}: ${verdict.text}`, "✗");
  const x = slowdownOf(v, mode, r);
  if (x === undefined) return td("na", `${where}: ${mode === "region" && !r.region ? "no measured region" : "no native run to compare with"}`, "–");
  const c = scale.colour(x);
  return td("v", `${where}: ${x.toFixed(2)}x native (${verdict.text})`, shortRatio(x), `background:${c.background};color:${c.text}`);
}

/** A column's geometric mean over the scenarios where it ran faithfully. */
export function meanCell(v: ReportView, mode: SlowdownMode, scale: SlowdownScale, col: ConfigColumn, machine: string, sep = ""): string {
  const td = (cls: string, title: string, body: string, style = "") => `<td class="${cls}${sep}"${style ? ` style="${style}"` : ""} title="${esc(title)}">${body}</td>`;
  const runs = v.scenarios.map((s) => v.run(s, col.label, machine)).filter((r): r is RunResult => r !== undefined);
  if (runs.length === 0) return td("na", v.impossible(col, machine) ?? "not run", "—");
  const xs = runs
    .filter((r) => measured(v, r))
    .map((r) => slowdownOf(v, mode, r))
    .filter((x): x is number => x !== undefined);
  const g = geomean(xs);
  if (g === undefined) {
    const predicted = runs.find((r) => v.verdict.get(r)!.kind === "predicted");
    if (predicted) return td("pred", "diverges as predicted in every scenario", `T${v.verdict.get(predicted)!.prediction!.theorem}`);
    return td("na", "no faithful run with a figure", "–");
  }
  const c = scale.colour(g);
  return td(
    "v mean",
    `${col.label} @ ${machine}: geometric mean ${g.toFixed(2)}x over the ${xs.length} of ${runs.length} scenarios measured faithfully`,
    shortRatio(g),
    `background:${c.background};color:${c.text}`,
  );
}

export function heatmapTable(v: ReportView, mode: SlowdownMode, scale: SlowdownScale, machine: string): string {
  const groups: { profile: string; n: number }[] = [];
  for (const c of v.columns) {
    const last = groups[groups.length - 1];
    if (last && last.profile === c.profile) last.n++;
    else groups.push({ profile: c.profile, n: 1 });
  }
  const firstOfGroup = new Set<number>();
  let k = 0;
  for (const g of groups) {
    firstOfGroup.add(k);
    k += g.n;
  }
  const sep = (i: number) => (firstOfGroup.has(i) ? " sep" : "");
  const head1 = `<tr><th class="corner"></th>${groups.map((g) => `<th class="grp sep" colspan="${g.n}">${esc(g.profile)}</th>`).join("")}</tr>`;
  const head2 = `<tr><th class="corner rowhead">scenario</th>${v.columns
    .map((c, i) => `<th class="vh${sep(i)}" title="${esc(c.label)}"><span>${esc(c.cpu)}<br><small>${esc(c.memory)}${c.host ? " @hosted" : ""}</small></span></th>`)
    .join("")}</tr>`;
  const rows = v.scenarios.map(
    (s) => `<tr><th class="rowhead">${esc(s)}</th>${v.columns.map((c, i) => cellHtml(v, mode, scale, v.run(s, c.label, machine), v.impossible(c, machine) ?? "not run", sep(i))).join("")}</tr>`,
  );
  const mean = `<tr class="meanrow"><th class="rowhead">geometric mean</th>${v.columns.map((c, i) => meanCell(v, mode, scale, c, machine, sep(i))).join("")}</tr>`;
  return `<table class="heatmap" data-machine="${esc(machine)}" data-mode="${mode}"><thead>${head1}${head2}</thead><tbody>${rows.join("")}${mean}</tbody></table>`;
}

/** The theorems whose predicted divergences the results hold (Theorem 1 when none, for the key). */
function theorems(v: ReportView): number[] {
  const t = new Set<number>();
  for (const x of v.verdict.values()) if (x.prediction) t.add(x.prediction.theorem);
  return t.size ? [...t].sort() : [1];
}

export function legendHtml(scale: SlowdownScale, what: string, predicted: readonly number[] = [1]): string {
  const ticks = scale
    .ticks()
    .map((t) => `<span class="tick" style="left:${(scale.position(t) * 100).toFixed(1)}%">${t}x</span>`)
    .join("");
  return `<div class="legend" aria-label="colour scale" data-min="${scale.min}" data-max="${scale.max}">
<div class="scalebox"><div class="scalebar" style="background:${legendGradient(scale)}"></div><div class="ticks">${ticks}</div>
<div class="scalecap">${esc(what)}, log scale: blue faster than native, white 1x, red slower (${scale.min.toFixed(2)}x to ${scale.max.toFixed(1)}x over the faithful runs)</div></div>
<div class="keys">${predicted.map((t) => `<span><i class="sw pred">T${t}</i> diverges as Popek &amp; Goldberg's Theorem ${t} predicts: left out of the scale</span>`).join("")}
<span><i class="sw fail">✗</i> fails: diverges unpredicted, over budget or error</span>
<span><i class="sw na">—</i> impossible configuration or no figure</span></div></div>`;
}

export function heatmapSection(v: ReportView): string {
  const modes: { mode: SlowdownMode; what: string }[] = [
    { mode: "run", what: "slowdown of the whole run (boot and output included)" },
    { mode: "region", what: "slowdown of the measured region (the guest's work markers)" },
  ];
  const blocks = modes.map(({ mode, what }) => {
    const scale = scaleOf(v, mode);
    // Each map carries the legend, so that it reads alone (and in a screenshot).
    const maps = v.machines
      .map(
        (m) => `<figure class="hm" id="slowdown-${mode}-${idOf(m.name)}"><figcaption><b>${esc(m.name)}</b>${m.description ? ` <span class="muted">${esc(m.description)}</span>` : ""}</figcaption>
${legendHtml(scale, what, theorems(v))}<div class="hmwrap">${heatmapTable(v, mode, scale, m.name)}</div></figure>`,
      )
      .join("\n");
    return `<div class="mode" data-mode="${mode}"${mode === "region" ? " hidden" : ""}>${maps}</div>`;
  });
  return `<section id="slowdown"><h2>Slowdown against native</h2>
<p>Each cell is one run: its modeled cycles over the native run's (same scenario, profile and machine). Rows are scenarios, columns configurations (profile, then CPU strategy over memory strategy); one map per machine. The last row is each column's geometric mean over the scenarios it ran faithfully. Hover a cell for the run.</p>
<div class="modes" role="radiogroup" aria-label="what to compare"><label><input type="radio" name="slowmode" value="run" checked> whole run</label> <label><input type="radio" name="slowmode" value="region"> measured region</label></div>
${blocks.join("\n")}
</section>`;
}
