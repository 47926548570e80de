// report.html: one self-contained page built from the runs (no network, no Markdown).
import type { RunResult, ValidationResult } from "@vmlab/core";
import type { ReportMeta } from "../meta.js";
import { matrixValidation } from "../runs.js";
import { chartJsSource, REPORT_CSS, REPORT_SCRIPT, scriptText, tablesortSource } from "./assets.js";
import { breakdownSection } from "./breakdown.js";
import { heatmapSection } from "./heatmap.js";
import { esc } from "./markup.js";
import { runsSection } from "./runs-table.js";
import { divergenceSection, exitsSection, fasterSection, impossibleSection, microSection, validationSection, vmsSection } from "./sections.js";
import { strategiesSection } from "./strategies.js";
import { reportView, type ReportView } from "./view.js";

function summary(v: ReportView): string {
  const n = (k: string) => v.results.filter((r) => v.verdict.get(r)!.kind === k).length;
  const fails = n("diverges") + n("budget") + n("error");
  const fmt = (x: number) => x.toLocaleString("en-US");
  const box = (value: number, what: string, cls = "") => `<div class="${cls}"><b>${fmt(value)}</b>${what}</div>`;
  return `<div class="summary">
${box(v.results.length, "runs")}
${box(n("reference"), "native references")}
${box(n("equivalent"), "equivalent to native")}
${n("unchecked") ? box(n("unchecked"), "not compared (no native run)") : ""}
${box(n("predicted"), "diverge as predicted", "pred")}
${box(fails, "real failures", fails ? "fail" : "")}
${box(v.meta.skipped.length, "impossible configurations skipped")}
</div>`;
}

export function toHtml(results: readonly RunResult[], meta: ReportMeta, validation: readonly ValidationResult[] = matrixValidation(results)): string {
  const v = reportView(results, meta, validation);
  const sections: [string, string, string][] = [
    ["strategies", "strategies", strategiesSection(v)],
    ["slowdown", "slowdown", heatmapSection(v)],
    ["cycles", "cycles", breakdownSection(v)],
    ["divergences", "divergences", divergenceSection(v)],
    ["vm-exits", "VM exits", exitsSection(v)],
    ["validation", "validation", validationSection(v)],
    ["micro", "microbenchmarks", microSection(v)],
    ["faster", "faster than native", fasterSection(v)],
    ["vms", "several VMs", vmsSection(v)],
    ["impossible", "impossible", impossibleSection(v)],
    ["runs", "all runs", runsSection(v)],
  ];
  const present = sections.filter(([, , html]) => html !== "");
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>vmlab report: ${esc(meta.name)}</title>
<style>${REPORT_CSS}</style>
</head><body>
<header><h1>vmlab report: ${esc(meta.name)}</h1>
<p class="muted">${esc(meta.createdAt)}; host wall time ${(meta.wallMs / 1000).toFixed(1)} s. Cycles are modeled with each run's machine profile; slowdown is against the native run of the same scenario, profile and machine. The cost model and the provenance of every cost: MODEL.md (<code>vmlab model</code>).</p>
${summary(v)}</header>
<nav>${present.map(([id, name]) => `<a href="#${id}">${esc(name)}</a>`).join("")}</nav>
${present.map(([, , html]) => html).join("\n")}
<script>${scriptText(chartJsSource())}</script>
<script>${scriptText(tablesortSource())}</script>
<script>${scriptText(REPORT_SCRIPT)}</script>
</body></html>
`;
}
