// One run as `vmlab run` shows it: output, verdict against native, slowdown, and the
// modeled cycles by category with each one's share.
import type { Category } from "@vmlab/core";
import { exitLabelTitle } from "@vmlab/isa";
import { el, fmt } from "../dom.js";
import type { Ran, RunReply } from "../protocol.js";
import { notRunView } from "./not-run.js";

export function verdictBadge(r: Ran): HTMLElement {
  return el("span", { class: `verdict verdict-${r.verdict.kind}`, "data-testid": "verdict" }, r.verdict.text);
}

export function breakdownTable(r: Ran, categories: readonly Category[]): HTMLElement {
  const cycles = r.result.cycles!;
  const rows = categories.filter((c) => cycles.byCategory[c] > 0);
  return el(
    "table",
    { class: "breakdown", "data-testid": "breakdown" },
    el("thead", {}, el("tr", {}, el("th", {}, "category"), el("th", { class: "num" }, "cycles"), el("th", {}, "share"))),
    el(
      "tbody",
      {},
      ...rows.map((c) => {
        const share = cycles.byCategory[c] / cycles.total;
        return el(
          "tr",
          {},
          el("td", {}, c),
          el("td", { class: "num" }, fmt(cycles.byCategory[c])),
          el("td", { class: "share" }, el("span", { class: "track" }, el("span", { class: "bar", style: `width:${(share * 100).toFixed(1)}%` })), ` ${(share * 100).toFixed(1)}%`),
        );
      }),
      el("tr", { class: "total" }, el("td", {}, "total"), el("td", { class: "num" }, fmt(cycles.total)), el("td", {})),
    ),
  );
}

/** "Traps: SYSCALL 1,000, TLB_MISS 3" (nothing when there are none); `name` titles each key. */
function counted(what: string, counts: Record<string, number>, name: (key: string) => string = (k) => k): HTMLElement | null {
  const entries = Object.entries(counts).filter(([, n]) => n > 0);
  if (entries.length === 0) return null;
  return el("p", { class: "counts", "data-testid": what === "VM exits" ? "vm-exits" : undefined }, el("strong", {}, `${what}: `), entries.map(([k, n]) => `${name(k)} ${fmt(n)}`).join(", "));
}

export function runView(reply: RunReply, categories: readonly Category[]): HTMLElement {
  if (reply.kind !== "ran") return notRunView(reply);
  const m = reply.result.metrics!;
  const traps = Object.values(m.traps).reduce((a, b) => a + b, 0);
  const exits = Object.values(m.vmExits).reduce((a, b) => a + b, 0);
  return el(
    "div",
    { class: "run", "data-testid": "run-result" },
    el("h3", {}, reply.label, " ", verdictBadge(reply)),
    el(
      "p",
      { class: "facts" },
      el("span", { "data-testid": "slowdown" }, `${reply.slowdown.toFixed(2)}× native`),
      ` (${fmt(reply.result.cycles!.total)} modeled cycles against ${fmt(reply.nativeCycles)}); `,
      `${fmt(m.guestInstructions)} guest instructions, ${(reply.result.properties!.efficiency * 100).toFixed(1)}% executed directly; `,
      `${fmt(traps)} traps, ${fmt(exits)} VM exits, ${fmt(m.tlbMisses)} TLB misses, ${fmt(m.walkReferences)} walk references.`,
    ),
    reply.verdict.kind === "equivalent" || reply.verdict.kind === "reference" ? null : el("p", { class: "status" }, reply.status),
    counted("Traps", m.traps),
    // Each exit as the VT-x basic exit reason it models: "IO_INSTRUCTION (30) 1,000".
    counted("VM exits", m.vmExits, exitLabelTitle),
    el("h4", {}, "Output"),
    el("pre", { class: "output", "data-testid": "output" }, reply.result.output),
    el("h4", {}, "Cycles by category"),
    breakdownTable(reply, categories),
  );
}
