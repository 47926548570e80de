// What software outside the CPU may intercept on it, set through Cpu.intercept: a
// monitor takes every trap, a hardware-assist entry the causes its controls name, a
// binary translator watches stores into code, a session records the work markers.
// The CPU keeps what is set in private fields its slow paths read (a trap, a store into
// a code page, an OUT to the work marker); the fast loop never looks at them.

/** Stores, DMA or a loader wrote watched physical code in [pa, end). */
export type CodeWrittenHook = (pa: number, end: number) => void;

/** The guest wrote the work-marker port (PORT.WORK_MARK) with `value`; `retired` counts the instructions before that OUT. */
export type WorkMarkHook = (value: number, retired: number) => void;

/**
 * A change to what is intercepted: each member given replaces what was set for it, a
 * member left out stays as it was, and `undefined` for a hook removes it.
 */
export interface Intercepts {
  /**
   * Trap causes that are not taken architecturally: `run` stops with reason "intercept"
   * and the exit fields (exitCause, exitAddress, exitAccess, exitProtection) say which.
   * "all", "none", a list of causes, or a mask by cause (a Uint8Array, non-zero: intercepted).
   */
  readonly traps?: "all" | "none" | readonly number[] | Uint8Array;
  /** Called when a watched code page is written (see Cpu.watchCode). */
  readonly codeWritten?: CodeWrittenHook | undefined;
  /** Called on every OUT to the work marker. Not a device: nothing is counted. */
  readonly workMark?: WorkMarkHook | undefined;
}
