import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { findScenario } from "@vmlab/guest";
import { BUILTIN_STRATEGY_PACKAGES, catalogOf, guestImage, importStrategyModules, resolveConfiguration, resolveStrategyPackage, runConfiguration, symbolize, TraceLog } from "@vmlab/core";
import { statusOf, traceSteps } from "../src/index.js";

const ROOT = fileURLToPath(new URL("../../..", import.meta.url));
const modules = await importStrategyModules(BUILTIN_STRATEGY_PACKAGES.map((p) => resolveStrategyPackage(p, ROOT)));
const catalog = catalogOf(modules);

describe("vmlab trace under paravirtualization", () => {
  for (const profile of ["mips-like", "riscv-like"]) {
    it(`${profile}: a system call takes four steps: the trap, the reflection, the kernel ending in an IRET hypercall, the real return`, () => {
      const config = resolveConfiguration({ profile, cpu: "paravirt", machine: "p4-2006" }, catalog);
      const s = findScenario("syscall");
      const log = new TraceLog(200_000);
      const run = runConfiguration(config, s, modules, { trace: log });
      const image = guestImage(s, config.profile, { paravirt: true });
      // The first system call is the work marker's (roi, whose kernel makes a PORT_OUT
      // hypercall too); the second is the first getpid.
      const all = traceSteps(log.events, { start: "syscall", steps: 40, symbolize: (pc) => symbolize(image, pc) });
      const second = all.findIndex((x, i) => i > 0 && x.actor === "process" && /system call: trap at/.test(x.text));
      const steps = all.slice(second, second + 5);
      expect(steps.map((x) => x.actor)).toEqual(["process", "vmm", "os", "vmm", "process"]);
      const syscallPc = Number(/system call: trap at (0x[0-9a-f]+)/.exec(steps[0]!.text)![1]);
      expect(steps[1]!.text).toMatch(/call the OS trap handler at 0x[0-9a-f]+ <trap_entry>/);
      // No privileged instruction traps on the way: the kernel's only exit is the hypercall
      // (on the software TLB, the monitor's unseen kseg0 fills are told beside it).
      expect(steps[2]!.text).toMatch(
        /^runs [\d,]+ instructions from 0x[0-9a-f]+ <trap_entry>; hypercall iret at 0x[0-9a-f]+ <resume\+\d+>( \(\d+ translations filled by the monitor unseen by the guest\))?$/,
      );
      expect(steps[3]!.text).toBe(`return from trap to 0x${(syscallPc + 4).toString(16)} (user mode)`);
      expect(run.outcome).toBe("halt");
    });
  }

  it("x86-like: a system call takes two steps and no VMM: the trap gate to the kernel at ring 1, its RTE back to user mode", () => {
    const config = resolveConfiguration({ profile: "x86-like", cpu: "paravirt", machine: "p4-2006" }, catalog);
    const s = findScenario("syscall");
    const log = new TraceLog(20_000);
    runConfiguration(config, s, modules, { trace: log, budget: 60_000 });
    const image = guestImage(s, config.profile, { paravirt: true });
    // The first system call is the work marker's (its kernel makes a PORT_OUT hypercall); the second is the first getpid.
    const all = traceSteps(log.events, { start: "syscall", steps: 40, symbolize: (pc) => symbolize(image, pc) });
    const second = all.findIndex((x, i) => i > 0 && x.actor === "process" && /system call: trap through the trap gate/.test(x.text));
    const steps = all.slice(second, second + 6);
    expect(steps.map((x) => x.actor)).toEqual(["process", "os", "process", "os", "process", "os"]);
    const syscallPc = Number(/system call: trap through the trap gate, straight to the OS at ring 1 \(no VMM\) at (0x[0-9a-f]+)/.exec(steps[0]!.text)![1]);
    expect(steps[1]!.text).toMatch(
      new RegExp(`^runs \\d+ instructions from 0x[0-9a-f]+ <syscall_gate>; return-from-trap \\(rte\\) from ring 1 to 0x${(syscallPc + 4).toString(16)} in user mode \\(no VMM\\)$`),
    );
    expect(steps[2]!.text).toMatch(new RegExp(`^resumes: runs \\d+ instructions from 0x${(syscallPc + 4).toString(16)}`));
  });

  it("mips-like: a TLB miss the validated TLB cannot answer goes to the paravirtual kernel's refill handler: TLB_WRITE, then IRET", () => {
    const config = resolveConfiguration({ profile: "mips-like", cpu: "paravirt", machine: "p4-2006" }, catalog);
    const s = findScenario("tlb-pressure");
    const log = new TraceLog(200_000);
    runConfiguration(config, s, modules, { trace: log });
    const image = guestImage(s, config.profile, { paravirt: true });
    const steps = traceSteps(log.events, { start: "tlb-miss", steps: 6, symbolize: (pc) => symbolize(image, pc) });
    expect(steps.map((x) => x.actor)).toEqual(["process", "vmm", "os", "vmm", "os", "vmm"]);
    const missPc = /TLB miss: trap at (0x[0-9a-f]+)/.exec(steps[0]!.text)![1];
    // The refill vector is 0x80 below the entry the kernel registered (trap_entry).
    expect(image.symbols.trap_entry! - image.symbols.utlb_refill!).toBe(0x80);
    expect(steps[1]!.text).toMatch(/call the OS TLB refill handler \(the refill vector\) at 0x[0-9a-f]+ <utlb_refill>/);
    // The handler's kseg0 pages are the monitor's to map: filled unseen, as under trap-and-emulate.
    expect(steps[2]!.text).toMatch(
      /^runs [\d,]+ instructions from 0x[0-9a-f]+ <utlb_refill>; hypercall tlb_write at 0x[0-9a-f]+ <utlb_refill\+\d+> \(\d+ translations filled by the monitor unseen by the guest\)$/,
    );
    expect(steps[3]!.text).toMatch(/^install VPN 0x[0-9a-f]+ -> MFN 0x[0-9a-f]+ \(guest frame 0x[0-9a-f]+, validated\)$/);
    expect(steps[4]!.text).toMatch(/hypercall iret at 0x[0-9a-f]+ <utlb_refill\+\d+>$/);
    expect(steps[5]!.text).toBe(`return from trap to ${missPc} (user mode)`);
  });

  it("reports say a paravirtual run is equivalent by its output", () => {
    const s = findScenario("syscall");
    const native = runConfiguration(resolveConfiguration({ profile: "x86-like", cpu: "native", machine: "p4-2006" }, catalog), s, modules);
    const { execution: _e, ...pv } = runConfiguration(resolveConfiguration({ profile: "x86-like", cpu: "paravirt", machine: "p4-2006" }, catalog), s, modules, {
      reference: native.digest!,
    });
    void _e;
    expect(statusOf(pv)).toBe("equivalent (output)");
    const { execution: _n, ...n } = native;
    void _n;
    expect(statusOf(n)).toBe("native (reference)");
  });
});
