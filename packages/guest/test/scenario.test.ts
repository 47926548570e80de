import { describe, expect, it } from "vitest";
import { getProfile } from "@vmlab/isa";
import { listScenarios, runOnBareMetal } from "../src/index.js";

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
