// The CPU's saved context and its timer, through the CPU's own methods.
import { describe, expect, it } from "vitest";
import { CAUSE, getProfile, Machine, MODE_USER, CR } from "../src/index.js";

describe("the CPU's saved context", () => {
  it("round-trips: a context saved from one state and restored over another gives the first back", () => {
    const m = new Machine({ profile: getProfile("x86-like"), memoryBytes: 1 << 20 });
    const cpu = m.cpu;
    cpu.regs[3] = 33;
    cpu.pc = 0x1234;
    cpu.flags = 0x201;
    cpu.mode = MODE_USER;
    cpu.crs[CR.PTBR] = 0x5000;
    cpu.retired = 500;
    cpu.setTimer(100);
    cpu.tickTimer(600);
    cpu.intercept({ traps: [CAUSE.SYSCALL] });
    cpu.trapsByCause[CAUSE.SYSCALL] = 7;
    cpu.counters.portReads = 9;
    cpu.detail.deviceAccesses[1] = 4;
    cpu.tlb.setTag(3);
    const saved = cpu.saveContext();

    // Another machine's state overwrites every part.
    cpu.restoreContext(new Machine({ profile: getProfile("x86-like"), memoryBytes: 1 << 20 }).cpu.saveContext());
    expect([cpu.regs[3], cpu.pc, cpu.mode, cpu.retired, cpu.timerPeriod, cpu.timerPending, cpu.counters.portReads, cpu.tlb.tag]).toEqual([0, 0, 0, 0, 0, false, 0, 0]);

    cpu.restoreContext(saved);
    // Hand-set above: deadline 500 + 100, reached at 600, so pending and the next at 700.
    expect([cpu.regs[3], cpu.pc, cpu.flags, cpu.mode, cpu.crs[CR.PTBR], cpu.retired]).toEqual([33, 0x1234, 0x201, MODE_USER, 0x5000, 500]);
    expect([cpu.timerPeriod, cpu.timerDeadline, cpu.timerPending]).toEqual([100, 700, true]);
    expect([cpu.intercepts(CAUSE.SYSCALL) ? 1 : 0, cpu.trapsByCause[CAUSE.SYSCALL], cpu.counters.portReads, cpu.detail.deviceAccesses[1], cpu.tlb.tag]).toEqual([1, 7, 9, 4, 3]);
    // A second save of the restored state equals the first.
    expect(cpu.saveContext()).toEqual(saved);
  });
});

describe("the timer API", () => {
  it("one rule for a port write: counting starts at the given count, a pending interrupt is dropped", () => {
    const cpu = new Machine({ profile: getProfile("mips-like"), memoryBytes: 1 << 20 }).cpu;
    cpu.retired = 40;
    cpu.setTimer(10, 41); // an OUT at count 40 retires at 41
    expect([cpu.timerDeadline, cpu.timerCount()]).toEqual([51, 11]);
    expect(cpu.tickTimer(50)).toBe(false);
    expect(cpu.tickTimer(51)).toBe(true);
    expect([cpu.timerPending, cpu.timerDeadline]).toEqual([true, 61]);
    cpu.setTimer(0);
    expect([cpu.timerPending, cpu.timerDeadline, cpu.timerCount()]).toEqual([false, Infinity, 0]);
    cpu.raiseTimer();
    expect(cpu.acknowledgeTimer()).toBe(true);
    expect(cpu.acknowledgeTimer()).toBe(false);
  });
});
