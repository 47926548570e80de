// The progress bar of a long command (matrix, sweep), on stderr when it is a terminal:
// done/total with thousands separators, the estimated time left, and what ran last.
import cliProgress from "cli-progress";
import { n } from "./terminal.js";

// A CommonJS package: Node finds only some of its names as ESM exports.
const { Format, MultiBar, Presets } = cliProgress;

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
      // No estimate ("…") before the first cell ends.
      format: (options, params, payload) =>
        Format.Formatter(
          { ...options, format: ` {bar} {value}/{total} ${unit} | ETA {eta_formatted}${extra ? ` | ${extra}` : ""} | {last}` },
          params.value === 0 ? { ...params, eta: Number.NaN } : params,
          payload,
        ),
      formatTime: (t, options, round) => (Number.isFinite(t) ? Format.TimeFormat(t, options, round) : "…"),
      formatValue: (v, options, type) => (type === "value" || type === "total" ? n(v) : Format.ValueFormat(v, options, type)),
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
