// Hosted (Type 2) monitors: the same guest, the same execution, and every device access
// to the console or the disk crossing to the user-level process that emulates it.
import { describe, expect, it } from "vitest";
import { findScenario, listScenarios } from "@vmlab/guest";
import type { MachineStats } from "@vmlab/isa";
import {
  ConfigurationError,
  cyclesOf,
  enumerateConfigurations,
  hostedDeviceEvents,
  Ledger,
  MACHINE_PROFILES,
  MACHINE_PROFILE_NAMES,
  priceEvents,
  PUBLISHED,
  runConfiguration,
  type ConfigurationSpec,
  type EventCounts,
  type RunResult,
} from "../src/index.js";
import { strategyLab } from "@vmlab/test-support";

const lab = await strategyLab();
const { modules, catalog } = lab;
const p4 = MACHINE_PROFILES["p4-2006"]!.costs;
const fig = (id: string): number => PUBLISHED[id]!.value;
const resolve = (spec: Omit<ConfigurationSpec, "machine"> & { machine?: string }) => lab.config({ machine: "p4-2006", ...spec });

const HOST_EVENTS = ["worldSwitch", "userSpaceExit", "hostSystemCall"] as const;
const withoutHost = (c: EventCounts): EventCounts => Object.fromEntries(Object.entries(c).filter(([k]) => !(HOST_EVENTS as readonly string[]).includes(k)));

describe("the hosted costs are the arithmetic their provenance states", () => {
  it("VMware Workstation: two world switches and the ioctl back make up Sugerman et al.'s switch to VMApp beyond an IN/OUT in the monitor", () => {
    const crossing = 2 * p4.worldSwitch + p4.hostSystemCall;
    expect(Math.abs(crossing - (fig("sugerman01.io.vmapp") - fig("sugerman01.io.vmm")))).toBeLessThanOrEqual(1);
  });

  it("KVM: an exit to user space and the ioctl back make up the user-space I/O exit beyond the in-kernel one, on the generations it is derived for", () => {
    for (const m of ["nehalem-2009", "skylake-2015"]) {
      const c = MACHINE_PROFILES[m]!.costs;
      expect(c.hostUserExit + c.hostSystemCall, m).toBe(fig("kvmarm14.x86.io.user") - fig("kvmarm14.x86.io.kernel"));
    }
  });

  it("a host system call costs at least the machine's own trap round trip, on every generation", () => {
    for (const m of MACHINE_PROFILE_NAMES) {
      const c = MACHINE_PROFILES[m]!.costs;
      expect(c.hostSystemCall, m).toBeGreaterThan(c.trapEntry + c.trapReturn);
    }
  });
});

describe("a hosted monitor's device accesses, counted and priced", () => {
  // DEVICE_NAMES order: console, timer, disk, post, none.
  const accesses = [3, 5, 4, 7, 0];

  it("world switches: two per console or disk access, a host system call per access (the ioctl back) and per transfer (hand calculation on p4-2006)", () => {
    const c = hostedDeviceEvents(accesses, 4, "world-switch");
    expect(c).toEqual({ worldSwitch: 14, hostSystemCall: 11 });
    const l = priceEvents(new Ledger(), p4, c);
    expect(l.total()).toBe(14 * 1382 + 11 * 1700);
    expect(l.byCategory()["host crossings"]).toBe(l.total());
  });

  it("KVM: one exit to user space per console or disk access; the timer and port 0x80 stay in the monitor", () => {
    expect(hostedDeviceEvents(accesses, 4, "user-exit")).toEqual({ userSpaceExit: 7, hostSystemCall: 11 });
    expect(hostedDeviceEvents([0, 9, 0, 9, 0], 0, "user-exit")).toEqual({});
  });
});

describe("hosted configurations", () => {
  it("are labelled @hosted; bare metal keeps its label", () => {
    expect(resolve({ profile: "x86-like", cpu: "binary-translation", memory: "shadow", host: "hosted" }).label).toBe("x86-like/binary-translation/shadow@hosted");
    expect(resolve({ profile: "x86-like", cpu: "binary-translation", memory: "shadow" }).label).toBe("x86-like/binary-translation/shadow");
    expect(resolve({ profile: "x86-like", cpu: "binary-translation", memory: "shadow", host: "bare-metal" }).host).toBe("bare-metal");
  });

  it("are refused, with the reason, for a strategy that has no hosted build", () => {
    const refused = (cpu: string) => () => resolve({ profile: "riscv-like", cpu, host: "hosted" });
    expect(refused("paravirt")).toThrow(ConfigurationError);
    // Core's sentence, with the reason each strategy gives for having no hosted build.
    for (const cpu of ["paravirt", "native", "interpret"]) {
      const hosting = catalog.find((s) => s.name === cpu)!.hosting;
      const why = hosting && "refused" in hosting ? hosting.refused : "";
      expect(why, cpu).not.toBe("");
      expect(refused(cpu)).toThrow(expect.objectContaining({ kind: "impossible", message: `impossible configuration: CPU strategy '${cpu}' cannot be hosted: ${why}` }));
    }
    expect(() => resolve({ profile: "riscv-like", cpu: "trap-emulate", host: "type-2" })).toThrow(/unknown host 'type-2' \(valid: bare-metal, hosted\)/);
  });

  it("enumerate beside bare metal when asked, each refusal listed once", () => {
    const { configurations, skipped } = enumerateConfigurations(catalog, { profiles: ["riscv-like"], machines: ["p4-2006"], hosts: ["bare-metal", "hosted"] });
    const hosted = configurations.filter((c) => c.host === "hosted").map((c) => c.label);
    expect(hosted).toEqual(["riscv-like/trap-emulate/shadow@hosted", "riscv-like/binary-translation/shadow@hosted", "riscv-like/hardware-assist/shadow@hosted"]);
    expect(
      skipped
        .filter((s) => s.label.endsWith("@hosted"))
        .map((s) => s.label)
        .sort(),
    ).toEqual(["interpret@hosted", "native@hosted", "paravirt@hosted"]);
    expect(enumerateConfigurations(catalog, { profiles: ["riscv-like"], machines: ["p4-2006"] }).configurations.every((c) => c.host === "bare-metal")).toBe(true);
  });
});

// One hosted configuration per strategy that can be hosted, on the strict profile.
const HOSTABLE = ["trap-emulate", "binary-translation", "hardware-assist"] as const;

describe("hosted runs are equivalent to native on every scenario", () => {
  const native = resolve({ profile: "riscv-like", cpu: "native" });
  const natives = new Map<string, RunResult>();
  const nativeOf = (name: string): RunResult => {
    let r = natives.get(name);
    if (!r) natives.set(name, (r = runConfiguration(native, findScenario(name), modules)));
    return r;
  };
  for (const cpu of HOSTABLE) {
    const hosted = resolve({ profile: "riscv-like", cpu, memory: "shadow", host: "hosted" });
    it(`${cpu}@hosted`, () => {
      for (const s of listScenarios(undefined, { multiVm: true })) {
        const r = runConfiguration(hosted, s, modules, { reference: nativeOf(s.name).digest! });
        expect(r.properties!.equivalent, `${s.name}: ${r.properties!.divergence?.detail}`).toBe(true);
        expect(r.configuration.host).toBe("hosted");
      }
    });
  }
});

describe("hosted against bare metal, the same strategy", () => {
  const native = runConfiguration(resolve({ profile: "riscv-like", cpu: "native" }), findScenario("disk-io"), modules);
  const nativeStats = (native.execution.machine as { stats(): MachineStats }).stats();

  for (const cpu of HOSTABLE) {
    const bare = resolve({ profile: "riscv-like", cpu, memory: "shadow" });
    const hosted = resolve({ profile: "riscv-like", cpu, memory: "shadow", host: "hosted" });
    const pair = (scenario: string) => [runConfiguration(bare, findScenario(scenario), modules), runConfiguration(hosted, findScenario(scenario), modules)] as const;

    it(`${cpu}: disk-io's hosted cycles are the bare run's plus its crossings, by hand from the native run's device accesses`, () => {
      const [b, h] = pair("disk-io");
      // The same execution: every other event counted alike.
      expect(withoutHost(h.counts!)).toEqual(b.counts);
      // Each console or disk access crosses; each console byte and each sector moved is a read or write on the host.
      const exits = (native.counts!.consoleAccess ?? 0) + (native.counts!.diskAccess ?? 0);
      const transfers = native.output.length + nativeStats.diskReads + nativeStats.diskWrites;
      expect(transfers).toBe(native.output.length + 512);
      const crossing = cpu === "hardware-assist" ? exits * p4.hostUserExit : 2 * exits * p4.worldSwitch;
      expect(h.cycles!.total - b.cycles!.total).toBe(crossing + (exits + transfers) * p4.hostSystemCall);
      // I/O-bound: clearly slower hosted.
      expect(h.cycles!.total / b.cycles!.total).toBeGreaterThan(1.3);
    });

    it(`${cpu}: compute stays within 1% of bare metal hosted, and no run is faster hosted on any machine generation`, () => {
      const [b, h] = pair("compute");
      expect(h.region!.cycles.total / b.region!.cycles.total).toBeLessThan(1.01);
      for (const scenario of ["compute", "syscall"]) {
        const [bs, hs] = scenario === "compute" ? [b, h] : pair(scenario);
        expect(withoutHost(hs.counts!)).toEqual(bs.counts);
        for (const m of MACHINE_PROFILE_NAMES) {
          const costs = MACHINE_PROFILES[m]!.costs;
          expect(cyclesOf(costs, hs.counts!).total, `${scenario} on ${m}`).toBeGreaterThanOrEqual(cyclesOf(costs, bs.counts!).total);
        }
      }
    });
  }
});
