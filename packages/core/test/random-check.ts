// Running random programs against every faithful configuration: the scenarios they
// become, the configurations they run under, and the check that each equals native.
import fc from "fast-check";
import type { ContainerModule } from "inversify";
import { RUNTIME_DIR, type Scenario } from "@vmlab/guest";
import { PROFILE_NAMES, getProfile, type Profile } from "@vmlab/isa";
import { catalogOf, enumerateConfigurations, fnv1a, isStrict, runConfiguration, type Configuration, type RunResult, type StrategyInfo } from "../src/index.js";
import { kernelPlans, renderKernel, type KernelOptions, type KernelPlan } from "./random-kernels.js";
import { randomUserProgram } from "./random-programs.js";

/** The machines every random program runs on: one with every feature, one with the fewest. */
export const MACHINES = ["skylake-2015", "p4-2006"] as const;
/** Guest instructions a random kernel may take (natively they take far fewer). */
export const KERNEL_BUDGET = 400_000;

/** A scenario of one VM running `source` as its kernel (no user programs) or as its one user program. */
export function programScenario(name: string, source: string, as: "kernel" | "user", budget: number): Scenario {
  const file = { name: "random.s", file: `${RUNTIME_DIR}random.s`, source };
  return {
    name,
    description: `random ${as === "kernel" ? "kernel" : "user program"} ${name}`,
    stresses: [],
    programs: as === "user" ? ["random.s"] : [],
    budget,
    vms: 1,
    dir: `${RUNTIME_DIR}${name}`,
    sources: as === "user" ? [file] : [],
    vmGuests: [{ name: "vm1", sources: as === "user" ? [file] : [], ...(as === "kernel" ? { kernel: file } : {}) }],
  } as Scenario;
}

/** One profile at one page-table depth, and the configurations that must equal its native run there. */
export interface Target {
  readonly profile: Profile;
  readonly natives: Map<string, Configuration>;
  readonly configurations: readonly Configuration[];
}

/**
 * Every faithful configuration, by profile and depth (`levels`: 2-4 on walker profiles,
 * else each profile's own): interpret, trap-and-emulate on strict profiles, binary
 * translation and hardware assist with every memory strategy each takes. Paravirt needs
 * its own kernel build; trap-and-emulate on x86-like diverges by design.
 */
export function targets(modules: readonly ContainerModule[], allLevels: boolean): Target[] {
  const catalog = catalogOf(modules);
  const paravirt = new Set(catalog.filter((s: StrategyInfo) => s.requires.paravirtualGuest).map((s) => s.name));
  const out: Target[] = [];
  for (const name of PROFILE_NAMES) {
    const base = getProfile(name);
    const depths: (number | undefined)[] = base.mmu.kind === "walker" && allLevels ? [2, 3, 4] : [undefined];
    for (const levels of depths) {
      const { configurations } = enumerateConfigurations(catalog, { profiles: [name], machines: [...MACHINES], ...(levels ? { levels } : {}) });
      const natives = new Map<string, Configuration>();
      for (const c of configurations) if (c.cpu === "native") natives.set(c.machine.name, c);
      const faithful = configurations.filter((c) => c.cpu !== "native" && !paravirt.has(c.cpu) && !(c.cpu === "trap-emulate" && !isStrict(c.profile)));
      out.push({ profile: faithful[0]?.profile ?? base, natives, configurations: faithful });
    }
  }
  return out;
}

/** The targets kernel `seed` runs on: every profile, walker profiles at depth 2, 3 or 4 by turns. */
export function targetsForSeed(all: readonly Target[], seed: number): Target[] {
  const levels = 2 + (((seed % 3) + 3) % 3);
  return all.filter((t) => t.profile.mmu.kind !== "walker" || t.profile.mmu.levels === levels);
}

export interface Divergent {
  readonly label: string;
  readonly machine: string;
  readonly detail: string;
  readonly source: string;
}

/** Native must halt; then the first configuration that differs from it on the full digest, or undefined. */
export function firstDivergent(
  source: string,
  target: Target,
  modules: readonly ContainerModule[],
  as: "kernel" | "user",
  budget: number,
  only?: (c: Configuration) => boolean,
  /** Also a run cut short by its budget at this share of the native run (on `cut.machine`): it must stop at the same guest state. */
  cut?: { readonly share: number; readonly machine: string },
): Divergent | "no-halt" | undefined {
  const s = programScenario(`random-${as}-${fnv1a(new TextEncoder().encode(source))}`, source, as, budget);
  const natives = new Map<string, RunResult>();
  const cutNatives = new Map<string, RunResult>();
  for (const config of target.configurations) {
    if (only && !only(config)) continue;
    const machine = config.machine.name;
    let native = natives.get(machine);
    if (!native) {
      native = runConfiguration(target.natives.get(machine)!, s, modules);
      if (native.outcome !== "halt") return "no-halt";
      natives.set(machine, native);
    }
    const r = runConfiguration(config, s, modules, { reference: native.digest! });
    // A divergence the model predicts (x86-like's user-sensitive instructions in user
    // segments, when the generator is asked for them) is the configuration's, not a bug.
    if (r.properties!.divergence?.predicted) continue;
    if (!r.properties!.equivalent) return { label: config.label, machine, detail: r.properties!.divergence?.detail ?? "?", source };
    if (!cut || cut.machine !== machine) continue;
    const cutBudget = Math.max(1, Math.floor(native.digest!.guestInstructions * cut.share));
    let cutNative = cutNatives.get(machine);
    if (!cutNative) {
      cutNative = runConfiguration(target.natives.get(machine)!, s, modules, { budget: cutBudget });
      cutNatives.set(machine, cutNative);
    }
    const c = runConfiguration(config, s, modules, { budget: cutBudget, reference: cutNative.digest! });
    if (!c.properties!.equivalent && !c.properties!.divergence?.predicted)
      return { label: config.label, machine, detail: `cut short at ${cutBudget} instructions: ${c.properties!.divergence?.detail ?? "?"}`, source };
  }
  return undefined;
}

/** How long a divergent kernel is shrunk before the smallest one found is reported. */
export const SHRINK_MS = 60_000;

/** Where kernel `seed` is also cut short: a share of its native run that differs from seed to seed, on one of the machines by turns. */
export function cutFor(seed: number): { share: number; machine: string } {
  return { share: 0.1 + 0.8 * ((Math.imul(seed, 0x9e3779b1) >>> 0) / 2 ** 32), machine: MACHINES[seed & 1]! };
}

/** What a failing kernel seed reports: where it diverged and the smallest kernel fast-check found that still does. */
export interface KernelFailure {
  readonly seed: number;
  readonly divergent: Divergent | "no-halt";
  readonly minimized?: Divergent;
  readonly profile: string;
}

/** Kernel number `seed`: the first plan fast-check draws with that seed. */
export function kernelPlan(seed: number): KernelPlan {
  return fc.sample(kernelPlans(), { seed, numRuns: 1 })[0]!;
}

/**
 * Checks kernel `seed` on every target; on a divergence, shrinks it against the one
 * configuration that diverged (fast-check, same seed, so its first plan is this one).
 */
export function checkKernel(seed: number, all: readonly Target[], modules: readonly ContainerModule[], options: KernelOptions = {}): KernelFailure | undefined {
  const plan = kernelPlan(seed);
  for (const target of all) {
    const source = renderKernel(plan, target.profile, options);
    const cut = cutFor(seed);
    const d = firstDivergent(source, target, modules, "kernel", KERNEL_BUDGET, undefined, cut);
    if (d === undefined) continue;
    if (d === "no-halt") return { seed, divergent: d, profile: describe(target.profile) };
    let minimized: Divergent | undefined;
    const same = (c: Configuration) => c.label === d.label && c.machine.name === d.machine;
    try {
      fc.assert(
        fc.property(kernelPlans(), (p) => {
          const r = firstDivergent(renderKernel(p, target.profile, options), target, modules, "kernel", KERNEL_BUDGET, same, d.detail.startsWith("cut short") ? cut : undefined);
          fc.pre(r !== "no-halt");
          if (r) {
            minimized = r;
            return false;
          }
          return true;
        }),
        // Shrinking stops after a minute: the smallest kernel found by then is reported.
        { seed, numRuns: 1, endOnFailure: false, interruptAfterTimeLimit: SHRINK_MS },
      );
    } catch {
      // The shrunk counterexample is the last one that failed: `minimized`.
    }
    return { seed, divergent: d, profile: describe(target.profile), ...(minimized ? { minimized } : {}) };
  }
  return undefined;
}

export function describe(p: Profile): string {
  return p.mmu.kind === "walker" ? `${p.name}(${p.mmu.levels})` : p.name;
}

/** A failure as the test prints it: the seed, where, why, and the minimized kernel. */
export function reportKernelFailure(f: KernelFailure): string {
  if (f.divergent === "no-halt") return `kernel seed ${f.seed} on ${f.profile}: the native run does not halt within ${KERNEL_BUDGET} instructions (a generator bug)`;
  const m = f.minimized ?? f.divergent;
  return [`kernel seed ${f.seed} on ${f.profile} under ${f.divergent.label} on ${f.divergent.machine}: ${f.divergent.detail}`, `minimized (${m.detail}):`, m.source].join("\n");
}

/** Budget of a random user program's scenario (natively they take far fewer). */
export const USER_BUDGET = 3_000_000;

/** Where a random user program diverged from native, or that native did not halt. */
export interface UserFailure {
  readonly seed: number;
  readonly label: string;
  readonly machine: string;
  readonly detail: string;
  readonly source: string;
}

/**
 * Random user program `seed` under every faithful configuration of every profile (the
 * guest's own kernel runs it, so paravirt is in; trap-and-emulate on x86-like diverges
 * by design and is left out), each against native on the same profile and machine.
 */
export function checkUserProgram(seed: number, modules: readonly ContainerModule[]): UserFailure | undefined {
  const source = randomUserProgram(seed);
  const s = programScenario(`random-${seed}`, source, "user", USER_BUDGET);
  const { configurations } = enumerateConfigurations(catalogOf(modules), { machines: [...MACHINES] });
  const natives = new Map<string, RunResult>();
  for (const config of configurations) {
    if (config.cpu === "native") continue;
    if (config.cpu === "trap-emulate" && !isStrict(config.profile)) continue;
    const key = `${config.profile.name}|${config.machine.name}`;
    let native = natives.get(key);
    if (!native) {
      native = runConfiguration(config.reference("native"), s, modules);
      if (native.outcome !== "halt") return { seed, label: "native", machine: config.machine.name, detail: `the native run ends "${native.outcome}", not halt (a generator bug)`, source };
      natives.set(key, native);
    }
    const r = runConfiguration(config, s, modules, { reference: native.digest! });
    if (!r.properties!.equivalent) return { seed, label: config.label, machine: config.machine.name, detail: r.properties!.divergence?.detail ?? "?", source };
  }
  return undefined;
}

/** A user-program failure as the test prints it. */
export function reportUserFailure(f: UserFailure): string {
  return `user program seed ${f.seed} under ${f.label} on ${f.machine}: ${f.detail}\n${f.source}`;
}
