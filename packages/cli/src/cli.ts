// The `vmlab` command as a function: parses argv, runs the command, prints any error as
// one line and gives the exit status (the process entry is main.ts).
import { Command, CommanderError } from "commander";
import { CliError, describeError, EXIT, EXIT_CODES_HELP, oneLine } from "./errors.js";
import { commands } from "./commands/index.js";
import { VERSION } from "./version.js";

/** Exit status of an error vmlab did not expect: a bug, not bad input. */
export const INTERNAL_ERROR_EXIT = EXIT.internal;

/** Runs `vmlab ARGS` (argv without node and the script) and returns the exit status. */
export async function runCli(args: readonly string[]): Promise<number> {
  const program = new Command("vmlab")
    .description("a laboratory for comparing virtualization strategies")
    .version(VERSION, "-V, --version", "print vmlab's version")
    .addHelpText("after", `\n${EXIT_CODES_HELP}`)
    .showHelpAfterError("(run `vmlab --help` for usage)")
    .exitOverride()
    // One prefix for every error; commander echoes the offending argument: keep its message one line.
    .configureOutput({ outputError: (text, write) => write(`${oneLine(text.replace(/\n$/, "").replace(/^error: /, "vmlab: "))}\n`) });
  for (const register of commands) register(program);
  process.exitCode = undefined;
  try {
    await program.parseAsync([...args], { from: "user" });
    return Number(process.exitCode ?? EXIT.ok);
  } catch (e) {
    // commander has already printed its message (unknown option or command, help, version).
    if (e instanceof CommanderError) return e.exitCode === 0 ? EXIT.ok : EXIT.usage;
    const { exitCodeOf } = await import("./error-kinds.js");
    const code = exitCodeOf(e);
    if (code !== EXIT.internal) {
      // A CliError is one line by design (it may echo a value); the others may list several problems, one per line.
      process.stderr.write(`vmlab: ${e instanceof CliError && process.env.VMLAB_DEBUG !== "1" ? oneLine(e.message) : describeError(e)}\n`);
      return code;
    }
    process.stderr.write(`vmlab: internal error (a bug in vmlab, not in your input): ${describeError(e)}${process.env.VMLAB_DEBUG === "1" ? "" : " (VMLAB_DEBUG=1 shows where)"}\n`);
    return EXIT.internal;
  }
}
