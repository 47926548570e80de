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

/** The text a user sees for any error; stacks only with VMLAB_DEBUG=1. */
export function describeError(e: unknown): string {
  if (e instanceof Error) {
    if (process.env.VMLAB_DEBUG === "1" && e.stack) return e.stack;
    return e.message;
  }
  return String(e);
}
