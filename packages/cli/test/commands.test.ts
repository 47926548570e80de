import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { execFileSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { ConfigurationError, getMachineProfile, MACHINE_PROFILES, type RunResult } from "@vmlab/core";
import { getProfile } from "@vmlab/isa";
import { cellVerdict, matrixCounts } from "@vmlab/report";
import { strategyLab, thrown } from "@vmlab/test-support";
import { hasStackTrace, vmlab } from "./run-cli.js";
const lab = await strategyLab();

describe("vmlab run", () => {
  it("runs a scenario under interpret and reports equivalence with native", () => {
    const r = vmlab(["run", "syscall", "--profile", "mips-like", "--cpu", "interpret", "--json"]);
    expect(r.status).toBe(0);
    const result = JSON.parse(r.stdout) as { output: string; properties: { equivalent: boolean; efficiency: number }; slowdown: number };
    expect(result.output).toBe("syscall: 1000 done\n");
    expect(result.properties.equivalent).toBe(true);
    expect(result.properties.efficiency).toBe(0);
    expect(result.slowdown).toBeGreaterThan(1);
  });

  it("prints the guest's output and a summary", () => {
    const r = vmlab(["run", "compute", "--profile", "x86-like"]);
    expect(r.status).toBe(0);
    expect(r.stdout).toBe("compute: 2262 primes below 20000\n"); // pi(20000) = 2262
    expect(r.stderr).toContain("100.0% executed directly");
  });
});

describe("vmlab memory", () => {
  it("--json: the process's pages, each VPN -> PFN -> a scattered MFN, and the shadow entries that agree", () => {
    const r = vmlab(["memory", "page-fault", "--cpu", "trap-emulate", "--memory", "shadow", "--json"]);
    expect(r.status, r.stderr).toBe(0);
    const p = JSON.parse(r.stdout);
    expect(p).toMatchObject({ scenario: "page-fault", connection: "shadow", monitor: true, process: { pid: 1 } });
    expect(p.pages.length).toBeGreaterThan(100);
    const mfns = p.pages.map((x: { mfn: number }) => x.mfn);
    expect(new Set(mfns).size).toBe(mfns.length);
    expect(p.pages.filter((x: { pfn: number; mfn: number }) => x.mfn === x.pfn + 512).length).toBeLessThan(5);
    for (const x of p.pages) if (x.connected !== null) expect(x.connected).toBe(x.mfn);
  });
});

describe("vmlab list", () => {
  it("lists scenarios, profiles, strategies and machine profiles", () => {
    const r = vmlab(["list", "--json"]);
    expect(r.status).toBe(0);
    const l = JSON.parse(r.stdout) as Record<string, { name: string }[]>;
    expect(l.scenarios!.map((s) => s.name)).toContain("forkwait");
    expect(l.cpuStrategies![0]!.name).toBe("native");
    expect(l.cpuStrategies!.map((s) => s.name)).toEqual(expect.arrayContaining(["native", "interpret", "trap-emulate", "binary-translation"]));
    expect(l.memoryStrategies!.map((s) => s.name)).toEqual(expect.arrayContaining(["direct", "software-tlb", "shadow"]));
    expect(l.machineProfiles!.map((s) => s.name)).toEqual(["p4-2006", "penryn-2008", "nehalem-2009", "skylake-2015"]);
  });
});

describe("vmlab matrix", () => {
  it("narrowed by options, writes the report folder", () => {
    const out = mkdtempSync(join(tmpdir(), "vmlab-matrix-"));
    const r = vmlab(["matrix", "--scenarios", "syscall,compute", "--profiles", "x86-like", "--cpus", "native,interpret", "--machines", "skylake-2015", "--out", out, "--json"]);
    expect(r.status).toBe(0);
    const m = JSON.parse(r.stdout) as { results: { outcome: string; properties: { equivalent: boolean } }[]; files: string[] };
    expect(m.results).toHaveLength(4);
    expect(m.results.every((x) => x.outcome === "halt" && x.properties.equivalent)).toBe(true);
    expect(m.files).toHaveLength(4);
  });

  it("a matrix whose only divergences are predicted exits 0 and counts them apart", () => {
    const out = mkdtempSync(join(tmpdir(), "vmlab-matrix-"));
    const r = vmlab(["matrix", "--scenarios", "red-pill", "--profiles", "x86-like", "--cpus", "binary-translation", "--machines", "p4-2006", "--out", out]);
    expect(r.status).toBe(0);
    // Bare metal and, as the default matrix runs x86-like, hosted: the same divergence.
    const { results } = JSON.parse(readFileSync(join(out, "results.json"), "utf8")) as { results: RunResult[] };
    expect(results.map((x) => [x.configuration.host ?? "bare-metal", x.properties?.divergence?.predicted?.theorem, cellVerdict(x)])).toEqual([
      ["bare-metal", 3, "predicted"],
      ["hosted", 3, "predicted"],
    ]);
    expect(r.stderr).toContain(matrixCounts(results));
  });
});

describe("bad input: one line naming the problem, no stack trace", () => {
  const dir = mkdtempSync(join(tmpdir(), "vmlab-badcfg-"));
  const badMachine = join(dir, "machine.json");
  const { provenance: _p, ...p4 } = MACHINE_PROFILES["p4-2006"]!;
  writeFileSync(badMachine, JSON.stringify({ ...p4, name: "x", costs: { ...p4.costs, instruction: -1 } }));
  const zeroInclude = join(dir, "zero.s");
  writeFileSync(zeroInclude, '        .include "/dev/zero"\n        halt\n');
  const broken = join(dir, "broken");
  mkdirSync(broken);
  writeFileSync(join(broken, "scenario.json"), JSON.stringify({ name: "broken", description: "d", stresses: [], programs: ["main.s"], budget: 1000 }));
  writeFileSync(join(broken, "main.s"), "start:  frobnicate r1\n");
  const fsConfig = join(dir, "fs.config.json");
  writeFileSync(fsConfig, JSON.stringify({ strategies: ["fs"] }));
  const emptySource = join(dir, "empty.s");
  writeFileSync(emptySource, "");
  const fifo = join(dir, "fifo.img");
  execFileSync("mkfifo", [fifo]);
  // Core refuses it, for a reason the strategy gives: the command prints core's refusal as it is.
  const paravirtHosted = thrown(() => lab.config({ profile: "riscv-like", cpu: "paravirt", host: "hosted" }));
  it("paravirt hosted is refused as impossible", () => {
    expect(paravirtHosted).toBeInstanceOf(ConfigurationError);
    expect((paravirtHosted as ConfigurationError).kind).toBe("impossible");
  });
  const cases: [string, string[], RegExp | string][] = [
    ["an include of a device file", ["exec", zeroInclude], /zero\.s:1:18: cannot include '\/dev\/zero': is not a regular file/],
    [
      "a report folder that cannot be made",
      ["matrix", "--scenarios", "syscall", "--profiles", "x86-like", "--cpus", "native", "--machines", "p4-2006", "--out", "/proc/vmlab-report"],
      /--out \/proc\/vmlab-report: cannot create \/proc\/vmlab-report/,
    ],
    ["a built-in module named as a strategy package", ["list", "--config", fsConfig], /'fs' is a Node\.js built-in module, not a strategy package/],
    ["an empty program", ["asm", emptySource, "-o", join(dir, "empty.img")], /empty\.s: assembles to nothing/],
    ["a matrix of no scenario", ["matrix", "--scenarios", "", "--out", join(dir, "none")], /--scenarios names no scenario/],
    [
      "a matrix whose every cell fails",
      ["matrix", "--scenarios", broken, "--profiles", "riscv-like", "--cpus", "native", "--machines", "p4-2006", "--out", join(dir, "broken-report")],
      /every cell of the matrix failed \(first: .*main\.s:1:9/,
    ],
    ["a device file as an image", ["disasm", "/dev/zero"], /\/dev\/zero: is not a regular file/],
    ["a FIFO as an image", ["exec", fifo], /fifo\.img: is not a regular file/],
    ["unknown scenario", ["run", "nosuch"], /unknown scenario 'nosuch' \(valid: .*syscall/],
    ["unknown CPU strategy", ["run", "syscall", "--cpu", "vmware"], /unknown CPU strategy 'vmware' \(valid: native, interpret, .*trap-emulate/],
    ["unknown memory strategy", ["run", "syscall", "--memory", "shadowy"], /unknown memory strategy 'shadowy' \(valid: direct, .*shadow/],
    ["unknown profile", ["run", "syscall", "--profile", "arm-like"], /unknown profile 'arm-like' \(valid: mips-like, riscv-like, x86-like\)/],
    ["unknown machine profile", ["run", "syscall", "--machine", "p5"], /unknown machine profile 'p5' \(valid: p4-2006, penryn-2008, nehalem-2009, skylake-2015/],
    ["malformed machine profile", ["run", "syscall", "--machine", badMachine], thrown(() => getMachineProfile(badMachine)).message],
    ["levels on a software TLB", ["run", "syscall", "--profile", "mips-like", "--levels", "3"], thrown(() => getProfile("mips-like", { levels: 3 })).message],
    ["unknown scenario in a matrix", ["matrix", "--scenarios", "syscall,nosuch"], /unknown scenario 'nosuch'/],
    ["unknown strategy in a matrix", ["matrix", "--cpus", "native,bt"], /unknown CPU strategy 'bt'/],
    ["unknown host", ["run", "syscall", "--cpu", "trap-emulate", "--host", "type2"], /unknown host 'type2' \(valid: bare-metal, hosted\)/],
    ["unknown host in a matrix", ["matrix", "--hosts", "bare-metal,hostd"], /unknown host 'hostd'.*did you mean 'hosted'\?/],
    ["paravirt hosted", ["run", "syscall", "--cpu", "paravirt", "--host", "hosted"], paravirtHosted.message],
    ["missing config file", ["list", "--config", join(dir, "none.json")], /none\.json: no such file/],
    ["a budget no run can use", ["run", "compute", "--budget", "9007199254740991"], /--budget must be at most 1,000,000,000/],
    ["more sweep steps than runs can hold", ["sweep", "--param", "vmExit", "--from", "1", "--to", "2", "--steps", "100000000"], /--steps must be at most 1,000/],
  ];
  for (const [what, args, message] of cases) {
    it(what, () => {
      const r = vmlab(args);
      expect(r.status).not.toBe(0);
      expect(r.stderr).toMatch(message);
      expect(hasStackTrace(r.stderr)).toBe(false);
    });
  }
});

describe("vmlab validate and vmlab model", () => {
  it("validate --json: every row with its published figure, modeled value, ratio, tolerance and verdict", () => {
    const r = vmlab(["validate", "--json"]);
    expect(r.status, r.stderr).toBe(0);
    const v = JSON.parse(r.stdout) as { results: { figure: { id: string; source: string }; modeledValue: number; ratio: number; tolerance: number[]; pass: boolean }[]; failing: number };
    expect(v.results.map((x) => x.figure.id)).toContain("xen03.kernelbuild");
    for (const x of v.results) {
      expect(x.figure.source.length).toBeGreaterThan(0);
      expect(x.pass).toBe(x.ratio >= x.tolerance[0]! && x.ratio <= x.tolerance[1]!);
    }
    expect(v.failing).toBe(v.results.filter((x) => !x.pass).length);
  });

  it("model prints MODEL.md", () => {
    const r = vmlab(["model"]);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toBe(readFileSync(fileURLToPath(new URL("../../../MODEL.md", import.meta.url)), "utf8"));
  });
});
