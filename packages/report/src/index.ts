export { terminalTable, markdownTable, rows, terminalVmTable, vmRows, vmStatus, VM_HEADER } from "./tables.js";
export { toCsv, toMarkdown, toHtml, writeReport, rewriteReport, chartJsSource, csv, equivalenceSection, type ReportMeta } from "./files.js";
export { exitsByReason, vmExitReasons } from "./runs.js";
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
export { memoryMomentLimit, memoryPictureText, type MemoryMoment } from "./memory.js";
export {
  sweepOf,
  sweepTables,
  sweepCsv,
  sweepHtml,
  writeSweep,
  crossovers,
  crossoverText,
  series,
  sweepGroups,
  GEOMEAN,
  type Sweep,
  type SweepPoint,
  type SweepMetric,
  type Crossover,
} from "./sweep.js";
export { modelMarkdown, validationMarkdown, validationRows, publishedPerOp, VALIDATION_HEADER } from "./model.js";
