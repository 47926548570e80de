// The package's public face: everything in browser.ts (what runs anywhere; add exports
// there unless they need Node.js), and reading scenario folders from disk.
export * from "./browser.js";
export { loadScenario, listScenarios, findScenario, scenariosRoot } from "./scenario-folder.js";
