// Each package's browser entry is its index less what needs Node.js: a name added to an
// index.ts is in the page too unless it is listed here (then add it to browser.ts, or
// here when it reads files, starts threads or loads packages by path).
import { describe, expect, it } from "vitest";

const NODE_ONLY: Record<string, readonly string[]> = {
  core: [
    "BUILTIN_STRATEGY_PACKAGES",
    "resolveStrategyPackage",
    "readConfigFile",
    "importStrategyModules",
    "PluginError",
    "runMatrix",
    "errorResult",
    "MAX_WORKERS",
    "VALIDATION",
    "validate",
    "validateModel",
    "lookupIn",
    "calibrationFigures",
    "codeVersion",
    "scenarioHash",
    "cellIdentity",
    "ResultCache",
    "parseShard",
    "shardOf",
    "matrixIdentity",
    "parseShardFile",
    "mergeShards",
    "shardFileName",
    "ShardError",
    "SHARD_FORMAT",
    "SHARD_FILE_PATTERN",
    "MAX_SHARD_FILE_BYTES",
  ],
  guest: ["loadScenario", "listScenarios", "findScenario", "scenariosRoot"],
  report: [
    "toCsv",
    "toMarkdown",
    "toHtml",
    "writeReport",
    "rewriteReport",
    "chartJsSource",
    "csv",
    "equivalenceSection",
    "sweepOf",
    "sweepTables",
    "sweepCsv",
    "sweepHtml",
    "writeSweep",
    "crossovers",
    "crossoverText",
    "series",
    "sweepGroups",
    "GEOMEAN",
    "modelMarkdown",
    "validationMarkdown",
    "validationRows",
    "publishedPerOp",
    "VALIDATION_HEADER",
  ],
};

describe("the packages' browser entries", () => {
  for (const [name, nodeOnly] of Object.entries(NODE_ONLY)) {
    it(`@vmlab/${name}: browser.ts exports all of index.ts but its Node.js part`, async () => {
      const index = Object.keys(await import(`../../${name}/src/index.ts`)).sort();
      const browser = Object.keys(await import(`../../${name}/src/browser.ts`)).sort();
      expect(browser).toEqual(index.filter((k) => !nodeOnly.includes(k)));
    });
  }
});
