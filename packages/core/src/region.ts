// The region of interest: the guest marks where its measured work begins and ends (as
// gem5's work markers do), every strategy reports the marks alike, and reports give the
// slowdown of the region beside that of the whole run.
import { WORK_BEGIN, WORK_END } from "@vmlab/isa";
import type { EventCounts } from "./costs/events.js";

export type RegionMark = "begin" | "end";

export interface RegionRecorder {
  /** The strategy's event counts so far, read at each mark (set once, before the guest runs). */
  countWith?(counter: () => EventCounts): void;
  /** The guest wrote the work-marker port; called at that guest instruction. */
  mark(kind: RegionMark): void;
}

/** Guest instructions retired before the marker that began the region and the one that ended it. */
export interface RegionInstructions {
  readonly beginInstructions: number;
  readonly endInstructions: number;
}

/**
 * What every strategy does when the guest writes PORT.WORK_MARK: tell the session's
 * recorder (once per marker write, at that moment) and keep the guest-instruction count
 * of the first begin and of the first end after it for the Execution. Values other than
 * WORK_BEGIN and WORK_END are ignored, as a write to an unused port is.
 */
export class RegionMarks {
  private begin = -1;
  private end = -1;

  constructor(private readonly recorder: RegionRecorder | undefined) {}

  /** The guest wrote `value` to the marker port after `retired` guest instructions. */
  mark(value: number, retired: number): void {
    if (value === WORK_BEGIN) {
      if (this.begin < 0) this.begin = retired;
      this.recorder?.mark("begin");
    } else if (value === WORK_END) {
      if (this.begin >= 0 && this.end < 0) this.end = retired;
      this.recorder?.mark("end");
    }
  }

  /** `{ region }` for an Execution once both marks were seen, else nothing. */
  result(): { region?: RegionInstructions } {
    return this.begin >= 0 && this.end >= 0 ? { region: { beginInstructions: this.begin, endInstructions: this.end } } : {};
  }
}
