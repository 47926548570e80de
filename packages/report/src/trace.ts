// The OSTEP appendix's step tables (Process | Operating System | VMM), built from a real
// run's events: consecutive events of one actor make one numbered step. Work the guest
// cannot observe (hidden faults, kernel pages the monitor maps) and privileged
// instructions the monitor emulates in passing are folded into the step around them
// as a note, unless every event is asked for.
import { table } from "table";
import type { TraceActor, TraceEvent } from "@vmlab/core";
import { hex } from "@vmlab/isa";

export const TRACE_STARTS = ["boot", "user", "syscall", "tlb-miss", "page-fault", "interrupt", "vm-exit"] as const;
export type TraceStart = (typeof TRACE_STARTS)[number];

export interface TraceStep {
  readonly step: number;
  readonly actor: TraceActor;
  readonly text: string;
  /** Guest instructions retired when the step began. */
  readonly at: number;
}

export interface TraceOptions {
  /** Where the table begins (default: the first step of a user process). */
  readonly start?: TraceStart;
  /** How many steps (default 12). */
  readonly steps?: number;
  /** Every monitor event as a step of its own (nothing folded). */
  readonly all?: boolean;
  /** Names a guest address ("kputc+8"). */
  readonly symbolize?: (pc: number) => string | undefined;
}

interface Building {
  /** Index of its first event in the run's events. */
  first: number;
  actor: TraceActor;
  parts: string[];
  at: number;
  runInstructions: number;
  runPc: number;
  runIndex: number;
  /** Unseen monitor work, by what it was. */
  unseen: Map<string, number>;
  /** Privileged instructions emulated in passing, by mnemonic. */
  passing: Map<string, number>;
  /** Binary translation: sensitive instructions carried out by callouts in passing, by mnemonic. */
  callouts: Map<string, number>;
  /** Hardware assist: VM exits handled in passing (port I/O, control registers, hidden faults), by reason. */
  exits: Map<string, number>;
  events: TraceEvent[];
}

/** "VM exit EXCEPTION_NMI (0) PAGE_FAULT: ..." -> "EXCEPTION_NMI (0) PAGE_FAULT"; "IO_INSTRUCTION (30) I/O (out 0x10): ..." -> "IO_INSTRUCTION (30) I/O (out 0x10)". */
function exitLabel(text: string): string {
  const head = text.split(":")[0]!;
  const m = /^VM exit (.*)$/.exec(head);
  return m ? m[1]! : head;
}

export function matchesStart(e: TraceEvent, start: TraceStart): boolean {
  switch (start) {
    case "boot":
      return true;
    case "user":
      return e.actor === "process";
    case "syscall":
      return e.kind === "trap" && e.cause === "SYSCALL" && e.actor === "process";
    case "tlb-miss":
      return e.kind === "trap" && e.cause === "TLB_MISS" && e.actor === "process" && !e.hidden;
    case "page-fault":
      return e.kind === "trap" && e.cause === "PAGE_FAULT" && e.actor === "process" && !e.hidden;
    case "interrupt":
      return e.cause === "TIMER" && !e.hidden;
    case "vm-exit":
      return e.kind === "exit" && !e.hidden && !e.inline;
  }
}

/** Groups events into steps. */
export function traceSteps(events: readonly TraceEvent[], options: TraceOptions = {}): TraceStep[] {
  const { built, from } = buildSteps(events, options);
  const count = options.steps ?? 12;
  return built.slice(from, from + count).map((b, i) => {
    const passing = [...b.passing.entries()].map(([m, n]) => (n === 1 ? m : `${m} x${n}`));
    const callouts = [...b.callouts.entries()].map(([m, n]) => (n === 1 ? m : `${m} x${n}`));
    const exits = [...b.exits.entries()].map(([m, n]) => (n === 1 ? m : `${m} x${n}`));
    const extra = [
      ...(passing.length ? [`trapped and emulated in passing: ${passing.join(", ")}`] : []),
      ...(callouts.length ? [`callouts in passing, no trap: ${callouts.join(", ")}`] : []),
      ...(exits.length ? [`VM exits in passing: ${exits.join(", ")}`] : []),
      ...[...b.unseen.entries()].map(([label, n]) => (label.startsWith("filled") ? `${n} translation${n === 1 ? "" : "s"} ${label}` : `${n} ${label}`)),
    ];
    return { step: i + 1, actor: b.actor, text: b.parts.join("; ") + (extra.length ? ` (${extra.join("; ")})` : ""), at: b.at };
  });
}

/**
 * Where each step begins in `events`, numbered as traceSteps numbers them (entry 0 is
 * step 1's first event), every step from the start to the end of the run, and then
 * `events.length`: the events up to entry n are those of steps 1..n.
 */
export function traceStepStarts(events: readonly TraceEvent[], options: Pick<TraceOptions, "start" | "all"> = {}): number[] {
  const { built, from } = buildSteps(events, options);
  return [...built.slice(from).map((b) => b.first), events.length];
}

/** Index of the last event of a user process in `events`, or -1 when none ran. */
export function lastProcessEvent(events: readonly TraceEvent[]): number {
  for (let i = events.length - 1; i >= 0; i--) if (events[i]!.actor === "process") return i;
  return -1;
}

function buildSteps(events: readonly TraceEvent[], options: TraceOptions): { built: Building[]; from: number } {
  const where = (pc: number | undefined): string => {
    if (pc === undefined) return "";
    const name = options.symbolize?.(pc);
    return name ? `${hex(pc)} <${name}>` : hex(pc);
  };
  const built: Building[] = [];
  let cur: Building | undefined;
  // The pc of the last instruction of a process that faulted, to recognize its retry.
  let faultedPc: number | undefined;
  let faultedCause: string | undefined;

  let index = 0;
  const open = (e: TraceEvent): Building => {
    cur = { first: index, actor: e.actor, parts: [], at: e.at, runInstructions: 0, runPc: 0, runIndex: -1, unseen: new Map(), passing: new Map(), callouts: new Map(), exits: new Map(), events: [] };
    built.push(cur);
    return cur;
  };
  const fold = (map: "unseen" | "passing" | "callouts" | "exits", label: string) => {
    if (!cur) return;
    cur[map].set(label, (cur[map].get(label) ?? 0) + 1);
  };

  for (; index < events.length; index++) {
    const e = events[index]!;
    const quiet = !options.all && (e.hidden === true || e.inline === true);
    if (quiet) {
      // The guest's own quiet traps belong to its step; the monitor's quiet work to the step it interrupted.
      if (e.actor !== "vmm" && (!cur || cur.actor !== e.actor)) open(e);
      if (e.kind === "hidden") fold("unseen", "filled by the monitor unseen by the guest");
      else if (e.kind === "trap" && e.inline) fold("passing", e.text.split(" ")[0]!);
      else if (e.kind === "callout") fold("callouts", e.text.split(/[ :]/)[0]!);
      else if (e.kind === "exit") fold("exits", exitLabel(e.text));
      else if (e.kind === "trap" && e.cause === "TIMER") fold("unseen", "timer interrupts held pending (virtual IF clear)");
      cur?.events.push(e);
      continue;
    }
    const b = cur && cur.actor === e.actor ? cur : open(e);
    b.events.push(e);
    if (e.kind === "run") {
      // Binary translation runs kernel code from its translation cache.
      const translated = e.text.includes("translated") ? "translated " : "";
      const source = translated ? "the translation cache at " : "";
      if (b.runIndex >= 0 && b.runIndex === b.parts.length - 1) {
        b.runInstructions += e.instructions ?? 0;
        b.parts[b.runIndex] = `runs ${b.runInstructions.toLocaleString("en-US")} ${translated}instructions from ${source}${where(b.runPc)}`;
        continue;
      }
      b.runInstructions = e.instructions ?? 0;
      b.runPc = e.pc ?? 0;
      b.runIndex = b.parts.length;
      let text = `runs ${b.runInstructions.toLocaleString("en-US")} ${translated}instruction${b.runInstructions === 1 ? "" : "s"} from ${source}${where(e.pc)}`;
      if (e.actor === "process" && faultedPc !== undefined && e.pc === faultedPc) {
        text = `retries the instruction at ${where(e.pc)}: ${faultedCause === "TLB_MISS" ? "TLB hit" : "now mapped"}; ${text}`;
      } else if (e.actor === "process" && b.parts.length === 0 && built.length > 1) {
        text = `resumes: ${text}`;
      }
      if (e.actor === "process") faultedPc = undefined;
      b.parts.push(text);
      continue;
    }
    if (e.kind === "trap" && e.actor === "process" && (e.cause === "TLB_MISS" || e.cause === "PAGE_FAULT")) {
      faultedPc = e.pc;
      faultedCause = e.cause;
    }
    b.parts.push(e.kind === "trap" && e.pc !== undefined ? `${e.text} at ${where(e.pc)}` : e.kind === "reflect" && e.pc !== undefined ? `${e.text} at ${where(e.pc)}, at reduced privilege` : e.text);
  }

  const first = built.findIndex((b) => b.events.some((e) => matchesStart(e, options.start ?? "user")));
  return { built, from: first < 0 ? built.length : first };
}

const HEADERS: Record<TraceActor, string> = { process: "Process", os: "Operating System", vmm: "VMM" };

/** The step table for a terminal `terminalWidth` columns wide: one numbered row per step, text in its actor's column. */
export function traceTable(steps: readonly TraceStep[], columns: 2 | 3, terminalWidth = 112): string {
  const actors: TraceActor[] = columns === 3 ? ["process", "os", "vmm"] : ["process", "os"];
  const number = Math.max(1, ...steps.map((s) => String(s.step).length));
  // The actors' columns share what is left after the step number and the borders.
  const width = Math.max(12, Math.floor((terminalWidth - number - 3 * (actors.length + 1) - 1) / actors.length));
  const rows = steps.map((s) => [String(s.step), ...actors.map((a) => (a === s.actor ? s.text : ""))]);
  return table([["#", ...actors.map((a) => HEADERS[a])], ...rows], {
    columns: { 0: { alignment: "right", width: number }, ...Object.fromEntries(actors.map((_, i) => [i + 1, { width, wrapWord: true }])) },
  });
}

/**
 * A sampled log's events (TraceLog with `every` or `only`), one row each: folding
 * steps out of a sample would join events far apart, so each kept event stands alone,
 * numbered by its place among all the run's events (1-based) and prefixed with its kind.
 * `start` (when given) skips to the first kept event that begins such a table.
 */
export function sampledSteps(
  events: readonly TraceEvent[],
  ordinals: readonly number[],
  options: { start?: TraceStart; steps?: number; symbolize?: (pc: number) => string | undefined } = {},
): TraceStep[] {
  const from = options.start ? events.findIndex((e) => matchesStart(e, options.start!)) : 0;
  if (from < 0) return [];
  const where = (pc: number): string => {
    const name = options.symbolize?.(pc);
    return name ? `${hex(pc)} <${name}>` : hex(pc);
  };
  return events.slice(from, from + (options.steps ?? 12)).map((e, i) => ({
    step: ordinals[from + i]! + 1,
    actor: e.actor,
    text: `${e.kind}: ${e.text}${e.pc !== undefined ? ` (pc ${where(e.pc)})` : ""}`,
    at: e.at,
  }));
}

/** The fields of a plain trace line, in order (tab-separated). */
export const PLAIN_TRACE_FIELDS = ["step", "at", "actor", "text"] as const;

/**
 * Steps as plain text an autograder can diff: one line per step, the fields of
 * PLAIN_TRACE_FIELDS separated by a tab (step number; guest instructions retired when it
 * began; process, os or vmm; what happened, on one line). No colour, no box drawing, no
 * wrapping: nothing depends on the terminal.
 */
export function tracePlain(steps: readonly TraceStep[]): string {
  return steps.map((s) => `${s.step}\t${s.at}\t${s.actor}\t${s.text.replace(/[\t\r\n]+/g, " ")}\n`).join("");
}
