// Scenario folders on disk: scenarios/NAME/scenario.json and the program sources it names.
import { existsSync, readdirSync, statSync } from "node:fs";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { readProgramText, readSettingsText, settingsFileProblem } from "@vmlab/isa";
import { parseScenario, ScenarioError, type Scenario } from "./scenario.js";

/** The repository's scenarios/ folder. */
export function scenariosRoot(): string {
  return fileURLToPath(new URL("../../../scenarios/", import.meta.url));
}

/** Reads and validates scenarios/NAME/: scenario.json and the program sources it names. */
export function loadScenario(dir: string): Scenario {
  const folder = resolve(dir);
  if (!existsSync(folder) || !statSync(folder).isDirectory()) throw new ScenarioError(`${dir}: no such scenario folder`);
  const file = join(folder, "scenario.json");
  if (!existsSync(file)) throw new ScenarioError(`${file}: missing (every scenario folder needs a scenario.json)`);
  let text: string;
  try {
    text = readSettingsText(file);
  } catch (e) {
    throw new ScenarioError(`${file}: ${settingsFileProblem(e)}`);
  }
  return parseScenario(text, file, {
    dir: folder,
    read: (name) => {
      const path = join(folder, name);
      return existsSync(path) ? readProgramText(path) : undefined;
    },
  });
}

/**
 * The scenarios under `root` (default: the repository's scenarios/), by name: those of
 * one virtual machine, which every strategy's equivalence suite runs; with `multiVm`,
 * also those that run several at once (consolidation, isolation).
 */
export function listScenarios(root: string = scenariosRoot(), options: { readonly multiVm?: boolean } = {}): Scenario[] {
  if (!existsSync(root)) throw new ScenarioError(`${root}: no scenarios folder`);
  return readdirSync(root)
    .filter((d) => existsSync(join(root, d, "scenario.json")))
    .sort()
    .map((d) => loadScenario(join(root, d)))
    .filter((s) => options.multiVm === true || s.vms === 1);
}

/** A scenario by name from the default root, or a path to a scenario folder. */
export function findScenario(nameOrPath: string, root: string = scenariosRoot()): Scenario {
  if (nameOrPath.includes("/") || nameOrPath.startsWith(".")) return loadScenario(nameOrPath);
  const dir = join(root, nameOrPath);
  if (!existsSync(join(dir, "scenario.json"))) {
    const names = existsSync(root)
      ? readdirSync(root)
          .filter((d) => existsSync(join(root, d, "scenario.json")))
          .sort()
      : [];
    throw new ScenarioError(`unknown scenario '${nameOrPath}' (valid: ${names.join(", ")})`);
  }
  return loadScenario(dir);
}
