// A matrix for the terminal: one grid of slowdowns per ISA profile (scenario ×
// configuration, a column group per machine), fitted to the terminal's width, then the
// divergences a theorem predicts, counted apart, and the real failures.
import wrapAnsi from "wrap-ansi";
import { isReference, machineName } from "@vmlab/core";
import type { RunResult } from "@vmlab/core";
import { cellVerdict, fmtInt, slowdowns, statusOf } from "./summary.js";
import { predictionOf, verdictOf } from "./verdict.js";
import { terminalTable, terminalVmTable } from "./tables.js";

/** Short column names, as the literature abbreviates the techniques. */
const CPU_ABBREVIATIONS: Record<string, string> = {
  native: "NAT",
  interpret: "INT",
  "trap-emulate": "T&E",
  "binary-translation": "BT",
  "hardware-assist": "HW",
  paravirt: "PV",
};
const MEMORY_ABBREVIATIONS: Record<string, string> = {
  direct: "",
  "software-tlb": "STLB",
  shadow: "SPT",
  nested: "NPT",
  "paravirt-mmu": "PVMMU",
};

/** A strategy no table names (a plug-in): the initials of its words, or its name. */
const initials = (name: string): string =>
  name.includes("-")
    ? name
        .split("-")
        .map((w) => w[0]!.toUpperCase())
        .join("")
    : name;
const cpuShort = (n: string): string => CPU_ABBREVIATIONS[n] ?? initials(n);
const memoryShort = (n: string): string => MEMORY_ABBREVIATIONS[n] ?? initials(n);

/** Marks after a slowdown: the run diverges as a theorem predicts, or it failed. */
export const PREDICTED_MARK = "~";
export const FAILED_MARK = "!";

/** 1.07x, 41.3x, 148x: three significant figures at most. */
export function fmtSlowdown(x: number): string {
  return x < 9.995 ? `${x.toFixed(2)}x` : x < 99.95 ? `${x.toFixed(1)}x` : `${fmtInt(x)}x`;
}

/** Word-wrapped to `width`: the first line keeps its leading spaces, the others are indented by `indent`. */
export function wrapLine(text: string, width: number, indent = 2): string {
  const lead = /^ */.exec(text)![0].length;
  const lines = wrapAnsi(text.slice(lead), Math.max(20, width - Math.max(lead, indent)), { hard: true, trim: true }).split("\n");
  return lines.map((l, i) => " ".repeat(i === 0 ? lead : indent) + l).join("\n");
}

/**
 * Column widths for `table` that fit `width`: the flexible columns (text that may wrap)
 * shrink, widest first, to no less than `minimum` (less if the terminal is narrower than
 * that allows); the others keep their natural width.
 */
export function fitWidths(rows: readonly (readonly string[])[], width: number, flexible: readonly number[], minimum = 10): number[] {
  const natural = rows[0]!.map((_, c) => Math.max(1, ...rows.map((r) => Math.max(...(r[c] ?? "").split("\n").map((l) => [...l].length)))));
  const overhead = 3 * natural.length + 1; // "║ " + " │ " between + " ║"
  const fixed = natural.reduce((n, w, c) => (flexible.includes(c) ? n : n + w), 0);
  const room = width - overhead - fixed;
  const flex = flexible.map((c) => natural[c]!);
  if (flex.reduce((a, b) => a + b, 0) <= room) return natural;
  // A very narrow terminal gets narrower columns than `minimum` rather than overflow (4 at least).
  const floor = Math.max(4, Math.min(minimum, Math.floor(room / flex.length)));
  // The largest cap that fits: every flexible column at most `cap` wide.
  let cap = Math.max(...flex);
  while (cap > floor && flex.reduce((n, w) => n + Math.min(w, cap), 0) > room) cap--;
  return natural.map((w, c) => (flexible.includes(c) ? Math.max(Math.min(w, floor), Math.min(w, cap)) : w));
}

interface Column {
  readonly machine: string;
  readonly label: string;
  readonly head: string;
}

const profileOf = (r: RunResult): string => r.configuration.label.split("/")[0]!;

function cellText(r: RunResult | undefined, slow: Map<RunResult, number | undefined>): string {
  if (!r) return "-";
  const verdict = cellVerdict(r);
  const x = slow.get(r);
  const mark = verdict === "predicted" ? PREDICTED_MARK : verdict === "failed" ? FAILED_MARK : "";
  if (x === undefined) return r.outcome === "error" ? `error${FAILED_MARK}` : `-${mark}`;
  return fmtSlowdown(x) + mark;
}

/** One grid per ISA profile, split into column groups that fit `width`. */
function grids(results: readonly RunResult[], width: number): string[] {
  const slow = slowdowns(results);
  const out: string[] = [];
  const profiles = [...new Set(results.map(profileOf))];
  for (const profile of profiles) {
    const mine = results.filter((r) => profileOf(r) === profile && !isReference(r.configuration));
    if (mine.length === 0) continue;
    const scenarios = [...new Set(results.filter((r) => profileOf(r) === profile).map((r) => r.scenario))];
    const machines = [...new Set(mine.map((r) => machineName(r.configuration)))];
    const labels = [...new Set(mine.map((r) => r.configuration.label))];
    const at = new Map(mine.map((r) => [`${r.scenario}|${r.configuration.label}|${machineName(r.configuration)}`, r]));
    const columns: Column[] = [];
    for (const machine of machines) {
      for (const label of labels) {
        const any = mine.find((r) => r.configuration.label === label && machineName(r.configuration) === machine);
        if (!any) continue;
        const mem = memoryShort(any.configuration.memory);
        const host = any.configuration.host ? HOSTED_MARK : "";
        columns.push({ machine, label, head: `${mem ? `${cpuShort(any.configuration.cpu)}/${mem}` : cpuShort(any.configuration.cpu)}${host}` });
      }
    }
    const cells = scenarios.map((s) => columns.map((c) => cellText(at.get(`${s}|${c.label}|${c.machine}`), slow)));
    const first = Math.max("scenario".length, ...scenarios.map((s) => s.length));
    const widths = columns.map((c, k) => Math.max(c.head.length, ...cells.map((row) => row[k]!.length)));
    // A machine's columns are together at least as wide as its name.
    for (const machine of machines) {
      const ks = columns.flatMap((c, k) => (c.machine === machine ? [k] : []));
      const span = ks.reduce((w, k) => w + widths[k]!, 2 * (ks.length - 1));
      if (span < machine.length) widths[ks[ks.length - 1]!]! += machine.length - span;
    }
    // Columns packed into chunks no wider than the terminal (at least one column each);
    // a machine's columns are set apart from the previous machine's by a wider gap.
    const chunks: number[][] = [];
    let chunk: number[] = [];
    let used = first;
    const newMachine = (k: number, i: number, ks: readonly number[]): boolean => i > 0 && columns[k]!.machine !== columns[ks[i - 1]!]!.machine;
    const gap = (k: number, i: number, ks: readonly number[]): number => (newMachine(k, i, ks) ? 4 : 2);
    columns.forEach((_, k) => {
      const w = gap(k, chunk.length, [...chunk, k]) + widths[k]!;
      if (chunk.length > 0 && used + w > width) {
        chunks.push(chunk);
        chunk = [];
        used = first;
      }
      chunk.push(k);
      used += w;
    });
    if (chunk.length) chunks.push(chunk);
    for (const ks of chunks) {
      // The machine's name over its columns, left-aligned, cut to the room it has.
      let machineLine = " ".repeat(first);
      ks.forEach((k, i) => {
        if (i > 0 && !newMachine(k, i, ks)) return;
        let span = widths[k]!;
        for (let j = i + 1; j < ks.length && !newMachine(ks[j]!, j, ks); j++) span += 2 + widths[ks[j]!]!;
        const name = columns[k]!.machine;
        machineLine += " ".repeat(gap(k, i, ks)) + (name.length > span ? `${name.slice(0, Math.max(1, span - 1))}…` : name).padEnd(span);
      });
      const row = (label: string, text: (k: number) => string): string => label.padEnd(first) + ks.map((k, i) => " ".repeat(gap(k, i, ks)) + text(k).padStart(widths[k]!)).join("");
      const head = row("scenario", (k) => columns[k]!.head);
      const body = scenarios.map((s, r) => row(s, (k) => cells[r]![k]!));
      out.push([`${profile}`, machineLine.trimEnd(), head, ...body].join("\n"));
    }
  }
  return out;
}

const named = (short: string, name: string): string => (short === name ? name : `${short} ${name}`);

/** A hosted (Type 2) configuration's column, after its strategies. */
const HOSTED_MARK = "@H";

/** The legend of the grids' abbreviations and marks. */
function legend(results: readonly RunResult[], width: number): string {
  const cpus = [...new Set(results.map((r) => r.configuration.cpu))].filter((c) => !isReference(c));
  const memories = [...new Set(results.map((r) => r.configuration.memory))].filter((m) => memoryShort(m) !== "");
  return wrapLine(
    `Slowdown of the whole run against native on the same machine. CPU: ${cpus.map((c) => named(cpuShort(c), c)).join(", ")}` +
      `${memories.length ? `; memory: ${memories.map((m) => named(memoryShort(m), m)).join(", ")}` : ""}` +
      `${results.some((r) => r.configuration.host) ? `; ${HOSTED_MARK} hosted (Type 2: devices in a process of a host OS)` : ""}. ` +
      `${PREDICTED_MARK} diverges as predicted (not a failure); ${FAILED_MARK} failed (listed below); - not run.`,
    width,
    0,
  );
}

/** Lines grouped by their text, with the machines each applies to (a run is priced once per machine). */
function byMachines(items: readonly { key: string; machine: string }[]): { key: string; machines: string[] }[] {
  const groups = new Map<string, string[]>();
  for (const i of items) groups.set(i.key, [...(groups.get(i.key) ?? []), i.machine]);
  return [...groups].map(([key, machines]) => ({ key, machines }));
}

/** How many lines of failures the terminal gets before "and N more". */
const FAILURE_LINES = 30;

/**
 * The matrix summary for a terminal `width` columns wide: the grids, the predicted
 * divergences (by configuration) and the failures (by cell).
 */
export function matrixSummary(results: readonly RunResult[], width: number): string {
  const parts: string[] = [legend(results, width), ...grids(results, width)];
  const predicted = results.filter((r) => cellVerdict(r) === "predicted");
  if (predicted.length > 0) {
    const lines = new Map<string, { cells: number; scenarios: Set<string>; machines: Set<string>; instructions: Set<string> }>();
    for (const r of predicted) {
      const p = predictionOf(r)!;
      const key = `${r.configuration.label}: Theorem ${p.theorem}`;
      const l = lines.get(key) ?? { cells: 0, scenarios: new Set(), machines: new Set(), instructions: new Set() };
      l.cells++;
      l.scenarios.add(r.scenario);
      l.machines.add(machineName(r.configuration));
      for (const i of p.instructions) l.instructions.add(i);
      lines.set(key, l);
    }
    parts.push(
      [
        `Diverges as predicted (${fmtInt(predicted.length)} cell${predicted.length === 1 ? "" : "s"}, not failures):`,
        ...[...lines].map(([key, l]) =>
          wrapLine(
            `  ${key} (${[...l.instructions].join(", ")} ran without trapping): ${l.scenarios.size} scenario${l.scenarios.size === 1 ? "" : "s"} × ${l.machines.size} machine${l.machines.size === 1 ? "" : "s"}`,
            width,
            4,
          ),
        ),
      ].join("\n"),
    );
  }
  const failed = results.filter((r) => cellVerdict(r) === "failed");
  if (failed.length > 0) {
    const groups = byMachines(failed.map((r) => ({ key: `${r.scenario} ${r.configuration.label}\u0000${statusOf(r)}`, machine: machineName(r.configuration) })));
    const lines = groups.slice(0, FAILURE_LINES).map((g) => {
      const [where, status] = g.key.split("\u0000") as [string, string];
      return wrapLine(`  ${where} (${g.machines.join(", ")}): ${status}`, width, 4);
    });
    if (groups.length > FAILURE_LINES) lines.push(`  ... and ${fmtInt(groups.length - FAILURE_LINES)} more (vmlab matrix --rows, or report.md)`);
    parts.push([`FAILED (${fmtInt(failed.length)} cell${failed.length === 1 ? "" : "s"}):`, ...lines].join("\n"));
  }
  return `${parts.join("\n\n")}\n`;
}

/** "912 cells: 192 native, 663 equivalent, 57 diverge as predicted, 0 failed". */
export function matrixCounts(results: readonly RunResult[]): string {
  const n = { reference: 0, equivalent: 0, predicted: 0, failed: 0 };
  for (const r of results) {
    const v = cellVerdict(r);
    n[v === "ok" ? (verdictOf(r).kind === "reference" ? "reference" : "equivalent") : v]++;
  }
  return `${fmtInt(results.length)} cell${results.length === 1 ? "" : "s"}: ${fmtInt(n.reference)} native, ${fmtInt(n.equivalent)} equivalent, ${fmtInt(n.predicted)} diverge${n.predicted === 1 ? "s" : ""} as predicted, ${fmtInt(n.failed)} failed`;
}

/** What `matrix` and `merge` print on the terminal: the summary, or with `rows` every cell and VM. */
export function matrixTerminalText(results: readonly RunResult[], width: number, rows = false): string {
  return rows ? terminalTable(results, width) + terminalVmTable(results, width) : matrixSummary(results, width);
}
