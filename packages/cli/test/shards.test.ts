import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { vmlab, vmlabAsync } from "./run-cli.js";

// Three scenarios; native, binary translation and hardware assist (with shadow and with
// nested paging): four configurations on two machines with the same features (each
// execution priced for both): 24 cells, small enough to run six times.
const MATRIX = [
  "--scenarios",
  "syscall,port-io,pte-modify",
  "--profiles",
  "x86-like",
  "--cpus",
  "native,binary-translation,hardware-assist",
  "--machines",
  "nehalem-2009,skylake-2015",
  "--hosts",
  "bare-metal",
  "--workers",
  "1",
];

interface Results {
  meta: { createdAt?: string; wallMs?: number };
  results: { metrics?: { hostWallMs?: number } }[];
}

/** results.json without what differs between any two runs: when and how long (host wall time). */
function comparable(file: string): Results {
  const r = JSON.parse(readFileSync(file, "utf8")) as Results;
  delete r.meta.createdAt;
  delete r.meta.wallMs;
  for (const x of r.results) delete x.metrics?.hostWallMs;
  return r;
}

/** report.md less its line of creation time and host wall time. */
const reportBody = (file: string) => readFileSync(file, "utf8").replace(/^\d+ runs\b.*; host wall time .*$/m, "");

describe("a matrix in shards", () => {
  const dir = mkdtempSync(join(tmpdir(), "vmlab-shards-"));
  // Same folder name, so the reports carry the same name.
  const whole = join(dir, "whole/report");
  const merged = join(dir, "merged/report");

  it("run again, takes every cell from the cache and gives the same results", () => {
    const first = vmlab(["matrix", ...MATRIX, "--out", whole, "--json"]);
    expect(first.status).toBe(0);
    expect(JSON.parse(first.stdout).cache).toMatchObject({ hits: 0, stored: 24 });
    const before = comparable(join(whole, "results.json"));
    const again = vmlab(["matrix", ...MATRIX, "--out", whole, "--json"]);
    expect(again.status).toBe(0);
    expect(JSON.parse(again.stdout).cache).toMatchObject({ hits: 24, stored: 0 });
    expect(comparable(join(whole, "results.json"))).toEqual(before);
  });

  it("three shards merged give the one run's results.json and report.md", async () => {
    const shards = [1, 2, 3].map((i) => join(dir, `shard-${i}`));
    const runs = await Promise.all(shards.map((out, k) => vmlabAsync(["matrix", ...MATRIX, "--shard", `${k + 1}/3`, "--out", out, "--no-cache", "--json"])));
    const sizes = runs.map((r) => {
      expect(r.status).toBe(0);
      return (JSON.parse(r.stdout) as { results: unknown[] }).results.length;
    });
    expect(sizes).toEqual([8, 8, 8]); // a scenario's cells share their native runs: one scenario to each shard
    const r = vmlab(["merge", ...shards, "--out", merged]);
    expect(r.status).toBe(0);
    expect(comparable(join(merged, "results.json"))).toEqual(comparable(join(whole, "results.json")));
    expect(reportBody(join(merged, "report.md"))).toEqual(reportBody(join(whole, "report.md")));
  });

  it("a bad --shard is one line naming it, before any run", () => {
    const r = vmlab(["matrix", ...MATRIX, "--shard", "3/2", "--out", join(dir, "bad")]);
    expect(r.status).not.toBe(0);
    expect(r.stderr.trim()).toBe("vmlab: --shard must be i/n with 1 <= i <= n, e.g. --shard 1/3 (got '3/2')");
  });
});
