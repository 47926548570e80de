import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import type { Command } from "commander";
import type { ShardFile } from "@vmlab/core";
import { CliError, EXIT } from "../errors.js";
import { printJson } from "../options.js";
import { terminalWidth } from "../terminal.js";

/** The shard files a folder holds (or the file itself). */
function shardFiles(path: string, pattern: RegExp): string[] {
  if (!existsSync(path)) throw new CliError(`${path}: no such file or folder`);
  if (statSync(path).isFile()) return [path];
  const found = readdirSync(path).filter((f) => pattern.test(f)).sort().map((f) => join(path, f));
  if (found.length === 0) throw new CliError(`${path}: holds no shard results (shard-I-of-N.json, written by vmlab matrix --shard I/N)`);
  return found;
}

export function register(program: Command): void {
  program
    .command("merge")
    .description("join the results of `vmlab matrix --shard` into the whole matrix's report")
    .argument("<folders...>", "shard report folders (or shard-I-of-N.json files)")
    .option("--out <dir>", "report folder", "reports/merged")
    .option("--rows", "print every cell as a row (default: a summary, scenario × configuration)")
    .option("--json", "print the results as JSON")
    .action(async (folders: string[], o: { out: string; rows?: boolean; json?: boolean }) => {
      const { mergeShards, parseShardFile, SHARD_FILE_PATTERN, ShardError } = await import("@vmlab/core");
      const { cellVerdict, matrixCounts, matrixSummary, terminalTable, terminalVmTable, writeReport } = await import("@vmlab/report");
      const { makeOutFolder } = await import("../out-folder.js");
      const shards: { file: string; shard: ShardFile }[] = [];
      let merged;
      try {
        for (const file of folders.flatMap((f) => shardFiles(f, SHARD_FILE_PATTERN))) shards.push({ file, shard: parseShardFile(readFileSync(file, "utf8"), file) });
        merged = mergeShards(shards);
      } catch (e) {
        if (e instanceof ShardError) throw new CliError(e.message);
        throw e;
      }
      const { results, meta } = merged;
      const out = makeOutFolder(o.out);
      const files = writeReport(out, results, { name: out.split("/").pop() ?? "merged", ...meta });
      if (o.json) printJson({ results, skipped: meta.skipped, files, wallMs: meta.wallMs });
      else {
        const width = terminalWidth();
        if (o.rows) {
          process.stdout.write(terminalTable(results, width));
          process.stdout.write(terminalVmTable(results, width));
        } else process.stdout.write(matrixSummary(results, width));
        process.stderr.write(`${matrixCounts(results)}, from ${shards.length} shards; wrote ${files.join(", ")}\n`);
      }
      // As the matrix: a cell that fails (not a divergence the model predicts) fails the merge.
      if (results.some((r) => cellVerdict(r) === "failed")) process.exitCode = EXIT.failed;
    });
}
