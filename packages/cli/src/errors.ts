// One error style for every command: `vmlab: <message>` on stderr, one line, no stack
// trace, and an exit code that says what kind of failure it was.

/** The exit codes, as `vmlab --help` and the README list them. */
export const EXIT = {
  ok: 0,
  /** A run or a matrix cell failed: an error, out of budget, or a divergence no theorem predicts; or nothing to show. */
  failed: 1,
  /** Bad input or usage: an unknown option or value, a file that cannot be read or assembled, an impossible configuration. */
  usage: 2,
  /** A fault in vmlab itself, not in the input (sysexits' EX_SOFTWARE). */
  internal: 70,
} as const;

export const EXIT_CODES_HELP = `Exit codes:
  0   success (a divergence a theorem predicts is not a failure)
  1   a run or a matrix cell failed: an error, out of budget, or a divergence no theorem predicts
  2   bad input or usage: unknown option or value, unreadable file, assembly error, impossible configuration
  70  a fault in vmlab itself (VMLAB_DEBUG=1 shows where)`;

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
