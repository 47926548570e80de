// The region of interest: the guest marks where its measured work begins and ends (as
// gem5's work markers do), every strategy reports the marks alike, and reports give the
// slowdown of the region beside that of the whole run.

export type RegionMark = "begin" | "end";

import type { EventCounts } from "./costs/events.js";

export interface RegionRecorder {
  /** The strategy's event counts so far, read at each mark (set once, before the guest runs). */
  countWith(counter: () => EventCounts): void;
  /** The guest wrote the work-marker port; called at that guest instruction. */
  mark(kind: RegionMark): void;
}
