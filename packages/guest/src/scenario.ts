// Scenario folders: scenario.json (validated) plus the programs' assembly sources.
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { z } from "zod";

const ScenarioSchema = z
  .object({
    name: z.string().min(1),
    description: z.string().min(1),
    stresses: z.array(z.string()),
    programs: z.array(z.string().min(1)).min(1),
    budget: z.number().int().positive(),
    timerPeriod: z.number().int().positive().optional(),
    expectedOutput: z.string().optional(),
    iterations: z.number().int().positive().optional(),
    diskContents: z.string().optional(),
    vms: z.number().int().positive().optional(),
  })
  .strict();

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

/** Position (line:col) of a character offset, for JSON syntax errors. */
function position(text: string, offset: number): string {
  const before = text.slice(0, offset).split("\n");
  return `${before.length}:${before[before.length - 1]!.length + 1}`;
}

export function loadScenario(dir: string): Scenario {
  const file = join(dir, "scenario.json");
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new ScenarioError(`${dir}: no such scenario folder`);
  if (!existsSync(file)) throw new ScenarioError(`${file}: missing (every scenario folder needs a scenario.json)`);
  const text = readFileSync(file, "utf8");
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    const m = /position (\d+)/.exec((e as Error).message);
    const where = m ? `:${position(text, Number(m[1]))}` : "";
    throw new ScenarioError(`${file}${where}: malformed JSON (${(e as Error).message.replace(/ in JSON at position \d+.*$/, "")})`);
  }
  const parsed = ScenarioSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const field = issue.path.length ? issue.path.join(".") : "(top level)";
    throw new ScenarioError(`${file}: field '${field}': ${issue.message}`);
  }
  const spec = parsed.data;
  const sources = spec.programs.map((name) => {
    const path = join(dir, name);
    if (!existsSync(path)) throw new ScenarioError(`${file}: field 'programs': unknown program '${name}' (no ${path})`);
    return { name, file: path, source: readFileSync(path, "utf8") };
  });
  return { ...spec, dir: resolve(dir), sources };
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
