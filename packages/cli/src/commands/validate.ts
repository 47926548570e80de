import type { Command } from "commander";
import { printJson } from "../options.js";

export function register(program: Command): void {
  program
    .command("validate")
    .description("run what the model is checked against and print published beside modeled figures, with the ratio, the tolerance and the source")
    .option("--json", "print as JSON")
    .action(async (o: { json?: boolean }) => {
      const { validateModel } = await import("@vmlab/core");
      const { VALIDATION_HEADER, validationRows } = await import("@vmlab/report");
      const { table } = await import("../text-table.js");
      const { loadStrategies } = await import("../strategies.js");
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
    });
}
