// Each strategy in a few sentences, beside its results: the geometric-mean slowdown of each
// of its configurations on each machine, and how many of its runs were exact.
import { esc } from "./markup.js";
import { meanCell, scaleOf } from "./heatmap.js";
import type { ReportView } from "./view.js";

/** What a student should know about each built-in strategy, and what to look for in its results. */
const EXPLAINED: Readonly<Record<string, string>> = {
  native: "Bare metal: the guest runs directly on the machine, with no monitor. It is the reference: every other run's slowdown is its cycles over native's.",
  interpret:
    "Full software emulation: the monitor fetches, decodes and emulates every guest instruction. Always exact, whatever the ISA, and always slow (tens of times native): the price of doing without direct execution.",
  "trap-emulate":
    "Trap-and-emulate (limited direct execution): the guest kernel runs deprivileged; each privileged instruction traps to the monitor, which emulates it on a virtual CPU, and user traps are reflected into the guest kernel. Close to native where traps are rare. Exact only when every sensitive instruction is privileged (Popek & Goldberg's Theorem 1): on x86-like, PUSHF, POPF and the mode read do not trap, so it diverges there, as predicted.",
  "binary-translation":
    "Binary translation (VMware-style): user code runs directly; kernel code runs from a translation cache in which sensitive instructions become calls into the monitor, with no trap. Exact on x86-like without hardware help; it pays for translating, and for kernel-heavy work.",
  "hardware-assist":
    "Hardware assist (VT-x-style): the guest kernel runs at its own privilege in a guest mode; what the monitor must see (port I/O, HALT, and under shadow paging the guest's page faults and page-table-base writes) exits to it. A VM exit and its handling cost a few thousand cycles on the first VT-x machine and fewer on later ones; nested paging removes the paging exits.",
  paravirt:
    "Paravirtualization (Xen-style): a modified guest kernel calls the monitor with hypercalls instead of running privileged instructions (batched, validated page-table updates; interrupt flag in a shared page). Close to native, but the guest must be changed, so its equivalence is judged on its console output.",
  direct: "The machine's own MMU, driven by the guest: no monitor in between (native, and the interpreter's emulated MMU).",
  "software-tlb":
    "Software-managed TLB (Disco-style): the guest's TLB writes trap and the monitor installs the virtual-to-machine entry from its physical-to-machine map. Only on profiles whose TLB the software fills (mips-like).",
  shadow:
    "Shadow page tables: the monitor keeps virtual-to-machine tables built lazily on hidden page faults; the guest's own tables are write-protected and each write traced. Page-table-heavy work (fork, page faults, PTE updates) pays most.",
  nested:
    "Nested paging (EPT/NPT): the hardware walks the guest's tables and the monitor's guest-physical-to-machine tables; a TLB miss costs up to (n+1)(m+1)-1 memory references, but page-table writes and guest page faults no longer exit. Only on machines that have it (Nehalem, 2008, onwards).",
  "paravirt-mmu": "Paravirtual MMU: the guest changes its page tables only through validated hypercalls, batched; no tracing and no hidden faults.",
};

function explanation(v: ReportView, name: string, kind: "cpu" | "memory"): string {
  return EXPLAINED[name] ?? v.meta.strategies?.find((s) => s.name === name && s.kind === kind)?.description ?? "A strategy from a plugin package (no description recorded).";
}

function counts(v: ReportView, cpu: string): string {
  const n = { runs: 0, exact: 0, predicted: 0, failed: 0 };
  for (const r of v.results) {
    if (r.configuration.cpu !== cpu) continue;
    n.runs++;
    const k = v.verdict.get(r)!.kind;
    if (k === "equivalent" || k === "reference") n.exact++;
    else if (k === "predicted") n.predicted++;
    else if (k !== "unchecked") n.failed++;
  }
  const parts = [`${n.runs.toLocaleString("en-US")} runs`, `${n.exact.toLocaleString("en-US")} exact`];
  if (n.predicted) parts.push(`<span class="predtext">${n.predicted} diverge as predicted</span>`);
  if (n.failed) parts.push(`<span class="failtext">${n.failed} fail</span>`);
  return parts.join(", ");
}

export function strategiesSection(v: ReportView): string {
  const scale = scaleOf(v, "run");
  const blocks = v.cpus.map((cpu) => {
    const cols = v.columns.filter((c) => c.cpu === cpu);
    const table = cols.length
      ? `<table class="heatmap small"><thead><tr><th class="rowhead">configuration</th>${v.machines.map((m) => `<th>${esc(m.name)}</th>`).join("")}</tr></thead><tbody>${cols
          .map((c) => `<tr><th class="rowhead">${esc(c.profile)} · ${esc(c.memory)}${c.host ? " · hosted" : ""}</th>${v.machines.map((m) => meanCell(v, "run", scale, c, m.name)).join("")}</tr>`)
          .join("")}</tbody></table>`
      : `<p class="muted">The reference: 1x by definition.</p>`;
    return `<div class="strategy" id="strategy-${esc(cpu)}"><div class="explain"><h3>${esc(cpu)}</h3><p>${esc(explanation(v, cpu, "cpu"))}</p><p class="muted">${counts(v, cpu)}</p></div><div class="results">${table}</div></div>`;
  });
  const memories = v.memories.map((m) => `<dt>${esc(m)}</dt><dd>${esc(explanation(v, m, "memory"))}</dd>`).join("");
  return `<section id="strategies"><h2>The strategies and how they fared</h2>
<p>Beside each CPU strategy: the geometric mean of its slowdown over the scenarios it ran faithfully, per configuration and machine (same colours as the maps below; T1 where every run diverges as predicted).</p>
${blocks.join("\n")}
<h3>Memory strategies</h3><dl class="memories">${memories}</dl>
</section>`;
}
