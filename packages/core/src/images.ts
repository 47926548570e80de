// Guest images are built once per scenario, profile and kernel build (native or
// paravirtual) in a process: building means assembling the kernel and programs, which
// costs more than most runs.
import type { Image, Profile } from "@vmlab/isa";
import { scenarioImage, type Scenario } from "@vmlab/guest";

const images = new Map<string, Image>();
/** Images kept (a process that runs many generated scenarios must not keep them all). */
const KEPT = 256;

export function guestImage(scenario: Scenario, profile: Profile, options: { readonly paravirt?: boolean; readonly vm?: number } = {}): Image {
  const paravirt = options.paravirt === true;
  const vm = options.vm ?? 0;
  const key = `${scenario.dir}\u0000${scenario.name}\u0000${profile.name}\u0000${profile.mmu.kind === "walker" ? profile.mmu.levels : ""}\u0000${paravirt ? "pv" : ""}\u0000${vm}`;
  let image = images.get(key);
  if (!image) {
    image = scenarioImage(scenario, profile, { paravirt, vm });
    if (images.size >= KEPT) images.delete(images.keys().next().value!);
    images.set(key, image);
  }
  return image;
}
