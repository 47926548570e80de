import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { describe, expect, it } from "vitest";
import { findScenario } from "@vmlab/guest";
import {
  catalogOf,
  codeVersion,
  importStrategyModules,
  matrixIdentity,
  mergeShards,
  parseShard,
  parseShardFile,
  resolveConfiguration,
  ResultCache,
  runMatrix,
  SHARD_FORMAT,
  shardOf,
  type MatrixCell,
  type RunResult,
  type ShardFile,
} from "../src/index.js";
import { BUILTIN_URLS } from "./helpers.js";

const catalog = catalogOf(await importStrategyModules(BUILTIN_URLS));
const config = (cpu: string, machine: string, profile = "x86-like") => resolveConfiguration({ profile, cpu, machine }, catalog);
const [syscall, portIo] = [findScenario("syscall"), findScenario("port-io")];
// nehalem-2009 and skylake-2015 have the same features (one execution priced for both); p4-2006 has fewer.
const MACHINES = ["p4-2006", "nehalem-2009", "skylake-2015"];
/** As the matrix command orders them: scenario, then machine, profile and strategy. */
const cells: MatrixCell[] = [syscall, portIo].flatMap((scenario) =>
  MACHINES.flatMap((m) => ["x86-like", "riscv-like"].flatMap((p) => ["native", "interpret"].map((cpu) => ({ scenario, configuration: config(cpu, m, p) })))),
);
const name = (c: MatrixCell) => `${c.scenario.name} ${c.configuration.profile.name} ${c.configuration.cpu} ${c.configuration.machine.name}`;

describe("--shard i/n", () => {
  it("is i of n counted from 1; anything else is refused naming the value", () => {
    expect(parseShard("2/3")).toEqual({ index: 2, count: 3 });
    expect(parseShard("1/1")).toEqual({ index: 1, count: 1 });
    for (const bad of ["3/2", "0/0", "0/3", "1/0", "x", "", "1/3/5", "1.5/3", "-1/3", "1 / 3"]) {
      expect(() => parseShard(bad)).toThrow(`--shard must be i/n with 1 <= i <= n, e.g. --shard 1/3 (got '${bad}')`);
    }
  });

  it("puts every cell in exactly one shard, keeps the cells that share runs together and deals each scenario's groups from a shard further on", () => {
    const shards = [1, 2, 3].map((index) => shardOf(cells, { index, count: 3 }).map((i) => name(cells[i]!)));
    // By hand: each scenario has four groups (x86-like and riscv-like, each on p4-2006 and on
    // nehalem-2009 + skylake-2015), in matrix order; syscall's go to shards 1,2,3,1 and port-io's,
    // starting one further, to 2,3,1,2.
    const group = (s: string, p: string, machines: string[]) => machines.flatMap((m) => ["native", "interpret"].map((cpu) => `${s} ${p} ${cpu} ${m}`));
    const [p4, later] = [["p4-2006"], ["nehalem-2009", "skylake-2015"]];
    const expected = [
      [...group("syscall", "x86-like", p4), ...group("syscall", "riscv-like", later), ...group("port-io", "x86-like", later)],
      [...group("syscall", "riscv-like", p4), ...group("port-io", "x86-like", p4), ...group("port-io", "riscv-like", later)],
      [...group("syscall", "x86-like", later), ...group("port-io", "riscv-like", p4)],
    ];
    shards.forEach((s, k) => expect([...s].sort()).toEqual(expected[k]!.sort()));
    expect(shards.flat().sort()).toEqual(cells.map(name).sort());
    // Deterministic: the same matrix gives the same slice.
    expect(shardOf(cells, { index: 2, count: 3 })).toEqual(shardOf(cells, { index: 2, count: 3 }));
  });
});

describe("merging shards", () => {
  const fakeResult = (c: MatrixCell): RunResult =>
    ({
      scenario: c.scenario.name,
      configuration: c.configuration.record,
      outcome: "halt",
      output: "",
    }) as RunResult;
  const split = (matrix: readonly MatrixCell[], count: number, code = "0123456789abcdef"): { file: string; shard: ShardFile }[] =>
    Array.from({ length: count }, (_, k) => {
      const shard = { index: k + 1, count };
      const picked = shardOf(matrix, shard);
      return {
        file: `s${k + 1}/shard-${k + 1}-of-${count}.json`,
        shard: {
          format: SHARD_FORMAT,
          shard,
          matrix: matrixIdentity(matrix, { codeVersion: code, skipped: [] }),
          meta: { createdAt: `2026-01-0${k + 1}T00:00:00.000Z`, versions: { node: "v20" }, machineProfiles: [], skipped: [], wallMs: 1000 * (k + 1) },
          cells: picked.map((index) => ({ index, result: fakeResult(matrix[index]!) })),
        },
      };
    });

  it("gives the results in the matrix's order, in whatever order the shards come; wall times add up", () => {
    const shards = split(cells, 3);
    const { results, meta } = mergeShards([shards[2]!, shards[0]!, shards[1]!]);
    expect(results.map((r) => `${r.scenario} ${r.configuration.profile} ${r.configuration.cpu} ${r.configuration.machine}`)).toEqual(cells.map(name));
    expect(meta.wallMs).toBe(6000);
    expect(meta.createdAt).toBe("2026-01-03T00:00:00.000Z");
  });

  it("refuses a missing or repeated shard and shards of another matrix, naming the files", () => {
    const three = split(cells, 3);
    expect(() => mergeShards([three[0]!, three[2]!])).toThrow("missing shard 2/3 (given: 1/3, 3/3)");
    expect(() => mergeShards([three[0]!, three[1]!, { ...three[0]!, file: "again/shard-1-of-3.json" }, three[2]!])).toThrow("shard 1/3 given twice: s1/shard-1-of-3.json and again/shard-1-of-3.json");
    expect(() => mergeShards([three[0]!, split(cells, 2)[1]!])).toThrow("s1/shard-1-of-3.json and s2/shard-2-of-2.json are shards of the matrix split 3 ways and 2 ways");
    const otherCode = split(cells, 3, "fedcba9876543210");
    expect(() => mergeShards([three[0]!, otherCode[1]!, three[2]!])).toThrow("are shards of different code versions (0123456789abcdef and fedcba9876543210)");
    const fewer = split(
      cells.filter((c) => c.scenario.name === "syscall"),
      3,
    );
    expect(() => mergeShards([three[0]!, fewer[1]!, three[2]!])).toThrow("are shards of different scenarios (port-io only in the first)");
    expect(() => parseShardFile('{"results": []}', "report/results.json")).toThrow("report/results.json: not a shard's results");
  });
});

describe("the results cache", () => {
  const c = cells[1]!; // syscall, x86-like, interpret, p4-2006
  const result = { ...({} as RunResult), scenario: "syscall", output: "cached" } as RunResult;

  it("finds a cell only under the same configuration, scenario, budget and code version", () => {
    const root = mkdtempSync(join(tmpdir(), "vmlab-cache-"));
    const cache = new ResultCache(root, "0123456789abcdef");
    cache.put(c.scenario, c.configuration, undefined, result);
    expect(new ResultCache(root, "0123456789abcdef").get(c.scenario, c.configuration, undefined)?.output).toBe("cached");
    expect(cache.get(c.scenario, c.configuration, 1000)).toBeUndefined();
    expect(cache.get(portIo, c.configuration, undefined)).toBeUndefined();
    expect(cache.get(c.scenario, config("interpret", "nehalem-2009"), undefined)).toBeUndefined();
    // A new code version cannot read the old one's results: its folder goes.
    expect(new ResultCache(root, "fedcba9876543210").get(c.scenario, c.configuration, undefined)).toBeUndefined();
    expect(existsSync(join(root, "0123456789abcdef"))).toBe(false);
  });

  it("the code version follows the source of a strategy package from outside the workspace", () => {
    const dir = mkdtempSync(join(tmpdir(), "vmlab-plugin-"));
    mkdirSync(join(dir, "src"));
    writeFileSync(join(dir, "package.json"), "{}");
    writeFileSync(join(dir, "src/index.ts"), "export const a = 1;\n");
    const url = pathToFileURL(join(dir, "src/index.ts")).href;
    const before = codeVersion([url]);
    expect(codeVersion([url])).toBe(before);
    expect(codeVersion([])).not.toBe(before);
    // The built-in strategies are workspace packages, already in it.
    expect(codeVersion(BUILTIN_URLS)).toBe(codeVersion([]));
    writeFileSync(join(dir, "src/index.ts"), "export const a = 2;\n");
    expect(codeVersion([url])).not.toBe(before);
  });
});

describe("the matrix with a results cache", () => {
  it("stores each cell and the native reference it ran; a matrix of cells all stored starts no run", async () => {
    const cache = new ResultCache(mkdtempSync(join(tmpdir(), "vmlab-cache-")), codeVersion(BUILTIN_URLS));
    const interpret = { scenario: syscall, configuration: config("interpret", "p4-2006") };
    const [first] = await runMatrix([interpret], { strategyPackages: BUILTIN_URLS, workers: 1, cache });
    expect(first!.properties!.equivalent).toBe(true);
    expect([cache.hits, cache.stored]).toEqual([0, 2]); // the cell and its native reference
    // The native cell is the reference run above; the interpret cell is stored too: nothing runs
    // (a worker started now would fail: none is given the strategy packages).
    const native = { scenario: syscall, configuration: config("native", "p4-2006") };
    const cached: boolean[] = [];
    const again = await runMatrix([native, interpret], { strategyPackages: [], workers: 1, cache, onProgress: (_d, _t, _r, c) => cached.push(c) });
    expect([cache.hits, cache.stored]).toEqual([2, 2]);
    expect(cached).toEqual([true, true]);
    expect(again.map((r) => [r.configuration.label, r.outcome, r.properties?.equivalent])).toEqual([
      ["x86-like(2)/native/direct", "halt", true],
      ["x86-like(2)/interpret/direct", "halt", true],
    ]);
    expect(again[1]!.cycles).toEqual(first!.cycles);
  });
});
