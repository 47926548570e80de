// One error style for every command: `vmlab: <message>` on stderr, no stack trace, and
// an exit code that says what kind of failure it was.
import { ConfigurationError, MachineProfileError, PluginError } from "@vmlab/core";
import { BuildError, ScenarioError } from "@vmlab/guest";
import { AssemblyError, ImageFormatError, ImageLoadError, ProgramFileError } from "@vmlab/isa";

/** The exit codes, as `vmlab --help` and the README list them. */
export const EXIT = {
  ok: 0,
  /** A run or a matrix cell failed: an error, out of budget, or a divergence no theorem predicts; or nothing to show. */
  failed: 1,
  /** Bad input or usage: an unknown option or value, a file that cannot be read or assembled, an impossible configuration. */
  usage: 2,
  /** A fault in vmlab itself (rerun with VMLAB_DEBUG=1 for the stack). */
  internal: 3,
} as const;

export const EXIT_CODES_HELP = `Exit codes:
  0  success (a divergence a theorem predicts is not a failure)
  1  a run or a matrix cell failed: an error, out of budget, or a divergence no theorem predicts
  2  bad input or usage: unknown option or value, unreadable file, assembly error, impossible configuration
  3  a fault in vmlab itself (VMLAB_DEBUG=1 prints the stack)`;

/** Bad input from the user (or, with EXIT.failed, a run that failed): printed as one line, no stack trace. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: number = EXIT.usage,
  ) {
    super(message);
    this.name = "CliError";
  }
}

/** Errors the packages raise for bad input: a file, a line, a value the user gave. */
const INPUT_ERRORS = [ConfigurationError, MachineProfileError, PluginError, BuildError, ScenarioError, AssemblyError, ImageFormatError, ImageLoadError, ProgramFileError];

export function exitCodeOf(e: unknown): number {
  if (e instanceof CliError) return e.exitCode;
  if (INPUT_ERRORS.some((k) => e instanceof k)) return EXIT.usage;
  // A file the system refused (missing, a folder, no permission): the user's input too.
  if (e instanceof Error && typeof (e as NodeJS.ErrnoException).code === "string" && (e as NodeJS.ErrnoException).syscall) return EXIT.usage;
  return EXIT.internal;
}

/** The line a user sees for any error; the stack only with VMLAB_DEBUG=1. */
export function describeError(e: unknown): string {
  if (e instanceof Error) {
    if (process.env.VMLAB_DEBUG === "1" && e.stack) return e.stack;
    return exitCodeOf(e) === EXIT.internal ? `internal error: ${e.message} (VMLAB_DEBUG=1 prints the stack)` : e.message;
  }
  return String(e);
}
