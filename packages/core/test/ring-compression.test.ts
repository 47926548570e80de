// Ring compression on x86-like: under binary translation and trap-and-emulate with
// shadow paging the deprivileged guest kernel runs at ring 1, so one shadow per guest
// root serves kernel and processes and a system call or a timer interrupt switches no
// shadow. Without it (riscv-like, no ring 1) each user<->kernel switch loads the other
// mode's shadow and flushes the TLB: two switches per trap from user mode.
import { describe, expect, it } from "vitest";
import { findScenario } from "@vmlab/guest";
import type { RunResult } from "../src/index.js";
import { strategyLab } from "@vmlab/test-support";

const lab = await strategyLab();
const config = (profile: string, cpu: string, memory?: string) => lab.config({ profile, cpu, machine: "p4-2006", ...(memory ? { memory } : {}) });
const ev = (r: RunResult, name: string): number => r.metrics!.events?.[name] ?? 0;
const trap = (r: RunResult, cause: string): number => r.metrics!.traps[cause] ?? 0;

describe("shadow paging with ring compression (x86-like)", () => {
  const syscall = findScenario("syscall");

  for (const cpu of ["binary-translation", "trap-emulate"]) {
    it(`${cpu}: system calls and timer interrupts switch no shadow`, () => {
      const { native, run: r } = lab.againstNative(config("x86-like", cpu, "shadow"), syscall);
      const syscalls = trap(native, "SYSCALL");
      const timers = trap(native, "TIMER");
      expect(syscalls).toBeGreaterThan(1000); // the scenario's 1,000 getpid calls, and the exit
      // Per-mode shadows would switch twice per trap from user mode (in, and back out).
      const perMode = 2 * (syscalls + timers);
      const switches = ev(r, "shadow root switches");
      // What is left: the guest's own PTBR writes (at most one per timer tick's
      // schedule), the first root at boot, and the exit.
      expect(switches).toBeLessThanOrEqual(timers + 3);
      expect(switches * 20).toBeLessThan(perMode);
      if (cpu === "binary-translation") expect(r.properties!.equivalent, r.properties!.divergence?.detail).toBe(true);
      // Trap-and-emulate still diverges on x86-like: ring 1 is not ring 0 (RDMODE, POPF).
      else expect(r.properties!.equivalent).toBe(false);
    });
  }

  it("riscv-like has no ring 1: binary translation keeps one shadow per mode, switching at every trap and return", () => {
    const { native, run: r } = lab.againstNative(config("riscv-like", "binary-translation", "shadow"), syscall);
    expect(r.properties!.equivalent).toBe(true);
    expect(ev(r, "shadow root switches")).toBeGreaterThanOrEqual(2 * trap(native, "SYSCALL"));
  });

  it("kernel-build under binary translation: equivalent, and the shadow switches only with the address space", () => {
    const s = findScenario("kernel-build");
    const { native, run: r } = lab.againstNative(config("x86-like", "binary-translation", "shadow"), s);
    expect(r.properties!.equivalent, r.properties!.divergence?.detail).toBe(true);
    expect(ev(r, "shadow root switches")).toBeLessThan(trap(native, "SYSCALL") / 4);
  });
});
