import { describe, expect, it } from "vitest";
import { findScenario, listScenarios, RUNTIME_DIR, type Scenario } from "@vmlab/guest";
import { CATEGORIES, getMachineProfile, runConfiguration, type Configuration, type RunResult } from "@vmlab/core";
import { assemble, CAUSE, getProfile, type MachineStats } from "@vmlab/isa";
import { HC, ParavirtMmu, ParavirtMonitor, SH } from "../src/index.js";
import { strategyLab } from "@vmlab/test-support";

const lab = await strategyLab();
const { modules } = lab;
const config = (profile: string, cpu: string, levels?: number): Configuration => lab.config({ profile, cpu, levels });

type Run = RunResult & { execution: { machine?: { stats(): MachineStats } } };
const stats = (r: Run): MachineStats => r.execution.machine!.stats();
const ev = (r: RunResult, name: string): number => r.metrics!.events?.[name] ?? 0;
const totalTraps = (r: Run): number => Object.values(stats(r).trapsByCause).reduce((a, b) => a + b, 0);
const GATE = "system calls through the trap gate (no monitor)";
const RING1_RETURNS = "returns to user mode from ring 1 (no monitor)";
const reflected = (r: RunResult): number => Object.entries(r.metrics!.events ?? {}).reduce((a, [k, v]) => (k.startsWith("reflected ") ? a + v : a), 0);

/** A scenario made of inline programs (each includes the runtime), for kernel paths no scenario takes. */
function inlineScenario(name: string, programs: string[], budget = 2_000_000): Scenario {
  const sources = programs.map((source, i) => ({ name: `p${i}.s`, file: `${RUNTIME_DIR}p${i}.s`, source: `        .include "runtime.s"\n${source}` }));
  return {
    name,
    description: name,
    stresses: [],
    programs: programs.map((_, i) => `p${i}.s`),
    budget,
    vms: 1,
    dir: `${RUNTIME_DIR}inline-${name}`,
    sources,
    vmGuests: [{ name: "vm1", sources }],
  };
}

const PROFILES: [string, number?][] = [["mips-like"], ["riscv-like"], ["riscv-like", 2], ["riscv-like", 4], ["x86-like"]];

for (const [profile, levels] of PROFILES) {
  describe(`paravirtualization on ${profile}${levels ? ` (${levels} levels)` : ""}`, () => {
    const pv = config(profile, "paravirt", levels);
    it("uses the paravirtual MMU", () => {
      expect(pv.memory).toBe("paravirt-mmu");
    });
    const scenarios = levels ? ["syscall", "pte-modify", "page-fault", "forkwait", "disk-io"].map((n) => findScenario(n)) : listScenarios();
    for (const s of scenarios) {
      // The red pill's processes run x86-like's user-sensitive instructions, which user
      // code runs directly here too: Theorem 3's divergence (see red-pill.test.ts).
      const theorem3 = profile === "x86-like" && s.name === "red-pill";
      it(`${s.name}: ${theorem3 ? "diverges as Theorem 3 predicts" : "the paravirtual kernel prints what the unmodified one prints natively"}`, () => {
        const { native: n, run: p } = lab.againstNative<Run>(pv, s);
        expect(n.outcome).toBe("halt");
        expect(p.outcome).toBe("halt");
        if (theorem3) {
          expect(p.properties!.divergence?.predicted?.theorem).toBe(3);
          expect(p.properties!.sensitiveUntrapped?.every((u) => u.mode === "user")).toBe(true);
          return;
        }
        expect(p.properties!.equivalent, p.properties!.divergence?.detail).toBe(true);
        if (s.expectedOutput !== undefined) {
          expect(p.properties!.equivalenceBasis).toBe("output");
          expect(p.output).toBe(s.expectedOutput);
        } else if (s.interleavedOutput !== true) {
          // Output that differs by profile (the red pill's): native's, worked out in its test.
          expect(p.properties!.equivalenceBasis).toBe("output");
          expect(p.output).toBe(n.output);
        } else {
          // Output that depends on where timer interrupts land (interleave): the same
          // lines, each process's in its order; the interleaving may differ, since the
          // paravirtual kernel retires other instructions between preemptions.
          expect(s.interleavedOutput).toBe(true);
          expect(p.properties!.equivalenceBasis).toBe("output-by-writer");
          const lines = (t: string) => t.split("\n").filter(Boolean);
          expect([...lines(p.output)].sort()).toEqual([...lines(n.output)].sort());
          for (const who of new Set(lines(n.output).map((l) => l[0]))) {
            expect(lines(p.output).filter((l) => l[0] === who)).toEqual(lines(n.output).filter((l) => l[0] === who));
          }
        }
        // No sensitive instruction anywhere in the paravirtual kernel: none traps (only the
        // processes' traps, as natively: the red pill's on strict profiles), none slips through.
        expect(stats(p).trapsByCause.PRIVILEGED).toBe(stats(n).trapsByCause.PRIVILEGED);
        expect(p.properties!.sensitiveUntrapped).toBeUndefined();
        expect(p.properties!.resourceControl.violations).toEqual([]);
        expect(p.metrics!.emulated).toBe(0);
        expect(p.properties!.efficiency).toBe(1);
        if (profile !== "x86-like") {
          // Every delivered trap ends in one IRET hypercall (the boot's first return makes
          // up for the final exit, which never returns).
          expect(ev(p, "hypercall IRET")).toBe(reflected(p));
          expect(ev(p, GATE)).toBe(0);
        } else {
          // Ring 1: system calls come through the trap gate, never through the monitor.
          expect(ev(p, "reflected SYSCALL")).toBe(0);
          expect(ev(p, GATE)).toBe(stats(p).trapsByCause.SYSCALL);
          // Each trap ends in one return, an IRET hypercall or RTE from ring 1, but for
          // those whose return a timer tick took over (the kernel preempts instead).
          const returns = ev(p, "hypercall IRET") + ev(p, RING1_RETURNS);
          expect(returns).toBeLessThanOrEqual(reflected(p) + ev(p, GATE));
          expect(returns).toBeGreaterThanOrEqual(reflected(p) + ev(p, GATE) - stats(p).trapsByCause.TIMER);
        }
        expect(CATEGORIES.reduce((a, c) => a + p.cycles!.byCategory[c], 0)).toBe(p.cycles!.total);
      });
    }
  });
}

describe("paravirtualization against trap-and-emulate on the system-call and page-table microbenchmarks", () => {
  for (const profile of ["mips-like", "riscv-like"]) {
    const te = config(profile, "trap-emulate");
    const pv = config(profile, "paravirt");
    const runs = (name: string) => ({
      te: runConfiguration(te, findScenario(name), modules) as Run,
      pv: runConfiguration(pv, findScenario(name), modules) as Run,
    });

    it(`${profile}: a system call is a trap and one IRET hypercall, not a trap per privileged instruction`, () => {
      const { te: t, pv: p } = runs("syscall");
      const iterations = findScenario("syscall").iterations!;
      expect(p.output).toBe(t.output);
      expect(stats(p).trapsByCause.SYSCALL).toBe(stats(t).trapsByCause.SYSCALL);
      // Trap-and-emulate: trap_entry's 7 control-register accesses and resume's 3 writes and rte trap on every call.
      expect(stats(t).trapsByCause.PRIVILEGED).toBeGreaterThanOrEqual(11 * iterations);
      expect(stats(p).trapsByCause.PRIVILEGED).toBe(0);
      expect(ev(p, "reflected SYSCALL")).toBe(stats(p).trapsByCause.SYSCALL);
      expect(ev(p, "hypercall IRET")).toBeGreaterThanOrEqual(iterations);
      expect(totalTraps(p)).toBeLessThan(totalTraps(t));
      expect(p.cycles!.total).toBeLessThan(t.cycles!.total);
    });

    it(`${profile}: page-table rewrites and invalidations go in batches of 32 entries: 63 hypercalls for 1000 of each`, () => {
      const pte = runs("pte-modify");
      // call-return is the same program with an empty loop in the kernel instead.
      const base = runs("call-return");
      const iterations = findScenario("pte-modify").iterations!;
      expect(ev(pte.pv, "page-table batch entries") - ev(base.pv, "page-table batch entries")).toBe(2 * iterations);
      expect(ev(pte.pv, "hypercall MMU_UPDATE") - ev(base.pv, "hypercall MMU_UPDATE")).toBe(Math.ceil((2 * iterations) / 32));
      // Trap-and-emulate: the TLBI of every iteration traps, and on riscv-like the PTE write too (traced).
      expect(ev(pte.te, "emulated TLBI") - ev(base.te, "emulated TLBI")).toBe(iterations);
      if (profile === "riscv-like") expect(ev(pte.te, "traced page-table writes")).toBeGreaterThanOrEqual(iterations);
      expect(totalTraps(pte.pv)).toBeLessThan(totalTraps(pte.te));
      expect(pte.pv.cycles!.total).toBeLessThan(pte.te.cycles!.total);
    });
  }

  it("riscv-like: the mirror tables are kept by the batches: no hidden fault and no traced write", () => {
    const p = runConfiguration(config("riscv-like", "paravirt"), findScenario("pte-modify"), modules) as Run;
    expect(p.metrics!.pageFaultsHidden).toBe(0);
    expect(stats(p).trapsByCause.PAGE_FAULT).toBe(0);
    expect(ev(p, "mirror entries updated")).toBeGreaterThanOrEqual(findScenario("pte-modify").iterations!);
  });
});

describe("the direct system-call path (Xen's trap gate) on x86-like", () => {
  // N getpid calls with no timer interrupt: every trap the monitor sees is counted.
  const calls = (n: number) =>
    inlineScenario(`getpid-${n}`, [
      `
start:  li      r11, ${n}
.loop:  li      r1, 2                    ; getpid
        syscall 0
        addi    r11, r11, -1
        cmpi    r11, 0
        bgt     .loop
        li      r2, 0
        call    exit`,
    ]);
  // A time slice longer than the run: no timer interrupt at all.
  const untimed = (s: Scenario): Scenario => ({ ...s, timerPeriod: 0x7fffffff });
  /** Traps that reached the monitor: every trap but those the gate took. */
  const monitorEntries = (r: Run): number => totalTraps(r) - stats(r).gateEntries;

  it("x86-like: a system call enters the monitor zero times", () => {
    const pv = config("x86-like", "paravirt");
    const few = runConfiguration(pv, untimed(calls(10)), modules) as Run;
    const many = runConfiguration(pv, untimed(calls(1010)), modules) as Run;
    expect(many.outcome).toBe("halt");
    // 1000 more system calls (and the exit's), 1000 more trap-gate entries and ring-1 returns, not one more monitor entry.
    expect(stats(many).trapsByCause.SYSCALL - stats(few).trapsByCause.SYSCALL).toBe(1000);
    expect(stats(many).gateEntries - stats(few).gateEntries).toBe(1000);
    expect(stats(many).ring1Returns - stats(few).ring1Returns).toBe(1000);
    expect(monitorEntries(many)).toBe(monitorEntries(few));
    expect(many.metrics!.events!["hypercall IRET"] ?? 0).toBe(few.metrics!.events!["hypercall IRET"] ?? 0);
  });

  it("riscv-like (no ring 1): each system call still goes through the monitor, in and out", () => {
    const pv = config("riscv-like", "paravirt");
    const few = runConfiguration(pv, untimed(calls(10)), modules) as Run;
    const many = runConfiguration(pv, untimed(calls(1010)), modules) as Run;
    expect(stats(many).gateEntries).toBe(0);
    // The trap in, and the IRET hypercall out.
    expect(monitorEntries(many) - monitorEntries(few)).toBe(2 * 1000);
    expect(ev(many, "hypercall SET_TRAP_TABLE")).toBe(0);
  });

  it("x86-like: timer ticks landing anywhere in the gate's entry and resume's tail change nothing the processes print", () => {
    // Two processes making system calls in a loop, preempted at many different points
    // (time slices of 301..499 instructions): ticks land at the gate's entry, before
    // events are masked, and in resume's tail, after they are unmasked.
    const loop = (tag: string) => `
start:  li      r11, 40
.loop:  li      r1, 2                    ; getpid
        syscall 0
        addi    r11, r11, -1
        cmpi    r11, 0
        bgt     .loop
        la      r2, msg
        call    print
        li      r2, 0
        call    exit
msg:    .asciz  "${tag} done\\n"`;
    const parent = `
start:  li      r2, 1
        li      r3, 0
        li      r1, 4                    ; spawn program 1
        syscall 0
        li      r11, 40
.loop:  li      r1, 2
        syscall 0
        addi    r11, r11, -1
        cmpi    r11, 0
        bgt     .loop
        li      r1, 5                    ; wait
        syscall 0
        la      r2, msg
        call    print
        li      r2, 0
        call    exit
msg:    .asciz  "parent done\\n"`;
    for (let period = 301; period < 500; period += 13) {
      const s = { ...inlineScenario(`ticks-${period}`, [parent, loop("child")]), timerPeriod: period };
      const n = runConfiguration(config("x86-like", "native"), s, modules);
      const p = runConfiguration(config("x86-like", "paravirt"), s, modules) as Run;
      expect(n.output, `${n.outcome} ${JSON.stringify(n.metrics?.traps)}`).toBe("child done\nparent done\n");
      expect(p.output, `time slice ${period}`).toBe(n.output);
      expect(stats(p).gateEntries).toBeGreaterThan(80);
    }
  });

  it("x86-like kernel-build: far fewer monitor entries than trap-and-emulate's paravirtual cousin on riscv-like", () => {
    const s = findScenario("kernel-build");
    const { native: n, run: p } = lab.againstNative<Run>(config("x86-like", "paravirt"), s);
    expect(p.properties!.equivalent, p.properties!.divergence?.detail).toBe(true);
    const syscalls = stats(n).trapsByCause.SYSCALL;
    // Xen's design: no monitor entry per system call; what is left is per tick and per
    // address-space switch (the timer, SET_PTBR, and the event at the return).
    expect(monitorEntries(p)).toBeLessThan(syscalls / 4);
    expect(ev(p, "kernel-half TLB entries dropped on return to user")).toBe(0);
  });
});

describe("validation: a guest may map only its own frames", () => {
  const MAP = (frame: number) => `
start:  li      r2, 0x20000000           ; a user page
        li      r3, ${frame}
        li      r1, SYS_MAP_PHYS
        syscall 0
        mov     r11, r1
        mov     r2, r1
        call    print_num
        li      r2, 10
        call    print_char
        cmpi    r11, 0
        bne     .out
        li      r2, 0x20000000
        lw      r2, 0(r2)                ; what the mapped frame holds
        call    print_hex
        li      r2, 10
        call    print_char
.out:   li      r2, 0
        call    exit
        .equ    SYS_MAP_PHYS, 11`;

  for (const profile of ["mips-like", "riscv-like", "x86-like"]) {
    it(`${profile}: a frame beyond the VM's memory is refused, and the kernel sees -1`, () => {
      const s = inlineScenario(`map-foreign-${profile}`, [MAP(0x00500000)]);
      const n = runConfiguration(config(profile, "native"), s, modules);
      const p = runConfiguration(config(profile, "paravirt"), s, modules) as Run;
      // Bare metal maps it: the machine then faults on the access (there is no such memory).
      expect(n.output).toBe("0\nkernel: pid 1 killed (address error)\n");
      expect(p.outcome).toBe("halt");
      expect(p.output).toBe("-1\n");
      expect(ev(p, "hypercalls refused")).toBe(1);
      expect(p.properties!.resourceControl.violations).toEqual([expect.stringMatching(/page-table update mapping guest frame 0x500 refused: not the VM's/)]);
    });

    it(`${profile}: a frame of its own is mapped as on bare metal`, () => {
      // Physical 0x1000 holds the kernel's first instruction in both builds: lui sp, 0x8000 ... (0x18f08000).
      const s = inlineScenario(`map-own-${profile}`, [MAP(0x00001000)]);
      const { native: n, run: p } = lab.againstNative(config(profile, "paravirt"), s);
      expect(n.output).toBe("0\n0x18f08000\n");
      expect(p.properties!.equivalent, p.properties!.divergence?.detail).toBe(true);
      expect(p.properties!.resourceControl.violations).toEqual([]);
    });
  }

  it("a hypercall from a user process is no hypercall: the kernel gets the trap, as on bare metal", () => {
    const s = inlineScenario("user-hcall", [
      `
start:  li      r1, 11                   ; HALT, were it the kernel asking
        hcall   0
        li      r2, 0
        call    exit`,
    ]);
    for (const profile of ["mips-like", "riscv-like"]) {
      const { native: n, run: p } = lab.againstNative(config(profile, "paravirt"), s);
      expect(n.output).toBe("kernel panic: unexpected trap\n");
      expect(p.properties!.equivalent, p.properties!.divergence?.detail).toBe(true);
      expect(ev(p, "reflected HYPERCALL")).toBe(1);
    }
  });
});

describe("the interrupt flag in the shared block", () => {
  // A minimal paravirtual kernel: it masks interrupts by a store, lets the timer expire,
  // sees PENDING, unmasks by a store and asks for the interrupt with EVENT_CHECK.
  const KERNEL = `
        .org 0x80001000
start:  la      sp, stack_top
        la      r2, handler
        la      r3, stack_top
        la      r4, shared - 0x80000000
        li      r1, ${HC.SET_CALLBACKS}
        hcall   0
        li      r2, 100
        li      r1, ${HC.SET_TIMER}
        hcall   0
        li      r5, 300                  ; IF is 0 (the block starts zeroed): spin past the deadline
.spin:  addi    r5, r5, -1
        cmpi    r5, 0
        bgt     .spin
        la      r6, shared
        lw      r2, ${SH.PENDING}(r6)
        addi    r2, r2, '0'
        call    putc
        li      r2, 0x200
        sw      r2, ${SH.IF}(r6)         ; unmask: a store, no trap
        li      r1, ${HC.EVENT_CHECK}
        hcall   0
after:  li      r2, 'X'                  ; not reached: the handler halts
        call    putc
handler:
        li      r2, 'T'
        call    putc
        la      r6, shared
        lw      r2, ${SH.CAUSE}(r6)
        addi    r2, r2, '0'
        call    putc
        li      r1, ${HC.HALT}
        hcall   0
putc:   la      r3, byte
        sb      r2, 0(r3)
        la      r2, byte - 0x80000000
        li      r3, 1
        li      r1, ${HC.CONSOLE_WRITE}
        hcall   0
        ret
        .align  4
byte:   .word   0
shared: .space  64
        .space  256
stack_top:`;

  for (const profile of ["mips-like", "riscv-like", "x86-like"]) {
    it(`${profile}: a masked timer interrupt waits as PENDING and comes with EVENT_CHECK once unmasked`, () => {
      const image = assemble(KERNEL, { file: "mini.s" });
      const p = getProfile(profile);
      const memory = new ParavirtMmu();
      const monitor = new ParavirtMonitor({
        scenario: inlineScenario("mini", ["start: halt"]),
        profile: p,
        image,
        budget: 10_000,
        machineProfile: getMachineProfile("p4-2006"),
        memory,
      });
      monitor.boot();
      expect(monitor.run(10_000)).toBe("halt");
      // "1": PENDING was set while IF was masked; "T8": the timer (cause 8) delivered at EVENT_CHECK.
      expect(monitor.console.text()).toBe("1T8");
      expect(monitor.virtualInterrupts).toBe(1);
      expect(monitor.machine.cpu.trapsByCause[CAUSE.TIMER]).toBeGreaterThanOrEqual(1);
      // The interrupted instruction is the one after the EVENT_CHECK hypercall.
      expect(monitor.guest.read32(image.symbols.shared! - 0x80000000 + SH.EPC) >>> 0).toBe(image.symbols.after);
      expect(monitor.hypercalls[HC.EVENT_CHECK]).toBe(1);
    });
  }
});
