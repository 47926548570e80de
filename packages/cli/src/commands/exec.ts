import { Option, type Command } from "commander";
import { levelsOption, profileOption, parseBudget, printJson } from "../options.js";
import { CliError, EXIT } from "../errors.js";
import { n } from "../terminal.js";

export function register(program: Command): void {
  program
    .command("exec")
    .description("run a bare-metal program on the simulated machine and print its console output")
    .argument("<file>", "image written by `vmlab asm` (run on the profile it records), or a .s source")
    .addOption(profileOption())
    .addOption(levelsOption())
    .addOption(new Option("--budget <n>", "stop after this many retired instructions").argParser(parseBudget()).default(100_000_000, "100,000,000"))
    .option("--json", "print the result as JSON")
    .action(async (file: string, opts: { profile: string; levels?: number; budget: number; json?: boolean }, cmd: Command) => {
      const { CAUSE_NAMES, ImageLoadError, Machine } = await import("@vmlab/isa");
      const { loadProgramFor } = await import("../program-file.js");
      const { image, profile } = loadProgramFor(file, opts, cmd);
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
      const outcome = stop.reason === "halt" ? "halted" : stop.reason === "budget" ? `budget of ${n(opts.budget)} instructions exhausted` : `stopped: ${CAUSE_NAMES[stop.cause ?? 0]}`;
      if (stop.reason !== "halt") process.exitCode = EXIT.failed;
      if (opts.json) {
        printJson({ file, profile: profile.name, outcome: stop.reason, output, instructions: stats.retired, stats, wallMs });
        return;
      }
      process.stdout.write(output);
      if (output.length > 0 && !output.endsWith("\n")) process.stdout.write("\n");
      process.stderr.write(`-- ${outcome} after ${n(stats.retired)} instructions (${profile.name})\n`);
    });
}
