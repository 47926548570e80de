// A configuration = profile × CPU strategy × memory strategy × machine profile × host.
import { getProfile, INSTRUCTIONS, isSensitive, PROFILE_NAMES, type Profile } from "@vmlab/isa";
import { getMachineProfile, isBuiltinMachineProfile, type MachineProfileError, type MachineProfile } from "./machine-profiles.js";
import type { Requirements, StrategyInfo } from "./strategy.js";

/**
 * Where the monitor runs: on the machine itself (Type 1, every monitor's default), or
 * as a program of a host OS whose user-level process emulates the devices (Type 2).
 */
export const HOSTS = ["bare-metal", "hosted"] as const;
export type Host = (typeof HOSTS)[number];
export const DEFAULT_HOST: Host = "bare-metal";

export interface ConfigurationSpec {
  readonly profile: string;
  readonly levels?: number;
  readonly cpu: string;
  readonly memory?: string;
  /** A built-in machine profile's name, a .json file, or the profile itself. */
  readonly machine: string | MachineProfile;
  /** One of HOSTS (default: bare-metal). */
  readonly host?: string;
  /** Its name in results (default: configurationLabel's). */
  readonly label?: string;
}

/**
 * A configuration as data: what a run's result records, what crosses to a worker or a
 * page, and a ConfigurationSpec that resolveConfiguration takes back to the same
 * configuration. The order of its fields is the order results.json has always had.
 */
export interface ConfigurationRecord {
  readonly label: string;
  readonly profile: string;
  /** The walker's depth (walker profiles only). */
  readonly levels?: number;
  readonly cpu: string;
  readonly memory: string;
  /** A built-in machine profile's name (feature switches included), or the profile itself (a .json file's, a sweep's variant). */
  readonly machine: string | MachineProfile;
  /** "hosted" for a Type 2 monitor; absent on bare metal (Type 1): results from before hosts existed read the same. */
  readonly host?: "hosted";
}

/** A record's machine profile name, whether the record names the profile or holds it. */
export function machineName(c: { readonly machine: string | MachineProfile }): string {
  return typeof c.machine === "string" ? c.machine : c.machine.name;
}

/**
 * A resolved configuration: resolveConfiguration checks a ConfigurationSpec once and
 * gives this, with the full profile and machine profile for the run, and `record`, its
 * form as data (JSON.stringify gives the record).
 */
export class Configuration {
  readonly record: ConfigurationRecord;

  /** Built by resolveConfiguration, which checks the parts; `machineByName` says how the record holds the machine. */
  constructor(
    readonly profile: Profile,
    readonly cpu: string,
    readonly memory: string,
    readonly machine: MachineProfile,
    readonly host: Host,
    /** Short label, e.g. "x86-like/trap-emulate/shadow", "x86-like/binary-translation/shadow@hosted". */
    readonly label: string,
    machineByName: boolean,
  ) {
    this.record = {
      label,
      profile: profile.name,
      ...(profile.mmu.kind === "walker" ? { levels: profile.mmu.levels } : {}),
      cpu,
      memory,
      machine: machineByName ? machine.name : machine,
      ...(host === "hosted" ? { host } : {}),
    };
  }

  /** The same configuration under another label. */
  withLabel(label: string): Configuration {
    return new Configuration(this.profile, this.cpu, this.memory, this.machine, this.host, label, typeof this.record.machine === "string");
  }

  /** The reference (native on the bare machine) for this profile and machine, labelled `label`. */
  reference(label: string): Configuration {
    return new Configuration(this.profile, REFERENCE.cpu, REFERENCE.memory, this.machine, REFERENCE.host, label, typeof this.record.machine === "string");
  }

  toJSON(): ConfigurationRecord {
    return this.record;
  }
}

/**
 * Why a configuration is refused: a name nothing answers to ("unknown"), or parts that
 * exist but cannot run together here ("impossible": a matrix leaves these out, with why).
 */
export type ConfigurationErrorKind = "unknown" | "impossible";

/** How every "impossible" refusal's message begins; a list of refusals names it once and drops it from each. */
export const IMPOSSIBLE_PREFIX = "impossible configuration: ";

/** A refusal's reason without IMPOSSIBLE_PREFIX (any other text as it is). */
export function impossibleReason(message: string): string {
  return message.startsWith(IMPOSSIBLE_PREFIX) ? message.slice(IMPOSSIBLE_PREFIX.length) : message;
}

export class ConfigurationError extends Error {
  constructor(
    message: string,
    readonly kind: ConfigurationErrorKind,
    /** Set when the refusal is the machine generation's (a feature it lacks), not the profile's. */
    readonly machine?: string,
  ) {
    super(message);
  }
}

/** The reference every configuration is compared with: the guest on the bare machine, memory untouched. */
export const REFERENCE = { cpu: "native", memory: "direct", host: "bare-metal" } as const satisfies { cpu: string; memory: string; host: Host };

/** Whether a configuration (or its CPU strategy's name) is the reference's. */
export function isReference(c: { readonly cpu: string } | string): boolean {
  return (typeof c === "string" ? c : c.cpu) === REFERENCE.cpu;
}

/** True when every sensitive instruction traps in user mode (or is absent). */
export function isStrict(profile: Profile): boolean {
  return INSTRUCTIONS.filter(isSensitive).every((i) => profile.privileged.has(i.mnemonic) || profile.absent.has(i.mnemonic));
}

/** Why a machine generation lacks what a strategy needs, or undefined when it has it. */
export function unmetFeature(req: Requirements, machine: MachineProfile): string | undefined {
  if (req.hardwareAssist && !machine.features.hardwareAssist) return `${machine.name} has no hardware-assist guest mode`;
  if (req.nestedPaging && !machine.features.nestedPaging) return `${machine.name} has no nested paging (EPT arrived with Nehalem in 2008, AMD's NPT with Barcelona in 2007)`;
  return undefined;
}

/** Why a CPU strategy's monitor cannot be built hosted, or undefined when it can. */
export function unhostable(cpu: StrategyInfo): string | undefined {
  const h = cpu.hosting;
  if (h === undefined) return `${cpu.name} has no hosted build`;
  return "refused" in h ? h.refused : undefined;
}

/** Why a profile cannot host a strategy, or undefined when it can. */
export function unmetRequirement(req: Requirements, profile: Profile): string | undefined {
  if (req.strictProfile && !isStrict(profile)) return `${profile.name} has sensitive instructions that do not trap`;
  if (req.softwareTlb && profile.mmu.kind !== "software-tlb") return `${profile.name} has no software-managed TLB`;
  if (req.walker && profile.mmu.kind !== "walker") return `${profile.name} has no hardware page-table walker`;
  if (req.hardwareAssist && !profile.hardwareAssist.guestMode) return `${profile.name} has no hardware-assist guest mode`;
  if (req.nestedPaging && !profile.hardwareAssist.nestedPaging) return `${profile.name} has no nested paging`;
  // A paravirtual guest is met on every profile: the kernel has a paravirtual build for
  // each, and runConfiguration builds it for a CPU strategy that requires it.
  return undefined;
}

export function resolveConfiguration(spec: ConfigurationSpec, strategies: readonly StrategyInfo[]): Configuration {
  let profile: Profile;
  try {
    profile = getProfile(spec.profile, spec.levels === undefined ? {} : { levels: spec.levels });
  } catch (e) {
    throw new ConfigurationError((e as Error).message, "unknown");
  }
  const cpus = strategies.filter((s) => s.kind === "cpu");
  const memories = strategies.filter((s) => s.kind === "memory");
  const cpu = cpus.find((s) => s.name === spec.cpu);
  if (!cpu) throw new ConfigurationError(`unknown CPU strategy '${spec.cpu}' (valid: ${cpus.map((s) => s.name).join(", ")})`, "unknown");
  const host = spec.host ?? DEFAULT_HOST;
  if (!(HOSTS as readonly string[]).includes(host)) throw new ConfigurationError(`unknown host '${host}' (valid: ${HOSTS.join(", ")})`, "unknown");
  // Default: the CPU strategy's first memory strategy that this profile can host.
  const memoryName =
    spec.memory ??
    cpu.memories?.find((m) => {
      const info = memories.find((s) => s.name === m);
      return info !== undefined && unmetRequirement(info.requires, profile) === undefined;
    }) ??
    cpu.memories?.[0];
  const memory = memories.find((s) => s.name === memoryName);
  if (!memory) {
    throw new ConfigurationError(`unknown memory strategy '${spec.memory}' (valid: ${memories.map((s) => s.name).join(", ")})`, "unknown");
  }
  if (cpu.memories && !cpu.memories.includes(memory.name)) {
    throw new ConfigurationError(`${IMPOSSIBLE_PREFIX}CPU strategy '${cpu.name}' does not work with memory strategy '${memory.name}' (it works with: ${cpu.memories.join(", ")})`, "impossible");
  }
  for (const s of [cpu, memory]) {
    const why = unmetRequirement(s.requires, profile);
    if (why) throw new ConfigurationError(`${IMPOSSIBLE_PREFIX}${s.kind} strategy '${s.name}' cannot run on ${profile.name}: ${why}`, "impossible");
  }
  let machine: MachineProfile;
  // By name when a name gives it back (a built-in profile, with or without feature switches); else as data.
  const machineByName = typeof spec.machine === "string" ? !spec.machine.endsWith(".json") : isBuiltinMachineProfile(spec.machine);
  try {
    machine = typeof spec.machine === "string" ? getMachineProfile(spec.machine) : spec.machine;
  } catch (e) {
    throw new ConfigurationError((e as MachineProfileError).message, "unknown");
  }
  for (const s of [cpu, memory]) {
    const why = unmetFeature(s.requires, machine);
    if (why) throw new ConfigurationError(`${IMPOSSIBLE_PREFIX}${s.kind} strategy '${s.name}' cannot run on ${machine.name}: ${why}`, "impossible", machine.name);
  }
  if (host === "hosted") {
    const why = unhostable(cpu);
    if (why) throw new ConfigurationError(`${IMPOSSIBLE_PREFIX}CPU strategy '${cpu.name}' cannot be hosted: ${why}`, "impossible");
  }
  const label = spec.label ?? configurationLabel(profile, cpu.name, memory.name, host as Host, spec.levels !== undefined);
  return new Configuration(profile, cpu.name, memory.name, machine, host as Host, label, machineByName);
}

/**
 * The short label: the walker depth when asked for (a matrix's cells always say it),
 * "@hosted" when hosted (bare metal keeps the labels every report had before hosts existed).
 */
export function configurationLabel(profile: Profile, cpu: string, memory: string, host: Host, withLevels: boolean): string {
  const levels = profile.mmu.kind === "walker" && withLevels ? `(${profile.mmu.levels})` : "";
  const at = host === "hosted" ? "@hosted" : "";
  return `${profile.name}${levels}/${cpu}/${memory}${at}`;
}

/** Every possible configuration for the given names (impossible ones left out, with why). */
export function enumerateConfigurations(
  strategies: readonly StrategyInfo[],
  names: {
    profiles?: readonly string[];
    cpus?: readonly string[];
    memories?: readonly string[];
    machines: readonly string[];
    levels?: number;
    /** Default: bare metal only. */
    hosts?: readonly string[];
  },
): { configurations: Configuration[]; skipped: { label: string; reason: string }[] } {
  const configurations: Configuration[] = [];
  const skipped: { label: string; reason: string }[] = [];
  const profiles = names.profiles ?? PROFILE_NAMES;
  const cpus = names.cpus ?? strategies.filter((s) => s.kind === "cpu").map((s) => s.name);
  const hosts = names.hosts ?? [DEFAULT_HOST];
  for (const host of hosts)
    for (const machine of names.machines)
      for (const profile of profiles)
        for (const cpuName of cpus) {
          const cpu = strategies.find((s) => s.kind === "cpu" && s.name === cpuName);
          const mems = names.memories ?? cpu?.memories ?? strategies.filter((s) => s.kind === "memory").map((s) => s.name);
          // A strategy that cannot be hosted is refused once, whatever the profile or memory.
          if (host === "hosted" && cpu && unhostable(cpu) !== undefined) {
            const label = `${cpuName}@hosted`;
            if (!skipped.some((s) => s.label === label)) skipped.push({ label, reason: `${IMPOSSIBLE_PREFIX}CPU strategy '${cpuName}' cannot be hosted: ${unhostable(cpu)}` });
            continue;
          }
          const at = host === "hosted" ? "@hosted" : "";
          for (const memory of mems) {
            try {
              configurations.push(
                resolveConfiguration({ profile, cpu: cpuName, memory, machine, host, ...(names.levels !== undefined && profile !== "mips-like" ? { levels: names.levels } : {}) }, strategies),
              );
            } catch (e) {
              if (!(e instanceof ConfigurationError) || e.kind !== "impossible") throw e;
              // A profile's refusal holds on every machine: listed once.
              const label = e.machine ? `${profile}/${cpuName}/${memory}${at} on ${e.machine}` : `${profile}/${cpuName}/${memory}${at}`;
              if (!skipped.some((s) => s.label === label || (at !== "" && s.reason === e.message))) skipped.push({ label, reason: e.message });
            }
          }
        }
  return { configurations, skipped };
}
