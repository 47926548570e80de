// The three-column trace (Process | Operating System | VMM) with the machine's state
// after the current step beside it: registers, the virtual CPU, the TLB and the picture
// of memory `vmlab memory --at` prints.
import { el, fmt, hex } from "../dom.js";
import type { MachineState, StateReply, Traced } from "../protocol.js";
import { notRunView } from "./not-run.js";

const ACTORS = { process: "Process", os: "Operating System", vmm: "VMM" } as const;

/** The steps in their columns; `current` (0: none) marked, those before it done. */
export function traceTable(t: Pick<Traced, "columns" | "steps">, current: number): HTMLElement {
  const actors = t.columns === 3 ? (["process", "os", "vmm"] as const) : (["process", "os"] as const);
  return el(
    "table",
    { class: "trace", "data-testid": "trace-table" },
    el("thead", {}, el("tr", {}, el("th", { class: "num" }, "step"), ...actors.map((a) => el("th", {}, ACTORS[a])))),
    el(
      "tbody",
      {},
      ...t.steps.map((s) =>
        el(
          "tr",
          { class: s.step === current ? "current" : s.step < current ? "done" : "", "data-step": String(s.step) },
          el("td", { class: "num" }, s.step),
          ...actors.map((a) => el("td", {}, a === s.actor ? s.text : "")),
        ),
      ),
    ),
  );
}

function registerGrid(s: MachineState): HTMLElement {
  const cells = [el("div", { class: "reg" }, el("span", {}, "pc"), el("code", { "data-testid": "pc" }, hex(s.cpu.pc)))];
  s.cpu.regs.forEach((v, i) => {
    cells.push(el("div", { class: "reg" }, el("span", {}, i === 15 ? "sp" : `r${i}`), el("code", { "data-testid": `r${i}` }, hex(v))));
  });
  return el("div", { class: "regs" }, ...cells);
}

function crTable(s: MachineState): HTMLElement {
  const v = s.virtualCpu;
  return el(
    "table",
    { class: "crs" },
    el("thead", {}, el("tr", {}, el("th", {}, "register"), el("th", {}, "real CPU"), v ? el("th", {}, "guest's (virtual) CPU") : null)),
    el(
      "tbody",
      {},
      el("tr", {}, el("td", {}, "mode"), el("td", {}, s.cpu.mode), v ? el("td", { "data-testid": "virtual-mode" }, v.mode) : null),
      el("tr", {}, el("td", {}, "interrupt flag"), el("td", {}, s.cpu.flags & 0x200 ? "on" : "off"), v ? el("td", {}, v.interruptFlag ? "on" : "off") : null),
      ...s.cpu.crs.map((cr, i) => {
        const theirs = v?.crs[i]?.value;
        return el(
          "tr",
          theirs !== undefined && theirs !== cr.value ? { class: "differs" } : {},
          el("td", {}, cr.name),
          el("td", {}, el("code", {}, hex(cr.value))),
          v ? el("td", {}, el("code", {}, hex(theirs ?? 0))) : null,
        );
      }),
    ),
  );
}

function tlbTable(s: MachineState): HTMLElement {
  if (s.tlb.length === 0) return el("p", { class: "muted" }, "empty");
  return el(
    "table",
    { class: "tlb", "data-testid": "tlb" },
    el("thead", {}, el("tr", {}, el("th", {}, "slot"), el("th", {}, "VPN"), el("th", {}, "frame"), el("th", {}, "access"), el("th", {}, "tag"))),
    el(
      "tbody",
      {},
      ...s.tlb.map((e) =>
        el(
          "tr",
          {},
          el("td", {}, e.slot),
          el("td", {}, el("code", {}, hex(e.vpn, 5))),
          el("td", {}, el("code", {}, hex(e.frame))),
          el("td", {}, `${e.user ? "user" : "kernel"} ${e.writable ? "rw" : "ro"}`),
          el("td", {}, e.tag),
        ),
      ),
    ),
  );
}

export function stateView(reply: StateReply): HTMLElement {
  if (reply.kind !== "state") return notRunView(reply);
  const s = reply;
  return el(
    "div",
    { class: "state", "data-testid": "state" },
    el("h3", { "data-testid": "moment" }, `${s.moment[0]!.toUpperCase()}${s.moment.slice(1)} (guest instruction ${fmt(s.at)})`),
    el("h4", {}, "Registers"),
    registerGrid(s),
    el("h4", {}, "CPU and virtual CPU"),
    el("p", { class: "muted" }, s.virtualCpu ? s.virtualCpu.where : "bare metal: the real CPU is the guest's own"),
    crTable(s),
    el("h4", {}, `TLB (${s.tlb.length} entries)`),
    tlbTable(s),
    el("h4", {}, "Memory: VPN → PFN → MFN"),
    el("pre", { class: "memory", "data-testid": "memory" }, s.memory),
  );
}
