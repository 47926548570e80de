import type { Command } from "commander";
import { CAUSE_NAMES, ImageLoadError, Machine } from "@vmlab/isa";
import { CliError } from "../errors.js";
import { levelsOption, printJson, profileOption, resolveProfile, parseBudget } from "../options.js";
import { loadProgram } from "../program-file.js";

export function register(program: Command): void {
  program
    .command("exec")
    .description("run a bare-metal program on the simulated machine and print its console output")
    .argument("<file>", "image written by `vmlab asm`, or a .s source")
    .addOption(profileOption())
    .addOption(levelsOption())
    .option("--budget <n>", "stop after this many retired instructions", parseBudget(), 100_000_000)
    .option("--json", "print the result as JSON")
    .action((file: string, opts: { profile: string; levels?: number; budget: number; json?: boolean }) => {
      const profile = resolveProfile(opts.profile, opts.levels);
      const image = loadProgram(file, profile);
      const machine = new Machine({ profile });
      try {
        machine.load(image);
      } catch (e) {
        if (e instanceof ImageLoadError) throw new CliError(`${file}: ${e.message}`);
        throw e;
      }
      const started = performance.now();
      const stop = machine.run(opts.budget);
      const wallMs = performance.now() - started;
      const stats = machine.stats();
      const output = machine.console.text();
      const outcome =
        stop.reason === "halt" ? "halted" : stop.reason === "budget" ? `budget of ${opts.budget} instructions exhausted` : `stopped: ${CAUSE_NAMES[stop.cause ?? 0]}`;
      // A run that did not halt exits 3, whichever way it is printed.
      if (stop.reason !== "halt") process.exitCode = 3;
      if (opts.json) {
        printJson({ file, profile: profile.name, outcome: stop.reason, output, instructions: stats.retired, stats, wallMs });
        return;
      }
      process.stdout.write(output);
      if (output.length > 0 && !output.endsWith("\n")) process.stdout.write("\n");
      process.stderr.write(`-- ${outcome} after ${stats.retired} instructions (${profile.name})\n`);
    });
}
