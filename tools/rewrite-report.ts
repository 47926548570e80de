// Rewrites a report folder's results.csv, report.md and report.html from its results.json,
// with the current report code and without running the matrix:
//   npx tsx tools/rewrite-report.ts reports/default
import { rewriteReport } from "@vmlab/report";

const dirs = process.argv.slice(2);
if (dirs.length === 0) {
  process.stderr.write("usage: npx tsx tools/rewrite-report.ts <report folder>...\n");
  process.exit(2);
}
for (const dir of dirs) {
  try {
    process.stdout.write(`${rewriteReport(dir).join("\n")}\n`);
  } catch (e) {
    process.stderr.write(`${dir}: ${(e as Error).message}\n`);
    process.exit(1);
  }
}
