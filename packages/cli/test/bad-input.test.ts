// Bad input found by the fuzz suites or by trying what a new user would, each held here as
// a regular case: one line naming the file, the value or the option, a non-zero exit, no
// stack trace, nothing written. In-process (runCli), so each case costs milliseconds.
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { MACHINE_PROFILES } from "@vmlab/core";
import { hasStackTrace, repoRoot, vmlabInProcess } from "./run-cli.js";

const dir = mkdtempSync(join(tmpdir(), "vmlab-bad-input-"));
const file = (name: string, text: string): string => {
  writeFileSync(join(dir, name), text);
  return join(dir, name);
};
const fifo = (name: string): string => {
  execFileSync("mkfifo", [join(dir, name)]);
  return join(dir, name);
};
const scenarioDir = (name: string, json: string | null): string => {
  const d = join(dir, name);
  mkdirSync(d);
  if (json !== null) writeFileSync(join(d, "scenario.json"), json);
  writeFileSync(join(d, "main.s"), '        .include "runtime.s"\nstart:  li r2, 0\n        call exit\n');
  return d;
};
const hello = join(repoRoot, "packages/isa/examples/hello-syscall.s");

const fifoScenario = scenarioDir("fifo-scenario", null);
execFileSync("mkfifo", [join(fifoScenario, "scenario.json")]);
const folderScenario = scenarioDir("folder-scenario", null);
mkdirSync(join(folderScenario, "scenario.json"));
const copy = file("copy.s", readFileSync(hello, "utf8"));
const { provenance: _p, ...p4 } = MACHINE_PROFILES["p4-2006"]!;
const costly = file("costly.json", JSON.stringify({ ...p4, name: "costly", costs: { ...p4.costs, vmExit: 1e300 } }));

const refused: [string, string[], RegExp][] = [
  // Settings files that are not regular files hung (a FIFO never ends) or gave a raw EISDIR.
  ["a FIFO as a machine profile", ["run", "syscall", "--machine", fifo("machine.json")], /machine\.json: is not a regular file \(a device, a FIFO or a socket\)/],
  ["a device as vmlab.config.json", ["list", "--config", "/dev/zero"], /^vmlab: \/dev\/zero: is not a regular file/],
  ["a folder as vmlab.config.json", ["list", "--config", dir], /: is a directory, not a settings file/],
  ["a FIFO as scenario.json", ["run", fifoScenario], /fifo-scenario\/scenario\.json: is not a regular file/],
  ["a folder as scenario.json", ["run", folderScenario], /folder-scenario\/scenario\.json: is a directory, not a settings file/],
  ["a device as a program", ["exec", "/dev/zero"], /^vmlab: \/dev\/zero: is not a regular file/],
  // Costs so large that totals overflowed to Infinity.
  ["a cost past any hardware's in a machine profile", ["run", "syscall", "--machine", costly], /costly\.json: field 'costs\.vmExit': must be at most 1,000,000,000 cycles/],
  ["a sweep to a cost past any hardware's", ["sweep", "--param", "vmExit", "--from", "0", "--to", "1e300", "--out", join(dir, "sweep")], /--to must be at most 1,000,000,000 cycles \(got '1e300'\)/],
  // Names that are properties of every object were taken for profiles.
  ["a machine named like an object property", ["run", "syscall", "--machine", "constructor"], /unknown machine profile 'constructor'/],
  ["a profile named like an object property", ["run", "syscall", "--profile", "toString"], /unknown profile 'toString'/],
  ["more worker threads than a machine holds", ["matrix", "--scenarios", "syscall", "--workers", "100", "--out", join(dir, "workers")], /--workers must be at most 32/],
  // Empty values were taken as "not given".
  ["an empty --out", ["matrix", "--scenarios", "syscall", "--cpus", "native", "--profiles", "x86-like", "--machines", "p4-2006", "--out", ""], /--out needs a folder name/],
  ["an empty --config", ["list", "--config", ""], /--config needs a file name/],
  ["an empty --memory", ["run", "syscall", "--memory", ""], /unknown memory strategy ''/],
  ["an empty list of CPU strategies", ["matrix", "--cpus", ",", "--out", join(dir, "cpus")], /--cpus names no CPU strategy/],
  ["an empty program name", ["exec", ""], /no program named/],
  // Programs with nothing in them ran (to the budget) or printed nothing.
  ["an empty program to run", ["exec", file("empty.s", "; nothing\n")], /empty\.s: assembles to nothing/],
  [
    "an image with no bytes",
    [
      "disasm",
      (() => {
        const f = join(dir, "empty.img");
        writeFileSync(f, Uint8Array.of(0x56, 0x4d, 0x4c, 0x49, 1, 0, 0, 0, 0, 0, 0, 0x80, 0, 0, 0, 0, 0, 0, 0, 0));
        return f;
      })(),
    ],
    /empty\.img: holds nothing/,
  ],
  ["a program no machine can load", ["exec", file("far.s", "        .org 0x90000000\nstart:  halt\n")], /far\.s: segment at 0x90000000 \(4 bytes\) does not fit/],
  ["a process number that is no number", ["memory", "syscall", "--process", "one"], /--process must be a positive integer \(got 'one'\)/],
  ["a memory picture at step 0", ["memory", "syscall", "--at", "0"], /--at must be a positive integer \(got '0'\)/],
  // Output files.
  ["model --out to a folder", ["model", "--out", dir], /--out .*: is a folder, not a file/],
  ["model --json --out to a folder", ["model", "--json", "--out", dir], /--out .*: is a folder, not a file/],
  ["asm -o over its own source", ["asm", copy, "-o", copy], /-o .*copy\.s: is the input file/],
  ["asm -o where nothing can be written", ["asm", copy, "-o", join(dir, "no", "such", "x.img")], /-o .*x\.img: cannot write it \(ENOENT\)/],
  // A value with a line break, echoed back, stays on one line.
  ["a value with a line break", ["run", "syscall", "--budget", "a\nb"], /--budget must be a positive integer \(got 'a\\nb'\)$/],
  ["an unknown option with a line break", ["list", "--x\ny"], /^vmlab: unknown option '--x\\ny'/],
  ["serve on a port past 65535", ["serve", "--port", "70000"], /^vmlab: --port must be at most 65,535 \(got '70000'\)$/],
  ["serve on a port that is not a number", ["serve", "--port", "http"], /^vmlab: --port must be a positive integer \(got 'http'\)$/],
];

describe("bad input: one line, a non-zero exit, no stack trace", () => {
  for (const [what, args, message] of refused) {
    it(what, async () => {
      const r = await vmlabInProcess(args);
      expect(r.status, r.stderr).toBe(2);
      expect(r.stderr.split("\n")[0]).toMatch(message);
      expect(
        r.stderr
          .replace(/\n$/, "")
          .split("\n")
          .filter((l) => !l.startsWith("(run `vmlab --help`")),
      ).toHaveLength(1);
      expect(hasStackTrace(r.stderr)).toBe(false);
      expect(r.stdout).toBe("");
    });
  }

  it("the source asm was asked to overwrite is left as it was; no report folder is made for a refused matrix", () => {
    expect(readFileSync(copy, "utf8")).toBe(readFileSync(hello, "utf8"));
    expect(existsSync(join(dir, "workers"))).toBe(false);
    expect(existsSync(join(dir, "cpus"))).toBe(false);
    expect(existsSync(join(dir, "sweep"))).toBe(false);
  });

  it("vmlab memory: a process that is not there, or a step past the run's end, exits 1 naming what there is", async () => {
    const none = await vmlabInProcess(["memory", "syscall", "--process", "9"]);
    expect(none.status).toBe(1);
    expect(none.stderr).toMatch(/^vmlab: syscall on riscv-like\/trap-emulate\/shadow, after the last step of a user process: no live process 9 at this moment \(live: 1\)\n$/);
    const late = await vmlabInProcess(["memory", "syscall", "--at", "100000"]);
    expect(late.status).toBe(1);
    expect(late.stderr).toMatch(/step 100000 is past the end of the run \(it has [\d,]+ steps from the first user event\)/);
    expect(hasStackTrace(none.stderr + late.stderr)).toBe(false);
  });

  it("a run that does not halt exits 1 with --json as without it", async () => {
    const spin = file("spin.s", "start: jmp start\n");
    const r = await vmlabInProcess(["exec", spin, "--budget", "1000", "--json"]);
    expect(r.status).toBe(1);
    expect(JSON.parse(r.stdout)).toMatchObject({ outcome: "budget", instructions: 1000 });
  });
});
