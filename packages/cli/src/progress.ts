// The progress bar of a long command (matrix, sweep), on stderr when it is a terminal:
// done/total with thousands separators, the estimated time left, and what ran last.
import { MultiBar, Presets } from "cli-progress";
import { n } from "./terminal.js";

export interface Progress {
  update(done: number, payload: Record<string, unknown>): void;
  /** A line above the bar (a failed cell), kept when the bar moves on. */
  log(line: string): void;
  stop(): void;
}

export function progressBar(unit: string, total: number, payload: Record<string, unknown>, extra?: string): Progress {
  const bar = new MultiBar(
    {
      clearOnComplete: true,
      format: ` {bar} {value}/{total} ${unit} | ETA {eta_formatted}${extra ? ` | ${extra}` : ""} | {last}`,
      formatValue: (v, _options, type) => (type === "value" || type === "total" ? n(v) : String(v)),
      // The estimate follows the last 50 updates (cells vary by orders of magnitude), and
      // is recomputed while a long cell runs.
      etaBuffer: 50,
      etaAsynchronousUpdate: true,
      hideCursor: true,
    },
    Presets.shades_classic,
  );
  const one = bar.create(total, 0, { last: "", ...payload });
  return {
    update: (done, p) => one.update(done, p),
    log: (line) => bar.log(line),
    stop: () => bar.stop(),
  };
}
