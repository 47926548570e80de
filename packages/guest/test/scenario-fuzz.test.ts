// Scenario files nobody wrote: the shipped scenario.json files with fields given other
// values, removed, renamed, repeated or added, and with their text cut, edited and nested.
// Each must load (and its guest build, or fail with one message naming a file), or fail
// with a ScenarioError whose every line names the file and the field or its line:col.
import { cpSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { AssemblyError, getProfile } from "@vmlab/isa";
import { inputFuzzParameters } from "../../../tools/input-fuzz.js";
import { BuildError, loadScenario, MAX_BUDGET, MAX_VMS, scenarioImage, ScenarioError, scenariosRoot } from "../src/index.js";

const work = mkdtempSync(join(tmpdir(), "vmlab-scenario-fuzz-"));
/** Each shipped scenario copied once (its programs stay; scenario.json is rewritten per input). */
const BASES = readdirSync(scenariosRoot())
  .sort()
  .map((name) => {
    const dir = join(work, name);
    cpSync(join(scenariosRoot(), name), dir, { recursive: true });
    return { dir, text: readFileSync(join(dir, "scenario.json"), "utf8") };
  });
const profile = getProfile("riscv-like");

const FIELDS = [
  "name",
  "description",
  "stresses",
  "programs",
  "budget",
  "timerPeriod",
  "expectedOutput",
  "iterations",
  "interleavedOutput",
  "diskContents",
  "vms",
  "guests",
  "kernel",
  "extra",
  "__proto__",
  "constructor",
];
const VALUES: unknown[] = [
  null,
  true,
  false,
  0,
  1,
  -1,
  1.5,
  2,
  16,
  17,
  1000,
  MAX_BUDGET,
  MAX_BUDGET + 1,
  2 ** 31,
  2 ** 53,
  -(2 ** 53),
  1e300,
  "",
  "x",
  "main.s",
  "../main.s",
  "/etc/passwd",
  "nope.s",
  "scenario.json",
  ".",
  "..",
  "a\u0000b",
  "x".repeat(300),
  "d".repeat(140_000),
  [],
  [""],
  ["main.s"],
  ["main.s", "main.s"],
  ["nope.s"],
  ["../../x.s"],
  [1],
  [null],
  {},
  { name: "a" },
  [{}],
  [{ name: "a" }, { name: "a" }],
  [{ kernel: "main.s" }],
  [{ programs: [] }],
  [{ extra: 1 }],
  [[[[]]]],
];
const value = fc.oneof(fc.constantFrom(...VALUES), fc.jsonValue({ maxDepth: 3 }));

type Edit = { kind: number; field: string; value: unknown; at: number; text: string };
const edit = fc.record({
  kind: fc.nat(7),
  field: fc.constantFrom(...FIELDS),
  value,
  at: fc.nat(),
  text: fc.oneof(fc.constantFrom("{", "}", "[", "]", ",", ":", '"', "\\", "\uFEFF", "\u0000", "\n", "1", "-", "e", "null", '"budget": 1,'), fc.string({ maxLength: 4 })),
});

/** One edit of the file's text: through JSON for the field edits, raw for the others. */
function apply(text: string, e: Edit): string {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  const obj = json !== null && typeof json === "object" && !Array.isArray(json) ? (json as Record<string, unknown>) : undefined;
  const at = e.at % (text.length + 1);
  const guests = Array.isArray(obj?.guests) ? (obj!.guests as unknown[]) : undefined;
  switch (e.kind) {
    case 0: // a field set to another value
      if (!obj) return text;
      Object.defineProperty(obj, e.field, { value: e.value, enumerable: true, writable: true, configurable: true });
      return JSON.stringify(obj, null, e.at % 3);
    case 1: // a field removed
      if (!obj) return text;
      delete obj[e.field];
      return JSON.stringify(obj, null, 2);
    case 2: // a field given twice
      return text.replace("{", `{"${e.field}": ${JSON.stringify(e.value) ?? "null"},`);
    case 3: // a guest's field changed
      if (!guests || guests.length === 0) return text;
      {
        const g = guests[e.at % guests.length];
        if (g !== null && typeof g === "object") (g as Record<string, unknown>)[e.field] = e.value;
      }
      return JSON.stringify(obj);
    case 4: // text inserted
      return text.slice(0, at) + e.text + text.slice(at);
    case 5: // text removed
      return text.slice(0, at) + text.slice(at + 1 + (e.at % 7));
    case 6: // cut short
      return text.slice(0, at);
    default: // nested deeper than anyone writes
      return text.slice(0, at) + "[".repeat(5000 + (e.at % 5000)) + text.slice(at);
  }
}

function checkLoad(dir: string, text: string): void {
  const file = join(dir, "scenario.json");
  writeFileSync(file, text);
  let scenario: ReturnType<typeof loadScenario>;
  try {
    scenario = loadScenario(dir);
  } catch (e) {
    if (!(e instanceof ScenarioError)) throw new Error(`not a ScenarioError: ${(e as Error)?.constructor?.name}: ${(e as Error)?.message}`);
    for (const l of e.message.split("\n")) {
      // The file, then where: a field, or a line:col in the text.
      expect(l.startsWith(`${file}: field '`) || new RegExp(`^${file.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}(:\\d+:\\d+)?: \\S`).test(l), l).toBe(true);
      expect(l.length, l).toBeLessThan(600);
    }
    expect(e.message).not.toMatch(/Maximum call stack|Cannot read|undefined is|\[object /);
    return;
  }
  expect(Number.isSafeInteger(scenario.budget) && scenario.budget >= 1 && scenario.budget <= MAX_BUDGET).toBe(true);
  expect(scenario.vms >= 1 && scenario.vms <= MAX_VMS).toBe(true);
  expect(scenario.vmGuests).toHaveLength(scenario.vms);
  // What it names builds, or fails with one message naming a file.
  try {
    scenarioImage(scenario, profile);
  } catch (e) {
    if (!(e instanceof BuildError || e instanceof AssemblyError)) throw new Error(`building: ${(e as Error)?.constructor?.name}: ${(e as Error)?.message}`);
    expect(e.message).toMatch(/^\S+\.s(:\d+:\d+)?: \S|^a guest needs|^timer period|^the programs take|^the kernel image/);
  }
}

describe("scenario file fuzz: loaded, or an error naming the file and the field or line", () => {
  it("shipped scenario files, edited", () => {
    fc.assert(
      fc.property(fc.nat(BASES.length - 1), fc.array(edit, { minLength: 1, maxLength: 3 }), (k, edits) => {
        const base = BASES[k]!;
        checkLoad(base.dir, edits.reduce(apply, base.text));
      }),
      inputFuzzParameters(14201, 200),
    );
  });
});
