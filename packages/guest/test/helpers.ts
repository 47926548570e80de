import { getProfile, Machine, type Image, type ProfileName } from "@vmlab/isa";
import { buildImage } from "../src/index.js";

export const GUEST_PROFILES: { name: ProfileName; levels?: 2 | 3 | 4 }[] = [
  { name: "mips-like" },
  { name: "riscv-like", levels: 2 },
  { name: "riscv-like", levels: 3 },
  { name: "riscv-like", levels: 4 },
  { name: "x86-like" },
];

export const label = (p: { name: string; levels?: number }): string => (p.levels ? `${p.name} (${p.levels} levels)` : p.name);

export function runGuest(
  profile: { name: ProfileName; levels?: 2 | 3 | 4 },
  programs: string[],
  options: { budget?: number; timerPeriod?: number; diskContents?: Uint8Array } = {},
): { output: string; reason: string; machine: Machine; image: Image } {
  const p = getProfile(profile.name, profile.levels ? { levels: profile.levels } : {});
  const image = buildImage({
    profile: p,
    programs: programs.map((source, i) => ({ name: `p${i}`, source: `        .include "runtime.s"\n${source}`, file: `p${i}.s` })),
    ...(options.timerPeriod ? { timerPeriod: options.timerPeriod } : {}),
  });
  const machine = new Machine({ profile: p, ...(options.diskContents ? { diskContents: options.diskContents } : {}) });
  machine.load(image);
  const stop = machine.run(options.budget ?? 5_000_000);
  return { output: machine.console.text(), reason: stop.reason, machine, image };
}
