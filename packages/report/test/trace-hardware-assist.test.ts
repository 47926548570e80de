import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { findScenario } from "@vmlab/guest";
import { BUILTIN_STRATEGY_PACKAGES, catalogOf, guestImage, importStrategyModules, resolveConfiguration, resolveStrategyPackage, runConfiguration, symbolize, TraceLog } from "@vmlab/core";
import { traceSteps, type TraceOptions } from "../src/index.js";

const ROOT = fileURLToPath(new URL("../../..", import.meta.url));
const modules = await importStrategyModules(BUILTIN_STRATEGY_PACKAGES.map((p) => resolveStrategyPackage(p, ROOT)));
const catalog = catalogOf(modules);

function trace(scenario: string, memory: string, options: TraceOptions, profile = "x86-like") {
  const config = resolveConfiguration({ profile, cpu: "hardware-assist", memory, machine: memory === "nested" ? "nehalem-2009" : "p4-2006" }, catalog);
  const s = findScenario(scenario);
  const log = new TraceLog(200_000);
  const run = runConfiguration(config, s, modules, { trace: log });
  const image = guestImage(s, config.profile);
  return { run, steps: traceSteps(log.events, { ...options, symbolize: (pc) => symbolize(image, pc) }) };
}

describe("vmlab trace under hardware assist: VM exits and entries with their reasons", () => {
  for (const memory of ["shadow", "nested"]) {
    it(`${memory}: a system call goes to the guest kernel and back with no VM exit`, () => {
      // The first system call is the work marker's (roi: its OUT exits); the second is the first getpid.
      const all = trace("syscall", memory, { start: "syscall", steps: 40 }).steps;
      const second = all.findIndex((x, i) => i > 0 && x.actor === "process" && /system call: trap to the OS/.test(x.text));
      const steps = all.slice(second, second + 3);
      expect(steps.map((s) => s.actor)).toEqual(["process", "os", "process"]);
      const at = /system call: trap to the OS in guest mode \(no VM exit\) at (0x[0-9a-f]+)/.exec(steps[0]!.text);
      expect(at).not.toBeNull();
      expect(steps[1]!.text).toMatch(/^runs [\d,]+ instructions from 0x80001060 <trap_entry>; return-from-trap \(rte\) to (0x[0-9a-f]+) in guest mode \(no VM exit\)$/);
      const back = /rte\) to (0x[0-9a-f]+)/.exec(steps[1]!.text)![1]!;
      expect(Number(back)).toBe(Number(at![1]) + 4);
      expect(steps[2]!.text).toMatch(new RegExp(`^resumes: runs \\d+ instructions? from ${back}`));
    });
  }

  it("port-io: each IN of the diagnostic port is a VM exit named as VT-x's IO_INSTRUCTION (30), 1,000 of them", () => {
    // The scenario reads port 0x80 1,000 times (Adams & Agesen's `in`); all its exits fold into one kernel step.
    const { steps } = trace("port-io", "nested", { start: "boot", steps: 100_000 });
    const passing = steps.map((s) => /IO_INSTRUCTION \(30\) I\/O \(in 0x80\) x(\d+)/.exec(s.text)).filter((m) => m !== null);
    expect(passing.map((m) => Number(m![1]))).toEqual([1000]);
    const all = trace("port-io", "nested", { start: "boot", steps: 100_000, all: true }).steps;
    expect(all.filter((s) => s.actor === "vmm" && s.text.startsWith("IO_INSTRUCTION (30) I/O (in 0x80)")).length).toBe(1000);
  });

  it("the write system call's console output: one I/O exit per byte, folded into the kernel's step, or each a step of its own with --all", () => {
    const { run, steps } = trace("syscall", "nested", { start: "boot", steps: 100_000 });
    const outs = steps
      .filter((s) => s.actor === "os")
      .map((s) => /VM exits in passing: .*I\/O \(out 0x10\)(?: x(\d+))?/.exec(s.text))
      .filter((m) => m !== null)
      .reduce((a, m) => a + Number(m![1] ?? 1), 0);
    expect(outs).toBe(run.output.length);
    const all = trace("syscall", "nested", { start: "boot", steps: 100_000, all: true }).steps;
    const exitSteps = all.filter((s) => s.actor === "vmm" && /I\/O \(out 0x10\): emulated on the virtual device/.test(s.text));
    expect(exitSteps.length).toBe(run.output.length);
  });

  it("shadow: a page fault exits, is injected into the guest kernel on entry, its page-table write exits again, and the retry is filled unseen", () => {
    const { steps } = trace("page-fault", "shadow", { start: "page-fault", steps: 8 });
    expect(steps[0]!.actor).toBe("process");
    const pc = /write of 0x[0-9a-f]+: page fault: VM exit at (0x[0-9a-f]+)/.exec(steps[0]!.text)![1]!;
    expect(steps[1]!.actor).toBe("vmm");
    expect(steps[1]!.text).toBe("VM exit EXCEPTION_NMI (0) PAGE_FAULT: the guest's own fault: inject it; VM entry: PAGE_FAULT injected: the guest kernel's handler at 0x80001060");
    expect(steps[2]!.actor).toBe("os");
    expect(steps[2]!.text).toMatch(/^runs [\d,]+ instructions from 0x80001060 <trap_entry>; write of 0x[0-9a-f]+: protection fault: VM exit at 0x[0-9a-f]+ <pt_walk\+\d+>/);
    expect(steps[3]!.text).toMatch(
      /^VM exit EXCEPTION_NMI \(0\) PAGE_FAULT: a write to a traced guest page table: carry it out and update the shadows; traced write to the guest page table at PFN 0x[0-9a-f]+ entry \d+/,
    );
    const retry = steps.find((s) => s.actor === "process" && s.text.startsWith(`retries the instruction at ${pc}: now mapped`));
    expect(retry).toBeDefined();
    expect(retry!.text).toMatch(/VM exits in passing: EXCEPTION_NMI \(0\) PAGE_FAULT; 1 translation filled by the monitor unseen by the guest/);
  });

  it("nested: the same page fault never leaves the guest (the only exit on the way is the timer's)", () => {
    const { steps } = trace("page-fault", "nested", { start: "page-fault", steps: 6 });
    expect(steps[0]!.actor).toBe("process");
    const pc = /write of 0x[0-9a-f]+: page fault: trap to the OS in guest mode \(no VM exit\) at (0x[0-9a-f]+)/.exec(steps[0]!.text)![1];
    expect(steps[1]!.actor).toBe("os");
    const retry = steps.findIndex((s) => s.actor === "process" && s.text.startsWith(`retries the instruction at ${pc}: now mapped`));
    expect(retry).toBeGreaterThan(1);
    const between = steps.slice(1, retry);
    expect(between.some((s) => /return-from-trap \(rte\) to 0x[0-9a-f]+ in guest mode \(no VM exit\)$/.test(s.text))).toBe(true);
    for (const s of between.filter((x) => x.actor === "vmm")) expect(s.text).toMatch(/^VM exit EXTERNAL_INTERRUPT \(1\)/);
    expect(between.every((s) => !/PAGE_FAULT|VM exits in passing/.test(s.text))).toBe(true);
  });

  it("--start interrupt / vm-exit: the timer's exit and the injection of the guest's interrupt", () => {
    for (const start of ["interrupt", "vm-exit"] as const) {
      const { steps } = trace("compute", "nested", { start, steps: 2 });
      expect(steps[0]!.actor).toBe("vmm");
      expect(steps[0]!.text).toBe("VM exit EXTERNAL_INTERRUPT (1): the timer; inject the guest's virtual timer interrupt; VM entry: TIMER injected: the guest kernel's handler at 0x80001060");
      expect(steps[1]!.actor).toBe("os");
    }
  });

  it("observing does not change the run: the same output, instructions and exits as without a trace", () => {
    for (const memory of ["shadow", "nested"]) {
      const traced = trace("forkwait", memory, {}).run;
      const config = resolveConfiguration({ profile: "x86-like", cpu: "hardware-assist", memory, machine: memory === "nested" ? "nehalem-2009" : "p4-2006" }, catalog);
      const plain = runConfiguration(config, findScenario("forkwait"), modules);
      expect(traced.output).toBe(plain.output);
      expect(traced.metrics!.guestInstructions).toBe(plain.metrics!.guestInstructions);
      expect(traced.metrics!.vmExits).toEqual(plain.metrics!.vmExits);
      expect(traced.cycles!.total).toBe(plain.cycles!.total);
    }
  });
});
