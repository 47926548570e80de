// The reports/<name>/ folder: results.json, results.csv, report.md, report.html.
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { CATEGORIES, lookupIn, validate, type RunResult, type ValidationResult } from "@vmlab/core";
import { markdownTable, VM_HEADER, vmRows, vmStatus } from "./tables.js";
import { fasterThanNativeReason, fmtRatio, regionSlowdowns, slowdowns, statusOf, verdictOf, verdictSummary } from "./summary.js";
import { publishedPerOp, VALIDATION_HEADER, validationMarkdown, validationRows } from "./model.js";

export interface ReportMeta {
  readonly name: string;
  readonly createdAt: string;
  readonly versions: Record<string, string>;
  readonly machineProfiles: readonly unknown[];
  readonly skipped: readonly { label: string; reason: string }[];
  readonly wallMs: number;
}

const csvField = (v: unknown): string => {
  const s = v === undefined || v === null ? "" : String(v);
  return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
};

const totalExits = (r: RunResult): number => Object.values(r.metrics?.vmExits ?? {}).reduce((a, b) => a + b, 0);
/** "I/O instruction=1020; external interrupt=2; halt=1" */
const exitsByReason = (r: RunResult): string => Object.entries(r.metrics?.vmExits ?? {}).map(([k, n]) => `${k}=${n}`).join("; ");

export function toCsv(results: readonly RunResult[]): string {
  const slow = slowdowns(results);
  const region = regionSlowdowns(results);
  const head = [
    "scenario", "profile", "levels", "cpu", "memory", "machine", "outcome", "status", "equivalent", "guest_instructions", "executed_directly",
    "emulated", "translated", "efficiency", "cycles", "slowdown", "region_cycles", "region_slowdown", ...CATEGORIES.map((c) => `cycles_${c.replace(/[^a-z]+/gi, "_")}`),
    "tlb_misses", "walk_references", "vm_exits", "vm_exits_by_reason", "host_wall_ms", "error", "vms", "machine_switches", "vm_status",
  ];
  const lines = [head.join(",")];
  for (const r of results) {
    const c = r.configuration;
    lines.push(
      [
        r.scenario, c.profile, c.levels, c.cpu, c.memory, c.machine, r.outcome, statusOf(r), r.properties?.equivalent, r.metrics?.guestInstructions,
        r.metrics?.executedDirectly, r.metrics?.emulated, r.metrics?.translated, r.properties?.efficiency, r.cycles?.total, slow.get(r),
        r.region?.cycles.total, region.get(r),
        ...CATEGORIES.map((k) => r.cycles?.byCategory[k]), r.metrics?.tlbMisses, r.metrics?.walkReferences,
        r.metrics ? totalExits(r) : undefined, r.metrics ? exitsByReason(r) : undefined, r.metrics?.hostWallMs?.toFixed(1), r.error,
        r.vms?.length ?? 1, r.metrics?.machineSwitches, r.vms ? r.vms.map((v) => `${v.name}=${vmStatus(v)}`).join("; ") : undefined,
      ]
        .map(csvField)
        .join(","),
    );
  }
  return lines.join("\n") + "\n";
}

/** Runs that beat bare metal, each with the published result that explains it, or none. */
export function fasterThanNative(results: readonly RunResult[]): { run: RunResult; slowdown: number; reason: string | undefined }[] {
  const slow = slowdowns(results);
  const nativeOf = (r: RunResult) =>
    results.find(
      (n) => n.configuration.cpu === "native" && n.scenario === r.scenario && n.configuration.profile === r.configuration.profile &&
        n.configuration.levels === r.configuration.levels && n.configuration.machine === r.configuration.machine,
    );
  return results
    .filter((r) => r.configuration.cpu !== "native" && r.properties?.equivalent !== false && (slow.get(r) ?? 1) < 0.995)
    .map((r) => ({ run: r, slowdown: slow.get(r)!, reason: fasterThanNativeReason(r, nativeOf(r)) }));
}

/** The validation rows a matrix's own runs can answer. */
export function matrixValidation(results: readonly RunResult[]): ValidationResult[] {
  return validate(lookupIn(results)).filter((v) => !Number.isNaN(v.modeledValue));
}

export function toMarkdown(results: readonly RunResult[], meta: ReportMeta, validation = matrixValidation(results)): string {
  const parts = [
    `# vmlab report: ${meta.name}`,
    "",
    `${results.length} runs (${verdictSummary(results)}); ${meta.createdAt}; host wall time ${(meta.wallMs / 1000).toFixed(1)} s.`,
    "Cycles are modeled with the machine profile named in each row; slowdown is against the native run of the same scenario, profile and machine;",
    "`region` is the slowdown of the work the guest marks as measured (its work markers), without boot and final output.",
    "The cost model and the provenance of every cost: MODEL.md (`vmlab model`).",
    "",
    markdownTable(results),
  ];
  const micro = results.filter((r) => r.region?.operations && r.properties?.equivalent !== false && r.outcome === "halt");
  if (micro.length) {
    parts.push(
      "## Microbenchmarks: cycles per operation",
      "",
      "The marked region's cycles over its operations (boot and final output left out), beside Adams & Agesen's Pentium 4 figures where they measured the same operation.",
      "",
      "| scenario | configuration | machine | cycles per operation | Adams & Agesen |",
      "| --- | --- | --- | ---: | ---: |",
      ...micro.map((r) => {
        const pub = publishedPerOp(r.scenario, r.configuration.cpu, r.configuration.machine);
        return `| ${r.scenario} | ${r.configuration.label} | ${r.configuration.machine} | ${Math.round(r.region!.cycles.total / r.region!.operations!).toLocaleString("en-US")} | ${pub === undefined ? "" : pub.toLocaleString("en-US")} |`;
      }),
      "",
    );
  }
  if (validation.length) parts.push("## Validation: published results beside the model", "", validationMarkdown(validation));
  const faster = fasterThanNative(results);
  if (faster.length) {
    parts.push("## Faster than bare metal", "");
    for (const f of faster) {
      parts.push(`- ${f.run.scenario} on ${f.run.configuration.label} (${f.run.configuration.machine}), ${fmtRatio(f.slowdown)}: ${f.reason ?? "NOT EXPLAINED by a published result: a defect of the model"}`);
    }
    parts.push("");
  }
  const exiting = results.filter((r) => totalExits(r) > 0);
  if (exiting.length) {
    parts.push("## VM exits by reason", "", "| scenario | configuration | machine | exits | by reason |", "| --- | --- | --- | ---: | --- |");
    for (const r of exiting) {
      parts.push(`| ${r.scenario} | ${r.configuration.label} | ${r.configuration.machine} | ${totalExits(r).toLocaleString("en-US")} | ${exitsByReason(r)} |`);
    }
    parts.push("");
  }
  const vms = vmRows(results);
  if (vms.length) {
    const esc = (x: string) => x.replace(/\|/g, "\\|");
    parts.push(
      "## Several virtual machines on one machine",
      "",
      "Each VM is compared with its own native run alone; machine switches are per run (all its VMs).",
      "",
      `| ${VM_HEADER.join(" | ")} |`,
      `| ${VM_HEADER.map((_, i) => (i === 5 || i === 6 ? "---:" : "---")).join(" | ")} |`,
      ...vms.map((row) => `| ${row.map(esc).join(" | ")} |`),
      "",
    );
  }
  parts.push(...equivalenceSection(results));
  if (meta.skipped.length) {
    parts.push("## Configurations that cannot exist", "");
    for (const s of meta.skipped) parts.push(`- ${s.label}: ${s.reason}`);
    parts.push("");
  }
  return parts.join("\n");
}

/**
 * Equivalence with native: the divergences the model predicts (Popek & Goldberg: the
 * configuration cannot be exact for instructions the guest ran), each with its theorem,
 * instructions and reason, apart from the failures; and the VMs not compared.
 */
export function equivalenceSection(results: readonly RunResult[]): string[] {
  const predicted = results.filter((r) => verdictOf(r) === "predicted");
  const failed = results.filter((r) => verdictOf(r) === "failed");
  const uncompared = results.flatMap((r) => (r.vms ?? []).filter((v) => v.notCompared !== undefined).map((v) => ({ r, v })));
  if (predicted.length + failed.length + uncompared.length === 0) return [];
  const where = (r: RunResult) => `${r.scenario} on ${r.configuration.label} (${r.configuration.machine})`;
  const out = ["## Equivalence with native", "", `${verdictSummary(results)}.`, ""];
  if (predicted.length) {
    out.push("### Diverging as predicted", "");
    for (const r of predicted) {
      const d = r.properties!.divergence!;
      // The reason names the theorem and the instructions the guest ran.
      out.push(`- ${where(r)}: ${d.predicted!.reason}. First difference: ${d.detail}`);
    }
    out.push("");
  }
  if (failed.length) {
    out.push("### Failing", "");
    for (const r of failed) {
      const why = r.outcome === "error" ? `error: ${r.error ?? "unknown"}` : r.properties?.divergence?.detail ?? "ran out of its budget";
      out.push(`- ${where(r)}: ${why}`);
    }
    out.push("");
  }
  if (uncompared.length) {
    out.push("### Not compared", "");
    for (const { r, v } of uncompared) out.push(`- ${where(r)}, VM ${v.name}: ${v.notCompared}`);
    out.push("");
  }
  return out;
}

function vmTableHtml(results: readonly RunResult[]): string {
  const rows = vmRows(results);
  if (rows.length === 0) return "";
  const cell = (tag: string, x: string) => `<${tag}>${x.replace(/&/g, "&amp;").replace(/</g, "&lt;")}</${tag}>`;
  return `<h2>Several virtual machines on one machine</h2><p>Each VM is compared with its own native run alone.</p><table>
<tr>${VM_HEADER.map((h) => cell("th", h)).join("")}</tr>
${rows.map((r) => `<tr>${r.map((x) => cell("td", x)).join("")}</tr>`).join("\n")}
</table>`;
}

function validationHtml(rows: readonly ValidationResult[]): string {
  if (rows.length === 0) return "";
  const cell = (tag: string, x: string) => `<${tag}>${x.replace(/&/g, "&amp;").replace(/</g, "&lt;")}</${tag}>`;
  return `<h2>Validation: published results beside the model</h2><p>Each row's tolerance was fixed before the model's value was looked at; see MODEL.md.</p><table>
<tr>${VALIDATION_HEADER.map((h) => cell("th", h)).join("")}</tr>
${validationRows(rows).map((r) => `<tr>${r.map((x) => cell("td", x)).join("")}</tr>`).join("\n")}
</table>`;
}

/** Chart.js (UMD build), to inline into a self-contained HTML page. */
export function chartJsSource(): string {
  // The UMD build sits beside the package's CommonJS entry; read it from disk and inline it.
  const main = createRequire(import.meta.url).resolve("chart.js");
  return readFileSync(join(dirname(main), "chart.umd.min.js"), "utf8");
}

export function toHtml(results: readonly RunResult[], meta: ReportMeta, validation = matrixValidation(results)): string {
  const slow = slowdowns(results);
  const ok = results.filter((r) => r.cycles);
  const scenarios = [...new Set(ok.map((r) => r.scenario))];
  const configs = [...new Set(ok.map((r) => `${r.configuration.label} @ ${r.configuration.machine}`))];
  const palette = ["#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f", "#edc948", "#b07aa1", "#ff9da7", "#9c755f", "#bab0ac"];
  const slowdownData = {
    labels: scenarios,
    datasets: configs.map((cfg, k) => ({
      label: cfg,
      backgroundColor: palette[k % palette.length],
      data: scenarios.map((s) => {
        const r = ok.find((x) => x.scenario === s && `${x.configuration.label} @ ${x.configuration.machine}` === cfg);
        return r ? (slow.get(r) ?? null) : null;
      }),
    })),
  };
  const breakdownData = {
    labels: ok.map((r) => `${r.scenario} · ${r.configuration.label}`),
    datasets: CATEGORIES.map((c, k) => ({ label: c, backgroundColor: palette[k % palette.length], data: ok.map((r) => r.cycles!.byCategory[c]) })),
  };
  const rowsHtml = markdownTable(results)
    .trim()
    .split("\n")
    .filter((_, i) => i !== 1)
    .map((line, i) => {
      const cells = line.slice(2, -2).split(" | ");
      const tag = i === 0 ? "th" : "td";
      return `<tr>${cells.map((c) => `<${tag}>${c.replace(/&/g, "&amp;").replace(/</g, "&lt;")}</${tag}>`).join("")}</tr>`;
    })
    .join("\n");
  const json = (v: unknown) => JSON.stringify(v).replace(/</g, "\\u003c");
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>vmlab report: ${meta.name}</title>
<style>body{font-family:system-ui,sans-serif;margin:2em;max-width:1200px}table{border-collapse:collapse;font-size:13px}td,th{border:1px solid #ccc;padding:2px 6px}th{background:#eee}.chart{height:480px;margin:2em 0}</style>
</head><body>
<h1>vmlab report: ${meta.name}</h1>
<p>${results.length} runs, ${meta.createdAt}. Cycles are modeled; slowdown is against native (same scenario, profile and machine profile).</p>
<h2>Slowdown against native</h2><div class="chart"><canvas id="slowdown"></canvas></div>
<h2>Where the cycles went</h2><div class="chart" style="height:${Math.max(480, ok.length * 18)}px"><canvas id="breakdown"></canvas></div>
<h2>All runs</h2><table>${rowsHtml}</table>
${validationHtml(validation)}
${vmTableHtml(results)}
<script>${chartJsSource()}</script>
<script>
new Chart(document.getElementById("slowdown"), { type: "bar", data: ${json(slowdownData)},
  options: { maintainAspectRatio: false, animation: false, scales: { y: { type: "logarithmic", title: { display: true, text: "slowdown (x native)" } } } } });
new Chart(document.getElementById("breakdown"), { type: "bar", data: ${json(breakdownData)},
  options: { indexAxis: "y", maintainAspectRatio: false, animation: false, scales: { x: { stacked: true, title: { display: true, text: "modeled cycles" } }, y: { stacked: true } } } });
</script>
</body></html>
`;
}

export function writeReport(dir: string, results: readonly RunResult[], meta: ReportMeta): string[] {
  mkdirSync(dir, { recursive: true });
  // The validation rows are looked up once and written into all three.
  const validation = matrixValidation(results);
  const files = {
    "results.json": JSON.stringify({ meta, validation, results }, null, 2) + "\n",
    "results.csv": toCsv(results),
    "report.md": toMarkdown(results, meta, validation),
    "report.html": toHtml(results, meta, validation),
  };
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return Object.keys(files).map((f) => join(dir, f));
}
