// The region of interest: every scenario marks its measured work with the roi system
// call (the work-marker port); every strategy must report the marks alike, once each, at
// the guest instruction where bare metal sees them, and the marker is no device.
import { describe, expect, it } from "vitest";
import { findScenario, listScenarios } from "@vmlab/guest";
import { enumerateConfigurations, RegionMarks, runConfiguration, TraceLog, type Configuration, type RegionMark, type RunResult } from "../src/index.js";
import { strategyLab } from "@vmlab/test-support";

const lab = await strategyLab();
const { modules, catalog } = lab;
// Skylake has every feature, so every memory strategy (nested included) can run.
const MACHINE = "skylake-2015";
const PROFILES = ["mips-like", "riscv-like", "x86-like"];
const single = listScenarios().filter((s) => s.vms === 1);

function runMarked(config: Configuration, scenario: string): { marks: RegionMark[]; result: RunResult } {
  const marks: RegionMark[] = [];
  const result = runConfiguration(config, findScenario(scenario), modules, { region: { mark: (k) => marks.push(k) } });
  return { marks, result };
}

describe("RegionMarks", () => {
  it("tells the recorder each begin (1) and end (0) write, ignores other values, and keeps the first begin and the first end after it", () => {
    const told: RegionMark[] = [];
    const marks = new RegionMarks({ mark: (k) => told.push(k) });
    marks.mark(0, 5); // an end before any begin: told, but no region from it
    marks.mark(2, 6); // not a marker value: ignored
    expect(marks.result()).toEqual({});
    marks.mark(1, 10);
    marks.mark(1, 12);
    marks.mark(0, 30);
    marks.mark(0, 40);
    expect(told).toEqual(["end", "begin", "begin", "end", "end"]);
    expect(marks.result()).toEqual({ region: { beginInstructions: 10, endInstructions: 30 } });
  });
});

describe("work markers", () => {
  for (const profile of PROFILES) {
    const { configurations } = enumerateConfigurations(catalog, { profiles: [profile], machines: [MACHINE] });
    // Trap-and-emulate on x86-like is expected to diverge (it may never reach the marks).
    const monitors = configurations.filter((c) => c.cpu !== "native" && !(c.profile.name === "x86-like" && c.cpu === "trap-emulate"));
    const native = lab.config({ profile, cpu: "native", machine: MACHINE });

    for (const s of single) {
      it(`${s.name} on ${profile}: every strategy marks begin then end once, where native does`, () => {
        const n = runMarked(native, s.name);
        expect(n.marks).toEqual(["begin", "end"]);
        const region = n.result.metrics!.region!;
        expect(region.beginInstructions).toBeGreaterThan(0);
        expect(region.endInstructions).toBeGreaterThan(region.beginInstructions);
        expect(region.endInstructions).toBeLessThan(n.result.metrics!.guestInstructions);
        for (const c of monitors) {
          // The interpreter is stepped one instruction at a time: the small scenarios suffice for it.
          if (c.cpu === "interpret" && n.result.metrics!.guestInstructions > 700_000) continue;
          const r = runMarked(c, s.name);
          expect(r.result.outcome, c.label).toBe("halt");
          expect(r.marks, c.label).toEqual(["begin", "end"]);
          // The paravirtual kernel retires other instructions: it is held to the marks only.
          if (c.cpu !== "paravirt") expect(r.result.metrics!.region, c.label).toEqual(region);
          else expect(r.result.metrics!.region, c.label).toBeDefined();
        }
      });
    }
  }

  it("the interpreter marks the large workloads where native does too", () => {
    const native = lab.config({ profile: "riscv-like", cpu: "native", machine: MACHINE });
    const interpret = lab.config({ profile: "riscv-like", cpu: "interpret", machine: MACHINE });
    const n = runMarked(native, "disk-io");
    const i = runMarked(interpret, "disk-io");
    expect(i.marks).toEqual(["begin", "end"]);
    expect(i.result.metrics!.region).toEqual(n.result.metrics!.region);
  });

  it("is no device: no port I/O, virtual device access or device callout is counted for it", () => {
    // compute prints "compute: 2262 primes below 20000\n" (9 + 4 + 19 + 1 = 33 bytes, one
    // console OUT each) and the kernel sets the timer with one OUT at boot: 34 device
    // accesses, the two marks none.
    expect(findScenario("compute").expectedOutput!.length).toBe(33);
    const devices = 33 + 1;
    const line = (r: RunResult, event: string) => r.cycles!.lines.find((l) => l.event === event)?.count ?? 0;
    const on = (cpu: string, memory?: string) => runMarked(lab.config({ profile: "riscv-like", cpu, ...(memory ? { memory } : {}), machine: MACHINE }), "compute").result;
    const nat = on("native");
    expect(line(nat, "console port access") + line(nat, "timer port access")).toBe(devices);
    expect(line(on("interpret"), "virtual device register emulated")).toBe(devices);
    const te = on("trap-emulate");
    expect(te.metrics!.events!["virtual port I/O"]).toBe(devices);
    expect(te.metrics!.events!["emulated OUT"]).toBe(devices + 2); // the marks still trap and are emulated
    expect(line(on("binary-translation"), "virtual device register emulated")).toBe(devices);
    const ha = on("hardware-assist", "nested");
    expect(line(ha, "virtual device register emulated")).toBe(devices);
    // The marker's I/O-bitmap bit lets it run in guest mode: no exit for it.
    expect(ha.metrics!.vmExits["I/O instruction"]).toBe(devices);
    const pv = on("paravirt");
    // The paravirtual kernel writes the console by hypercall: no port at all.
    expect(pv.metrics!.events!["virtual port I/O"] ?? 0).toBe(0);
  });

  it("under a trace (vmlab trace) too, at the same guest instructions", () => {
    const native = lab.config({ profile: "mips-like", cpu: "native", machine: MACHINE });
    const plain = runMarked(native, "syscall").result.metrics!.region;
    for (const cpu of ["native", "interpret", "trap-emulate", "binary-translation", "paravirt"]) {
      const c = lab.config({ profile: "mips-like", cpu, machine: MACHINE });
      const marks: RegionMark[] = [];
      const r = runConfiguration(c, findScenario("syscall"), modules, { trace: new TraceLog(), region: { mark: (k) => marks.push(k) } });
      expect(marks, cpu).toEqual(["begin", "end"]);
      if (cpu !== "paravirt") expect(r.metrics!.region, cpu).toEqual(plain);
    }
    const ha = lab.config({ profile: "x86-like", cpu: "hardware-assist", memory: "shadow", machine: MACHINE });
    const marks: RegionMark[] = [];
    runConfiguration(ha, findScenario("syscall"), modules, { trace: new TraceLog(), region: { mark: (k) => marks.push(k) } });
    expect(marks).toEqual(["begin", "end"]);
  });

  it("several VMs: each VM's marks come back with its own result, and no run-level region", () => {
    const config = lab.config({ profile: "riscv-like", cpu: "trap-emulate", machine: MACHINE });
    const marks: RegionMark[] = [];
    const r = runConfiguration(config, findScenario("consolidation"), modules, { region: { mark: (k) => marks.push(k) } });
    expect(r.vms!.every((v) => v.outcome === "halt")).toBe(true);
    expect(marks).toEqual([]);
    expect(r.metrics!.region).toBeUndefined();
    for (const v of r.vms!) expect(v.region!.endInstructions, v.name).toBeGreaterThan(v.region!.beginInstructions);
  });
});
