// Which errors are the user's input and which are vmlab's own faults: loaded only when
// a command fails, so that the packages' error classes cost nothing at start.
import { ConfigurationError, MachineProfileError, PluginError } from "@vmlab/core";
import { BuildError, ScenarioError } from "@vmlab/guest";
import { AssemblyError, ImageFormatError, ImageLoadError, ProgramFileError } from "@vmlab/isa";
import { CliError, EXIT } from "./errors.js";

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
