// The work of `vmlab validate`, imported only when it runs (see commands/lazy.ts).
import { validateModel } from "@vmlab/core";
import { VALIDATION_HEADER, validationRows } from "@vmlab/report";
import { table } from "table";
import { loadStrategies } from "../strategies.js";
import { printJson } from "../options.js";

export default async function validateAction(o: { json?: boolean }): Promise<void> {
  const { modules } = await loadStrategies();
  const results = validateModel(modules);
  const failing = results.filter((r) => !r.pass).length;
  if (o.json) printJson({ results, failing });
  else {
    process.stdout.write(
      table([VALIDATION_HEADER, ...validationRows(results)], {
        columns: { 0: { width: 40, wrapWord: true }, 1: { alignment: "right" }, 2: { alignment: "right" }, 3: { alignment: "right" }, 6: { width: 36, wrapWord: true } },
      }),
    );
    process.stdout.write(`${results.length - failing} of ${results.length} within tolerance${failing ? `; ${failing} failing (reported, not tuned away: see MODEL.md)` : ""}\n`);
  }
}
