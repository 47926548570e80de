// Which errors are the user's input and which are vmlab's own faults: loaded only when
// a command fails, so that the packages' error classes cost nothing at start.
import { ConfigurationError, MachineProfileError, PluginError } from "@vmlab/core";
import { BuildError, ScenarioError } from "@vmlab/guest";
import { AssemblyError, ImageFormatError, ImageLoadError, InputFileError, UnknownProfileError } from "@vmlab/isa";
import { CliError, EXIT } from "./errors.js";

/** Errors that report bad input (a file, an option, a scenario), each with a message that names it. */
const USER_ERRORS: readonly (abstract new (...args: never[]) => Error)[] = [
  CliError,
  AssemblyError,
  ImageFormatError,
  ImageLoadError,
  InputFileError,
  UnknownProfileError,
  ScenarioError,
  BuildError,
  ConfigurationError,
  MachineProfileError,
  PluginError,
];

export const isUserError = (e: unknown): boolean => USER_ERRORS.some((c) => e instanceof c);

/** The exit status of an error: a CliError's own, bad input, or a fault in vmlab. */
export const exitCodeOf = (e: unknown): number => (e instanceof CliError ? e.exitCode : isUserError(e) ? EXIT.usage : EXIT.internal);
