import { writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Command } from "commander";
import { MultiBar, Presets } from "cli-progress";
import {
  codeVersion, ConfigurationError, enumerateConfigurations, MACHINE_PROFILE_NAMES, getMachineProfile, matrixIdentity, parseShard, ResultCache, runMatrix,
  SHARD_FORMAT, ShardError, shardFileName, shardOf, type MatrixCell, type Shard, type ShardFile,
} from "@vmlab/core";
import { listScenarios, type Scenario } from "@vmlab/guest";
import { PROFILE_NAMES } from "@vmlab/isa";
import { cellVerdict, statusOf, terminalTable, terminalVmTable, verdictSummary, writeReport } from "@vmlab/report";
import { CliError } from "../errors.js";
import { makeOutFolder } from "../out-folder.js";
import { levelsOption, parseCount, printJson, parseBudget } from "../options.js";
import { commaList, loadStrategies, scenarioOrFail } from "../strategies.js";

function checkNames(kind: string, given: readonly string[] | undefined, valid: readonly string[]): void {
  for (const g of given ?? []) if (!valid.includes(g)) throw new CliError(`unknown ${kind} '${g}' (valid: ${valid.join(", ")})`);
}

function parseShardOption(v: string): Shard {
  try {
    return parseShard(v);
  } catch (e) {
    if (e instanceof ShardError) throw new CliError(e.message);
    throw e;
  }
}

export function register(program: Command): void {
  program
    .command("matrix")
    .description("run scenarios × configurations and write reports/<name>/")
    .option("--scenarios <list>", "comma-separated scenario names (default: all)", commaList)
    .option("--profiles <list>", `comma-separated ISA profiles (default: ${PROFILE_NAMES.join(",")})`, commaList)
    .option("--cpus <list>", "comma-separated CPU strategies (default: all)", commaList)
    .option("--memories <list>", "comma-separated memory strategies (default: each CPU strategy's)", commaList)
    .option("--machines <list>", `comma-separated machine profiles (default: ${MACHINE_PROFILE_NAMES.join(",")})`, commaList)
    .addOption(levelsOption())
    .option("--budget <n>", "guest instruction budget for every cell (default: each scenario's)", parseBudget())
    .option("--workers <n>", "worker threads (default: one per core)", parseCount("--workers"))
    .option("--out <dir>", "report folder", "reports/default")
    .option("--config <file>", "vmlab.config.json naming more strategy packages")
    .option("--shard <i/n>", "run only shard i of n and write its results for `vmlab merge` (shard-I-of-N.json)", parseShardOption)
    .option("--no-cache", "run every cell, neither reading nor writing the results cache (<out>/.vmlab-cache)")
    .option("--json", "print the results as JSON")
    .action(
      async (o: {
        scenarios?: string[]; profiles?: string[]; cpus?: string[]; memories?: string[]; machines?: string[]; levels?: number; budget?: number;
        workers?: number; out: string; config?: string; json?: boolean; shard?: Shard; cache: boolean;
      }) => {
        const started = performance.now();
        const { packages, catalog } = await loadStrategies(o.config);
        checkNames("profile", o.profiles, PROFILE_NAMES);
        checkNames("CPU strategy", o.cpus, catalog.filter((s) => s.kind === "cpu").map((s) => s.name));
        checkNames("memory strategy", o.memories, catalog.filter((s) => s.kind === "memory").map((s) => s.name));
        const machines = o.machines ?? MACHINE_PROFILE_NAMES;
        for (const m of machines) {
          try {
            getMachineProfile(m);
          } catch (e) {
            throw new CliError((e as Error).message);
          }
        }
        if (o.scenarios && o.scenarios.length === 0) throw new CliError("--scenarios names no scenario (give a comma-separated list, or leave it out for all)");
        const scenarios: Scenario[] = o.scenarios ? o.scenarios.map(scenarioOrFail) : listScenarios(undefined, { multiVm: true });
        let enumerated;
        try {
          enumerated = enumerateConfigurations(catalog, {
            ...(o.profiles ? { profiles: o.profiles } : {}),
            ...(o.cpus ? { cpus: o.cpus } : {}),
            ...(o.memories ? { memories: o.memories } : {}),
            machines,
            ...(o.levels !== undefined ? { levels: o.levels } : {}),
          });
        } catch (e) {
          if (e instanceof ConfigurationError) throw new CliError(e.message);
          throw e;
        }
        const { configurations, skipped } = enumerated;
        if (configurations.length === 0) {
          throw new CliError(`no configuration can run: ${skipped.map((s) => `${s.label}: ${s.reason}`).join("; ")}`);
        }
        const out = makeOutFolder(o.out);
        const matrix: MatrixCell[] = scenarios.flatMap((scenario) => configurations.map((configuration) => ({ scenario, configuration })));
        const picked = o.shard ? shardOf(matrix, o.shard) : matrix.map((_, i) => i);
        const cells = picked.map((i) => matrix[i]!);
        const version = codeVersion(packages);
        const cache = o.cache ? new ResultCache(join(out, ".vmlab-cache"), version) : undefined;
        const bar = process.stderr.isTTY && !o.json
          ? new MultiBar({ clearOnComplete: true, format: " {bar} {value}/{total} cells | {failing} failing | {last}" }, Presets.shades_classic)
          : undefined;
        const progress = bar?.create(cells.length, 0, { last: "", failing: 0 });
        let failing = 0;
        let fromCache = 0;
        const results = await runMatrix(cells, {
          strategyPackages: packages,
          ...(o.workers ? { workers: o.workers } : {}),
          ...(o.budget ? { budget: o.budget } : {}),
          ...(cache ? { cache } : {}),
          onProgress: (done, _total, last, cached) => {
            if (cached) fromCache++;
            const where = `${last.scenario} ${last.configuration.label} ${last.configuration.machine}`;
            // A failing cell is shown as soon as it ends; the others keep running. A
            // divergence the model predicts is no failure (it is in the report).
            if (cellVerdict(last) === "failed") {
              failing++;
              const line = `${where}: ${statusOf(last)}\n`;
              if (bar) bar.log(line);
              else if (!o.json) process.stderr.write(line);
            }
            progress?.update(done, { last: where, failing });
          },
        });
        bar?.stop();
        const wallMs = performance.now() - started;
        const name = out.split("/").pop() ?? "default";
        const meta = {
          createdAt: new Date().toISOString(),
          versions: { vmlab: "0.1.0", node: process.version, code: version },
          machineProfiles: machines.map((m) => getMachineProfile(m)),
          skipped,
          wallMs,
          strategies: catalog.map((s) => ({ name: s.name, kind: s.kind, description: s.description })),
        };
        let files: string[];
        if (o.shard) {
          // A shard's results, for `vmlab merge` to join into the whole matrix's report.
          const shard: ShardFile = {
            format: SHARD_FORMAT,
            shard: o.shard,
            matrix: matrixIdentity(matrix, { codeVersion: version, budget: o.budget, skipped }),
            meta,
            cells: picked.map((index, k) => ({ index, result: results[k]! })),
          };
          files = [join(out, shardFileName(o.shard))];
          writeFileSync(files[0]!, JSON.stringify(shard) + "\n");
        } else {
          files = writeReport(out, results, { name, ...meta });
        }
        // Cells taken from the cache; runs stored in it (with the native references the matrix ran for itself).
        const cached = cache ? { folder: join(out, ".vmlab-cache"), hits: fromCache, stored: cache.stored } : undefined;
        if (o.json) printJson({ ...(o.shard ? { shard: o.shard } : {}), results, skipped, files, wallMs, ...(cached ? { cache: cached } : {}) });
        else {
          process.stdout.write(terminalTable(results));
          process.stdout.write(terminalVmTable(results));
          const which = o.shard ? `shard ${o.shard.index}/${o.shard.count}: ${results.length} of the matrix's ${matrix.length} cells` : `${results.length} cells`;
          const hits = fromCache ? `, ${fromCache} from the cache` : "";
          process.stderr.write(`${which} (${verdictSummary(results)}${hits}) in ${(wallMs / 1000).toFixed(1)} s; wrote ${files.join(", ")}
`);
        }
        // Nothing useful ran: every cell failed to run at all.
        if (results.length > 0 && results.every((r) => r.outcome === "error")) throw new CliError(`every cell of the matrix failed (first: ${results[0]!.error})`);
        // A divergence the model predicts is a result; anything else failing is not.
        if (results.some((r) => cellVerdict(r) === "failed")) process.exitCode = 3;
      },
    );
}

