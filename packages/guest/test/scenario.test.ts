import { mkdtempSync, mkdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { getProfile } from "@vmlab/isa";
import { listScenarios, loadScenario, runOnBareMetal, ScenarioError } from "../src/index.js";

const scenarios = listScenarios();
const PROFILES = ["mips-like", "riscv-like", "x86-like"] as const;

// Independent computations of the outputs the scenario files state.
function primesBelow(n: number): number {
  const sieve = new Uint8Array(n);
  let count = 0;
  for (let i = 2; i < n; i++) {
    if (sieve[i]) continue;
    count++;
    for (let j = i * i; j < n; j += i) sieve[j] = 1;
  }
  return count;
}

describe("the scenario set", () => {
  it("has every scenario the comparison needs", () => {
    expect(scenarios.map((s) => s.name)).toEqual(
      expect.arrayContaining([
        "syscall", "port-io", "privileged-register-write", "call-return", "page-fault", "divide-by-zero", "pte-modify",
        "forkwait", "context-switch", "tlb-pressure", "compute", "disk-io", "kernel-build", "interleave",
      ]),
    );
  });

  it("states expected outputs that an independent computation agrees with", () => {
    const byName = Object.fromEntries(scenarios.map((s) => [s.name, s]));
    expect(byName.compute!.expectedOutput).toBe(`compute: ${primesBelow(2000)} primes below 2000\n`);
    // forkwait: children exit with 0..39.
    expect(byName.forkwait!.expectedOutput).toBe(`forkwait: 40 children, sum ${(39 * 40) / 2}\n`);
    // tlb-pressure: word p ends as sum over 4 passes of (p + pass).
    let tlb = 0;
    for (let p = 0; p < 96; p++) for (let pass = 0; pass < 4; pass++) tlb += p + pass;
    expect(byName["tlb-pressure"]!.expectedOutput).toBe(`tlb-pressure: checksum ${tlb}\n`);
    let disk = 0;
    for (let s = 0; s < 8; s++) for (let w = 0; w < 128; w++) disk += s * 1000 + w;
    expect(byName["disk-io"]!.expectedOutput).toBe(`disk-io: 8 sectors ok, checksum ${disk}\n`);
    const units = [1, 2, 3, 4].map((i) => {
      let sum = 0;
      for (let j = 0; j < 4096; j++) sum += i * j;
      return `cc ${i}: sum ${sum}\n`;
    });
    expect(byName["kernel-build"]!.expectedOutput).toBe(`${units.join("")}kernel-build: 4 units, status 10\n`);
  });

  for (const s of scenarios) {
    for (const profile of PROFILES) {
      it(`${s.name} halts within its budget on ${profile}${s.expectedOutput !== undefined ? " with its expected output" : ""}`, () => {
        const r = runOnBareMetal(s, getProfile(profile));
        expect(r.outcome).toBe("halt");
        if (s.expectedOutput !== undefined) expect(r.output).toBe(s.expectedOutput);
        if (s.name === "forkwait") {
          // 40 children plus the parent were created; each child was reaped (its
          // exit and the parent's wait are system calls).
          expect(r.stats.trapsByCause.SYSCALL).toBeGreaterThanOrEqual(40 * 2 + 40);
        }
        if (s.name === "interleave") {
          const lines = r.output.trim().split("\n");
          for (const letter of ["a", "b", "c"]) {
            expect(lines.filter((l) => l[0] === letter)).toEqual([1, 2, 3, 4, 5, 6, 7, 8].map((n) => `${letter}${n}`));
          }
          const runToCompletion = ["a", "b", "c"].flatMap((l) => [1, 2, 3, 4, 5, 6, 7, 8].map((n) => `${l}${n}`));
          expect(lines).not.toEqual(runToCompletion);
          expect(r.stats.trapsByCause.TIMER).toBeGreaterThan(0);
        }
      });
    }
  }
});

describe("scenario loader errors name the file and the problem", () => {
  const root = mkdtempSync(join(tmpdir(), "vmlab-scen-"));
  const make = (name: string, json: string | undefined, files: Record<string, string> = {}): string => {
    const dir = join(root, name);
    mkdirSync(dir, { recursive: true });
    if (json !== undefined) writeFileSync(join(dir, "scenario.json"), json);
    for (const [f, t] of Object.entries(files)) writeFileSync(join(dir, f), t);
    return dir;
  };
  const valid = { name: "x", description: "d", stresses: [], programs: ["main.s"], budget: 1000 };

  it("missing scenario.json", () => {
    const dir = make("nojson", undefined);
    expect(() => loadScenario(dir)).toThrow(ScenarioError);
    expect(() => loadScenario(dir)).toThrow(/scenario\.json: missing/);
  });
  it("malformed JSON with its position", () => {
    const dir = make("bad", '{\n  "name": "x",\n  oops\n}');
    expect(() => loadScenario(dir)).toThrow(/scenario\.json:3:3: malformed JSON/);
  });
  it("an ill-typed field", () => {
    const dir = make("typed", JSON.stringify({ ...valid, budget: "lots" }), { "main.s": "" });
    expect(() => loadScenario(dir)).toThrow(/field 'budget'/);
  });
  it("an unknown program", () => {
    const dir = make("prog", JSON.stringify({ ...valid, programs: ["nope.s"] }));
    expect(() => loadScenario(dir)).toThrow(/unknown program 'nope\.s'/);
  });
  it("an assembly error names the program file", () => {
    const dir = make("asm", JSON.stringify(valid), { "main.s": "start: frob r1\n" });
    const s = loadScenario(dir);
    expect(() => runOnBareMetal(s, getProfile("x86-like"))).toThrow(/main\.s:1:8: unknown instruction 'frob'/);
  });
});
