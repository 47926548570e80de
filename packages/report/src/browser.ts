// The package's exports that run anywhere, a browser included (package.json's "browser"
// export): tables, verdicts, traces and pictures. index.ts adds what needs Node.js.
export { terminalTable, markdownTable, rows, terminalVmTable, vmRows, vmStatus, VM_HEADER } from "./tables.js";
export { verdictOf, predictionOf, isRealFailure, type Verdict, type VerdictKind, type Prediction } from "./verdict.js";
export type { StrategyNote } from "./meta.js";
export { slowdowns, statusOf, predictedStatus, cellVerdict, verdictSummary, fmtInt } from "./summary.js";
export { matrixSummary, matrixTerminalText, matrixCounts, fitWidths, fmtSlowdown, wrapLine, PREDICTED_MARK, FAILED_MARK } from "./terminal.js";
export {
  traceSteps,
  traceTable,
  traceStepStarts,
  lastProcessEvent,
  sampledSteps,
  tracePlain,
  matchesStart,
  PLAIN_TRACE_FIELDS,
  TRACE_STARTS,
  type TraceStart,
  type TraceStep,
  type TraceOptions,
} from "./trace.js";
export { memoryMomentLimit, momentReached, runToMoment, memoryPictureText, type MemoryMoment } from "./memory.js";
