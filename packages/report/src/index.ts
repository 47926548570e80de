// The package's public face: everything in browser.ts (what runs anywhere; add exports
// there unless they need Node.js), and the report and sweep folders written to disk and
// the model's validation tables.
export * from "./browser.js";
export { exitsByReason, vmExitReasons } from "./runs.js";
export { toCsv, toMarkdown, toHtml, writeReport, rewriteReport, chartJsSource, csv, equivalenceSection, type ReportMeta } from "./files.js";
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
