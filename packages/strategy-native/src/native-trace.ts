// Bare metal, observed: the same run, stopped at every trap and every return from trap
// so that `vmlab trace` can show who ran when (the two-column table: process | OS).
// Traps are intercepted only to be recorded, then taken exactly as the hardware takes
// them; kernel mode is stepped one instruction at a time to see its return-from-trap.
import { CAUSE, CAUSE_NAMES, MODE_KERNEL, MODE_USER, type Machine, hex } from "@vmlab/isa";
import type { TraceActor, TraceSink } from "@vmlab/core";

const ACCESS_NAMES = ["read", "write", "fetch"];

/** Runs `machine` to halt or budget, reporting events to `trace`. */
export function runObserved(machine: Machine, budget: number, trace: TraceSink): "halt" | "budget" {
  const cpu = machine.cpu;
  cpu.intercept({ traps: "all" });
  const full = () => (trace as { full?: boolean }).full === true;
  const actor = (): TraceActor => (cpu.mode === MODE_USER ? "process" : "os");
  let used = 0;
  let runPc = cpu.pc;
  let runStart = cpu.retired;
  let runActor = actor();
  const flushRun = () => {
    const n = cpu.retired - runStart;
    if (n > 0) trace.event({ actor: runActor, kind: "run", text: `runs ${n} instruction${n === 1 ? "" : "s"}`, pc: runPc, instructions: n, at: runStart });
    runPc = cpu.pc;
    runStart = cpu.retired;
    runActor = actor();
  };
  while (used < budget && !full()) {
    const before = cpu.retired;
    const mode = cpu.mode;
    const pcBefore = cpu.pc;
    const stop = machine.run(mode === MODE_KERNEL ? 1 : budget - used);
    used += cpu.retired - before;
    if (stop.reason === "halt") {
      flushRun();
      trace.event({ actor: "os", kind: "halt", text: "halts the machine", pc: pcBefore, at: cpu.retired });
      return "halt";
    }
    if (stop.reason === "intercept") {
      const cause = cpu.exitCause;
      const retiring = cause === CAUSE.SYSCALL || cause === CAUSE.BREAKPOINT || cause === CAUSE.HYPERCALL;
      if (!retiring && cause !== CAUSE.TIMER) used++;
      flushRun();
      const memory = cause === CAUSE.PAGE_FAULT || cause === CAUSE.TLB_MISS || cause === CAUSE.ADDRESS_ERROR;
      const what =
        cause === CAUSE.SYSCALL
          ? "system call: trap to the OS"
          : cause === CAUSE.TIMER
            ? "timer interrupt: trap to the OS"
            : memory
              ? `${ACCESS_NAMES[cpu.exitAccess]} of ${hex(cpu.exitAddress)}: ${cause === CAUSE.TLB_MISS ? "TLB miss" : "page fault"}: trap to the OS`
              : `${CAUSE_NAMES[cause]!.toLowerCase()}: trap to the OS`;
      trace.event({ actor: actor(), kind: "trap", text: what, pc: retiring ? cpu.pc - 4 : cpu.pc, cause: CAUSE_NAMES[cause]!, at: cpu.retired });
      cpu.enterTrap(cause, cpu.pc, cpu.exitAddress, cpu.exitAccess, cpu.exitProtection);
      runPc = cpu.pc;
      runActor = actor();
      continue;
    }
    if (mode === MODE_KERNEL && cpu.mode === MODE_USER) {
      // A return from trap.
      const to = cpu.pc;
      runActor = "os";
      flushRun();
      trace.event({ actor: "os", kind: "return", text: `return-from-trap (rte) to ${hex(to)}`, pc: pcBefore, at: cpu.retired });
    }
  }
  flushRun();
  return "budget";
}
