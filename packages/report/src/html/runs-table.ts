// Every run in one sortable table, filtered by scenario, configuration, machine and
// verdict, each row with its cycles as shares of the run.
import { CATEGORIES, type RunResult, machineName } from "@vmlab/core";
import { fmtInt, fmtPct, fmtRatio } from "../summary.js";
import { totalExits } from "../runs.js";
import { CATEGORY_COLOURS } from "./colour.js";
import { dataTable, esc, num, text, type Cell } from "./markup.js";
import type { ReportView } from "./view.js";

const VERDICT_NAMES: Readonly<Record<string, string>> = {
  reference: "native (reference)",
  equivalent: "equivalent",
  unchecked: "not compared",
  predicted: "diverges as predicted",
  diverges: "diverges (unpredicted)",
  budget: "over budget",
  error: "error",
};

/** The run's cycles by category as a bar of shares (no text: the title carries the figures). */
function sharesBar(r: RunResult): Cell {
  if (!r.cycles || r.cycles.total === 0) return { html: "", sort: "-1" };
  const total = r.cycles.total;
  const parts = CATEGORIES.map((c, k) => ({ c, k, n: r.cycles!.byCategory[c] ?? 0 })).filter((p) => p.n > 0);
  const title = parts.map((p) => `${p.c} ${((100 * p.n) / total).toFixed(1)}%`).join(", ");
  const top = parts.reduce((a, b) => (b.n > a.n ? b : a), parts[0]!);
  return {
    html: `<span class="shares">${parts.map((p) => `<i class="c${p.k}" style="width:${((100 * p.n) / total).toFixed(1)}%"></i>`).join("")}</span>`,
    sort: top.c,
    title,
  };
}

function verdictCell(v: ReportView, r: RunResult): Cell {
  const verdict = v.verdict.get(r)!;
  const cls = verdict.kind === "predicted" ? "predtext" : verdict.kind === "diverges" || verdict.kind === "budget" || verdict.kind === "error" ? "failtext" : "";
  return { html: esc(verdict.text), cls: `verdict ${cls}`.trim(), ...(verdict.prediction ? { title: verdict.prediction.reason } : {}) };
}

const hostOf = (r: RunResult): string => r.configuration.host ?? "bare-metal";

export function runsSection(v: ReportView): string {
  const rows = v.results.map((r) => {
    const exits = totalExits(r);
    return [
      text(r.scenario),
      text(r.configuration.label),
      text(machineName(r.configuration)),
      verdictCell(v, r),
      num(r.metrics?.guestInstructions, r.metrics ? fmtInt(r.metrics.guestInstructions) : "-"),
      num(r.cycles?.total, r.cycles ? fmtInt(r.cycles.total) : "-"),
      num(v.slowdown.get(r), fmtRatio(v.slowdown.get(r))),
      num(v.region.get(r), fmtRatio(v.region.get(r))),
      num(r.properties?.efficiency, fmtPct(r.properties?.efficiency)),
      num(exits, exits ? fmtInt(exits) : ""),
      sharesBar(r),
    ];
  });
  const select = (id: string, label: string, values: readonly string[], names?: Readonly<Record<string, string>>) =>
    `<label>${esc(label)} <select class="runfilter" data-key="${id}"><option value="">all</option>${values.map((x) => `<option value="${esc(x)}">${esc(names?.[x] ?? x)}</option>`).join("")}</select></label>`;
  const kinds = Object.keys(VERDICT_NAMES).filter((k) => v.results.some((r) => v.verdict.get(r)!.kind === k));
  const profiles = [...new Set(v.results.map((r) => r.configuration.label.split("/")[0]!))];
  const hosts = [...new Set(v.results.map(hostOf))];
  const controls = `<div class="controls runcontrols">${select("scenario", "scenario", v.scenarios)}${select("profile", "profile", profiles)}${select("cpu", "CPU", v.cpus)}${select("memory", "memory", v.memories)}${hosts.length > 1 ? select("host", "host", hosts) : ""}${select(
    "machine",
    "machine",
    v.machines.map((m) => m.name),
  )}${select("verdict", "verdict", kinds, VERDICT_NAMES)}</div>`;
  // The selects match the scenario, configuration and machine cells; the verdict's kind and the host ride on the row.
  const attrs = (i: number) => ` data-verdict="${v.verdict.get(v.results[i]!)!.kind}" data-host="${hostOf(v.results[i]!)}"`;
  const legend = CATEGORIES.map((c, k) => `<span><i class="sw" style="background:${CATEGORY_COLOURS[k]}"></i>${esc(c)}</span>`).join("");
  return `<section id="runs"><h2>All runs</h2>
<p>Click a column's title to sort by it; choose values or type words to filter. Slowdown is against the native run of the same scenario, profile and machine; region is the slowdown of the measured region; direct is the share of guest instructions executed directly.</p>
${controls}
<div class="keys catkeys">cycles: ${legend}</div>
${dataTable(
  "all-runs",
  [
    { name: "scenario" },
    { name: "configuration", nowrap: true },
    { name: "machine", nowrap: true },
    { name: "verdict" },
    { name: "guest instr", numeric: true },
    { name: "cycles", numeric: true },
    { name: "slowdown", numeric: true },
    { name: "region", numeric: true },
    { name: "direct", numeric: true },
    { name: "VM exits", numeric: true },
    { name: "cycles by category", title: "shares of the run's cycles; sorts by the largest category" },
  ],
  rows,
  { rowAttrs: attrs, filter: true },
)}
</section>`;
}
