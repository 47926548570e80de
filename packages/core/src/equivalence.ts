// Equivalence with the native run: the guest-visible outcome, compared field by field
// (or, for a strategy that runs a modified guest, its console output and outcome only).
import type { Pmap } from "@vmlab/isa";
import type { EquivalenceBasis, Execution } from "./strategy.js";

export interface GuestDigest {
  readonly outcome: "halt" | "budget";
  readonly output: string;
  readonly guestInstructions: number;
  readonly registers: readonly number[];
  /** FNV-1a over guest-physical memory, hex. */
  readonly memoryHash: string;
  /** Several virtual machines: each one's own digest (the fields above sum them up). */
  readonly vms?: readonly (GuestDigest & { readonly name: string })[];
}

export interface Divergence {
  readonly what: "console" | "outcome" | "instructions" | "registers" | "memory" | "vms";
  readonly detail: string;
  /** Console: the byte offset of the first difference. */
  readonly offset?: number;
  /** Several virtual machines: the index of the first that diverges. */
  readonly vm?: number;
  /** Present when the model predicts this divergence (the configuration cannot be exact for it). */
  readonly predicted?: PredictedDivergence;
}

export interface PredictedDivergence {
  /** 1: sensitive instructions that are not privileged (trap-and-emulate cannot be exact);
   *  3: user-sensitive instructions that are not privileged (a hybrid monitor -- binary
   *  translation or paravirt, which run user code directly -- cannot be exact for user code
   *  that uses them). */
  readonly theorem: 1 | 3;
  /** The offending instructions the guest actually ran, e.g. ["PUSHF", "RDTVEC"]. */
  readonly instructions: readonly string[];
  /** One sentence for reports: why this configuration diverges here. */
  readonly reason: string;
}

/** FNV-1a, a word at a time where the bytes allow it (guest memory always does: 4 MiB, aligned). */
export function fnv1a(bytes: Uint8Array): string {
  let h = 0x811c9dc5;
  if (bytes.byteOffset % 4 === 0 && bytes.length % 4 === 0) {
    const words = new Int32Array(bytes.buffer, bytes.byteOffset, bytes.length >>> 2);
    for (let i = 0; i < words.length; i++) h = Math.imul(h ^ words[i]!, 0x01000193);
  } else {
    for (let i = 0; i < bytes.length; i++) h = Math.imul(h ^ bytes[i]!, 0x01000193);
  }
  return (h >>> 0).toString(16).padStart(8, "0");
}

/**
 * fnv1a of a guest's memory in guest-physical order, read in place from machine memory
 * `words` a frame at a time through `pmap`: the same hash as fnv1a of the bytes
 * gathered, without gathering them.
 */
export function fnv1aFrames(words: Int32Array, pmap: Pmap): string {
  let h = 0x811c9dc5;
  for (let pfn = 0; pfn < pmap.length; pfn++) {
    const at = pmap[pfn]! << 10;
    for (let i = at; i < at + 1024; i++) h = Math.imul(h ^ words[i]!, 0x01000193);
  }
  return (h >>> 0).toString(16).padStart(8, "0");
}

export function digestOf(e: Execution): GuestDigest {
  return {
    outcome: e.outcome,
    output: e.output,
    guestInstructions: e.guestInstructions,
    registers: [...e.guestRegisters],
    memoryHash: e.pmap && e.machine ? fnv1aFrames(e.machine.memory.i32, e.pmap) : fnv1a(e.guestMemory),
  };
}

function lineAt(text: string, offset: number): string {
  const start = text.lastIndexOf("\n", offset - 1) + 1;
  const end = text.indexOf("\n", offset);
  return JSON.stringify(text.slice(start, end < 0 ? text.length : end));
}

/**
 * For output that interleaves by timing: the first writer (a line's first character)
 * whose lines differ, in content or order, or undefined when every writer printed the
 * same lines in the same order.
 */
function writerDivergence(reference: string, run: string): Divergence | undefined {
  const byWriter = (text: string): Map<string, string[]> => {
    const m = new Map<string, string[]>();
    for (const line of text.split("\n")) {
      const lines = m.get(line.slice(0, 1)) ?? [];
      lines.push(line);
      m.set(line.slice(0, 1), lines);
    }
    return m;
  };
  const a = byWriter(reference);
  const b = byWriter(run);
  for (const writer of new Set([...a.keys(), ...b.keys()])) {
    const x = a.get(writer) ?? [];
    const y = b.get(writer) ?? [];
    const k = x.findIndex((line, i) => line !== y[i]);
    const at = k >= 0 ? k : x.length !== y.length ? Math.min(x.length, y.length) : -1;
    if (at >= 0) {
      return {
        what: "console",
        detail: `writer ${JSON.stringify(writer)}'s line ${at + 1}: native ${JSON.stringify(x[at] ?? "(none)")}, this run ${JSON.stringify(y[at] ?? "(none)")}`,
      };
    }
  }
  return undefined;
}

/**
 * The first way `run` differs from `reference`, or undefined when equivalent. With basis
 * "output" only the console output and the outcome are compared. Several VMs: those in
 * `notCompared` are left out (they have no native counterpart).
 */
export function firstDivergence(reference: GuestDigest, run: GuestDigest, basis: EquivalenceBasis = "full", notCompared: ReadonlySet<number> = new Set()): Divergence | undefined {
  if (reference.vms || run.vms) {
    const a = reference.vms ?? [];
    const b = run.vms ?? [];
    if (a.length !== b.length) return { what: "vms", detail: `native ran ${a.length || 1} virtual machine(s), this run ${b.length || 1}` };
    for (let i = 0; i < a.length; i++) {
      if (notCompared.has(i)) continue;
      const d = firstDivergence(a[i]!, b[i]!, basis);
      if (d) return { ...d, vm: i, detail: `VM ${i + 1} (${b[i]!.name}): ${d.detail}` };
    }
    return undefined;
  }
  if (basis === "output-by-writer" && reference.output !== run.output) {
    const d = writerDivergence(reference.output, run.output);
    if (d) return d;
  } else if (reference.output !== run.output) {
    const a = reference.output;
    const b = run.output;
    let i = 0;
    while (i < a.length && i < b.length && a[i] === b[i]) i++;
    const show = (s: string) => (i < s.length ? JSON.stringify(s[i]) : "end of output");
    return {
      what: "console",
      offset: i,
      detail: `console byte ${i}: native ${show(a)}, this run ${show(b)} (native line ${lineAt(a, i)}, this run ${lineAt(b, i)})`,
    };
  }
  if (reference.outcome !== run.outcome) return { what: "outcome", detail: `native ${reference.outcome}, this run ${run.outcome}` };
  if (basis !== "full") return undefined;
  if (reference.guestInstructions !== run.guestInstructions) {
    return { what: "instructions", detail: `native retired ${reference.guestInstructions} guest instructions, this run ${run.guestInstructions}` };
  }
  const r = reference.registers.findIndex((v, k) => v !== run.registers[k]);
  if (r >= 0) return { what: "registers", detail: `r${r} at the end: native ${reference.registers[r]}, this run ${run.registers[r]}` };
  if (reference.memoryHash !== run.memoryHash) {
    return { what: "memory", detail: `guest-physical memory differs (hash ${reference.memoryHash} vs ${run.memoryHash})` };
  }
  return undefined;
}
