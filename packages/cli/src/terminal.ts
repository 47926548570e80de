// The width output is fitted to: the terminal's, or a sensible one when piped.

/** Columns when the output is not a terminal and COLUMNS does not say. */
export const PIPED_WIDTH = 100;

export function terminalWidth(stream: NodeJS.WriteStream = process.stdout): number {
  if (stream.isTTY && stream.columns > 0) return stream.columns;
  const env = Number(process.env.COLUMNS);
  return Number.isInteger(env) && env >= 40 ? env : PIPED_WIDTH;
}

/** A count with thousands separators. */
export const n = (x: number): string => Math.round(x).toLocaleString("en-US");
