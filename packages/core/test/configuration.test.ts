import { describe, expect, it } from "vitest";
import {
  catalogOf,
  configurationLabel,
  getMachineProfile,
  HOSTS,
  MACHINE_PROFILE_NAMES,
  enumerateConfigurations,
  resolveConfiguration,
  type Configuration,
  type MachineProfile,
} from "../src/index.js";
import { builtinModules } from "./helpers.js";

const catalog = catalogOf(await builtinModules());
/** What crosses to a worker or a page: JSON text. */
const overJson = (c: Configuration) => JSON.parse(JSON.stringify(c)) as Configuration["record"];

describe("a configuration's record", () => {
  // Every configuration the default matrix runs (every profile, machine and host), as the
  // matrix labels its cells, and each one's native reference.
  const { configurations } = enumerateConfigurations(catalog, { machines: MACHINE_PROFILE_NAMES, hosts: HOSTS });
  const all = configurations.flatMap((c) => [c, c.withLabel(configurationLabel(c.profile, c.cpu, c.memory, c.host, true)), c.reference(`${c.profile.name}/native/direct`)]);

  it("resolves back to the same configuration, for every configuration of the default matrix", () => {
    expect(configurations.length).toBeGreaterThan(100);
    for (const c of all) {
      const record = overJson(c);
      expect(record).toEqual(c.record);
      expect(resolveConfiguration(record, catalog), c.label).toEqual(c);
    }
  });

  it("names a built-in machine (with feature switches too) and holds any other machine as data", () => {
    const named = resolveConfiguration({ profile: "x86-like", cpu: "hardware-assist", memory: "shadow", machine: "nehalem-2009:nestedPaging=off" }, catalog);
    expect(overJson(named)).toEqual({ label: "x86-like/hardware-assist/shadow", profile: "x86-like", levels: 2, cpu: "hardware-assist", memory: "shadow", machine: "nehalem-2009:nestedPaging=off" });
    expect(resolveConfiguration(overJson(named), catalog).machine.features.nestedPaging).toBe(false);

    const base = getMachineProfile("p4-2006");
    const custom: MachineProfile = { ...base, name: "p4-2006 with a dearer trap", costs: { ...base.costs, trapEntry: base.costs.trapEntry + 1 } };
    const c = resolveConfiguration({ profile: "mips-like", cpu: "trap-emulate", machine: custom, host: "hosted" }, catalog);
    const record = overJson(c);
    expect(record.machine).toEqual(custom);
    expect(record.host).toBe("hosted");
    expect(resolveConfiguration(record, catalog)).toEqual(c);
  });
});
