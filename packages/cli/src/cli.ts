// The `vmlab` command as a function: parses argv, runs the command, prints any error as
// one line and gives the exit status (the process entry is main.ts).
import { Command, CommanderError } from "commander";
import { CliError, describeError, isUserError, oneLine } from "./errors.js";
import { commands } from "./commands/index.js";

/** Exit status of an error vmlab did not expect: a bug, not bad input (sysexits' EX_SOFTWARE). */
export const INTERNAL_ERROR_EXIT = 70;

/** Runs `vmlab ARGS` (argv without node and the script) and returns the exit status. */
export async function runCli(args: readonly string[]): Promise<number> {
  const program = new Command("vmlab")
    .description("a laboratory for comparing virtualization strategies")
    .showHelpAfterError("(run `vmlab --help` for usage)")
    .exitOverride()
    // commander echoes the offending argument: keep its message one line.
    .configureOutput({ outputError: (text, write) => write(`${oneLine(text.replace(/\n$/, ""))}\n`) });
  for (const register of commands) register(program);
  process.exitCode = undefined;
  try {
    await program.parseAsync([...args], { from: "user" });
    return Number(process.exitCode ?? 0);
  } catch (e) {
    // commander has already printed its message (unknown option, bad choice, ...)
    if (e instanceof CommanderError) return e.exitCode === 0 ? 0 : 2;
    if (isUserError(e)) {
      // A CliError is one line by design (it may echo a value); the others may list several problems, one per line.
      process.stderr.write(`vmlab: ${e instanceof CliError && process.env.VMLAB_DEBUG !== "1" ? oneLine(e.message) : describeError(e)}\n`);
      return (e as { exitCode?: number }).exitCode ?? 1;
    }
    process.stderr.write(`vmlab: internal error (a bug in vmlab, not in your input): ${describeError(e)}${process.env.VMLAB_DEBUG === "1" ? "" : " (VMLAB_DEBUG=1 shows where)"}\n`);
    return INTERNAL_ERROR_EXIT;
  }
}
