// What a quiz needs from the simulator, given to it: the CLI binds these to core's
// runConfiguration with the strategy packages it loaded, a web page to the same in its
// worker. The quiz itself imports nothing that needs Node.
import type { ConfigurationSpec, RunResult } from "@vmlab/core";
import type { TraceStart, TraceStep } from "@vmlab/report";

export interface QuizLab {
  /** Runs `spec` on the scenario named (no reference run, no trace). */
  run(spec: ConfigurationSpec, scenario: string, options?: { readonly budget?: number }): RunResult;
  /** The run's trace steps, as `vmlab trace` numbers them from `start`, recording at most `events` events (the run stops there). */
  traceSteps(spec: ConfigurationSpec, scenario: string, options: { readonly start: TraceStart; readonly steps: number; readonly events: number }): TraceStep[];
}
