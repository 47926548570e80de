import { writeFileSync } from "node:fs";
import { resolve } from "node:path";
import type { Command } from "commander";
import { printJson } from "../options.js";

export function register(program: Command): void {
  program
    .command("model")
    .description("print the cost model: machine generations and features, every cost with its provenance, events, calibration and validation figures (MODEL.md)")
    .option("--out <file>", "write the Markdown to a file instead of printing it")
    .option("--json", "print as JSON")
    .action(async (o: { out?: string; json?: boolean }) => {
      const { MACHINE_PROFILES, PUBLISHED, VALIDATION } = await import("@vmlab/core");
      const { modelMarkdown } = await import("@vmlab/report");
      if (o.json) {
        printJson({ machineProfiles: Object.values(MACHINE_PROFILES), published: Object.values(PUBLISHED), validation: VALIDATION.map(({ compute: _c, ...row }) => row) });
        return;
      }
      const text = modelMarkdown();
      if (o.out) {
        writeFileSync(resolve(o.out), text);
        process.stderr.write(`wrote ${resolve(o.out)}\n`);
      } else process.stdout.write(text);
    });
}
