import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import type { Command } from "commander";
import { mergeShards, parseShardFile, SHARD_FILE_PATTERN, ShardError, type ShardFile } from "@vmlab/core";
import { cellVerdict, terminalTable, terminalVmTable, verdictSummary, writeReport } from "@vmlab/report";
import { CliError } from "../errors.js";
import { makeOutFolder } from "../out-folder.js";
import { printJson } from "../options.js";

/** The shard files a folder holds (or the file itself). */
function shardFiles(path: string): string[] {
  if (!existsSync(path)) throw new CliError(`${path}: no such file or folder`);
  if (statSync(path).isFile()) return [path];
  const found = readdirSync(path).filter((f) => SHARD_FILE_PATTERN.test(f)).sort().map((f) => join(path, f));
  if (found.length === 0) throw new CliError(`${path}: holds no shard results (shard-I-of-N.json, written by vmlab matrix --shard I/N)`);
  return found;
}

export function register(program: Command): void {
  program
    .command("merge")
    .description("join the results of `vmlab matrix --shard` into the whole matrix's report")
    .argument("<folders...>", "shard report folders (or shard-I-of-N.json files)")
    .option("--out <dir>", "report folder", "reports/merged")
    .option("--json", "print the results as JSON")
    .action((folders: string[], o: { out: string; json?: boolean }) => {
      const shards: { file: string; shard: ShardFile }[] = [];
      let merged;
      try {
        for (const file of folders.flatMap(shardFiles)) shards.push({ file, shard: parseShardFile(readFileSync(file, "utf8"), file) });
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
        process.stdout.write(terminalTable(results));
        process.stdout.write(terminalVmTable(results));
        process.stderr.write(`${results.length} cells from ${shards.length} shards (${verdictSummary(results)}); wrote ${files.join(", ")}\n`);
      }
      // As the matrix: a cell that fails (not a divergence the model predicts) fails the merge.
      if (results.some((r) => cellVerdict(r) === "failed")) process.exitCode = 3;
    });
}
