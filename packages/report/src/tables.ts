// Terminal and Markdown tables of a matrix.
import { table } from "table";
import type { RunResult } from "@vmlab/core";
import { fmtInt, fmtPct, fmtRatio, slowdowns, statusOf } from "./summary.js";

const HEADER = ["scenario", "configuration", "machine", "status", "guest instr", "cycles", "slowdown", "direct"];

export function rows(results: readonly RunResult[]): string[][] {
  const slow = slowdowns(results);
  return results.map((r) => [
    r.scenario,
    r.configuration.label,
    r.configuration.machine,
    statusOf(r),
    r.metrics ? fmtInt(r.metrics.guestInstructions) : "-",
    r.cycles ? fmtInt(r.cycles.total) : "-",
    fmtRatio(slow.get(r)),
    fmtPct(r.properties?.efficiency),
  ]);
}

export function terminalTable(results: readonly RunResult[]): string {
  return table([HEADER, ...rows(results)], {
    columns: { 3: { width: 28, wrapWord: true }, 4: { alignment: "right" }, 5: { alignment: "right" }, 6: { alignment: "right" }, 7: { alignment: "right" } },
    drawHorizontalLine: (i, n) => i === 0 || i === 1 || i === n,
  });
}

export function markdownTable(results: readonly RunResult[]): string {
  const esc = (s: string) => s.replace(/\|/g, "\\|");
  const lines = [`| ${HEADER.join(" | ")} |`, `| ${HEADER.map((_, i) => (i >= 4 ? "---:" : "---")).join(" | ")} |`];
  for (const row of rows(results)) lines.push(`| ${row.map(esc).join(" | ")} |`);
  return lines.join("\n") + "\n";
}
