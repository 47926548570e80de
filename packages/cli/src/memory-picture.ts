// The picture of a VM's memory at a moment of a run, for `vmlab memory` and `vmlab
// trace --memory-at`: a first run, traced, finds where the moment is in its events; a
// second, the same run (runs are deterministic), records only that many and so stops
// there (`trace` hands over the events of its own run); core reads the picture from the stopped run and report renders it.
import type { ContainerModule } from "inversify";
import type { Configuration, MemoryPicture, TraceEvent } from "@vmlab/core";
import type { Scenario } from "@vmlab/guest";
import type { Image } from "@vmlab/isa";
import type { MemoryMoment } from "@vmlab/report";
import { CliError, EXIT } from "./errors.js";

/** Raw events recorded at most by the first run (as `vmlab trace`). */
export const MEMORY_EVENT_LIMIT = 200_000;

export interface PictureTaken {
  readonly picture: MemoryPicture;
  /** The moment in words ("after step 12"). */
  readonly moment: string;
}

export async function takeMemoryPicture(
  config: Configuration,
  scenario: Scenario,
  modules: readonly ContainerModule[],
  image: Image,
  options: { readonly moment: MemoryMoment; readonly pid?: number; readonly budget?: number; readonly events?: readonly TraceEvent[] },
): Promise<PictureTaken> {
  const { memoryPicture, MemoryPictureError, runConfiguration, TraceLog } = await import("@vmlab/core");
  const { runToMoment } = await import("@vmlab/report");
  const budget = options.budget !== undefined ? { budget: options.budget } : {};
  let events = options.events;
  if (!events) {
    const first = new TraceLog(MEMORY_EVENT_LIMIT);
    runConfiguration(config, scenario, modules, { trace: first, ...budget });
    events = first.events;
  }
  const at = runToMoment(events, options.moment, (trace) => runConfiguration(config, scenario, modules, { trace, keepMachine: true, ...budget }));
  if (typeof at === "string") throw new CliError(`${scenario.name} on ${config.label}: ${at}`, EXIT.failed);
  const { stopped: run, description: moment } = at;
  const execution = run.vmExecutions?.[0] ?? run.execution;
  try {
    return { picture: memoryPicture({ profile: config.profile, image, execution, ...(options.pid !== undefined ? { pid: options.pid } : {}) }), moment };
  } catch (e) {
    if (e instanceof MemoryPictureError) throw new CliError(`${scenario.name} on ${config.label}, ${moment}: ${e.message}`, EXIT.failed);
    throw e;
  }
}

/** The heading line of a picture. */
export function pictureHeading(scenario: Scenario, config: Configuration, taken: PictureTaken): string {
  const vm = scenario.vms > 1 ? `, VM 1 (${scenario.vmGuests[0]!.name}) of ${scenario.vms}` : "";
  return `${scenario.name} on ${config.label}${vm}, ${taken.moment} (guest instruction ${taken.picture.at.toLocaleString("en-US")}):`;
}
