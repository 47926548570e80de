import type { Command } from "commander";

export function register(program: Command): void {
  program
    .command("model")
    .description("print the cost model: machine generations and features, every cost with its provenance, events, calibration and validation figures (MODEL.md)")
    .option("--out <file>", "write the Markdown (or the JSON) to a file instead of printing it")
    .option("--json", "print as JSON")
    .action(async (o: { out?: string; json?: boolean }) => {
      const { MACHINE_PROFILES, PUBLISHED, VALIDATION } = await import("@vmlab/core");
      const { modelMarkdown } = await import("@vmlab/report");
      const { writeOutFile } = await import("../out-folder.js");
      const model = { machineProfiles: Object.values(MACHINE_PROFILES), published: Object.values(PUBLISHED), validation: VALIDATION.map(({ compute: _c, ...row }) => row) };
      const text = o.json ? `${JSON.stringify(model, null, 2)}\n` : modelMarkdown();
      if (o.out !== undefined) {
        process.stderr.write(`wrote ${writeOutFile("--out", o.out, text)}\n`);
      } else process.stdout.write(text);
    });
}
