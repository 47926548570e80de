import { writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Command } from "commander";
import type { Configuration, MatrixCell, Shard, ShardFile } from "@vmlab/core";
import type { Scenario } from "@vmlab/guest";
import { CliError, EXIT } from "../errors.js";
import { NAMES } from "../names.js";
import { checkNames, commaList, levelsOption, parseBudget, parseWorkers, printJson } from "../options.js";
import { refusal } from "../refusal.js";
import { terminalWidth } from "../terminal.js";
import { VERSION } from "../version.js";

/** The profile whose configurations the default matrix also runs hosted. */
export const HOSTED_PROFILE = "x86-like";

export function register(program: Command): void {
  program
    .command("matrix")
    .description("run scenarios × configurations and write reports/<name>/")
    .option("--scenarios <list>", "comma-separated scenario names (default: all)", commaList("--scenarios", "scenario"))
    .option("--profiles <list>", `comma-separated ISA profiles (default: ${NAMES.profiles.join(",")})`, commaList("--profiles", "profile"))
    .option("--cpus <list>", "comma-separated CPU strategies (default: all)", commaList("--cpus", "CPU strategy"))
    .option("--memories <list>", "comma-separated memory strategies (default: each CPU strategy's)", commaList("--memories", "memory strategy"))
    .option("--machines <list>", `comma-separated machine profiles (default: ${NAMES.machines.join(",")})`, commaList("--machines", "machine profile"))
    .option(
      "--hosts <list>",
      `comma-separated hosts, ${NAMES.hosts.join(" or ")} (default: bare-metal for every profile, and hosted on ${HOSTED_PROFILE}, the ISA the hosted monitors were built for)`,
      commaList("--hosts", "host"),
    )
    .addOption(levelsOption())
    .option("--budget <n>", "guest instruction budget for every cell (default: each scenario's)", parseBudget())
    .option("--workers <n>", `worker threads, at most ${NAMES.maxWorkers} (default: one per core)`, parseWorkers())
    .option("--out <dir>", "report folder", "reports/default")
    .option("--config <file>", "vmlab.config.json naming more strategy packages")
    .option("--shard <i/n>", "run only shard i of n and write its results for `vmlab merge` (shard-I-of-N.json)")
    .option("--no-cache", "run every cell, neither reading nor writing the results cache (<out>/.vmlab-cache)")
    .option("--rows", "print every cell as a row (default: a summary, scenario × configuration)")
    .option("--json", "print the results as JSON")
    .action(
      async (o: {
        scenarios?: string[];
        profiles?: string[];
        cpus?: string[];
        memories?: string[];
        machines?: string[];
        hosts?: string[];
        levels?: number;
        budget?: number;
        workers?: number;
        out: string;
        config?: string;
        rows?: boolean;
        json?: boolean;
        shard?: string;
        cache: boolean;
      }) => {
        const {
          codeVersion,
          ConfigurationError,
          enumerateConfigurations,
          getMachineProfile,
          machineName,
          matrixIdentity,
          REFERENCE,
          parseShard,
          ResultCache,
          runMatrix,
          SHARD_FORMAT,
          ShardError,
          shardFileName,
          shardOf,
        } = await import("@vmlab/core");
        const { listScenarios } = await import("@vmlab/guest");
        const { cellVerdict, matrixCounts, matrixTerminalText, statusOf, writeReport } = await import("@vmlab/report");
        const { makeOutFolder } = await import("../out-folder.js");
        const { progressBar } = await import("../progress.js");
        const { cpuNames, loadStrategies, machineOrFail, memoryNames, scenarioOrFail } = await import("../strategies.js");
        let shard: Shard | undefined;
        try {
          shard = o.shard !== undefined ? parseShard(o.shard) : undefined;
        } catch (e) {
          if (e instanceof ShardError) throw new CliError(e.message);
          throw e;
        }
        const started = performance.now();
        const { packages, plugins, catalog } = await loadStrategies(o.config);
        checkNames("profile", o.profiles, NAMES.profiles);
        checkNames("CPU strategy", o.cpus, cpuNames(catalog));
        checkNames("memory strategy", o.memories, memoryNames(catalog));
        checkNames("host", o.hosts, NAMES.hosts);
        const machines = o.machines ?? NAMES.machines;
        for (const m of machines) machineOrFail(m);
        const scenarios: Scenario[] = o.scenarios ? o.scenarios.map(scenarioOrFail) : listScenarios(undefined, { multiVm: true });
        const profiles = o.profiles ?? NAMES.profiles;
        // Without --hosts: every profile on bare metal, and the hosted contrast where it was built.
        const byHost: [readonly string[], readonly string[], readonly string[] | undefined][] = o.hosts
          ? [[o.hosts, profiles, o.cpus]]
          : [
              [["bare-metal"], profiles, o.cpus],
              [["hosted"], profiles.filter((p) => p === HOSTED_PROFILE), o.cpus],
            ];
        // Native, the baseline of every slowdown, runs on bare metal even in a matrix of hosted monitors only.
        if (o.hosts && !o.hosts.includes(REFERENCE.host) && (o.cpus ?? [REFERENCE.cpu]).includes(REFERENCE.cpu)) byHost.unshift([[REFERENCE.host], profiles, [REFERENCE.cpu]]);
        const configurations: Configuration[] = [];
        const skipped: { label: string; reason: string }[] = [];
        try {
          for (const [hosts, ps, cpus] of byHost) {
            if (ps.length === 0) continue;
            const e = enumerateConfigurations(catalog, {
              profiles: ps,
              ...(cpus ? { cpus } : {}),
              ...(o.memories ? { memories: o.memories } : {}),
              machines,
              hosts,
              ...(o.levels !== undefined ? { levels: o.levels } : {}),
            });
            configurations.push(...e.configurations);
            for (const s of e.skipped) if (!skipped.some((k) => k.label === s.label)) skipped.push(s);
          }
        } catch (e) {
          if (e instanceof ConfigurationError) throw new CliError(e.message);
          throw e;
        }
        if (configurations.length === 0) throw new CliError(refusal(skipped));
        const out = makeOutFolder(o.out);
        const matrix: MatrixCell[] = scenarios.flatMap((scenario) => configurations.map((configuration) => ({ scenario, configuration })));
        const picked = shard ? shardOf(matrix, shard) : matrix.map((_, i) => i);
        const cells = picked.map((i) => matrix[i]!);
        // The workspace's code and the plug-ins', the same whether the command runs prebuilt or from its sources.
        const version = codeVersion(plugins);
        const cache = o.cache ? new ResultCache(join(out, ".vmlab-cache"), version) : undefined;
        const bar = process.stderr.isTTY && !o.json ? progressBar("cells", cells.length, { failing: 0 }, "{failing} failed") : undefined;
        let failing = 0;
        let fromCache = 0;
        const results = await runMatrix(cells, {
          strategyPackages: packages,
          ...(o.workers ? { workers: o.workers } : {}),
          ...(o.budget ? { budget: o.budget } : {}),
          ...(cache ? { cache } : {}),
          onProgress: (done, _total, last, cached) => {
            if (cached) fromCache++;
            const where = `${last.scenario} ${last.configuration.label} ${machineName(last.configuration)}`;
            // A failed cell is shown as soon as it ends; the others keep running. A divergence
            // a theorem predicts is not a failure: the summary counts it apart.
            if (cellVerdict(last) === "failed") {
              failing++;
              const line = `${where}: ${statusOf(last)}\n`;
              if (bar) bar.log(line);
              else if (!o.json) process.stderr.write(line);
            }
            bar?.update(done, { last: where, failing });
          },
        });
        bar?.stop();
        const wallMs = performance.now() - started;
        const name = out.split("/").pop() ?? "default";
        const meta = {
          createdAt: new Date().toISOString(),
          versions: { vmlab: VERSION, node: process.version, code: version },
          machineProfiles: machines.map((m) => getMachineProfile(m)),
          skipped,
          wallMs,
          strategies: catalog.map((s) => ({ name: s.name, kind: s.kind, description: s.description })),
        };
        let files: string[];
        if (shard) {
          // A shard's results, for `vmlab merge` to join into the whole matrix's report.
          const file: ShardFile = {
            format: SHARD_FORMAT,
            shard,
            matrix: matrixIdentity(matrix, { codeVersion: version, budget: o.budget, skipped }),
            meta,
            cells: picked.map((index, k) => ({ index, result: results[k]! })),
          };
          files = [join(out, shardFileName(shard))];
          writeFileSync(files[0]!, `${JSON.stringify(file)}\n`);
        } else {
          files = writeReport(out, results, { name, ...meta });
        }
        // Cells taken from the cache; runs stored in it (with the native references the matrix ran for itself).
        const cached = cache ? { folder: join(out, ".vmlab-cache"), hits: fromCache, stored: cache.stored } : undefined;
        if (o.json) printJson({ ...(shard ? { shard } : {}), results, skipped, files, wallMs, ...(cached ? { cache: cached } : {}) });
        else {
          process.stdout.write(matrixTerminalText(results, terminalWidth(), o.rows));
          const which = shard ? `shard ${shard.index}/${shard.count}: ` : "";
          const hits = fromCache ? ` (${fromCache.toLocaleString("en-US")} from the cache)` : "";
          process.stderr.write(`${which}${matrixCounts(results)}${hits}; ${(wallMs / 1000).toFixed(1)} s; wrote ${files.join(", ")}\n`);
        }
        // Nothing useful ran: every cell failed to run at all.
        if (results.length > 0 && results.every((r) => r.outcome === "error")) {
          throw new CliError(`every cell of the matrix failed (first: ${results[0]!.error})`, EXIT.failed);
        }
        // A divergence the model predicts is a result; anything else failing is not.
        if (results.some((r) => cellVerdict(r) === "failed")) process.exitCode = EXIT.failed;
      },
    );
}
