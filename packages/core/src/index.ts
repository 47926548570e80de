// The package's public face: everything in browser.ts (what runs anywhere; add exports
// there unless they need Node.js), and the matrix's worker threads, its result cache and
// shard files, strategy packages loaded from disk by name, and the model's validation
// (it runs the scenarios from disk).
export * from "./browser.js";
export { BUILTIN_STRATEGY_PACKAGES, resolveStrategyPackage, readConfigFile, importStrategyModules, PluginError } from "./plugins.js";
export { runMatrix, errorResult, MAX_WORKERS, type MatrixCell, type MatrixOptions, type CellTask } from "./matrix.js";
export { VALIDATION, validate, validateModel, lookupIn, calibrationFigures, type ValidationRow, type ValidationResult, type RunLookup } from "./costs/validation.js";
export { codeVersion, scenarioHash, cellIdentity, ResultCache } from "./matrix-cache.js";
export {
  parseShard,
  shardOf,
  matrixIdentity,
  parseShardFile,
  mergeShards,
  shardFileName,
  ShardError,
  SHARD_FORMAT,
  SHARD_FILE_PATTERN,
  MAX_SHARD_FILE_BYTES,
  type Shard,
  type ShardFile,
  type ShardMeta,
  type MatrixIdentity,
} from "./matrix-shard.js";
