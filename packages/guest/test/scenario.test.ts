import { basename } from "node:path";
import { describe, expect, it } from "vitest";
import { getProfile } from "@vmlab/isa";
import { listScenarios, runOnBareMetal, scenarioImage, type BareMetalRun, type Scenario } from "../src/index.js";

const scenarios = listScenarios();
const PROFILES = ["mips-like", "riscv-like", "x86-like"] as const;
const MICRO = ["syscall", "port-io", "privileged-register-write", "call-return", "page-fault", "divide-by-zero", "pte-modify"];

// The process table as KERNEL.md describes it: 16 entries of 128 bytes, r0..r15, pc,
// status, then state, pid, parent pid; states free, ready, running, blocked, zombie.
const NPROC = 16;
const PROC_SIZE = 128;
const P_STATE = 72;
const P_PARENT = 80;
const S_FREE = 0;

/** What the machine saw, beyond the output: each scenario really does what it claims. */
const machineChecks: Record<string, (r: BareMetalRun, s: Scenario, profile: string) => void> = {
  syscall: (r, s) => expect(r.stats.trapsByCause.SYSCALL).toBeGreaterThanOrEqual(s.iterations!),
  "port-io": (r, s) => expect(r.stats.portReads).toBeGreaterThanOrEqual(s.iterations!),
  "privileged-register-write": (r, s) => expect(r.stats.crWrites).toBeGreaterThanOrEqual(s.iterations!),
  "pte-modify": (r, s) => expect(r.stats.tlbInvalidations).toBeGreaterThanOrEqual(s.iterations!),
  // No program divides by zero, so every DIVIDE trap is one of the kernel's.
  "divide-by-zero": (r, s) => expect(r.stats.trapsByCause.DIVIDE).toBe(s.iterations),
  // Each of the touched heap pages misses: a TLB miss (mips-like) or a page fault.
  "page-fault": (r, s, profile) => expect(profile === "mips-like" ? r.stats.trapsByCause.TLB_MISS : r.stats.trapsByCause.PAGE_FAULT).toBeGreaterThanOrEqual(s.iterations!),
  forkwait: (r, s, profile) => {
    // The kernel numbered parent + 40 children (pids never reused) and every child of
    // pid 1 has been reaped: its slot is free again.
    const { symbols } = scenarioImage(s, getProfile(profile));
    const word = (va: number) => r.machine.memory.readWord(va - 0x80000000);
    expect(word(symbols.next_pid!) - 1).toBe(1 + 40);
    let unreaped = 0;
    for (let i = 0; i < NPROC; i++) {
      const slot = symbols.proc_table! + i * PROC_SIZE;
      if (word(slot + P_STATE) !== S_FREE && word(slot + P_PARENT) === 1) unreaped++;
    }
    expect(unreaped).toBe(0);
    // Every spawn, wait and exit is a system call: at least 3 per child.
    expect(r.stats.trapsByCause.SYSCALL).toBeGreaterThanOrEqual(3 * 40);
  },
  "context-switch": (r, s) => expect(r.stats.trapsByCause.SYSCALL).toBeGreaterThanOrEqual(s.iterations!),
  // 96 pages, more than the 64-entry TLB, 512 times over: every visit misses.
  "tlb-pressure": (r) => expect(r.stats.tlbMisses + r.stats.trapsByCause.TLB_MISS).toBeGreaterThanOrEqual(512 * 96),
  "disk-io": (r) => {
    expect(r.stats.diskWrites).toBe(256);
    expect(r.stats.diskReads).toBe(256);
  },
  "kernel-build": (r) => {
    expect(r.stats.diskWrites).toBe(4);
    expect(r.stats.diskReads).toBe(4 + 4);
  },
  // Worked out by hand from main.s and probe.s: natively RDTVEC shows the kernel's own
  // trap vector (trap_entry), a process runs with IF set, POPF cannot clear it in user
  // mode, and RDMODE reads 1. Where the four are privileged each probe (pids 2 to 5)
  // traps and its kernel kills it.
  "red-pill": (r, s, profile) => {
    const { symbols } = scenarioImage(s, getProfile(profile));
    const killed = (pid: number) => `kernel: pid ${pid} killed (privileged instruction)`;
    const seen = profile === "x86-like" ? [`0x${symbols.trap_entry!.toString(16).padStart(8, "0")}`, "IF set", "IF set", "1"] : [killed(2), killed(3), killed(4), killed(5)];
    expect(r.output).toBe(
      [
        "red pill: what a process sees of the machine",
        `RDTVEC (as SIDT, the trap vector): ${seen[0]}`,
        `PUSHF (the interrupt flag): ${seen[1]}`,
        `POPF of IF clear, then PUSHF: ${seen[2]}`,
        `RDMODE (the mode, 1 = user): ${seen[3]}`,
        "red pill: done",
        "",
      ].join("\n"),
    );
    expect(r.stats.trapsByCause.PRIVILEGED).toBe(profile === "x86-like" ? 0 : 4);
  },
  interleave: (r) => {
    const lines = r.output.trim().split("\n");
    for (const letter of ["a", "b", "c"]) {
      expect(lines.filter((l) => l[0] === letter)).toEqual([1, 2, 3, 4, 5, 6, 7, 8].map((n) => `${letter}${n}`));
    }
    expect(lines).toHaveLength(24);
    const runToCompletion = ["a", "b", "c"].flatMap((l) => [1, 2, 3, 4, 5, 6, 7, 8].map((n) => `${l}${n}`));
    expect(lines).not.toEqual(runToCompletion);
    // Nobody yields: only the timer can have switched between the printers.
    expect(r.stats.trapsByCause.TIMER).toBeGreaterThan(0);
  },
};

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
        "syscall",
        "port-io",
        "privileged-register-write",
        "call-return",
        "page-fault",
        "divide-by-zero",
        "pte-modify",
        "forkwait",
        "context-switch",
        "tlb-pressure",
        "compute",
        "disk-io",
        "kernel-build",
        "interleave",
      ]),
    );
  });

  it("names each scenario after its folder, with a description and what it stresses", () => {
    for (const s of scenarios) {
      expect(basename(s.dir)).toBe(s.name);
      expect(s.description.length).toBeGreaterThan(10);
      expect(s.stresses.length).toBeGreaterThan(0);
      expect(s.vms).toBe(1);
    }
  });

  it("states expected outputs that an independent computation agrees with", () => {
    const byName = Object.fromEntries(scenarios.map((s) => [s.name, s]));
    expect(byName.compute!.expectedOutput).toBe(`compute: ${primesBelow(20000)} primes below 20000\n`);
    // forkwait: children exit with 0..39.
    expect(byName.forkwait!.expectedOutput).toBe(`forkwait: 40 children, sum ${(39 * 40) / 2}\n`);
    // tlb-pressure: word p ends as sum over 512 passes of (p + pass).
    let tlb = 0;
    for (let p = 0; p < 96; p++) for (let pass = 0; pass < 512; pass++) tlb += p + pass;
    expect(byName["tlb-pressure"]!.expectedOutput).toBe(`tlb-pressure: checksum ${tlb}\n`);
    let disk = 0;
    for (let s = 0; s < 256; s++) for (let w = 0; w < 128; w++) disk += s * 512 + w;
    expect(disk).toBeLessThan(2 ** 31); // printed as a signed word
    expect(byName["disk-io"]!.expectedOutput).toBe(`disk-io: 256 sectors ok, checksum ${disk}\n`);
    // context-switch: two processes yield 2,500 times each.
    expect(byName["context-switch"]!.expectedOutput).toBe(`context-switch: ${2 * 2500} yields\n`);
    const units = [1, 2, 3, 4].map((i) => {
      let sum = 0;
      for (let j = 0; j < 4096; j++) sum += i * j;
      return `cc ${i}: sum ${sum}\n`;
    });
    expect(byName["kernel-build"]!.expectedOutput).toBe(`${units.join("")}kernel-build: 4 units, status 10\n`);
  });

  it("states each microbenchmark's iterations in its line and its file", () => {
    for (const name of MICRO) {
      const s = scenarios.find((x) => x.name === name)!;
      expect(s.iterations, name).toBeGreaterThan(0);
      expect(s.expectedOutput, name).toBe(`${name}: ${s.iterations} done\n`);
    }
  });

  for (const s of scenarios) {
    for (const profile of PROFILES) {
      it(`${s.name} halts within its budget on ${profile}${s.expectedOutput !== undefined ? " with its expected output" : ""}`, () => {
        const r = runOnBareMetal(s, getProfile(profile));
        expect(r.outcome).toBe("halt");
        if (s.expectedOutput !== undefined) expect(r.output).toBe(s.expectedOutput);
        machineChecks[s.name]?.(r, s, profile);
      });
    }
  }
});
