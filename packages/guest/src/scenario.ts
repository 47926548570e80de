// Scenario folders: scenario.json (validated) plus the programs' assembly sources.
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { z } from "zod";
import { jsonErrorOffset, jsonMessage, lineCol } from "./scenario-json.js";

const count = (what: string) =>
  z.number({ error: `must be a number (${what})` }).int({ error: "must be a whole number" }).positive({ error: "must be at least 1" });

const ScenarioSchema = z
  .object({
    name: z.string({ error: "must be a string" }).min(1, { error: "must not be empty" }),
    description: z.string({ error: "must be a string" }).min(1, { error: "must not be empty" }),
    stresses: z.array(z.string({ error: "must be a string" }), { error: "must be an array of strings" }),
    programs: z
      .array(
        z
          .string({ error: "must be a file name" })
          .min(1, { error: "must not be empty" })
          .refine((f) => !/[\\/]/.test(f) && f !== "." && f !== "..", { error: "must be a file in the scenario folder" }),
        { error: "must be an array of file names" },
      )
      .min(1, { error: "must name at least one program" }),
    budget: count("guest instructions"),
    timerPeriod: count("retired instructions per time slice").optional(),
    expectedOutput: z.string({ error: "must be a string" }).optional(),
    iterations: count("times the measured operation runs").optional(),
    diskContents: z.string({ error: "must be a string" }).optional(),
    vms: count("virtual machines").default(1),
  }, { error: "must be a JSON object" })
  .strict();

const FIELDS = Object.keys(ScenarioSchema.shape);

export type ScenarioSpec = z.infer<typeof ScenarioSchema>;

export interface Scenario extends ScenarioSpec {
  readonly dir: string;
  readonly sources: readonly { name: string; file: string; source: string }[];
}

export class ScenarioError extends Error {}

/** The repository's scenarios/ folder. */
export function scenariosRoot(): string {
  return fileURLToPath(new URL("../../../scenarios/", import.meta.url));
}

/** `programs[0]`, `budget`, or `(top level)`. */
function fieldName(path: readonly PropertyKey[]): string {
  if (path.length === 0) return "(top level)";
  return path.map((k, i) => (typeof k === "number" ? `[${k}]` : i === 0 ? String(k) : `.${String(k)}`)).join("");
}

function valueAt(json: unknown, path: readonly PropertyKey[]): { found: boolean; value?: unknown } {
  let v: unknown = json;
  for (const k of path) {
    if (v === null || typeof v !== "object" || !(k in v)) return { found: false };
    v = (v as Record<PropertyKey, unknown>)[k];
  }
  return { found: true, value: v };
}

/** One line per problem, each naming the file and the field (and the offending value). */
function describeIssues(file: string, json: unknown, issues: readonly z.core.$ZodIssue[]): string {
  const lines: string[] = [];
  for (const issue of issues) {
    if (issue.code === "unrecognized_keys") {
      for (const key of issue.keys) lines.push(`${file}: field '${fieldName([...issue.path, key])}': unknown field (known: ${FIELDS.join(", ")})`);
      continue;
    }
    const at = valueAt(json, issue.path);
    const field = fieldName(issue.path);
    if (!at.found && issue.path.length > 0) lines.push(`${file}: field '${field}': missing`);
    else lines.push(`${file}: field '${field}': ${issue.message} (got ${JSON.stringify(at.value)})`);
  }
  return lines.join("\n");
}

/** Reads and validates scenarios/NAME/: scenario.json and the program sources it names. */
export function loadScenario(dir: string): Scenario {
  const folder = resolve(dir);
  if (!existsSync(folder) || !statSync(folder).isDirectory()) throw new ScenarioError(`${dir}: no such scenario folder`);
  const file = join(folder, "scenario.json");
  if (!existsSync(file)) throw new ScenarioError(`${file}: missing (every scenario folder needs a scenario.json)`);
  const text = readFileSync(file, "utf8");
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    const m = /at position (\d+)/.exec((e as Error).message);
    const offset = m ? Number(m[1]) : jsonErrorOffset(text);
    const where = offset === undefined ? "" : `:${lineCol(text, offset)}`;
    throw new ScenarioError(`${file}${where}: malformed JSON (${jsonMessage(e as Error)})`);
  }
  const parsed = ScenarioSchema.safeParse(json);
  if (!parsed.success) throw new ScenarioError(describeIssues(file, json, parsed.error.issues));
  const spec = parsed.data;
  const sources = spec.programs.map((name, i) => {
    const path = join(folder, name);
    if (!existsSync(path) || !statSync(path).isFile()) {
      throw new ScenarioError(`${file}: field 'programs[${i}]': unknown program '${name}' (no file ${path})`);
    }
    return { name, file: path, source: readFileSync(path, "utf8") };
  });
  return { ...spec, dir: folder, sources };
}

/** Every scenario under `root` (default: the repository's scenarios/), by name. */
export function listScenarios(root: string = scenariosRoot()): Scenario[] {
  if (!existsSync(root)) throw new ScenarioError(`${root}: no scenarios folder`);
  return readdirSync(root)
    .filter((d) => existsSync(join(root, d, "scenario.json")))
    .sort()
    .map((d) => loadScenario(join(root, d)));
}

/** A scenario by name from the default root, or a path to a scenario folder. */
export function findScenario(nameOrPath: string, root: string = scenariosRoot()): Scenario {
  if (nameOrPath.includes("/") || nameOrPath.startsWith(".")) return loadScenario(nameOrPath);
  const dir = join(root, nameOrPath);
  if (!existsSync(join(dir, "scenario.json"))) {
    const names = existsSync(root) ? readdirSync(root).filter((d) => existsSync(join(root, d, "scenario.json"))).sort() : [];
    throw new ScenarioError(`unknown scenario '${nameOrPath}' (valid: ${names.join(", ")})`);
  }
  return loadScenario(dir);
}
