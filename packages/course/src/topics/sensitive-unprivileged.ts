// Which instructions of a profile are sensitive but not privileged (Popek & Goldberg):
// the instruction table's sensitivity column against the profile's privileged and absent sets.
import { INSTRUCTIONS, getProfile, PROFILE_NAMES } from "@vmlab/isa";
import type { Asked } from "../question.js";
import { pick, type Random } from "../random.js";

export function sensitiveUnprivileged(rng: Random): Asked {
  const name = pick(rng, PROFILE_NAMES);
  const profile = getProfile(name);
  const sensitive = INSTRUCTIONS.filter((i) => i.sensitivity !== "innocuous" && !profile.absent.has(i.mnemonic));
  const offenders = sensitive.filter((i) => !profile.privileged.has(i.mnemonic)).map((i) => i.mnemonic);
  return {
    question: `Which instructions of the ${name} profile are sensitive but not privileged (they run in user mode without trapping, yet read or change privileged state)? What does that mean for a trap-and-emulate monitor?`,
    answer:
      offenders.length === 0
        ? `none: every sensitive instruction of ${name} is privileged, so Popek & Goldberg's Theorem 1 holds and trap-and-emulate can be exact`
        : `${offenders.join(", ")}: Theorem 1 fails on ${name}, so trap-and-emulate cannot be exact (binary translation, paravirtualization or hardware assist can)`,
    value: { profile: name, instructions: offenders },
    proof: [
      { source: "isa's instruction table (sensitivity column)", figure: "sensitive instructions present in the profile", value: sensitive.map((i) => i.mnemonic).join(", ") },
      { source: `the ${name} profile's privileged set`, figure: "of those, not privileged", value: offenders.join(", ") || "none" },
    ],
  };
}
