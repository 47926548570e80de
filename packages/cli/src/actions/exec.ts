// The work of `vmlab exec`, imported only when it runs (see commands/lazy.ts).
import { CAUSE_NAMES, Machine } from "@vmlab/isa";
import { loadProgramFor } from "../program-file.js";
import { type Command } from "commander";
import { EXIT } from "../errors.js";
import { printJson } from "../options.js";
import { n } from "../terminal.js";

export default async function execAction(file: string, opts: { profile: string; levels?: number; budget: number; json?: boolean }, cmd: Command): Promise<void> {
  const { image, profile } = loadProgramFor(file, opts, cmd);
  const machine = new Machine({ profile });
  machine.load(image);
  const started = performance.now();
  const stop = machine.run(opts.budget);
  const wallMs = performance.now() - started;
  const stats = machine.stats();
  const output = machine.console.text();
  const outcome =
    stop.reason === "halt" ? "halted" : stop.reason === "budget" ? `budget of ${n(opts.budget)} instructions exhausted` : `stopped: ${CAUSE_NAMES[stop.cause ?? 0]}`;
  if (stop.reason !== "halt") process.exitCode = EXIT.failed;
  if (opts.json) {
    printJson({ file, profile: profile.name, outcome: stop.reason, output, instructions: stats.retired, stats, wallMs });
    return;
  }
  process.stdout.write(output);
  if (output.length > 0 && !output.endsWith("\n")) process.stdout.write("\n");
  process.stderr.write(`-- ${outcome} after ${n(stats.retired)} instructions (${profile.name})\n`);
}
