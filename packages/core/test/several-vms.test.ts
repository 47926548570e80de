// Several virtual machines on one machine: the scheduler, consolidation (each VM prints
// what it prints alone) and isolation (a hostile guest is contained, every attempt audited).
import { describe, expect, it } from "vitest";
import { findScenario } from "@vmlab/guest";
import { getProfile, MODE_USER } from "@vmlab/isa";
import { GUEST_BYTES, MONITOR_BYTES, runConfiguration, VmScheduler, type Execution, type RunResult } from "../src/index.js";
import { strategyLab } from "@vmlab/test-support";

const lab = await strategyLab();
const { modules } = lab;
const config = (profile: string, cpu: string) => lab.config({ profile, cpu, machine: "p4-2006" });
type Run = RunResult & { execution: Execution; vmExecutions?: readonly Execution[] };

/** The strategies that are faithful on a profile and share one machine among VMs. */
const FAITHFUL: [string, string][] = [
  ["mips-like", "trap-emulate"],
  ["riscv-like", "trap-emulate"],
  ["mips-like", "binary-translation"],
  ["riscv-like", "binary-translation"],
  ["x86-like", "binary-translation"],
  ["mips-like", "paravirt"],
  ["riscv-like", "paravirt"],
  ["x86-like", "paravirt"],
];

describe("the VM scheduler", () => {
  it("hands the VMs disjoint machine frames above the monitor's region, scattered and interleaved, and disjoint shares of that region", () => {
    const s = new VmScheduler(getProfile("riscv-like"), 3);
    expect(s.machine.memory.size).toBe(MONITOR_BYTES + 3 * GUEST_BYTES);
    const p = [0, 1, 2].map((i) => s.placement(i));
    // Every machine frame above the monitor's region is exactly one VM's.
    const owner = new Map<number, number>();
    p.forEach((x, vm) => x.pmap.forEach((mfn) => void owner.set(mfn, owner.has(mfn) ? -1 : vm)));
    const frames = (n: number) => Array.from({ length: n }, (_, i) => i + MONITOR_BYTES / 4096);
    expect([...owner.keys()].sort((a, b) => a - b)).toEqual(frames((3 * GUEST_BYTES) / 4096));
    expect([...owner.values()].includes(-1)).toBe(false);
    // Not blocks: in machine order, the owner changes far more often than twice.
    const order = [...owner.entries()].sort((a, b) => a[0] - b[0]).map(([, vm]) => vm);
    expect(order.filter((vm, i) => i > 0 && vm !== order[i - 1]).length).toBeGreaterThan(100);
    // The same scheduler twice: the same layout.
    expect(new VmScheduler(getProfile("riscv-like"), 3).placement(2).pmap).toEqual(p[2]!.pmap);
    // Frame 0 is the monitor's vector; the shares follow it, in order, without overlap.
    expect(p[0]!.framesFirst).toBe(4096);
    expect(p[1]!.framesFirst).toBe(p[0]!.framesEnd);
    expect(p[2]!.framesFirst).toBe(p[1]!.framesEnd);
    expect(p[2]!.framesEnd).toBeLessThanOrEqual(MONITOR_BYTES);
    expect(() => s.placement(3)).toThrow(/no virtual machine 3/);
  });

  it("a machine switch saves one VM's CPU state and restores the other's; the TLB is emptied", () => {
    const s = new VmScheduler(getProfile("mips-like"), 2);
    const cpu = s.machine.cpu;
    s.activate(0);
    cpu.regs[3] = 33;
    cpu.pc = 0x1234;
    cpu.mode = MODE_USER;
    cpu.retired = 500;
    cpu.setTimer(100); // at retired 500: the deadline is 600
    cpu.trapsByCause[1] = 7;
    cpu.tlb.insert(5, 0x5000, 0);
    s.activate(1);
    expect([cpu.regs[3], cpu.pc, cpu.mode, cpu.retired, cpu.timerPeriod, cpu.timerDeadline, cpu.trapsByCause[1]]).toEqual([0, 0, 0, 0, 0, Infinity, 0]);
    expect(cpu.tlb.occupancy()).toBe(0);
    cpu.regs[3] = 44;
    s.activate(0);
    expect([cpu.regs[3], cpu.pc, cpu.mode, cpu.retired, cpu.timerPeriod, cpu.timerDeadline, cpu.trapsByCause[1]]).toEqual([33, 0x1234, MODE_USER, 500, 100, 600, 7]);
    expect(cpu.tlb.occupancy()).toBe(0);
    s.activate(0); // already active: not a switch
    expect(s.switches).toBe(2);
    expect(cpu.saveContext().regs[3]).toBe(33);
  });

  it("runs VMs round robin, a quantum at a time, until each has halted or used its budget", () => {
    const s = new VmScheduler(getProfile("mips-like"), 2, { quantum: 100 });
    const log: string[] = [];
    const vm = (name: string, length: number) => {
      let used = 0;
      return {
        boot: () => log.push(`${name} boots`),
        run(budget: number) {
          used = Math.min(budget, length);
          log.push(`${name} to ${used}`);
          return used === length ? ("halt" as const) : ("budget" as const);
        },
        get used() {
          return used;
        },
      };
    };
    expect(s.run([vm("a", 250), vm("b", 120)], [1000, 1000])).toEqual(["halt", "halt"]);
    expect(log).toEqual(["a boots", "b boots", "a to 100", "b to 100", "a to 200", "b to 120", "a to 250"]);
    expect(s.slices).toBe(5);
    // To b to boot it (1), then back to a before each of the slices a, b, a, b, a (5 more).
    expect(s.switches).toBe(6);
    const t = new VmScheduler(getProfile("mips-like"), 1, { quantum: 100 });
    expect(t.run([vm("c", 10_000)], [250])).toEqual(["budget"]);
  });
});

describe("consolidation: three VMs on one machine, each printing what it prints alone", () => {
  const s = findScenario("consolidation");
  for (const [profile, cpu] of FAITHFUL) {
    it(`${profile}, ${cpu}`, () => {
      const { native, run: r } = lab.againstNative<Run>(config(profile, cpu), s);
      expect(s.vms).toBe(3);
      // Natively each VM has a bare machine of its own; here they share one.
      expect(new Set(native.vmExecutions!.map((e) => e.machine)).size).toBe(3);
      expect(new Set(r.vmExecutions!.map((e) => e.machine)).size).toBe(1);
      expect(r.outcome).toBe("halt");
      expect(r.properties!.equivalent, r.properties!.divergence?.detail).toBe(true);
      r.vms!.forEach((v, i) => {
        expect(v.name).toBe(s.vmGuests[i]!.name);
        expect(v.output).toBe(s.vmGuests[i]!.expectedOutput);
        expect(v.output).toBe(native.vms![i]!.output);
        expect(v.equivalent, v.divergence?.detail).toBe(true);
        expect(v.violations).toEqual([]);
        // Trap-and-emulate and binary translation are judged on everything: each VM retired exactly its solo run's instructions.
        if (cpu !== "paravirt") expect(v.guestInstructions).toBe(native.vms![i]!.guestInstructions);
        // Each VM's cost counts are its own, not the shared machine's: every byte it
        // printed reached the real console once, as in its run alone.
        if (cpu !== "paravirt") expect(r.vmExecutions![i]!.counts.consoleBackend ?? 0).toBe(native.vmExecutions![i]!.counts.consoleAccess ?? 0);
        expect(native.vmExecutions![i]!.counts.consoleAccess).toBe(s.vmGuests[i]!.expectedOutput!.length);
      });
      // Time-sliced 10,000 instructions at a time: while the shortest VM runs, the machine
      // switches to it and away from it around each of its slices.
      const switches = r.metrics!.machineSwitches!;
      const shortest = Math.min(...r.vms!.map((v) => v.guestInstructions));
      expect(switches).toBeGreaterThanOrEqual(2 * Math.floor(shortest / 10_000));
      const line = r.cycles!.lines.find((l) => l.category === "machine switch")!;
      expect(line.count).toBe(switches);
      expect(line.cycles).toBe(switches * 20_000); // p4-2006: 20,000 cycles per machine switch
      expect(r.cycles!.byCategory["machine switch"]).toBe(switches * 20_000);
      expect(r.output).toBe(s.vmGuests.map((g, i) => `--- VM ${i + 1} (${g.name}) ---\n${g.expectedOutput}`).join(""));
    });
  }

  it("a strategy that cannot share a machine runs each VM alone (interpret)", () => {
    const { run: r } = lab.againstNative<Run>(config("riscv-like", "interpret"), s);
    expect(r.properties!.equivalent, r.properties!.divergence?.detail).toBe(true);
    expect(r.metrics!.machineSwitches).toBeUndefined();
    expect(r.cycles!.byCategory["machine switch"]).toBe(0);
  });
});

describe("isolation: a hostile guest beside a neighbour", () => {
  const s = findScenario("hostile");
  const [hostile, neighbour] = [0, 1];

  it("the attacks aim at the neighbour: on the shared machine every frame that is not the hostile guest's or the monitor's is the neighbour's", () => {
    const p = new VmScheduler(getProfile("riscv-like"), 2);
    const [a, b] = [p.placement(0).pmap, p.placement(1).pmap];
    expect(a.length + b.length).toBe((p.machine.memory.size - MONITOR_BYTES) / 4096);
    expect(new Set([...a, ...b]).size).toBe(a.length + b.length);
    expect(s.vmGuests.map((g) => g.name)).toEqual(["hostile", "neighbour"]);
  });

  it("on bare metal every attempt meets the end of memory, and there is no monitor to audit", () => {
    const n = runConfiguration(config("riscv-like", "native"), s, modules);
    expect(n.vms![hostile]!.output).toMatch(/A: .*: trap 10\nB: .*: ok; .*; read it: trap 10\nC: .*: status 2; .*: status 2\nD: .*landed in my own trap handler\nhostile guest: done\n$/);
    expect(n.vms![neighbour]!.output).toBe(s.vmGuests[neighbour]!.expectedOutput);
    expect(n.properties!.resourceControl.violations).toEqual([]);
  });

  for (const [profile, cpu] of FAITHFUL) {
    it(`${profile}, ${cpu}: the neighbour prints what it prints alone and every attempt is in the audit`, () => {
      const { run: r } = lab.againstNative<Run>(config(profile, cpu), s);
      expect(r.outcome).toBe("halt");
      const n = r.vms![neighbour]!;
      expect(n.output).toBe(s.vmGuests[neighbour]!.expectedOutput);
      expect(n.equivalent, n.divergence?.detail).toBe(true);
      expect(n.violations).toEqual([]);
      const h = r.vms![hostile]!;
      expect(h.output).toMatch(/hostile guest: done\n$/);
      if (cpu !== "paravirt") {
        // Faithful: the attempts fail exactly as on bare metal.
        expect(h.equivalent, h.divergence?.detail).toBe(true);
      } else {
        // Paravirtual: refused by the monitor instead (the guest sees -1 or a fault). Its
        // own kernel's paravirtual build prints the monitor's answers, which no bare
        // machine gives: it is not compared, and the run is judged by its neighbour.
        expect(h.output).toMatch(/A: .*refused by the monitor/);
        expect(h.equivalent).toBeNull();
        expect(h.notCompared).toMatch(/^it brings its own kernel \(hostile-kernel\.s\), whose paravirtual build asks the monitor/);
        expect(r.properties!.equivalent, r.properties!.divergence?.detail).toBe(true);
      }
      const audit = h.violations.join("\n");
      expect(audit, "A: a frame that is not its own").toMatch(/guest frame 0x401\b/);
      expect(audit, "B: a page-table entry pointed elsewhere").toMatch(/guest frame 0x402\b|store to the guest page table/);
      expect(audit, "C: DMA outside its memory").toMatch(/disk DMA to guest-physical 0x401000, outside the VM's memory: refused/);
      expect(audit, "C: DMA straddling its end").toMatch(/disk DMA to guest-physical 0x3fff00, outside the VM's memory: refused/);
      expect(audit, "D: the trap vector").toMatch(/RDTVEC/);
      // The run's audit names the VM each line came from.
      expect(r.properties!.resourceControl.violations.every((v) => v.startsWith("VM 1 (hostile): "))).toBe(true);
    });
  }
});
