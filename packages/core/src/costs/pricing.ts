// Counts to cycles: the only place costs meet counts.
import type { Ledger } from "../ledger.js";
import type { Costs } from "../machine-profiles.js";
import { EVENTS, type EventCounts, type EventName } from "./events.js";

/** Charges every counted event at its cost, under its category. */
export function priceEvents(ledger: Ledger, costs: Costs, counts: EventCounts): Ledger {
  for (const name of Object.keys(EVENTS) as EventName[]) {
    const n = counts[name];
    if (!n) continue;
    const info = EVENTS[name];
    ledger.charge(info.category, info.label, n, costs[info.cost]);
  }
  return ledger;
}
