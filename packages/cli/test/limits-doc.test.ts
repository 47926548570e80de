// The input limits users read (README's table, ISA.md's for the assembler) against the
// constants the code enforces: a limit changed in one place and not the other fails here.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { MAX_COST_CYCLES, MAX_SHARD_FILE_BYTES, MAX_WORKERS } from "@vmlab/core";
import { MAX_QUIZ_SEED } from "@vmlab/course";
import { MAX_BUDGET, MAX_DISK_CONTENTS_BYTES, MAX_VMS } from "@vmlab/guest";
import { MAX_DEFINITION_CHAIN, MAX_DIAGNOSTICS, MAX_EVALUATION_DEPTH, MAX_EXPRESSION_NESTING, MAX_IMAGE_BYTES, MAX_INCLUDE_DEPTH, MAX_PROGRAM_FILE_BYTES, MAX_SETTINGS_FILE_BYTES } from "@vmlab/isa";
import { MAX_SWEEP_STEPS } from "../src/commands/sweep.js";
import { repoRoot } from "./run-cli.js";

/** Row label (first column, up to its first comma or colon) → the enforced value. */
const LIMITS: Record<string, number> = {
  "a scenario's `budget`": MAX_BUDGET,
  "a scenario's `vms`": MAX_VMS,
  "a scenario's `diskContents`": MAX_DISK_CONTENTS_BYTES,
  "`sweep --steps`": MAX_SWEEP_STEPS,
  "a cost in a machine profile": MAX_COST_CYCLES,
  "`matrix --workers`": MAX_WORKERS,
  "`quiz --seed`": MAX_QUIZ_SEED,
  "an assembly source": MAX_PROGRAM_FILE_BYTES,
  "a source or an included file": MAX_PROGRAM_FILE_BYTES,
  "`scenario.json`": MAX_SETTINGS_FILE_BYTES,
  "a shard's results (`vmlab merge`)": MAX_SHARD_FILE_BYTES,
  "an image": MAX_IMAGE_BYTES,
  "`.include` nesting": MAX_INCLUDE_DEPTH,
  "constants defined in terms of constants": MAX_DEFINITION_CHAIN,
  "nesting in one expression": MAX_EXPRESSION_NESTING,
  "evaluating an expression": MAX_EVALUATION_DEPTH,
  "errors reported from one assembly": MAX_DIAGNOSTICS,
};

/** The rows of the table under `heading`: [label, the first number of the limit]. */
function table(file: string, heading: string): [string, number][] {
  const text = readFileSync(join(repoRoot, file), "utf8");
  const start = text.indexOf(`${heading}\n`);
  expect(start, `${file} has no '${heading}'`).toBeGreaterThanOrEqual(0);
  const lines = text.slice(start).split("\n");
  const rows: string[] = [];
  for (let i = lines.findIndex((l) => l.startsWith("| ")); i < lines.length && lines[i]!.startsWith("| "); i++) rows.push(lines[i]!);
  const block = rows.slice(2); // the header and its rule
  return block.map((row) => {
    const [label, limit] = row.split(" | ").map((c) => c.replace(/^\| /, ""));
    const number = /\d[\d,]*/.exec(limit!)![0].replace(/,/g, "");
    return [label!.split(/[,:]/)[0]!.trim(), Number(number)];
  });
}

describe("the documented input limits are the enforced ones", () => {
  it("README: every row names a limit the code enforces, with its value, and every limit has a row", () => {
    const rows = table("README.md", "## Input limits");
    for (const [label, value] of rows) {
      expect(LIMITS, `no constant for the README row '${label}'`).toHaveProperty([label]);
      expect(value, label).toBe(LIMITS[label]);
    }
    const documented = new Set(rows.map(([, v]) => v));
    for (const [label, value] of Object.entries(LIMITS)) if (label !== "a source or an included file" && label !== "errors reported from one assembly") expect(documented.has(value), label).toBe(true);
    expect(rows).toHaveLength(15);
  });

  it("ISA.md: the assembler's limits", () => {
    const rows = table("packages/isa/ISA.md", "### Limits");
    expect(rows.map(([l]) => l)).toEqual([
      "an image",
      "`.include` nesting",
      "constants defined in terms of constants",
      "nesting in one expression",
      "evaluating an expression",
      "a source or an included file",
      "errors reported from one assembly",
    ]);
    for (const [label, value] of rows) expect(value, label).toBe(LIMITS[label]);
  });
});
