import { existsSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import type { Command } from "commander";
import type { ShardFile } from "@vmlab/core";
import { CliError, EXIT } from "../errors.js";
import { printJson } from "../options.js";
import { terminalWidth } from "../terminal.js";

/** The shard files a folder holds (or the file itself). */
function shardFiles(path: string, pattern: RegExp): string[] {
  if (!existsSync(path)) throw new CliError(`${path}: no such file or folder`);
  const st = statSync(path);
  if (st.isFile()) return [path];
  if (!st.isDirectory()) throw new CliError(`${path}: is not a regular file or a folder (a device, a FIFO or a socket)`);
  const found = readdirSync(path)
    .filter((f) => pattern.test(f))
    .sort()
    .map((f) => join(path, f));
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
      const { MAX_SHARD_FILE_BYTES, mergeShards, parseShardFile, SHARD_FILE_PATTERN, ShardError } = await import("@vmlab/core");
      const { InputFileError, readInputFile } = await import("@vmlab/isa");
      // A shard file's text; a device, a FIFO or a file past MAX_SHARD_FILE_BYTES is refused.
      const shardText = (file: string): string => {
        try {
          return readInputFile(file, MAX_SHARD_FILE_BYTES, "a shard result file").toString("utf8");
        } catch (e) {
          if (e instanceof InputFileError) throw new CliError(`${file}: ${e.message}`);
          throw e;
        }
      };
      const { cellVerdict, matrixCounts, matrixTerminalText, writeReport } = await import("@vmlab/report");
      const { makeOutFolder } = await import("../out-folder.js");
      const shards: { file: string; shard: ShardFile }[] = [];
      let merged: ReturnType<typeof mergeShards>;
      try {
        for (const file of folders.flatMap((f) => shardFiles(f, SHARD_FILE_PATTERN))) shards.push({ file, shard: parseShardFile(shardText(file), file) });
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
        process.stdout.write(matrixTerminalText(results, terminalWidth(), o.rows));
        process.stderr.write(`${matrixCounts(results)}, from ${shards.length} shards; wrote ${files.join(", ")}\n`);
      }
      // As the matrix: a cell that fails (not a divergence the model predicts) fails the merge.
      if (results.some((r) => cellVerdict(r) === "failed")) process.exitCode = EXIT.failed;
    });
}
