// Terminal and Markdown tables of a matrix.
import { table } from "table";
import { machineName, type RunResult, type VmRunResult } from "@vmlab/core";
import { fmtInt, fmtPct, fmtRatio, predictedStatus, regionSlowdowns, slowdowns, statusOf } from "./summary.js";
import { fitWidths } from "./terminal.js";

const HEADER = ["scenario", "configuration", "machine", "status", "guest instr", "cycles", "slowdown", "region", "direct"];

export function rows(results: readonly RunResult[]): string[][] {
  const slow = slowdowns(results);
  const region = regionSlowdowns(results);
  return results.map((r) => [
    r.scenario,
    r.configuration.label,
    machineName(r.configuration),
    statusOf(r),
    r.metrics ? fmtInt(r.metrics.guestInstructions) : "-",
    r.cycles ? fmtInt(r.cycles.total) : "-",
    fmtRatio(slow.get(r)),
    fmtRatio(region.get(r)),
    fmtPct(r.properties?.efficiency),
  ]);
}

/** Every cell as a row, fitted to a terminal `width` columns wide if given (scenario, configuration and status wrap). */
export function terminalTable(results: readonly RunResult[], width = Number.POSITIVE_INFINITY): string {
  const all = [HEADER, ...rows(results)];
  const widths = fitWidths(all, width, [0, 1, 3]);
  return table(all, {
    columns: Object.fromEntries(widths.map((w, c) => [c, { width: w, wrapWord: true, ...(c >= 4 ? { alignment: "right" as const } : {}) }])),
    drawHorizontalLine: (i, n) => i === 0 || i === 1 || i === n,
  });
}

export function markdownTable(results: readonly RunResult[]): string {
  const esc = (s: string) => s.replace(/\|/g, "\\|");
  const lines = [`| ${HEADER.join(" | ")} |`, `| ${HEADER.map((_, i) => (i >= 4 ? "---:" : "---")).join(" | ")} |`];
  for (const row of rows(results)) lines.push(`| ${row.map(esc).join(" | ")} |`);
  return `${lines.join("\n")}\n`;
}

/** A VM of a multi-VM run: against its own native run alone. */
export function vmStatus(v: VmRunResult): string {
  if (v.equivalent === true) return "equivalent";
  if (v.equivalent === false) return v.divergence?.predicted ? predictedStatus(v.divergence.predicted) : `DIVERGES (${v.divergence?.what ?? "?"})`;
  if (v.notCompared !== undefined) return `not compared (${v.outcome === "halt" ? "halted" : "over budget"}): no native counterpart`;
  return v.outcome === "halt" ? "halted" : "over budget";
}

/** Console output on one line, shortened. */
const oneLine = (text: string, max = 160): string => {
  const t = text.replace(/\n$/, "").replace(/\n/g, " ⏎ ");
  return t.length > max ? `${t.slice(0, max - 1)}…` : t;
};

/** Runs of several VMs: one row per VM, with its output and its audit. */
export function vmRows(results: readonly RunResult[]): string[][] {
  const rows: string[][] = [];
  for (const r of results) {
    for (const v of r.vms ?? []) {
      rows.push([
        r.scenario,
        r.configuration.label,
        machineName(r.configuration),
        v.name,
        vmStatus(v),
        fmtInt(v.guestInstructions),
        fmtInt(r.metrics?.machineSwitches ?? 0),
        oneLine(v.output),
        v.violations.length ? `${v.violations.length}: ${oneLine(v.violations.join("; "), 200)}` : "-",
      ]);
    }
  }
  return rows;
}
export const VM_HEADER = ["scenario", "configuration", "machine", "VM", "status (vs its run alone)", "guest instr", "machine switches", "output", "audit"];

/** The VMs of multi-VM runs, for the terminal (empty when there are none). */
export function terminalVmTable(results: readonly RunResult[], width = Number.POSITIVE_INFINITY): string {
  // The outputs and audits themselves are in report.md and results.json.
  const vms = vmRows(results).map((r) => [...r.slice(0, 7), r[8] === "-" ? "-" : `${r[8]!.split(":")[0]} recorded`]);
  if (vms.length === 0) return "";
  const header = [...VM_HEADER.slice(0, 7), "audit"];
  const all = [header, ...vms];
  const widths = fitWidths(all, width, [0, 1, 3, 4]);
  return table(all, {
    columns: Object.fromEntries(widths.map((w, c) => [c, { width: w, wrapWord: true, ...(c === 5 || c === 6 ? { alignment: "right" as const } : {}) }])),
    drawHorizontalLine: (i, n) => i === 0 || i === 1 || i === n,
  });
}
