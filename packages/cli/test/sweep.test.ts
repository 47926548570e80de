import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { MACHINE_PROFILES } from "@vmlab/core";
import { hasStackTrace, vmlab } from "./run-cli.js";

interface SweepJson {
  param: string;
  values: number[];
  configurations: string[];
  points: { value: number; scenario: string; configuration: string; cycles: number; slowdown: number; equivalent: boolean }[];
  crossovers: { scenario: string; cheaperBelow: string; cheaperAbove: string; at: number; between: [number, number] }[];
  files: string[];
}
interface RunJson {
  cycles: { total: number };
  metrics: { vmExits: Record<string, number> };
  properties: { equivalent: boolean };
}

const run = (args: string[]): RunJson => {
  const r = vmlab(["run", ...args, "--json"]);
  expect(r.status, r.stderr).toBe(0);
  return JSON.parse(r.stdout) as RunJson;
};

describe("vmlab sweep", () => {
  it("reruns configurations over a range of the VM-exit cost: cycles grow by the run's exits times each step", () => {
    const out = mkdtempSync(join(tmpdir(), "vmlab-sweep-"));
    const r = vmlab([
      "sweep",
      "--param",
      "vmExit",
      "--from",
      "0",
      "--to",
      "9000",
      "--steps",
      "3",
      "--scenarios",
      "port-io",
      "--cpus",
      "hardware-assist",
      "--profile",
      "x86-like",
      "--machine",
      "nehalem-2009",
      "--out",
      out,
      "--json",
    ]);
    expect(r.status, r.stderr).toBe(0);
    const s = JSON.parse(r.stdout) as SweepJson;
    const own = MACHINE_PROFILES["nehalem-2009"]!.costs.vmExit;
    expect(s.values).toEqual([0, 4500, 9000]);
    expect(s.configurations.map((c) => c.replace(/\(\d\)/, ""))).toEqual(["x86-like/hardware-assist/shadow", "x86-like/hardware-assist/nested"]);
    // At the profile's own value a sweep point gives the cycles a plain run gives; each
    // step adds the step times the run's exits.
    const nested = run(["port-io", "--profile", "x86-like", "--cpu", "hardware-assist", "--memory", "nested", "--machine", "nehalem-2009"]);
    const exits = Object.values(nested.metrics.vmExits).reduce((a, b) => a + b, 0);
    const at = (v: number) => s.points.find((p) => p.value === v && p.configuration.endsWith("/nested"))!;
    expect(at(9000).cycles).toBe(nested.cycles.total + (9000 - own) * exits);
    expect(at(4500).cycles).toBe(nested.cycles.total + (4500 - own) * exits);
    expect(at(0).cycles).toBe(nested.cycles.total - own * exits);
    expect(s.points.every((p) => p.equivalent)).toBe(true);
    expect(at(0).slowdown).toBeLessThan(at(9000).slowdown);
    // The files: a self-contained page with Chart.js line charts, and the data.
    expect(s.files.map((f) => f.split("/").pop())).toEqual(["sweep.json", "sweep.csv", "sweep.html"]);
    const html = readFileSync(join(out, "sweep.html"), "utf8");
    expect(html).toMatch(/Chart\.js v4/);
    expect(html).toContain('type: "line"');
    expect(html).toContain("port-io");
    expect(readFileSync(join(out, "sweep.csv"), "utf8").split("\n")[0]).toBe("param,value,scenario,configuration,cycles,slowdown,equivalent,status");
  });

  it("finds where hardware assist overtakes trap-and-emulate as exits get cheaper, where the two cost lines cross", () => {
    const out = mkdtempSync(join(tmpdir(), "vmlab-sweep-"));
    const r = vmlab([
      // With a 10^6-instruction tick the run has no timer exits: hardware assist's few exits
      // (console bytes, work marks, PTBR writes, halt) keep it cheaper up to a VM exit of
      // roughly 200,000 cycles, so the range reaches beyond that.
      "sweep",
      "--param",
      "vmExit",
      "--from",
      "400000",
      "--to",
      "0",
      "--steps",
      "3",
      "--scenarios",
      "syscall",
      "--cpus",
      "trap-emulate,hardware-assist",
      "--memories",
      "shadow",
      "--profile",
      "riscv-like",
      "--out",
      out,
    ]);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/syscall: slowdown against native by vmExit/);
    expect(r.stdout).toMatch(/hardware-assist\/shadow is cheaper below vmExit ≈ [\d,]+, riscv-like\(3\)\/trap-emulate\/shadow above/);
    // Trap-and-emulate does not exit; hardware assist pays vmExit once per exit: the lines cross where they meet.
    const hw = run(["syscall", "--profile", "riscv-like", "--cpu", "hardware-assist", "--memory", "shadow"]);
    const te = run(["syscall", "--profile", "riscv-like", "--cpu", "trap-emulate", "--memory", "shadow"]);
    const exits = Object.values(hw.metrics.vmExits).reduce((a, b) => a + b, 0);
    const expected = MACHINE_PROFILES["p4-2006"]!.costs.vmExit + (te.cycles.total - hw.cycles.total) / exits;
    const s = JSON.parse(readFileSync(join(out, "sweep.json"), "utf8")) as SweepJson;
    const x = s.crossovers.find((c) => c.scenario === "syscall")!;
    expect(x.cheaperBelow).toMatch(/hardware-assist/);
    expect(x.at).toBeCloseTo(expected, 6);
    expect(Math.round(x.at)).toBeGreaterThan(0);
    expect(x.at).toBeLessThan(400000);
  });

  const bad: [string, string[], RegExp][] = [
    [
      "an unknown cost",
      ["--param", "vmexit", "--from", "1", "--to", "2"],
      /unknown cost 'vmexit' for --param \(valid: instruction, walkReference, .*vmExit, vmEntry, exitHandling, worldSwitch, hostUserExit, hostSystemCall, vmRoundTrip, handledExit/,
    ],
    ["a bad number", ["--param", "vmExit", "--from", "lots", "--to", "2"], /--from must be a non-negative number of cycles \(got 'lots'\)/],
    ["a bad metric", ["--param", "vmExit", "--from", "1", "--to", "2", "--metric", "speed"], /unknown metric 'speed' \(valid: slowdown, cycles\)/],
    ["an unknown CPU strategy", ["--param", "vmExit", "--from", "1", "--to", "2", "--cpus", "vtx"], /unknown CPU strategy 'vtx' \(valid: native, .*hardware-assist/],
  ];
  for (const [what, args, message] of bad) {
    it(`${what}: one clear line, no stack trace, no files`, () => {
      const out = join(mkdtempSync(join(tmpdir(), "vmlab-sweep-bad-")), "out");
      const r = vmlab(["sweep", ...args, "--out", out]);
      expect(r.status).toBe(2);
      expect(r.stderr).toMatch(message);
      expect(hasStackTrace(r.stderr)).toBe(false);
      expect(existsSync(out)).toBe(false);
    });
  }
});
