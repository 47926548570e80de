// The reports/<name>/ folder: results.json, results.csv, report.md, report.html.
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { stringify } from "csv-stringify/sync";
import { CATEGORIES, type RunResult, type ValidationResult, machineName } from "@vmlab/core";
import { predictionOf } from "./verdict.js";
import { markdownTable, VM_HEADER, vmRows, vmStatus } from "./tables.js";
import { cellVerdict, fmtRatio, regionSlowdowns, slowdowns, statusOf, verdictSummary } from "./summary.js";
import { publishedPerOp, validationMarkdown } from "./model.js";
import { exitsByReason, fasterThanNative, matrixValidation, totalExits, vmExitReasons } from "./runs.js";
import { toHtml } from "./html/page.js";
import type { ReportMeta } from "./meta.js";

export type { ReportMeta } from "./meta.js";
export { chartJsSource } from "./html/assets.js";
export { fasterThanNative, matrixValidation, toHtml };

/** RFC 4180 fields; booleans as true/false (csv-stringify's default writes 1 and nothing). */
export const csv = (rows: readonly (readonly unknown[])[]): string => stringify(rows as unknown[][], { cast: { boolean: (b) => String(b) } });

export function toCsv(results: readonly RunResult[]): string {
  const slow = slowdowns(results);
  const region = regionSlowdowns(results);
  const head = [
    "scenario",
    "profile",
    "levels",
    "cpu",
    "memory",
    "machine",
    "host",
    "outcome",
    "status",
    "equivalent",
    "guest_instructions",
    "executed_directly",
    "emulated",
    "translated",
    "efficiency",
    "cycles",
    "slowdown",
    "region_cycles",
    "region_slowdown",
    ...CATEGORIES.map((c) => `cycles_${c.replace(/[^a-z]+/gi, "_")}`),
    "tlb_misses",
    "walk_references",
    "vm_exits",
    "vm_exits_by_reason",
    "host_wall_ms",
    "error",
    "vms",
    "machine_switches",
    "vm_status",
  ];
  const lines: unknown[][] = [head];
  for (const r of results) {
    const c = r.configuration;
    lines.push([
      r.scenario,
      c.profile,
      c.levels,
      c.cpu,
      c.memory,
      machineName(c),
      c.host ?? "bare-metal",
      r.outcome,
      statusOf(r),
      r.properties?.equivalent,
      r.metrics?.guestInstructions,
      r.metrics?.executedDirectly,
      r.metrics?.emulated,
      r.metrics?.translated,
      r.properties?.efficiency,
      r.cycles?.total,
      slow.get(r),
      r.region?.cycles.total,
      region.get(r),
      ...CATEGORIES.map((k) => r.cycles?.byCategory[k]),
      r.metrics?.tlbMisses,
      r.metrics?.walkReferences,
      r.metrics ? totalExits(r) : undefined,
      r.metrics ? exitsByReason(r) : undefined,
      r.metrics?.hostWallMs?.toFixed(1),
      r.error,
      r.vms?.length ?? 1,
      r.metrics?.machineSwitches,
      r.vms ? r.vms.map((v) => `${v.name}=${vmStatus(v)}`).join("; ") : undefined,
    ]);
  }
  return csv(lines);
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
        const pub = publishedPerOp(r.scenario, r.configuration.cpu, machineName(r.configuration));
        return `| ${r.scenario} | ${r.configuration.label} | ${machineName(r.configuration)} | ${Math.round(r.region!.cycles.total / r.region!.operations!).toLocaleString("en-US")} | ${pub === undefined ? "" : pub.toLocaleString("en-US")} |`;
      }),
      "",
    );
  }
  if (validation.length) parts.push("## Validation: published results beside the model", "", validationMarkdown(validation));
  const faster = fasterThanNative(results);
  if (faster.length) {
    parts.push("## Faster than bare metal", "");
    for (const f of faster) {
      parts.push(
        `- ${f.run.scenario} on ${f.run.configuration.label} (${machineName(f.run.configuration)}), ${fmtRatio(f.slowdown)}: ${f.reason ?? "NOT EXPLAINED by a published result: a defect of the model"}`,
      );
    }
    parts.push("");
  }
  const exiting = results.filter((r) => totalExits(r) > 0);
  if (exiting.length) {
    parts.push("## VM exits by reason", "", "| scenario | configuration | machine | exits | by reason |", "| --- | --- | --- | ---: | --- |");
    for (const r of exiting) {
      parts.push(`| ${r.scenario} | ${r.configuration.label} | ${machineName(r.configuration)} | ${totalExits(r).toLocaleString("en-US")} | ${exitsByReason(r)} |`);
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
  const predicted = results.filter((r) => cellVerdict(r) === "predicted");
  const failed = results.filter((r) => cellVerdict(r) === "failed");
  const uncompared = results.flatMap((r) => (r.vms ?? []).filter((v) => v.notCompared !== undefined).map((v) => ({ r, v })));
  if (predicted.length + failed.length + uncompared.length === 0) return [];
  const where = (r: RunResult) => `${r.scenario} on ${r.configuration.label} (${machineName(r.configuration)})`;
  const out = ["## Equivalence with native", "", `${verdictSummary(results)}.`, ""];
  if (predicted.length) {
    out.push("### Diverging as predicted", "");
    for (const r of predicted) {
      const d = r.properties!.divergence!;
      // The reason names the theorem and the instructions the guest ran.
      out.push(`- ${where(r)}: ${predictionOf(r)!.reason}. First difference: ${d.detail}`);
    }
    out.push("");
  }
  if (failed.length) {
    out.push("### Failing", "");
    for (const r of failed) {
      const why = r.outcome === "error" ? `error: ${r.error ?? "unknown"}` : (r.properties?.divergence?.detail ?? "ran out of its budget");
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

/** The files a report folder holds, from its runs. */
function reportFiles(results: readonly RunResult[], meta: ReportMeta, validation: readonly ValidationResult[]): Record<string, string> {
  return {
    "results.json": `${JSON.stringify({ meta, validation, vmExitReasons: vmExitReasons(results), results }, null, 2)}\n`,
    "results.csv": toCsv(results),
    "report.md": toMarkdown(results, meta, [...validation]),
    "report.html": toHtml(results, meta, validation),
  };
}

/**
 * Rewrites a report folder's results.csv, report.md and report.html from its results.json
 * (as the current code writes them), without running anything.
 */
export function rewriteReport(dir: string): string[] {
  const { meta, validation, results } = JSON.parse(readFileSync(join(dir, "results.json"), "utf8")) as {
    meta: ReportMeta;
    validation?: ValidationResult[];
    results: RunResult[];
  };
  const { "results.json": _json, ...files } = reportFiles(results, meta, validation ?? matrixValidation(results));
  void _json;
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return Object.keys(files).map((f) => join(dir, f));
}

export function writeReport(dir: string, results: readonly RunResult[], meta: ReportMeta): string[] {
  mkdirSync(dir, { recursive: true });
  // The validation rows are looked up once and written into all three.
  const files = reportFiles(results, meta, matrixValidation(results));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return Object.keys(files).map((f) => join(dir, f));
}
