// The figures every section of the HTML report draws on, derived once from the results.
import { isReference, machineName } from "@vmlab/core";
import type { RunResult, ValidationResult } from "@vmlab/core";
import type { ReportMeta } from "../meta.js";
import { regionSlowdowns, slowdowns } from "../summary.js";
import { verdictOf, type Verdict } from "../verdict.js";

/** A configuration without its machine: one column of the slowdown heatmaps. */
export interface ConfigColumn {
  readonly label: string;
  readonly profile: string;
  readonly cpu: string;
  readonly memory: string;
  /** A hosted (Type 2) monitor's column; absent on bare metal. */
  readonly host?: "hosted";
}

export interface MachineNote {
  readonly name: string;
  readonly description?: string;
}

export interface ReportView {
  readonly results: readonly RunResult[];
  readonly meta: ReportMeta;
  readonly validation: readonly ValidationResult[];
  readonly verdict: ReadonlyMap<RunResult, Verdict>;
  readonly slowdown: ReadonlyMap<RunResult, number | undefined>;
  readonly region: ReadonlyMap<RunResult, number | undefined>;
  readonly scenarios: readonly string[];
  readonly machines: readonly MachineNote[];
  /** Every configuration but native, grouped by profile, then CPU strategy, then memory strategy. */
  readonly columns: readonly ConfigColumn[];
  /** CPU strategies in the order they first appear. */
  readonly cpus: readonly string[];
  readonly memories: readonly string[];
  run(scenario: string, label: string, machine: string): RunResult | undefined;
  /** Why a configuration did not run on a machine, when the matrix skipped it as impossible. */
  impossible(column: ConfigColumn, machine: string): string | undefined;
}

const profileBase = (label: string): string => label.split("/")[0]!.replace(/\(\d+\)$/, "");

export function reportView(results: readonly RunResult[], meta: ReportMeta, validation: readonly ValidationResult[]): ReportView {
  const verdict = new Map(results.map((r) => [r, verdictOf(r)] as const));
  const firstSeen = <T>(xs: readonly T[]): T[] => [...new Set(xs)];
  const scenarios = firstSeen(results.map((r) => r.scenario));
  const machineNames = firstSeen(results.map((r) => machineName(r.configuration)));
  const profiles = meta.machineProfiles as readonly { name?: string; description?: string }[];
  const machines = machineNames.map((name) => {
    const d = profiles.find((p) => p?.name === name)?.description;
    return d ? { name, description: d } : { name };
  });
  const profileOrder = firstSeen(results.map((r) => r.configuration.label.split("/")[0]!));
  const cpus = firstSeen(results.map((r) => r.configuration.cpu));
  const memories = firstSeen(results.map((r) => r.configuration.memory));
  const columns = new Map<string, ConfigColumn>();
  for (const r of results) {
    const c = r.configuration;
    if (!isReference(c) && !columns.has(c.label)) {
      columns.set(c.label, { label: c.label, profile: c.label.split("/")[0]!, cpu: c.cpu, memory: c.memory, ...(c.host ? { host: c.host } : {}) });
    }
  }
  // Bare metal and hosted side by side for each strategy.
  const order = (c: ConfigColumn) => [profileOrder.indexOf(c.profile), cpus.indexOf(c.cpu), memories.indexOf(c.memory), c.host ? 1 : 0];
  const sorted = [...columns.values()].sort((a, b) => {
    const x = order(a);
    const y = order(b);
    return x[0]! - y[0]! || x[1]! - y[1]! || x[2]! - y[2]! || x[3]! - y[3]!;
  });
  const index = new Map(results.map((r) => [`${r.scenario}\u0000${r.configuration.label}\u0000${machineName(r.configuration)}`, r] as const));
  return {
    results,
    meta,
    validation,
    verdict,
    slowdown: slowdowns(results),
    region: regionSlowdowns(results),
    scenarios,
    machines,
    columns: sorted,
    cpus,
    memories,
    run: (s, l, m) => index.get(`${s}\u0000${l}\u0000${m}`),
    impossible(column, machine) {
      const plain = `${profileBase(column.label)}/${column.cpu}/${column.memory}${column.host ? "@hosted" : ""}`;
      return meta.skipped.find((s) => s.label === plain || s.label === `${plain} on ${machine}`)?.reason;
    },
  };
}
