export { terminalTable, markdownTable, rows } from "./tables.js";
export { toCsv, toMarkdown, toHtml, writeReport, type ReportMeta } from "./files.js";
export { slowdowns, statusOf } from "./summary.js";
export { traceSteps, traceTable, TRACE_STARTS, type TraceStart, type TraceStep, type TraceOptions } from "./trace.js";
