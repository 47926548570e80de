// vmlab as a command: on PATH from anywhere, clean --json, paths relative to the caller,
// one error style with documented exit codes, did-you-mean, images that carry their
// profile, output fitted to the terminal.
import { copyFileSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { spawnSync } from "node:child_process";
import { tmpdir } from "node:os";
import { delimiter, join } from "node:path";
import { describe, expect, it } from "vitest";
import { getMachineProfile, unmetFeature, type RunResult } from "@vmlab/core";
import { readImageFile } from "@vmlab/isa";
import { cellVerdict, matrixCounts, statusOf } from "@vmlab/report";
import { strategyLab } from "@vmlab/test-support";
import { hasStackTrace, repoRoot, vmlab } from "./run-cli.js";

const example = join(repoRoot, "packages/isa/examples/hello-syscall.s");
const version = (JSON.parse(readFileSync(join(repoRoot, "packages/cli/package.json"), "utf8")) as { version: string }).version;
const widest = (text: string): number => Math.max(0, ...text.split("\n").map((l) => [...l].length));

describe("the vmlab command", () => {
  it("runs by name from any directory once node_modules/.bin is on PATH (the README's set-up)", () => {
    const r = spawnSync("vmlab", ["--version"], {
      cwd: tmpdir(),
      encoding: "utf8",
      env: { ...process.env, PATH: `${join(repoRoot, "node_modules/.bin")}${delimiter}${process.env.PATH}` },
    });
    expect(r.stderr).toBe("");
    expect(r.stdout.trim()).toBe(version);
    expect(r.status).toBe(0);
  });

  it("--help ends with the exit codes", () => {
    const r = vmlab(["--help"]);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/Exit codes:\n +0 +success[^\n]*\n +1 +a run or a matrix cell failed[^\n]*\n +2 +bad input or usage[^\n]*\n +70 +a fault in vmlab itself/);
  });

  it("--json prints JSON alone on stdout, from another directory", () => {
    const r = vmlab(["run", "syscall", "--cpu", "interpret", "--json"], { cwd: tmpdir() });
    expect(r.status).toBe(0);
    const result = JSON.parse(r.stdout) as { output: string; properties: { equivalent: boolean } };
    expect(result.output).toBe("syscall: 1000 done\n");
    expect(result.properties.equivalent).toBe(true);
  });

  it("under `pnpm vmlab` (run in the workspace root), paths are relative to the caller's directory (INIT_CWD)", () => {
    const dir = mkdtempSync(join(tmpdir(), "vmlab-caller-"));
    copyFileSync(example, join(dir, "my.s"));
    const asPnpm = { cwd: repoRoot, env: { INIT_CWD: dir, npm_lifecycle_event: "vmlab" } };
    const a = vmlab(["asm", "my.s", "--out", "my.img", "--profile", "x86-like"], asPnpm);
    expect(a.stderr).toBe("");
    expect(existsSync(join(dir, "my.img"))).toBe(true);
    expect(existsSync(join(repoRoot, "my.img"))).toBe(false);
    const e = vmlab(["exec", "my.img"], asPnpm);
    expect(e.stdout).toBe("hello from the kernel\n");
    expect(e.status).toBe(0);
  });

  // A strategy package of one's own in TypeScript, with a constructor parameter decorator
  // (experimentalDecorators): found and compiled by the prebuilt command, and by tsx on the
  // sources started outside the workspace (which would compile it with the wrong options).
  const plugin = join(repoRoot, "packages/cli/test/fixtures/injected-strategy/vmlab.config.json");
  for (const source of [false, true]) {
    it(`a TypeScript strategy package named by --config, from another directory (${source ? "tsx on the sources" : "prebuilt"})`, () => {
      const r = vmlab(["run", "syscall", "--cpu", "injected", "--config", plugin, "--json"], { cwd: tmpdir(), source });
      expect(r.stderr).toBe("");
      expect(r.status).toBe(0);
      const result = JSON.parse(r.stdout) as { configuration: { cpu: string }; properties: { equivalent: boolean } };
      expect(result.configuration.cpu).toBe("injected");
      expect(result.properties.equivalent).toBe(true);
    });
  }
});

describe("one error style, one exit code per kind", () => {
  const usage: [string, string[], RegExp][] = [
    ["an unknown option (commander's own)", ["run", "syscall", "--turbo"], /^vmlab: unknown option '--turbo'/],
    ["a misspelled scenario", ["run", "syscal"], /^vmlab: unknown scenario 'syscal' \(valid: .*\); did you mean 'syscall'\?$/m],
    ["a misspelled CPU strategy", ["run", "syscall", "--cpu", "binary-translaton"], /did you mean 'binary-translation'\?$/m],
    ["the start of a profile's name", ["exec", example, "--profile", "x86"], /^vmlab: unknown profile 'x86' \(valid: mips-like, riscv-like, x86-like\); did you mean 'x86-like'\?$/m],
    ["a misspelled machine in a matrix", ["matrix", "--machines", "skylake-2105"], /unknown machine profile 'skylake-2105' .*did you mean 'skylake-2015'\?/],
    ["a misspelled trace start", ["trace", "syscall", "--start", "sycall"], /unknown start 'sycall' .*did you mean 'syscall'\?/],
    ["no suggestion when nothing is near", ["run", "syscall", "--cpu", "vmware"], /^vmlab: unknown CPU strategy 'vmware' \(valid: [^)]*\)$/m],
  ];
  for (const [what, args, message] of usage) {
    it(`${what}: exit 2, one line`, () => {
      const r = vmlab(args);
      expect(r.status).toBe(2);
      expect(r.stderr).toMatch(message);
      expect(r.stderr).not.toMatch(/^error:/m);
      expect(hasStackTrace(r.stderr)).toBe(false);
    });
  }

  it("a matrix cell that fails (out of budget): marked in the summary, listed, exit 1", () => {
    const out = mkdtempSync(join(tmpdir(), "vmlab-budget-"));
    const r = vmlab(["matrix", "--scenarios", "syscall", "--profiles", "riscv-like", "--cpus", "native,interpret", "--machines", "skylake-2015", "--budget", "1000", "--out", out]);
    expect(r.status).toBe(1);
    const { results } = JSON.parse(readFileSync(join(out, "results.json"), "utf8")) as { results: RunResult[] };
    expect(results.map((x) => [x.configuration.cpu, x.outcome, cellVerdict(x)])).toEqual([
      ["native", "budget", "failed"],
      ["interpret", "budget", "failed"],
    ]);
    // Each failure listed with why, and the counts on the summary line, as the report words them.
    for (const x of results) expect(r.stdout).toContain(`${x.configuration.label} (skylake-2015): ${statusOf(x)}`);
    expect(r.stderr).toContain(matrixCounts(results));
  });

  it("an impossible configuration: each reason once, with the configurations it refuses", async () => {
    const r = vmlab(["matrix", "--profiles", "riscv-like,x86-like", "--cpus", "hardware-assist", "--memories", "nested", "--machines", "p4-2006,penryn-2008"]);
    expect(r.status).toBe(2);
    const line = r.stderr.trim();
    expect(line.split("\n")).toHaveLength(1);
    // Two machines without nested paging: two reasons, each naming its configurations once.
    const nested = (await strategyLab()).catalog.find((s) => s.name === "nested")!;
    for (const machine of ["p4-2006", "penryn-2008"]) expect(line.split(unmetFeature(nested.requires, getMachineProfile(machine))!)).toHaveLength(2);
    // The default matrix runs x86-like hosted too: its refusal is the same reason's.
    expect(line).toContain("3 configurations: riscv-like/hardware-assist/nested on p4-2006, x86-like/hardware-assist/nested on p4-2006, x86-like/hardware-assist/nested@hosted on p4-2006");
  });
});

describe("images carry their profile", () => {
  const dir = mkdtempSync(join(tmpdir(), "vmlab-img-"));
  const img = join(dir, "hello.img");

  it("asm records it; exec and disasm use it, and refuse another", () => {
    expect(vmlab(["asm", example, "--profile", "x86-like", "-o", img]).status).toBe(0);
    expect(readImageFile(new Uint8Array(readFileSync(img)), img).profile).toEqual({ name: "x86-like", levels: 2 });
    const e = vmlab(["exec", img]);
    expect(e.stdout).toBe("hello from the kernel\n");
    expect(e.stderr).toContain("(x86-like)");
    const wrong = vmlab(["exec", img, "--profile", "riscv-like"]);
    expect(wrong.status).toBe(2);
    expect(wrong.stdout).toBe("");
    expect(wrong.stderr.trim()).toBe(
      `vmlab: ${img}: assembled for x86-like with 2 page-table levels, not riscv-like: leave out --profile/--levels to use the image's, or assemble the source again for riscv-like`,
    );
    expect(vmlab(["disasm", img, "--levels", "4"]).status).toBe(2);
  });

  it("an image from before (version 1, no profile) runs on --profile, with a note", () => {
    // Version 1: the same header and contents without the profile fields (4 + 12 bytes for "x86-like").
    const v2 = readFileSync(img);
    const v1 = Buffer.concat([v2.subarray(0, 16), v2.subarray(32)]);
    v1.writeUInt32LE(1, 4);
    const old = join(dir, "old.img");
    writeFileSync(old, v1);
    const r = vmlab(["exec", old, "--profile", "x86-like"]);
    expect(r.stdout).toBe("hello from the kernel\n");
    expect(r.stderr).toMatch(/old\.img was written before images recorded their profile: read as x86-like with 2 page-table levels/);
  });

  it("disasm shows each instruction's address and word", () => {
    const d = vmlab(["disasm", img]);
    expect(d.status).toBe(0);
    const image = readImageFile(new Uint8Array(readFileSync(img)), img);
    const lines = [...d.stdout.matchAll(/; 0x([0-9a-f]{8}): ([0-9a-f]{8})$/gm)];
    expect(lines.length).toBeGreaterThan(10);
    for (const [, address, word] of lines) {
      const a = parseInt(address!, 16);
      const seg = image.segments.find((s) => a >= s.address && a < s.address + s.bytes.length)!;
      const view = new DataView(seg.bytes.buffer, seg.bytes.byteOffset);
      expect(word).toBe(
        view
          .getUint32(a - seg.address, true)
          .toString(16)
          .padStart(8, "0"),
      );
    }
  });

  it("asm --help shows no empty default", () => {
    const r = vmlab(["asm", "--help"]);
    expect(r.stdout).toContain("--define");
    expect(r.stdout).not.toContain("(default: {})");
  });
});

describe("output fitted to the terminal", () => {
  it("list, run and trace fit 72 columns; a pipe gets 100", () => {
    const narrow = { env: { COLUMNS: "72" } };
    const list = vmlab(["list"], narrow);
    expect(widest(list.stdout)).toBeLessThanOrEqual(72);
    expect(widest(vmlab(["list"]).stdout)).toBeLessThanOrEqual(100);
    const run = vmlab(["run", "syscall", "--cpu", "trap-emulate"], narrow);
    expect(widest(run.stderr)).toBeLessThanOrEqual(72);
    expect(run.stderr).toMatch(/guest instructions +│ 143,082 /);
    const trace = vmlab(["trace", "syscall", "--cpu", "trap-emulate", "--start", "syscall", "--events", "5"], narrow);
    expect(trace.status).toBe(0);
    expect(widest(trace.stdout)).toBeLessThanOrEqual(72);
  });

  it("matrix prints a summary grid, --rows every cell; both fit the width", () => {
    const out = mkdtempSync(join(tmpdir(), "vmlab-summary-"));
    const args = ["matrix", "--scenarios", "syscall,compute", "--profiles", "riscv-like", "--cpus", "native,interpret,binary-translation", "--machines", "p4-2006,skylake-2015", "--out", out];
    const summary = vmlab(args, { env: { COLUMNS: "80" } });
    expect(summary.status).toBe(0);
    expect(widest(summary.stdout)).toBeLessThanOrEqual(80);
    expect(summary.stdout).toMatch(/^riscv-like\(3\)\n {7,}p4-2006 +skylake-2015\nscenario +INT +BT\/SPT +INT +BT\/SPT\n/m);
    expect(summary.stdout).not.toContain("FAILED");
    const rows = vmlab([...args, "--rows"], { env: { COLUMNS: "120" } });
    expect(rows.status).toBe(0);
    expect(widest(rows.stdout)).toBeLessThanOrEqual(120);
    expect(rows.stdout.match(/║ (syscall|compute) /g)).toHaveLength(12);
  });

  it("the progress bar on a terminal has an ETA", () => {
    const out = mkdtempSync(join(tmpdir(), "vmlab-eta-"));
    const bin = join(repoRoot, "packages/cli/bin/vmlab.mjs");
    // `script` gives the command a pseudo-terminal, as a user's shell would.
    const r = spawnSync("script", ["-qc", `node ${bin} matrix --scenarios syscall --profiles riscv-like --cpus native,interpret --machines skylake-2015 --out ${out}`, "/dev/null"], {
      encoding: "utf8",
      env: { ...process.env, FORCE_COLOR: "0" },
    });
    expect(r.status).toBe(0);
    // Which counts are drawn depends on the bar's redraw rate; each drawn count after the first has an ETA in seconds.
    expect(r.stdout).toMatch(/[12]\/2 cells \| ETA \d+s \| 0 failed/);
  });
});
