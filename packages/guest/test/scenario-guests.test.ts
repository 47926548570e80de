// Scenarios of several virtual machines: the `vms` count and the per-VM `guests` entries.
import { mkdtempSync, mkdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { getProfile } from "@vmlab/isa";
import { buildImage, BuildError, findScenario, listScenarios, loadScenario, runOnBareMetal, scenarioImage, ScenarioError } from "../src/index.js";

const root = mkdtempSync(join(tmpdir(), "vmlab-guests-"));
const make = (name: string, json: object, files: Record<string, string> = {}): string => {
  const dir = join(root, name);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, "scenario.json"), JSON.stringify(json, null, 2));
  for (const [f, t] of Object.entries(files)) writeFileSync(join(dir, f), t);
  return dir;
};
const base = { name: "x", description: "d", stresses: [], programs: ["main.s"], budget: 100000 };
const HELLO = (text: string) => `        .include "runtime.s"\nstart:  la r2, msg\n        call print\n        li r2, 0\n        call exit\nmsg:    .asciz "${text}\\n"\n`;
const loadError = (dir: string): string => {
  try {
    loadScenario(dir);
  } catch (e) {
    expect(e).toBeInstanceOf(ScenarioError);
    return (e as Error).message;
  }
  throw new Error("loaded without an error");
};

describe("scenarios of several virtual machines", () => {
  it("without guests, every VM runs the scenario's programs; VMs are named vm1, vm2, ...", () => {
    const s = loadScenario(make("same", { ...base, vms: 2 }, { "main.s": HELLO("hi") }));
    expect(s.vmGuests.map((g) => g.name)).toEqual(["vm1", "vm2"]);
    expect(s.vmGuests[1]!.sources).toEqual(s.sources);
    expect(s.vmGuests[0]!.kernel).toBeUndefined();
  });

  it("a guest entry may name the VM, give it programs and a kernel of its own, and state its output", () => {
    const s = loadScenario(
      make(
        "mixed",
        { ...base, vms: 3, guests: [{ name: "a", programs: ["a.s"], expectedOutput: "a\n" }, {}, { name: "k", kernel: "k.s", programs: [] }] },
        {
          "main.s": HELLO("main"),
          "a.s": HELLO("a"),
          "k.s": "        .org 0x80001000\nstart:  li r1, 'k'\n        out r1, 0x10\n        halt\n",
        },
      ),
    );
    expect(s.vmGuests.map((g) => g.name)).toEqual(["a", "vm2", "k"]);
    expect(s.vmGuests[0]!.sources.map((x) => x.name)).toEqual(["a.s"]);
    expect(s.vmGuests[0]!.expectedOutput).toBe("a\n");
    expect(s.vmGuests[1]!.sources.map((x) => x.name)).toEqual(["main.s"]);
    expect(s.vmGuests[2]!.kernel!.name).toBe("k.s");
    expect(s.vmGuests[2]!.sources).toEqual([]);
    // Each VM's image, alone on a bare machine.
    const p = getProfile("riscv-like");
    expect(runOnBareMetal(s, p, undefined, 0).output).toBe("a\n");
    expect(runOnBareMetal(s, p, undefined, 1).output).toBe("main\n");
    expect(runOnBareMetal(s, p, undefined, 2).output).toBe("k");
    expect(() => scenarioImage(s, p, { vm: 3 })).toThrow(/has 3 virtual machine\(s\): no VM 3/);
  });

  it("bad guest entries are named with their field", () => {
    const files = { "main.s": HELLO("m") };
    expect(loadError(make("count", { ...base, vms: 2, guests: [{}] }, files))).toMatch(/field 'guests': must have one entry per virtual machine \(vms is 2, got 1\)/);
    expect(loadError(make("noprog", { ...base, vms: 1, guests: [{ programs: ["nope.s"] }] }, files))).toMatch(/field 'guests\[0\]\.programs\[0\]': unknown program 'nope\.s'/);
    expect(loadError(make("nokern", { ...base, vms: 1, guests: [{ kernel: "k.s" }] }, files))).toMatch(/field 'guests\[0\]\.kernel': unknown kernel 'k\.s'/);
    expect(loadError(make("empty", { ...base, vms: 1, guests: [{ programs: [] }] }, files))).toMatch(/field 'guests\[0\]\.programs': must name at least one program/);
    expect(loadError(make("field", { ...base, vms: 1, guests: [{ program: ["main.s"] }] }, files))).toMatch(
      /field 'guests\[0\]\.program': unknown field \(known: name, kernel, programs, expectedOutput\)/,
    );
    expect(loadError(make("twice", { ...base, vms: 2, guests: [{ name: "a" }, { name: "a" }] }, files))).toMatch(/field 'guests\[1\]\.name': 'a' names two virtual machines/);
  });

  it("listScenarios lists those of one VM unless asked for all", () => {
    const r = mkdtempSync(join(tmpdir(), "vmlab-list-"));
    for (const [n, vms] of [
      ["one", 1],
      ["two", 2],
    ] as const) {
      mkdirSync(join(r, n));
      writeFileSync(join(r, n, "scenario.json"), JSON.stringify({ ...base, name: n, vms }));
      writeFileSync(join(r, n, "main.s"), "");
    }
    expect(listScenarios(r).map((s) => s.name)).toEqual(["one"]);
    expect(listScenarios(r, { multiVm: true }).map((s) => s.name)).toEqual(["one", "two"]);
    expect(listScenarios(undefined, { multiVm: true }).map((s) => s.name)).toEqual(expect.arrayContaining(["consolidation", "hostile"]));
  });

  it("the repository's multi-VM scenarios: consolidation states each VM's output, hostile brings its own kernel", () => {
    const c = findScenario("consolidation");
    expect(c.vms).toBe(3);
    // Its VMs run smaller copies of compute, disk-io and context-switch (those grew so
    // their work dominates a run alone): 303 primes below 2000 (a known count); 8 sectors
    // of s*1000 + w, w < 128; 2 processes yielding 500 times each.
    let disk = 0;
    for (let s = 0; s < 8; s++) for (let w = 0; w < 128; w++) disk += s * 1000 + w;
    expect(c.vmGuests.map((g) => g.expectedOutput)).toEqual(["compute: 303 primes below 2000\n", `disk-io: 8 sectors ok, checksum ${disk}\n`, `context-switch: ${2 * 500} yields\n`]);
    const h = findScenario("hostile");
    expect(h.vmGuests[0]!.kernel?.name).toBe("hostile-kernel.s");
    expect(h.vmGuests[1]!.expectedOutput).toBe(`disk-io: 8 sectors ok, checksum ${disk}\n`);
  });

  it("a kernel of one's own needs no user program; the vmlab kernel needs one", () => {
    const p = getProfile("mips-like");
    const kernel = { name: "k.s", file: "k.s", source: "        .org 0x80001000\nstart:  halt\n" };
    expect(buildImage({ profile: p, programs: [], kernel }).entry).toBe(0x80001000);
    expect(() => buildImage({ profile: p, programs: [] })).toThrow(BuildError);
  });
});
