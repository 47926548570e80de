// The report's tables: divergences, VM exits, impossible configurations, several VMs,
// validation, microbenchmarks and runs faster than bare metal.
import { impossibleReason, machineName, type RunResult } from "@vmlab/core";
import { publishedPerOp, VALIDATION_HEADER, validationRows } from "../model.js";
import { fasterThanNative, totalExits } from "../runs.js";
import { VM_HEADER, vmRows } from "../tables.js";
import { exitLabelTitle } from "@vmlab/isa";
import { fmtRatio } from "../summary.js";
import { dataTable, esc, num, text, type Cell } from "./markup.js";
import type { ReportView } from "./view.js";

const int = (n: number): string => Math.round(n).toLocaleString("en-US");

/** "console byte 96", "VM 1, console", "outcome". */
function whereOf(r: RunResult): string {
  const d = r.properties?.divergence;
  if (!d) return r.outcome === "budget" ? "instruction budget" : r.outcome === "error" ? "error" : "-";
  const parts = [];
  // Numbered from 1, as the divergence's detail does.
  if (d.vm !== undefined) parts.push(`VM ${d.vm + 1}`);
  parts.push(d.offset !== undefined ? `${d.what} byte ${d.offset}` : d.what);
  return parts.join(", ");
}

/** Runs that differ only by machine share one row, the machines listed. */
function byMachines(runs: readonly RunResult[], key: (r: RunResult) => string): { run: RunResult; machines: string[] }[] {
  const groups = new Map<string, { run: RunResult; machines: string[] }>();
  for (const r of runs) {
    const k = `${r.scenario}\u0000${r.configuration.label}\u0000${key(r)}`;
    const g = groups.get(k);
    if (g) g.machines.push(machineName(r.configuration));
    else groups.set(k, { run: r, machines: [machineName(r.configuration)] });
  }
  return [...groups.values()];
}

export function divergenceSection(v: ReportView): string {
  const predicted = v.results.filter((r) => v.verdict.get(r)!.kind === "predicted");
  const failing = v.results.filter((r) => ["diverges", "budget", "error"].includes(v.verdict.get(r)!.kind));
  const detail = (r: RunResult) => r.properties?.divergence?.detail ?? r.error ?? "";
  const machinesCell = (ms: readonly string[]): Cell => text(ms.length === v.machines.length && v.machines.length > 1 ? `all ${ms.length}` : ms.join(", "));
  const predRows = byMachines(predicted, detail).map(({ run, machines }) => [
    text(run.scenario),
    text(run.configuration.label),
    machinesCell(machines),
    text(`Theorem ${v.verdict.get(run)!.prediction!.theorem}: ${v.verdict.get(run)!.prediction!.instructions.join(", ")}`),
    text(whereOf(run)),
    text(detail(run), "wrap"),
  ]);
  const failRows = byMachines(failing, (r) => `${v.verdict.get(r)!.text}\u0000${detail(r)}`).map(({ run, machines }) => [
    text(run.scenario),
    text(run.configuration.label),
    machinesCell(machines),
    text(v.verdict.get(run)!.text, "failtext"),
    text(whereOf(run)),
    text(detail(run), "wrap"),
  ]);
  const reasons = [...new Set(predicted.map((r) => v.verdict.get(r)!.prediction!.reason))];
  const cols = (what: string) => [{ name: "scenario" }, { name: "configuration", nowrap: true }, { name: "machines" }, { name: what }, { name: "where" }, { name: "first difference from native" }];
  return `<section id="divergences"><h2>Divergences from native</h2>
<h3>Real failures <span class="badge ${failing.length ? "fail" : "ok"}">${failing.length}</span></h3>
${failing.length ? `<p>Runs that diverge with no prediction to explain them, run over their budget or stop on an error: each is a defect of a strategy or of the model.</p>${dataTable("failures", cols("status"), failRows)}` : "<p>None: every run that diverges does so as predicted.</p>"}
<h3>Diverging as predicted <span class="badge pred">${predicted.length}</span></h3>
${predicted.length ? `<p>The configuration cannot be exact for these guests, and the model says why:</p><ul>${reasons.map((x) => `<li>${esc(x)}</li>`).join("")}</ul>${dataTable("predicted", cols("prediction"), predRows)}` : "<p>None.</p>"}
</section>`;
}

export function exitsSection(v: ReportView): string {
  const runs = v.results.filter((r) => totalExits(r) > 0);
  if (runs.length === 0) return "";
  const reasons = [...new Set(runs.flatMap((r) => Object.keys(r.metrics!.vmExits)))];
  const rows = runs.map((r) => [
    text(r.scenario),
    text(r.configuration.label),
    text(machineName(r.configuration)),
    num(totalExits(r), int(totalExits(r))),
    ...reasons.map((k) => {
      const n = r.metrics!.vmExits[k];
      return n ? num(n, int(n)) : { html: "", sort: "0", cls: "n" };
    }),
  ]);
  return `<section id="vm-exits"><h2>VM exits by reason</h2>
<p>The ${runs.length.toLocaleString("en-US")} runs whose guest left guest mode for the monitor, their exits counted by reason (a column for every reason seen), each named by the VT-x basic exit reason it models (Intel SDM Vol. 3C, Appendix C).</p>
${dataTable("exits", [{ name: "scenario" }, { name: "configuration", nowrap: true }, { name: "machine", nowrap: true }, { name: "exits", numeric: true }, ...reasons.map((k) => ({ name: exitLabelTitle(k), numeric: true }))], rows)}
</section>`;
}

export function impossibleSection(v: ReportView): string {
  const skipped = v.meta.skipped;
  if (skipped.length === 0) return "";
  // One row per configuration; the reason once, however many machines share it.
  const rows = skipped.map((s) => {
    const [config, machine] = s.label.split(" on ");
    return [text(config), text(machine ?? "every machine"), text(impossibleReason(s.reason), "wrap")];
  });
  return `<section id="impossible"><h2>Configurations that cannot exist</h2>
<p>Combinations the matrix skipped because a strategy needs what the profile or machine lacks; each is listed once.</p>
${dataTable("skipped", [{ name: "configuration" }, { name: "on" }, { name: "why" }], rows)}
</section>`;
}

/** A configuration label that may break between its parts (after a "/", before "@hosted"), never inside one. */
function breakableLabel(label: string): Cell {
  const parts = label.split(/(?=@)|(?<=\/)/);
  return { html: parts.map((p) => `<span style="white-space:nowrap">${esc(p)}</span>`).join("<wbr>"), sort: label };
}

export function vmsSection(v: ReportView): string {
  const rows = vmRows(v.results);
  if (rows.length === 0) return "";
  const cells = rows.map((r) =>
    r.map(
      (x, i): Cell =>
        i === 5 || i === 6 ? num(Number(x.replace(/,/g, "")), x) : i === 4 ? text(x, x.startsWith("DIVERGES") ? "failtext" : "") : i === 1 ? breakableLabel(x) : text(x, i >= 7 ? "wrap" : undefined),
    ),
  );
  return `<section id="vms"><h2>Several virtual machines on one machine</h2>
<p>One row per VM of a multi-VM run. Each VM is compared with its own native run alone; machine switches are per run (all its VMs); the audit lists resource-control findings.</p>
${dataTable(
  "vm-results",
  VM_HEADER.map((h, i) => ({ name: h, numeric: i === 5 || i === 6, nowrap: i === 2 })),
  cells,
)}
</section>`;
}

export function validationSection(v: ReportView): string {
  if (v.validation.length === 0) return "";
  const rows = validationRows(v.validation).map((r) =>
    r.map((x, i): Cell => {
      if (i === 5) return text(x, x === "pass" ? "passtext" : x === "FAIL" ? "failtext" : undefined);
      if (i >= 1 && i <= 3) return num(Number(x.replace(/,/g, "")), x);
      return text(x, i === 6 ? "wrap" : undefined);
    }),
  );
  const failed = v.validation.filter((x) => !x.pass).length;
  return `<section id="validation"><h2>Validation: published results beside the model</h2>
<p>${v.validation.length} published figures this matrix's runs can answer; ${failed} outside their tolerance. Each tolerance was fixed before the model's value was looked at; see MODEL.md.</p>
${dataTable(
  "validation-table",
  VALIDATION_HEADER.map((h, i) => ({ name: h, numeric: i >= 1 && i <= 3 })),
  rows,
)}
</section>`;
}

export function microSection(v: ReportView): string {
  const micro = v.results.filter((r) => r.region?.operations && v.verdict.get(r)!.kind !== "predicted" && v.verdict.get(r)!.kind !== "diverges" && r.outcome === "halt");
  if (micro.length === 0) return "";
  // One row per scenario and configuration, the machines side by side.
  const keys = [...new Set(micro.map((r) => `${r.scenario}\u0000${r.configuration.label}`))];
  const rows = keys.map((k) => {
    const [scenario, label] = k.split("\u0000") as [string, string];
    const runs = v.machines.map((m) => v.run(scenario, label, m.name));
    const cpu = micro.find((r) => r.scenario === scenario && r.configuration.label === label)!.configuration.cpu;
    const published = v.machines.map((m) => publishedPerOp(scenario, cpu, m.name)).find((x) => x !== undefined);
    return [
      text(scenario),
      text(label),
      ...runs.map((r) => {
        if (!r?.region?.operations || !micro.includes(r)) return { html: "", sort: "-1", cls: "n" };
        const x = r.region.cycles.total / r.region.operations;
        return num(x, int(x));
      }),
      published === undefined ? { html: "", sort: "-1", cls: "n" } : num(published, int(published)),
    ];
  });
  return `<section id="micro"><h2>Microbenchmarks: cycles per operation</h2>
<p>The measured region's cycles over its operations (boot and final output left out), per machine, beside Adams &amp; Agesen's Pentium 4 figure (p4-2006) where they measured the same operation.</p>
${dataTable("micro-table", [{ name: "scenario" }, { name: "configuration", nowrap: true }, ...v.machines.map((m) => ({ name: m.name, numeric: true })), { name: "Adams & Agesen (P4)", numeric: true }], rows)}
</section>`;
}

/** Text from the model that may hold Markdown code spans (`in`). */
const prose = (x: string): string => esc(x).replace(/`([^`]+)`/g, "<code>$1</code>");

export function fasterSection(v: ReportView): string {
  const faster = fasterThanNative(v.results);
  if (faster.length === 0) return "";
  const unexplained = "NOT EXPLAINED by a published result: a defect of the model";
  const reasons = [...new Set(faster.map((f) => f.reason ?? unexplained))];
  // One row per scenario and configuration, the machines side by side.
  const keys = [...new Set(faster.map((f) => `${f.run.scenario}\u0000${f.run.configuration.label}`))];
  const rows = keys.map((k) => {
    const mine = faster.filter((f) => `${f.run.scenario}\u0000${f.run.configuration.label}` === k);
    const why = [...new Set(mine.map((f) => reasons.indexOf(f.reason ?? unexplained) + 1))];
    return [
      text(mine[0]!.run.scenario),
      text(mine[0]!.run.configuration.label),
      ...v.machines.map((m) => {
        const f = mine.find((x) => machineName(x.run.configuration) === m.name);
        return f ? num(f.slowdown, fmtRatio(f.slowdown)) : { html: "", cls: "n" };
      }),
      text(why.map((i) => `(${i})`).join(" "), mine.some((f) => !f.reason) ? "failtext" : undefined),
    ];
  });
  return `<section id="faster"><h2>Faster than bare metal</h2>
<p>${faster.length} runs below 1x, each with the published result that explains it:</p>
<ol>${reasons.map((r) => `<li${r === unexplained ? ' class="failtext"' : ""}>${prose(r)}</li>`).join("")}</ol>
${dataTable("faster-table", [{ name: "scenario" }, { name: "configuration", nowrap: true }, ...v.machines.map((m) => ({ name: m.name, numeric: true })), { name: "why" }], rows)}
</section>`;
}
