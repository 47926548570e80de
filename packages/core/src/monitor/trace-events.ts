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

/** Collects events up to a limit (then asks the run to stop). */
export class TraceLog implements TraceSink {
  readonly events: TraceEvent[] = [];
  constructor(readonly limit = Infinity) {}
  event(e: TraceEvent): void {
    if (this.events.length < this.limit) this.events.push(e);
  }
  get full(): boolean {
    return this.events.length >= this.limit;
  }
}
