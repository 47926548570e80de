// Guest images are built once per scenario and profile in a process: building means
// assembling the kernel and programs, which costs more than most runs.
import type { Image, Profile } from "@vmlab/isa";
import { scenarioImage, type Scenario } from "@vmlab/guest";

const images = new Map<string, Image>();

export function guestImage(scenario: Scenario, profile: Profile): Image {
  const key = `${scenario.dir}\u0000${scenario.name}\u0000${profile.name}\u0000${profile.mmu.kind === "walker" ? profile.mmu.levels : ""}`;
  let image = images.get(key);
  if (!image) {
    image = scenarioImage(scenario, profile);
    images.set(key, image);
  }
  return image;
}
