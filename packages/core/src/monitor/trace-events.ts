// Events of a run, for `vmlab trace`: who did what, in guest order. Emitted only when a
// sink is given, and never from inside the instruction loop: the monitor records a
// stretch of direct execution as one "run" event when the guest next stops.

/** The three columns of the OSTEP appendix's tables. */
export type TraceActor = "process" | "os" | "vmm";

export type TraceKind =
  | "run" // guest instructions executed directly (or translated), `instructions` of them
  | "trap" // a guest instruction or event that reached the monitor
  | "reflect" // the monitor delivered a trap to the guest kernel's handler
  | "emulate" // the monitor carried out a privileged instruction on the virtual CPU
  | "install" // the monitor installed a translation (TLB entry, shadow entry)
  | "hidden" // a fault the guest never sees, handled entirely by the monitor
  | "traced" // a write to a guest page table, applied by the monitor
  | "interrupt" // a virtual interrupt delivered
  | "return" // a return from trap done by the hardware itself (bare metal)
  | "halt"
  | "translate" // binary translation: a block translated
  | "chain" // binary translation: two blocks chained
  | "callout" // binary translation: a sensitive instruction emulated without a trap
  | "exit" // hardware assist: VM exit with its reason
  | "entry"; // hardware assist: VM entry

export interface TraceEvent {
  readonly actor: TraceActor;
  readonly kind: TraceKind;
  readonly text: string;
  /** Guest pc the event concerns, when there is one. */
  readonly pc?: number;
  /** "run": how many guest instructions. */
  readonly instructions?: number;
  /**
   * Part of work the guest cannot observe (a hidden fault and its fill, a kernel page
   * the monitor maps for a deprivileged kernel): traces fold it into the step around it.
   */
  readonly hidden?: boolean;
  /**
   * A privileged instruction the monitor emulated in passing (reading a control
   * register, masking interrupts): traces fold it into the guest's step unless asked.
   */
  readonly inline?: boolean;
  /** The trap cause, for "trap" and "reflect" events (SYSCALL, TLB_MISS, ...). */
  readonly cause?: string;
  /** Guest instructions retired when it happened. */
  readonly at: number;
}

export interface TraceSink {
  event(e: TraceEvent): void;
}

/** Every kind, in the order the union above lists them (what `vmlab trace --only` accepts). */
export const TRACE_KINDS: readonly TraceKind[] = ["run", "trap", "reflect", "emulate", "install", "hidden", "traced", "interrupt", "return", "halt", "translate", "chain", "callout", "exit", "entry"];

/** Which events a log keeps, decided as they are recorded so a long run keeps a bounded log. */
export interface TraceSampling {
  /** Only events of these kinds. */
  readonly only?: readonly TraceKind[];
  /** Of those, every Nth: the 1st, the N+1st, the 2N+1st... (default 1: all). */
  readonly every?: number;
}

/** Collects events up to a limit (then asks the run to stop), all of them or a sample. */
export class TraceLog implements TraceSink {
  readonly events: TraceEvent[] = [];
  /** Each kept event's place (0-based) among every event the run emitted. */
  readonly ordinals: number[] = [];
  /** Events the run emitted, kept or not. */
  emitted = 0;
  private matched = 0;
  private readonly every: number;
  private readonly kinds: ReadonlySet<TraceKind> | undefined;

  constructor(
    readonly limit = Infinity,
    sampling: TraceSampling = {},
  ) {
    const every = sampling.every ?? 1;
    if (!Number.isSafeInteger(every) || every < 1) throw new RangeError(`trace sampling: every must be a positive integer (got ${every})`);
    for (const k of sampling.only ?? []) if (!TRACE_KINDS.includes(k)) throw new RangeError(`trace sampling: unknown event kind '${k}' (valid: ${TRACE_KINDS.join(", ")})`);
    this.every = every;
    this.kinds = sampling.only ? new Set(sampling.only) : undefined;
  }

  /** Whether only a sample is kept. */
  get sampled(): boolean {
    return this.every > 1 || this.kinds !== undefined;
  }

  event(e: TraceEvent): void {
    const n = this.emitted++;
    if (this.kinds && !this.kinds.has(e.kind)) return;
    if (this.matched++ % this.every !== 0) return;
    if (this.events.length < this.limit) {
      this.events.push(e);
      this.ordinals.push(n);
    }
  }

  get full(): boolean {
    return this.events.length >= this.limit;
  }
}
