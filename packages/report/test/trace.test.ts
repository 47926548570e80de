import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { findScenario } from "@vmlab/guest";
import {
  BUILTIN_STRATEGY_PACKAGES,
  catalogOf,
  guestImage,
  importStrategyModules,
  MONITOR_BYTES,
  resolveConfiguration,
  resolveStrategyPackage,
  runConfiguration,
  symbolize,
  TraceLog,
} from "@vmlab/core";
import { traceSteps, type TraceOptions } from "../src/index.js";

const ROOT = fileURLToPath(new URL("../../..", import.meta.url));
const modules = await importStrategyModules(BUILTIN_STRATEGY_PACKAGES.map((p) => resolveStrategyPackage(p, ROOT)));
const catalog = catalogOf(modules);

function trace(scenario: string, profile: string, cpu: string, options: TraceOptions) {
  const config = resolveConfiguration({ profile, cpu, machine: "p4-2006" }, catalog);
  const s = findScenario(scenario);
  const log = new TraceLog(200_000);
  const run = runConfiguration(config, s, modules, { trace: log });
  const image = guestImage(s, config.profile);
  return { run, steps: traceSteps(log.events, { ...options, symbolize: (pc) => symbolize(image, pc) }) };
}

describe("vmlab trace: the OSTEP appendix's step tables from real runs", () => {
  for (const profile of ["mips-like", "riscv-like"]) {
    it(`a system call under trap-and-emulate on ${profile}: the five steps`, () => {
      const { steps } = trace("syscall", profile, "trap-emulate", { start: "syscall", steps: 5 });
      expect(steps.map((s) => s.actor)).toEqual(["process", "vmm", "os", "vmm", "process"]);
      expect(steps[0]!.text).toMatch(/system call: trap at 0x[0-9a-f]+/);
      // On mips-like the refill vector's 0x80 bytes sit between the boot code and trap_entry (TVEC).
      const trapEntry = profile === "mips-like" ? "0x800010e0" : "0x80001060";
      expect(steps[1]!.text).toMatch(new RegExp(`process trapped: call the OS trap handler at ${trapEntry} <trap_entry>, at reduced privilege`));
      expect(steps[2]!.text).toMatch(/^runs [\d,]+ instructions from .*rte \(privileged\): trap at/);
      expect(steps[3]!.text).toMatch(/OS tried return from trap: do the real return from trap to (0x[0-9a-f]+) \(user mode\)/);
      const back = /to (0x[0-9a-f]+) \(user mode\)/.exec(steps[3]!.text)![1];
      const syscallPc = Number(/system call: trap at (0x[0-9a-f]+)/.exec(steps[0]!.text)![1]);
      // The process resumes right after its system call instruction.
      expect(Number(back)).toBe(syscallPc + 4);
      expect(steps[4]!.text).toMatch(new RegExp(`^resumes: runs \\d+ instructions? from ${back}`));
    });
  }

  it("a software-TLB miss under trap-and-emulate on mips-like: the seven steps", () => {
    const { steps, run } = trace("tlb-pressure", "mips-like", "trap-emulate", { start: "tlb-miss", steps: 7 });
    expect(steps.map((s) => s.actor)).toEqual(["process", "vmm", "os", "vmm", "os", "vmm", "process"]);
    const missPc = /TLB miss: trap at (0x[0-9a-f]+)/.exec(steps[0]!.text)![1];
    // Reflected to the refill vector, 0x80 below trap_entry, where the short handler runs.
    expect(steps[1]!.text).toMatch(/not in the virtual TLB: call the OS TLB refill handler \(the refill vector\) at 0x80001060 <utlb_refill>, at reduced privilege/);
    expect(steps[2]!.text).toMatch(/^runs [\d,]+ instructions from 0x[0-9a-f]+ <utlb_refill\+\d+>; tlbw \(privileged\): trap at 0x[0-9a-f]+ <utlb_refill\+\d+>/);
    // The monitor installs VPN -> MFN where the guest asked for VPN -> PFN: the MFN its
    // pmap gives the PFN, a frame of machine memory above the monitor's region.
    const m = /OS is installing VPN (0x[0-9a-f]+) -> PFN (0x[0-9a-f]+): install VPN (0x[0-9a-f]+) -> MFN (0x[0-9a-f]+) in the real TLB instead/.exec(steps[3]!.text)!;
    expect(m).not.toBeNull();
    expect(m[1]).toBe(m[3]);
    expect(Number(m[4])).toBe(run.execution.pmap![Number(m[2])]);
    expect(Number(m[4])).toBeGreaterThanOrEqual(MONITOR_BYTES / 4096);
    expect(Number(m[1])).toBe(Number(/of (0x[0-9a-f]+): TLB miss/.exec(steps[0]!.text)![1]) >>> 12);
    expect(steps[4]!.text).toMatch(/rte \(privileged\): trap/);
    expect(steps[5]!.text).toMatch(new RegExp(`do the real return from trap to ${missPc} \\(user mode\\)`));
    expect(steps[6]!.text).toMatch(new RegExp(`^retries the instruction at ${missPc}: TLB hit`));
  });

  it("bare metal has two columns: the process traps, the OS handles it and returns", () => {
    const { steps } = trace("syscall", "riscv-like", "native", { start: "syscall", steps: 3 });
    expect(steps.map((s) => s.actor)).toEqual(["process", "os", "process"]);
    expect(steps[0]!.text).toMatch(/system call: trap to the OS/);
    expect(steps[1]!.text).toMatch(/^runs [\d,]+ instructions from 0x80001060 <trap_entry>; return-from-trap \(rte\)/);
  });

  it("the trace does not change the run: a traced run is still equivalent", () => {
    const native = trace("syscall", "mips-like", "native", {}).run;
    const te = trace("syscall", "mips-like", "trap-emulate", {}).run;
    expect(te.output).toBe(native.output);
    expect(te.metrics!.guestInstructions).toBe(native.metrics!.guestInstructions);
  });

  it("--all shows each privileged instruction the monitor emulated in passing as its own steps", () => {
    const folded = trace("syscall", "mips-like", "trap-emulate", { start: "syscall", steps: 5 }).steps;
    const all = trace("syscall", "mips-like", "trap-emulate", { start: "syscall", steps: 40, all: true }).steps;
    expect(folded[2]!.text).toMatch(/trapped and emulated in passing: .*rdcr/);
    expect(all.slice(0, 6).filter((s) => s.actor === "vmm").length).toBeGreaterThanOrEqual(3);
    expect(all.some((s) => /OS reads control register/.test(s.text))).toBe(true);
  });

  it("binary translation: translation and chaining at boot, callouts instead of traps in a system call", () => {
    const boot = trace("syscall", "x86-like", "binary-translation", { start: "boot", steps: 2 }).steps;
    expect(boot[0]!.actor).toBe("vmm");
    expect(boot[0]!.text).toMatch(/^translate \d+ blocks \(\d+ instructions\) of the page at 0x80001000 into the translation cache, \d+ direct branches chained, \d+ callouts/);
    const { steps } = trace("syscall", "x86-like", "binary-translation", { start: "syscall", steps: 5 });
    expect(steps.map((s) => s.actor)).toEqual(["process", "vmm", "os", "vmm", "process"]);
    expect(steps[1]!.text).toMatch(/process trapped: call the OS trap handler/);
    expect(steps[2]!.text).toMatch(/runs [\d,]+ translated instructions from the translation cache/);
    expect(steps[2]!.text).toMatch(/rte: translated into a callout \(no trap\)/);
    expect(steps[2]!.text).toMatch(/callouts in passing, no trap: .*rdcr/);
    expect(steps[2]!.text).not.toMatch(/\(privileged\): trap/);
  });
});
