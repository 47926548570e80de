// Running a scenario on bare metal: build the image for a profile and run it.
import { Machine, type MachineStats, type Profile } from "@vmlab/isa";
import { buildImage } from "./builder.js";
import type { Scenario } from "./scenario.js";

export interface BareMetalRun {
  readonly outcome: "halt" | "budget";
  readonly output: string;
  readonly stats: MachineStats;
  readonly wallMs: number;
  readonly machine: Machine;
}

/**
 * The guest image of one of the scenario's virtual machines (`vm`, default the first)
 * for a profile; `paravirt` builds the paravirtual kernel.
 */
export function scenarioImage(scenario: Scenario, profile: Profile, options: { readonly paravirt?: boolean; readonly vm?: number } = {}) {
  const guest = scenario.vmGuests[options.vm ?? 0];
  if (!guest) throw new RangeError(`scenario '${scenario.name}' has ${scenario.vms} virtual machine(s): no VM ${options.vm}`);
  return buildImage({
    profile,
    programs: guest.sources,
    ...(guest.kernel ? { kernel: guest.kernel } : {}),
    ...(scenario.timerPeriod ? { timerPeriod: scenario.timerPeriod } : {}),
    ...(options.paravirt ? { paravirt: true } : {}),
  });
}

export function diskContentsOf(scenario: Scenario): Uint8Array | undefined {
  return scenario.diskContents === undefined ? undefined : new TextEncoder().encode(scenario.diskContents);
}

/** Runs one virtual machine of the scenario (`vm`, default the first) alone on a bare machine. */
export function runOnBareMetal(scenario: Scenario, profile: Profile, budget = scenario.budget, vm = 0): BareMetalRun {
  const image = scenarioImage(scenario, profile, { vm });
  const disk = diskContentsOf(scenario);
  const machine = new Machine({ profile, ...(disk ? { diskContents: disk } : {}) });
  machine.load(image);
  const started = performance.now();
  const stop = machine.run(budget);
  const wallMs = performance.now() - started;
  return { outcome: stop.reason === "halt" ? "halt" : "budget", output: machine.console.text(), stats: machine.stats(), wallMs, machine };
}
