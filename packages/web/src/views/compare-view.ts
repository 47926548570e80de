// Two runs of one scenario side by side, differing in one toggle; rows whose values
// differ are marked.
import type { Category } from "@vmlab/core";
import { el, fmt } from "../dom.js";
import type { Ran, RunReply } from "../protocol.js";
import { notRunView } from "./not-run.js";

type Row = readonly [label: string, value: (r: Ran) => string];

function rows(categories: readonly Category[]): Row[] {
  const sum = (o: Record<string, number>) => Object.values(o).reduce((a, b) => a + b, 0);
  return [
    ["configuration", (r) => r.label],
    ["verdict", (r) => r.verdict.text],
    ["output", (r) => r.result.output],
    ["slowdown vs native", (r) => `${r.slowdown.toFixed(2)}×`],
    ["modeled cycles", (r) => fmt(r.result.cycles!.total)],
    // A category's cycles, named apart from the counts below that share its word (traps, VM exits).
    ...categories.map((c): Row => [`cycles: ${c}`, (r) => fmt(r.result.cycles!.byCategory[c])]),
    ["guest instructions", (r) => fmt(r.result.metrics!.guestInstructions)],
    ["executed directly", (r) => fmt(r.result.metrics!.executedDirectly)],
    ["emulated", (r) => fmt(r.result.metrics!.emulated)],
    ["translated", (r) => fmt(r.result.metrics!.translated)],
    ["traps taken", (r) => fmt(sum(r.result.metrics!.traps))],
    ["VM exits taken", (r) => fmt(sum(r.result.metrics!.vmExits))],
    ["TLB misses", (r) => fmt(r.result.metrics!.tlbMisses)],
    ["walk references", (r) => fmt(r.result.metrics!.walkReferences)],
    ["page faults hidden", (r) => fmt(r.result.metrics!.pageFaultsHidden)],
    ["page faults reflected", (r) => fmt(r.result.metrics!.pageFaultsReflected)],
  ];
}

function cell(reply: RunReply, value: ((r: Ran) => string) | undefined): HTMLElement {
  if (reply.kind !== "ran") return el("td", { class: "not-run" }, value ? "—" : notRunView(reply));
  return el("td", {}, value ? value(reply) : "");
}

export function compareView(a: RunReply, b: RunReply, titles: readonly [string, string], categories: readonly Category[]): HTMLElement {
  const header = el("tr", {}, el("th", {}, ""), el("th", {}, titles[0]), el("th", {}, titles[1]));
  const body: HTMLElement[] = [];
  if (a.kind !== "ran" || b.kind !== "ran") body.push(el("tr", {}, el("td", {}, "refused or failed"), cell(a, undefined), cell(b, undefined)));
  for (const [label, value] of rows(categories)) {
    const va = a.kind === "ran" ? value(a) : undefined;
    const vb = b.kind === "ran" ? value(b) : undefined;
    const differs = va !== undefined && vb !== undefined && va !== vb;
    const tr = el("tr", differs ? { class: "differs", "data-testid": "differs" } : {}, el("th", { scope: "row" }, label));
    for (const [reply, v] of [
      [a, va],
      [b, vb],
    ] as const) {
      tr.append(el("td", { class: label === "output" ? "pre" : "" }, reply.kind === "ran" ? (v ?? "") : "—"));
    }
    body.push(tr);
  }
  return el("table", { class: "compare", "data-testid": "compare-table" }, el("thead", {}, header), el("tbody", {}, ...body));
}
