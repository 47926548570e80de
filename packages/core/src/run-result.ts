// The result of one run: outcome, output, metrics, cycles and the Popek–Goldberg properties.
import type { ConfigurationRecord } from "./configuration.js";
import type { Category, LedgerLine } from "./ledger.js";
import type { EventCounts } from "./costs/events.js";
import type { Divergence, GuestDigest, PredictedDivergence } from "./equivalence.js";
import type { EquivalenceBasis, Execution, SensitiveUntrapped } from "./strategy.js";
import type { RegionInstructions } from "./region.js";

/** An execution's counts, as a result records them (Execution's own fields, by name). */
export interface RunMetrics
  extends Pick<Execution, "guestInstructions" | "executedDirectly" | "emulated" | "translated" | "traps" | "vmExits" | "tlbMisses" | "walkReferences" | "pageFaultsHidden" | "pageFaultsReflected"> {
  /** Monitor events by name (emulations, reflections, traced writes, ...). */
  readonly events?: Record<string, number>;
  /** Several virtual machines on one machine: switches between them. */
  readonly machineSwitches?: number;
  /**
   * Guest instructions retired before the guest's work markers (begin, end): the region
   * of interest. Runs of one VM only; several VMs give it per VM (VmRunResult).
   */
  readonly region?: RegionInstructions;
  readonly hostWallMs: number;
}

/** One virtual machine of a run of several (the run's own fields sum them up). */
export interface VmRunResult {
  readonly name: string;
  readonly outcome: "halt" | "budget";
  readonly output: string;
  readonly guestInstructions: number;
  /** This VM's work markers (see RunMetrics.region). */
  readonly region?: RegionInstructions;
  /** Against this VM's native run alone; null without one. */
  readonly equivalent: boolean | null;
  readonly divergence?: Divergence;
  /** Why this VM is not compared with a native run (equivalent is then null). */
  readonly notCompared?: string;
  /** What the model predicts for this VM (see RunResult's properties.prediction). */
  readonly prediction?: PredictedDivergence;
  /** This VM's resource-control audit. */
  readonly violations: readonly string[];
}

export interface RunResult {
  readonly scenario: string;
  /** The configuration as data (Configuration.record). */
  readonly configuration: ConfigurationRecord;
  /** "error" when the run threw (bad input or a host bug); see `error`. */
  readonly outcome: "halt" | "budget" | "error";
  readonly error?: string;
  readonly output: string;
  readonly digest?: GuestDigest;
  /** A scenario of several virtual machines: each one's result. */
  readonly vms?: readonly VmRunResult[];
  readonly metrics?: RunMetrics;
  readonly cycles?: { readonly total: number; readonly byCategory: Record<Category, number>; readonly lines: readonly LedgerLine[] };
  /** What happened, counted (the cycles are these priced by the machine profile). */
  readonly counts?: EventCounts;
  /** The region the guest marked as its measured work: its counts and cycles. */
  readonly region?: {
    readonly counts: EventCounts;
    readonly cycles: NonNullable<RunResult["cycles"]>;
    /** A microbenchmark's operations inside the region (cycles per operation = cycles / operations). */
    readonly operations?: number;
  };
  readonly properties?: {
    /** null when there is no native run to compare with. */
    equivalent: boolean | null;
    /** Present when equivalence is judged on less than the full digest ("output": console and outcome). */
    readonly equivalenceBasis?: EquivalenceBasis;
    divergence?: Divergence;
    readonly resourceControl: { readonly violations: readonly string[] };
    /** Sensitive instructions that ran without trapping under the monitor, in the guest kernel or its processes. */
    readonly sensitiveUntrapped?: readonly SensitiveUntrapped[];
    /**
     * Present when the guest ran instructions this configuration cannot be exact for
     * (Popek & Goldberg's Theorem 1 or 3; see prediction.ts), whether or not the run
     * diverged: when it did, `divergence.predicted` is this.
     */
    readonly prediction?: PredictedDivergence;
    /** Share of guest instructions executed directly. */
    readonly efficiency: number;
  };
}
