import { ConfigurationError, MachineProfileError, PluginError } from "@vmlab/core";
import { BuildError, ScenarioError } from "@vmlab/guest";
import { AssemblyError, ImageFormatError, ImageLoadError, InputFileError, UnknownProfileError } from "@vmlab/isa";

/** Bad input from the user: printed as one line, no stack trace. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode = 1,
  ) {
    super(message);
    this.name = "CliError";
  }
}

/** Errors that report bad input (a file, an option, a scenario), each with a message that names it. */
const USER_ERRORS: readonly (abstract new (...args: never[]) => Error)[] = [
  CliError, AssemblyError, ImageFormatError, ImageLoadError, InputFileError, UnknownProfileError,
  ScenarioError, BuildError, ConfigurationError, MachineProfileError, PluginError,
];

export const isUserError = (e: unknown): boolean => USER_ERRORS.some((c) => e instanceof c);

/** `text` on one line: control and line-breaking characters (from a value the user gave, echoed back) escaped. */
export function oneLine(text: string): string {
  return text.replace(/[\u0000-\u001f\u007f\u2028\u2029]/g, (c) => (c === "\n" ? "\\n" : c === "\t" ? "\\t" : `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`));
}

/** The text a user sees for any error; stacks only with VMLAB_DEBUG=1. */
export function describeError(e: unknown): string {
  if (e instanceof Error) {
    if (process.env.VMLAB_DEBUG === "1" && e.stack) return e.stack;
    return e.message;
  }
  return String(e);
}
