// What the page asks the lab worker and what it answers: plain data only (structured clones).
import type { Category, RunResult } from "@vmlab/core";
import type { Quiz, QuizTopic } from "@vmlab/course";
import type { TraceStart, TraceStep } from "@vmlab/report";

/** A configuration as the pickers (and the URL) hold it: names only. */
export interface Pick {
  readonly scenario: string;
  readonly profile: string;
  /** Walker profiles only; undefined: the profile's own depth. */
  readonly levels?: number;
  readonly cpu: string;
  /** undefined: the CPU strategy's first that fits. */
  readonly memory?: string;
  readonly machine: string;
  readonly host: string;
}

/** An edited program: replaces the scenario's program `name` for this experiment. */
export interface Edit {
  readonly name: string;
  readonly source: string;
}

export interface ScenarioEntry {
  readonly name: string;
  readonly description: string;
  readonly programs: readonly { readonly name: string; readonly source: string }[];
  readonly vms: number;
}

export interface Catalog {
  readonly scenarios: readonly ScenarioEntry[];
  readonly profiles: readonly { readonly name: string; readonly walker: boolean; readonly levels?: number }[];
  readonly cpus: readonly { readonly name: string; readonly description: string }[];
  readonly memories: readonly { readonly name: string; readonly description: string }[];
  readonly machines: readonly string[];
  readonly hosts: readonly string[];
  readonly categories: readonly Category[];
  /** Where a trace may begin (`vmlab trace --start`). */
  readonly traceStarts: readonly TraceStart[];
}

/** A diagnostic of the assembler, at its line and column of a program. */
export interface AsmError {
  readonly file: string;
  readonly line: number;
  readonly col: number;
  readonly message: string;
}

/** Why an experiment did not run: refused (impossible configuration), does not assemble, or failed. */
export type NotRun = { readonly kind: "refused"; readonly reason: string } | { readonly kind: "assembly"; readonly errors: readonly AsmError[] } | { readonly kind: "error"; readonly message: string };

export interface Ran {
  readonly kind: "ran";
  readonly label: string;
  /** The run without its machines: what `vmlab run --json` prints. */
  readonly result: RunResult;
  /** The verdict as the report words it, and its kind (equivalent, predicted, diverges, ...). */
  readonly verdict: { readonly kind: string; readonly text: string };
  readonly status: string;
  readonly nativeCycles: number;
  readonly slowdown: number;
  readonly nativeOutput: string;
}

export type RunReply = Ran | NotRun;

export interface Traced {
  readonly kind: "traced";
  readonly label: string;
  readonly columns: 2 | 3;
  readonly steps: readonly TraceStep[];
  /** Steps the run has in all (the table shows the first `steps.length`). */
  readonly total: number;
}

export type TraceReply = Traced | NotRun;

/** A register file's picture: names and 32-bit values. */
export interface Registers {
  readonly pc: number;
  readonly regs: readonly number[];
  readonly mode: string;
  readonly flags: number;
  readonly crs: readonly { readonly name: string; readonly value: number }[];
}

export interface MachineState {
  readonly kind: "state";
  readonly step: number;
  /** "after step 3", as `vmlab memory --at 3` words it. */
  readonly moment: string;
  /** Guest instructions retired at this moment. */
  readonly at: number;
  readonly cpu: Registers;
  /** What the guest believes its CPU is, and where it is kept. */
  readonly virtualCpu: { readonly where: string; readonly mode: string; readonly interruptFlag: boolean; readonly crs: readonly { readonly name: string; readonly value: number }[] } | undefined;
  readonly tlb: readonly { readonly slot: number; readonly vpn: number; readonly frame: number; readonly writable: boolean; readonly user: boolean; readonly tag: number }[];
  /** `vmlab memory`'s text for this moment, or why there is no picture. */
  readonly memory: string;
}

export type StateReply = MachineState | NotRun;

/** A quiz generated as `vmlab quiz --seed N --topic …` generates it (answers and proofs included: the page checks in place). */
export type QuizReply = { readonly kind: "quiz"; readonly quiz: Quiz } | NotRun;

export type Request =
  | { readonly id: number; readonly op: "catalog" }
  | { readonly id: number; readonly op: "check"; readonly pick: Pick }
  | { readonly id: number; readonly op: "run"; readonly pick: Pick; readonly edit?: Edit }
  | { readonly id: number; readonly op: "trace"; readonly pick: Pick; readonly from: TraceStart; readonly edit?: Edit }
  | { readonly id: number; readonly op: "state"; readonly pick: Pick; readonly from: TraceStart; readonly edit?: Edit; readonly step: number }
  | { readonly id: number; readonly op: "quiz"; readonly seed: number; readonly topics: readonly QuizTopic[] };

export type CheckReply = { readonly kind: "ok"; readonly label: string; readonly memory: string } | { readonly kind: "refused"; readonly reason: string };

export interface Replies {
  catalog: Catalog;
  check: CheckReply;
  run: RunReply;
  trace: TraceReply;
  state: StateReply;
  quiz: QuizReply;
}

export type Reply = { readonly id: number; readonly ok: true; readonly value: unknown } | { readonly id: number; readonly ok: false; readonly message: string };
