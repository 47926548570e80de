// Popek & Goldberg's theorems as part of the model: which configurations cannot be
// exact, for which instructions, and why. A CPU strategy says which theorem its
// exactness rests on (StrategyInfo.theorem); the profile's classification, found by
// running every instruction (classifyProfile), says which instructions break it. A run
// whose guest ran one of those instructions where the monitor lets it run without a
// trap is predicted to be able to diverge; when it does, its divergence carries the
// prediction, and reports count it apart from failures.
import { classifyProfile, type Classification, type Profile } from "@vmlab/isa";
import type { PredictedDivergence } from "./equivalence.js";
import type { SensitiveUntrapped, StrategyInfo } from "./strategy.js";

// The classification runs every instruction from many states (about a second): once per
// profile in a process. The page-table depth changes nothing it observes.
const classifications = new Map<string, Classification>();

export function classificationOf(profile: Profile): Classification {
  let c = classifications.get(profile.name);
  if (!c) {
    c = classifyProfile(profile);
    classifications.set(profile.name, c);
  }
  return c;
}

const list = (xs: readonly string[]): string => (xs.length < 2 ? xs.join("") : `${xs.slice(0, -1).join(", ")} and ${xs[xs.length - 1]}`);
const are = (xs: readonly string[]): string => (xs.length === 1 ? "is" : "are");

/**
 * The instructions a CPU strategy cannot be exact for on `profile` (the offenders of its
 * theorem, in the instruction table's order), or undefined when its theorem holds there
 * or it rests on none.
 */
export function inexactFor(profile: Profile, cpu: Pick<StrategyInfo, "theorem">): { theorem: 1 | 3; offenders: readonly string[] } | undefined {
  if (cpu.theorem === undefined) return undefined;
  const c = classificationOf(profile);
  const verdict = cpu.theorem === 1 ? c.theorem1 : c.theorem3;
  return verdict.holds ? undefined : { theorem: cpu.theorem, offenders: verdict.offenders };
}

/** Why `cpu` cannot be exact on `profile` for `offenders`: the first half of every predicted divergence's reason. */
export function theoremReason(profile: Profile, cpu: Pick<StrategyInfo, "name" | "theorem">, offenders: readonly string[]): string {
  return cpu.theorem === 1
    ? `Theorem 1: ${cpu.name} runs the guest kernel directly, deprivileged, and on ${profile.name} ${list(offenders)} ${are(offenders)} sensitive but not privileged`
    : `Theorem 3: ${cpu.name} runs user code directly, and on ${profile.name} ${list(offenders)} ${are(offenders)} user-sensitive but not privileged`;
}

/**
 * What the model predicts for a run: present when the guest ran, without a trap, an
 * instruction its configuration cannot be exact for (for Theorem 3, in user mode: the
 * hybrid monitor's kernel runs under its control). `untrapped` is the run's (or one
 * VM's) SensitiveUntrapped.
 */
export function predictionFor(profile: Profile, cpu: Pick<StrategyInfo, "name" | "theorem">, untrapped: readonly SensitiveUntrapped[] | undefined): PredictedDivergence | undefined {
  if (cpu.theorem === undefined || !untrapped?.length) return undefined;
  const ran = untrapped.filter((u) => cpu.theorem === 1 || u.mode === "user");
  if (ran.length === 0) return undefined;
  const inexact = inexactFor(profile, cpu);
  if (!inexact) return undefined;
  const instructions = inexact.offenders.filter((m) => ran.some((u) => u.mnemonic === m));
  if (instructions.length === 0) return undefined;
  const by = (mode: "kernel" | "user") => inexact.offenders.filter((m) => ran.some((u) => u.mnemonic === m && u.mode === mode));
  const where = [...(by("kernel").length ? [`its deprivileged kernel ran ${list(by("kernel"))}`] : []), ...(by("user").length ? [`its processes ran ${list(by("user"))}`] : [])];
  return { theorem: inexact.theorem, instructions, reason: `${theoremReason(profile, cpu, inexact.offenders)}: ${list(where)} without a trap` };
}
