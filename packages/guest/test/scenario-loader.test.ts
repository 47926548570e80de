// The scenario loader: what it returns, and errors that name the file, the field and the
// offending value.
import { mkdtempSync, mkdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, isAbsolute, join } from "node:path";
import { describe, expect, it } from "vitest";
import { getProfile } from "@vmlab/isa";
import { findScenario, listScenarios, loadScenario, runOnBareMetal, ScenarioError, scenariosRoot } from "../src/index.js";
import { jsonErrorOffset } from "../src/scenario-json.js";

const root = mkdtempSync(join(tmpdir(), "vmlab-scen-"));
const make = (name: string, json: string | object | undefined, files: Record<string, string> = {}): string => {
  const dir = join(root, name);
  mkdirSync(dir, { recursive: true });
  if (json !== undefined) writeFileSync(join(dir, "scenario.json"), typeof json === "string" ? json : JSON.stringify(json, null, 2));
  for (const [f, t] of Object.entries(files)) writeFileSync(join(dir, f), t);
  return dir;
};
const valid = { name: "x", description: "d", stresses: [], programs: ["main.s"], budget: 1000 };
const without = (key: keyof typeof valid) => Object.fromEntries(Object.entries(valid).filter(([k]) => k !== key));
const loadError = (dir: string): string => {
  try {
    loadScenario(dir);
  } catch (e) {
    expect(e).toBeInstanceOf(ScenarioError);
    return (e as Error).message;
  }
  throw new Error("loaded without an error");
};

describe("loadScenario", () => {
  it("returns the parsed file, its absolute folder and each program's source", () => {
    const dir = make(
      "ok",
      { ...valid, programs: ["main.s", "child.s"], timerPeriod: 500, iterations: 3, vms: 2 },
      {
        "main.s": "start: nop\n",
        "child.s": "start: halt\n",
      },
    );
    const s = loadScenario(dir);
    expect(s.name).toBe("x");
    expect(s.budget).toBe(1000);
    expect(s.timerPeriod).toBe(500);
    expect(s.iterations).toBe(3);
    expect(s.vms).toBe(2);
    expect(s.expectedOutput).toBeUndefined();
    expect(loadScenario(make("onevm", valid, { "main.s": "" })).vms).toBe(1); // the default
    expect(isAbsolute(s.dir)).toBe(true);
    expect(s.sources).toEqual([
      { name: "main.s", file: join(s.dir, "main.s"), source: "start: nop\n" },
      { name: "child.s", file: join(s.dir, "child.s"), source: "start: halt\n" },
    ]);
  });

  it("a folder that does not exist", () => {
    expect(loadError(join(root, "nowhere"))).toMatch(/nowhere: no such scenario folder/);
  });

  it("a folder without scenario.json", () => {
    expect(loadError(make("nojson", undefined))).toMatch(/nojson[/\\]scenario\.json: missing/);
  });

  it("malformed JSON, with the engine's position", () => {
    // Line 3 is "  oops": the property name is expected at its column 3.
    const message = loadError(make("bad", '{\n  "name": "x",\n  oops\n}'));
    expect(message).toMatch(/scenario\.json:3:3: malformed JSON \(Expected double-quoted property name\)/);
  });

  it("malformed JSON whose engine message has no position is located anyway", () => {
    // Line 2 is '  "budget": lots': two spaces, 9 characters of '"budget":', a space, then 'l' at column 13.
    expect(loadError(make("token", '{\n  "budget": lots\n}'))).toMatch(/scenario\.json:2:13: malformed JSON \(Unexpected token 'l'\)/);
    expect(loadError(make("empty", ""))).toMatch(/scenario\.json:1:1: malformed JSON \(Unexpected end of JSON input\)/);
  });

  it("a missing field", () => {
    expect(loadError(make("nobudget", without("budget"), { "main.s": "" }))).toMatch(/scenario\.json: field 'budget': missing/);
    expect(loadError(make("noprograms", without("programs")))).toMatch(/field 'programs': missing/);
  });

  it("an ill-typed field names the value it got", () => {
    const message = loadError(make("typed", { ...valid, budget: "lots" }, { "main.s": "" }));
    expect(message).toMatch(/scenario\.json: field 'budget': must be a number .*\(got "lots"\)/);
    expect(loadError(make("frac", { ...valid, budget: 1.5 }, { "main.s": "" }))).toMatch(/field 'budget': must be a whole number \(got 1\.5\)/);
    expect(loadError(make("zero", { ...valid, timerPeriod: 0 }, { "main.s": "" }))).toMatch(/field 'timerPeriod': must be at least 1 \(got 0\)/);
    expect(loadError(make("stresses", { ...valid, stresses: ["a", 3] }, { "main.s": "" }))).toMatch(/field 'stresses\[1\]': must be a string \(got 3\)/);
  });

  it("a budget or a number of VMs past what a run can hold: one line naming the limit", () => {
    expect(loadError(make("hugebudget", { ...valid, budget: 9007199254740991 }, { "main.s": "" }))).toMatch(/field 'budget': must be at most 1,000,000,000/);
    expect(loadError(make("hugevms", { ...valid, vms: 2147483648 }, { "main.s": "" }))).toMatch(/field 'vms': must be at most 16/);
    expect(loadError(make("manyvms", { ...valid, vms: 100000 }, { "main.s": "" }))).toMatch(/field 'vms': must be at most 16/);
  });

  it("a field given twice (JSON.parse would keep the last silently), at its line and column", () => {
    const text = '{\n  "name": "x", "description": "d", "stresses": [], "programs": ["main.s"],\n  "budget": 1000,\n  "budget": 5\n}\n';
    expect(loadError(make("dupkey", text, { "main.s": "" }))).toMatch(/scenario\.json:4:3: field 'budget' appears twice/);
    // The same key in two different objects is not a duplicate.
    const nested = { ...valid, vms: 2, guests: [{ name: "a" }, { name: "b" }] };
    expect(() => loadScenario(make("nested-names", nested, { "main.s": "" }))).not.toThrow();
  });

  it("an unknown field (a misspelling would otherwise be ignored)", () => {
    const message = loadError(make("extra", { ...valid, budgett: 5 }, { "main.s": "" }));
    expect(message).toMatch(/field 'budgett': unknown field \(known: name, description, .*budget/);
  });

  it("a top level that is not an object", () => {
    expect(loadError(make("array", "[1, 2]"))).toMatch(/field '\(top level\)': must be a JSON object/);
  });

  it("every problem at once, one line each", () => {
    const lines = loadError(make("many", { ...without("name"), budget: -3, vms: "two" })).split("\n");
    expect(lines).toHaveLength(3);
    expect(lines.every((l) => l.includes("scenario.json: field '"))).toBe(true);
    expect(lines.join("\n")).toMatch(/'name': missing/);
    expect(lines.join("\n")).toMatch(/'budget': must be at least 1 \(got -3\)/);
    expect(lines.join("\n")).toMatch(/'vms': must be a number/);
  });

  it("programs: none, outside the folder, unknown, or a folder", () => {
    expect(loadError(make("noprog", { ...valid, programs: [] }))).toMatch(/field 'programs': must name at least one program/);
    expect(loadError(make("escape", { ...valid, programs: ["../main.s"] }))).toMatch(/field 'programs\[0\]': must be a file in the scenario folder/);
    expect(loadError(make("prog", { ...valid, programs: ["main.s", "nope.s"] }, { "main.s": "" }))).toMatch(/field 'programs\[1\]': unknown program 'nope\.s'/);
    const dir = make("dirprog", { ...valid, programs: ["sub"] });
    mkdirSync(join(dir, "sub"));
    expect(loadError(dir)).toMatch(/field 'programs\[0\]': 'sub' is a directory, not a program/);
  });

  it("what the fuzz suite found: long or odd keys, names and engine messages stay on one short line", () => {
    const longKey = { ...valid, [`${"[".repeat(5000)}programs`]: 1 };
    const lines = loadError(make("longkey", longKey, { "main.s": "" })).split("\n");
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/field '\[{40}…': unknown field/);
    expect(loadError(make("ctrlkey", { ...valid, "a\nb": 1 }, { "main.s": "" }))).toMatch(/field 'a\\nb': unknown field/);
    expect(loadError(make("nulname", { ...valid, programs: ["a\u0000b"] }, { "main.s": "" }))).toMatch(/field 'programs\[0\]': unknown program 'a\\u0000b' \(no such file in /);
    // V8 echoes the text around a bad token, cut short with "...": the echo goes, and with it its line break.
    const echo = loadError(make("echo", '{"name":: null,\n  "budget": 1}', { "main.s": "" }));
    expect(echo).toBe(`${join(root, "echo", "scenario.json")}:1:9: malformed JSON (Unexpected token ':')`);
    expect(loadError(make("bigdisk", { ...valid, diskContents: "d".repeat(140_000) }, { "main.s": "" }))).toMatch(
      /^\S+scenario\.json: field 'diskContents': must fit on the disk: at most 131,072 bytes in UTF-8 \(got "d{59}… \(140,002 characters\)\)$/,
    );
  });

  it("diskContents is on the disk from sector 0 when the scenario runs", () => {
    const reader = `        .include "runtime.s"
start:  li r2, 0
        la r3, buffer
        call sys_disk_read
        la r2, buffer
        call print
        li r2, 0
        call exit
        .align 4
buffer: .space 513
`;
    const s = loadScenario(make("disk", { ...valid, budget: 1_000_000, diskContents: "left on the disk\n" }, { "main.s": reader }));
    expect(s.diskContents).toBe("left on the disk\n");
    const r = runOnBareMetal(s, getProfile("riscv-like"));
    expect(r.outcome).toBe("halt");
    expect(r.output).toBe("left on the disk\n");
  });

  it("an assembly error in a program names the program file, line and column", () => {
    const s = loadScenario(make("asm", valid, { "main.s": "start: frob r1\n" }));
    expect(() => runOnBareMetal(s, getProfile("x86-like"))).toThrow(/main\.s:1:8: unknown instruction 'frob'/);
  });
});

describe("listScenarios, findScenario, scenariosRoot", () => {
  it("the default root is the repository's scenarios/ folder", () => {
    expect(basename(scenariosRoot().replace(/[/\\]$/, ""))).toBe("scenarios");
    expect(listScenarios().map((s) => s.name)).toContain("syscall");
  });

  it("lists the folders with a scenario.json, sorted, skipping the rest", () => {
    const r = mkdtempSync(join(tmpdir(), "vmlab-root-"));
    for (const n of ["zeta", "alpha"]) {
      mkdirSync(join(r, n));
      writeFileSync(join(r, n, "scenario.json"), JSON.stringify({ ...valid, name: n }));
      writeFileSync(join(r, n, "main.s"), "");
    }
    mkdirSync(join(r, "notes"));
    expect(listScenarios(r).map((s) => s.name)).toEqual(["alpha", "zeta"]);
  });

  it("a missing root", () => {
    expect(() => listScenarios(join(root, "absent"))).toThrow(/absent: no scenarios folder/);
  });

  it("finds by name or by path, and an unknown name lists the valid ones", () => {
    expect(findScenario("syscall").name).toBe("syscall");
    expect(findScenario(join(scenariosRoot(), "compute")).name).toBe("compute");
    expect(() => findScenario("sycsall")).toThrow(/unknown scenario 'sycsall' \(valid: .*syscall/);
  });
});

describe("jsonErrorOffset", () => {
  it("finds nothing wrong in valid JSON", () => {
    for (const t of ['{"a": [1, -2.5e3, true, false, null, "x\\n\\u00e9"], "b": {}}', "[]", ' "s" ', "0"]) {
      expect(jsonErrorOffset(t)).toBeUndefined();
    }
  });

  it("points at the first character that cannot continue the text", () => {
    // Offsets counted by hand.
    expect(jsonErrorOffset('{"a": x}')).toBe(6);
    expect(jsonErrorOffset('{"a": tru}')).toBe(9);
    expect(jsonErrorOffset('{"a": 1,}')).toBe(8);
    expect(jsonErrorOffset('{"a" 1}')).toBe(5);
    expect(jsonErrorOffset("[1 2]")).toBe(3);
    expect(jsonErrorOffset('"ab')).toBe(3);
    expect(jsonErrorOffset('"\\q"')).toBe(2);
    expect(jsonErrorOffset("{} x")).toBe(3);
    expect(jsonErrorOffset("")).toBe(0);
  });
});
