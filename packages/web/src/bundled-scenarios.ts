// The repository's scenarios/, bundled into the page as text and parsed by guest's
// parseScenario, as loadScenario parses a folder on disk. (Vite's import.meta.glob; its
// types also for the typecheck of the tests, which read this module under Vitest.)
/// <reference types="vite/client" />
import { parseScenario, type Scenario } from "@vmlab/guest";

const FILES = import.meta.glob("../../../scenarios/*/*", { query: "?raw", import: "default", eager: true }) as Record<string, string>;

/** Where a bundled scenario's files are said to be (diagnostics name them so). */
const ROOT = "/vmlab/scenarios";

function folders(): Map<string, Map<string, string>> {
  const byFolder = new Map<string, Map<string, string>>();
  for (const [path, text] of Object.entries(FILES)) {
    const [folder, file] = path.split("/").slice(-2) as [string, string];
    let files = byFolder.get(folder);
    if (!files) byFolder.set(folder, (files = new Map()));
    files.set(file, text);
  }
  return byFolder;
}

/** The bundled scenarios by name, sorted as `vmlab list` sorts them. */
export function bundledScenarios(): Scenario[] {
  const out: Scenario[] = [];
  for (const [folder, files] of [...folders()].sort(([a], [b]) => (a < b ? -1 : 1))) {
    const json = files.get("scenario.json");
    if (json === undefined) continue;
    out.push(parseScenario(json, `${ROOT}/${folder}/scenario.json`, { dir: `${ROOT}/${folder}`, read: (name) => files.get(name) }));
  }
  return out;
}
