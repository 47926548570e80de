// One error style for every command: `vmlab: <message>` on stderr, no stack trace, and
// an exit code that says what kind of failure it was.

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
