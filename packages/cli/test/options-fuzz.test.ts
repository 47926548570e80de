// Every command with random options and values, run in-process (runCli): good values
// mixed with junk, and at least one value that must be refused. Each must end in exit
// status 2 (bad input or usage) with a one-line message (the usage hint may follow it),
// no stack trace, nothing on stdout, no report folder or image written.
import { execFileSync } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { afterAll, describe, expect, it, onTestFinished } from "vitest";
import { inputFuzzParameters } from "../../../tools/input-fuzz.js";
import { hasStackTrace, repoRoot, vmlabInProcess } from "./run-cli.js";

const dir = mkdtempSync(join(tmpdir(), "vmlab-options-fuzz-"));
const file = (name: string, text: string): string => {
  writeFileSync(join(dir, name), text);
  return join(dir, name);
};
const hello = join(dir, "hello.s");
copyFileSync(join(repoRoot, "packages/isa/examples/hello-syscall.s"), hello);
const fifo = join(dir, "fifo.s");
execFileSync("mkfifo", [fifo]);
const folder = join(dir, "folder.s");
mkdirSync(folder);
const broken = join(dir, "broken");
mkdirSync(broken);
writeFileSync(join(broken, "scenario.json"), '{"name": "b", "name": "c"}');
const BAD_FILES = [join(dir, "missing.s"), folder, "/dev/zero", fifo, file("junk.img", "not an image"), file("bad.s", "start: frob r1\n"), file("empty.s", ""), file("notes.txt", "x"), ""];
/** Assembles, but no machine can load it. */
const far = file("far.s", "        .org 0x90000000\nstart:  halt\n");
const fifoJson = join(dir, "fifo.json");
execFileSync("mkfifo", [fifoJson]);
const BAD_SETTINGS = [join(dir, "missing.json"), fifoJson, "/dev/zero", dir, file("malformed.json", "{"), file("fs.json", '{"strategies": ["fs"]}')];

/** Values of any shape: some happen to be good for some option, most are not. */
const JUNK = [
  "",
  " ",
  "nosuch",
  "-1",
  "0",
  "1",
  "1.5",
  "1e309",
  "NaN",
  "Infinity",
  "0x10",
  "9007199254740993",
  "99999999999999999999",
  "1_0",
  "constructor",
  "__proto__",
  "toString",
  "x".repeat(3000),
  "a\nb",
  "\u0000",
  "é",
  "../..",
  ",",
  ",,",
  "syscall,",
  "--json",
  "-",
  ...BAD_FILES,
  ...BAD_SETTINGS,
];
const junk = fc.oneof(fc.constantFrom(...JUNK), fc.string({ maxLength: 8 }));

type Element = { args: string[]; bad: boolean };
/** An option with good values, values that must be refused, or junk. */
const option = (flag: string, good: readonly string[], bad: readonly string[]): fc.Arbitrary<Element> =>
  fc.oneof(
    ...(good.length > 0 ? [{ weight: 3, arbitrary: fc.constantFrom(...good).map((v) => ({ args: [flag, v], bad: false })) }] : []),
    { weight: 1, arbitrary: fc.constantFrom(...bad).map((v) => ({ args: [flag, v], bad: true })) },
    { weight: 1, arbitrary: junk.map((v) => ({ args: [flag, v], bad: false })) },
  );
const flag = (name: string): fc.Arbitrary<Element> => fc.constant<Element>({ args: [name], bad: false });
/** Always refused, whatever else is given. */
const certainlyBad: fc.Arbitrary<Element> = fc.constantFrom<Element>({ args: ["--bogus"], bad: true }, { args: ["-Z"], bad: true }, { args: ["--json=yes"], bad: true });

const PROFILE = ["riscv-like", "x86-like", "mips-like"];
const BAD_PROFILE = ["arm-like", "constructor", "RISCV-LIKE", ""];
const LEVELS = ["2", "3", "4"];
const BAD_LEVELS = ["1", "5", "3.5", "three", ""];
const BUDGET = ["1000", "1_000", "250000"];
const BAD_COUNT = ["0", "-5", "1.5", "lots", "1e10", "9007199254740993", ""];
const MACHINE = ["p4-2006", "skylake-2015", "nehalem-2009:nestedTlb=off"];
const BAD_MACHINE = ["p5", "constructor", "nehalem-2009:turbo=on", "nehalem-2009:", ...BAD_SETTINGS.map((f) => `${f}.json`), fifoJson];
const common = {
  profile: option("--profile", PROFILE, BAD_PROFILE),
  levels: option("--levels", LEVELS, BAD_LEVELS),
  budget: option("--budget", BUDGET, BAD_COUNT),
  machine: option("--machine", MACHINE, BAD_MACHINE),
  cpu: option("--cpu", ["native", "interpret", "trap-emulate", "hardware-assist"], ["vmware", "constructor", ""]),
  memory: option("--memory", ["direct", "shadow", "nested", "software-tlb"], ["paging", "toString", ""]),
  config: option("--config", [], BAD_SETTINGS),
  json: flag("--json"),
};
const scenario = fc.oneof(
  fc.constantFrom("syscall", "compute").map((s) => ({ args: [s], bad: false })),
  fc.constantFrom("nosuch", broken, join(dir, "none"), "constructor", "./", "/dev/null").map((s) => ({ args: [s], bad: true })),
);
const program = (good: string, bad: readonly string[] = BAD_FILES): fc.Arbitrary<Element> =>
  fc.oneof(
    fc.constant<Element>({ args: [good], bad: false }),
    fc.constantFrom(...bad).map((f): Element => ({ args: [f], bad: true })),
  );
let outs = 0;
const out = (): string => join(dir, `out-${++outs}`);

/** Per command: its positional arguments and its options. */
const COMMANDS: Record<string, { positional?: fc.Arbitrary<Element>; options: fc.Arbitrary<Element>[] }> = {
  run: { positional: scenario, options: [common.profile, common.levels, common.cpu, common.memory, common.machine, common.budget, common.config, common.json] },
  trace: {
    positional: scenario,
    options: [
      common.profile,
      common.levels,
      common.cpu,
      common.memory,
      common.machine,
      common.budget,
      common.config,
      common.json,
      flag("--all"),
      option("--events", ["5", "1e10"], ["0", "-5", "1.5", "lots", ""]),
      option("--start", ["user", "syscall", "vm-exit"], ["middle", "", "USER"]),
    ],
  },
  matrix: {
    options: [
      option("--scenarios", ["syscall", "syscall,compute"], ["", ",", "nosuch", "syscall,nosuch", broken]),
      option("--profiles", ["x86-like"], ["arm-like", "x86-like,arm-like"]),
      option("--cpus", ["native", "native,interpret"], ["bt", "native,vmware"]),
      option("--memories", ["direct", "shadow"], ["paging"]),
      option("--machines", ["p4-2006"], ["p5", "p4-2006,p5"]),
      common.levels,
      common.budget,
      option("--workers", ["1", "2"], [...BAD_COUNT, "33", "100000"]),
      common.config,
      common.json,
      option("--shard", ["1/2", "2/2"], ["0/2", "3/2", "1/0", "a/b", "1", "", "1/2/3"]),
      flag("--no-cache"),
    ],
  },
  sweep: {
    options: [
      option("--param", ["vmExit", "vmRoundTrip"], ["vmexit", "constructor", ""]),
      option("--from", ["0", "100"], ["-1", "lots", "", "1e309", "1e300"]),
      option("--to", ["1000"], ["-5", "NaN", "1000000001"]),
      option("--steps", ["2", "3"], [...BAD_COUNT, "1001", "100000000"]),
      option("--scenarios", ["syscall"], ["nosuch", broken]),
      option("--cpus", ["hardware-assist"], ["vtx"]),
      option("--profile", ["x86-like"], BAD_PROFILE),
      common.machine,
      option("--metric", ["slowdown", "cycles"], ["speed", ""]),
      common.budget,
      option("--workers", ["1"], ["0", "33"]),
      common.config,
      common.json,
    ],
  },
  merge: {
    positional: fc.constantFrom(join(dir, "none"), dir, fifoJson, "/dev/zero", file("shard-1-of-2.json", "{}"), "").map((f): Element => ({ args: [f], bad: true })),
    options: [option("--out", [], [`${dir}/junk.img`, "", "/proc/vmlab-merge"]), common.json],
  },
  list: { options: [common.config, common.json] },
  validate: { options: [common.json] },
  model: { options: [option("--out", [], [dir, "/proc/vmlab-model.md", join(dir, "missing", "x.md")]), common.json] },
  exec: { positional: program(hello, [...BAD_FILES, far]), options: [common.profile, common.levels, common.budget, common.json] },
  asm: {
    positional: program(hello),
    options: [common.profile, common.levels, common.json, option("-D", ["X=1", "Y"], ["1X", "X=lots", "X=", "="]), option("-o", [], [dir, "/proc/vmlab.img", join(dir, "missing", "x.img")])],
  },
  disasm: { positional: program(hello), options: [common.profile, common.levels, common.json] },
  classify: { options: [option("--profile", [], BAD_PROFILE), common.json] },
};

/** A command line with at least one part that must be refused. */
const commandLine = fc.constantFrom(...Object.keys(COMMANDS)).chain((name) => {
  const spec = COMMANDS[name]!;
  return fc
    .tuple(
      spec.positional ? fc.option(spec.positional, { freq: 6 }) : fc.constant(null),
      fc.array(fc.oneof(...spec.options), { maxLength: 6 }),
      fc.oneof(certainlyBad, ...spec.options, ...(spec.positional ? [spec.positional] : [])),
      fc.nat(),
    )
    .map(([positional, options, extra, at]) => {
      const elements = [...options];
      elements.splice(at % (elements.length + 1), 0, extra);
      const all = positional ? [positional, ...elements] : elements;
      // An option given again overrides what it said first (-D adds up): only the last counts as refused.
      const counts = (e: Element, k: number): boolean => e.bad && (e.args.length === 1 || e.args[0] === "-D" || !all.slice(k + 1).some((later) => later.args[0] === e.args[0]));
      // With no part that must be refused, one argument too many (commander refuses it).
      return [name, ...all.flatMap((e) => e.args), ...(all.some(counts) ? [] : ["surplus-argument"])];
    });
});

const written: string[] = [];
afterAll(() => {
  for (const o of written) expect(existsSync(o), `${o} was written by a refused command`).toBe(false);
});

describe("CLI options fuzz: refused in one line, nothing run or written", () => {
  it("random option/value combinations for every command", async () => {
    // From a scratch folder: whatever a relative name would write lands there, not in the repository.
    const cwd = process.cwd();
    process.chdir(dir);
    onTestFinished(() => process.chdir(cwd));
    await fc.assert(
      fc.asyncProperty(commandLine, async (argv) => {
        // A fresh report folder or image path per run, which must not appear.
        const o = out();
        written.push(o);
        const args = argv[0] === "matrix" || argv[0] === "sweep" ? [...argv, "--out", o] : argv[0] === "asm" && !argv.includes("-o") ? [...argv, "-o", o] : argv;
        const r = await vmlabInProcess(args);
        const lines = r.stderr.replace(/\n$/, "").split("\n");
        expect(r.status, r.stderr).toBe(2);
        expect(r.stdout, r.stderr).toBe("");
        expect(hasStackTrace(r.stderr), r.stderr).toBe(false);
        expect(lines[0], r.stderr).toMatch(/^(vmlab|error): ./);
        if (lines.length > 1) expect(lines.slice(1), r.stderr).toEqual(["(run `vmlab --help` for usage)"]);
      }),
      inputFuzzParameters(14301, 250),
    );
  });
});
