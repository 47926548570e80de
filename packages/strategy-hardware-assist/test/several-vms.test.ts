// Several VMs on one machine under hardware assist: consolidation (each VM prints what it
// prints alone, time-sliced by the VmScheduler, machine switches charged) and isolation
// (the hostile guest is contained and each of its attempts is in the audit), with shadow
// and nested paging, on x86-like and riscv-like.
import { describe, expect, it } from "vitest";
import { findScenario } from "@vmlab/guest";
import { MACHINE_PROFILES, DEFAULT_QUANTUM, GUEST_BYTES, machineName, type Configuration, type Execution, type RunResult } from "@vmlab/core";
import type { Machine } from "@vmlab/isa";
import { strategyLab } from "@vmlab/test-support";

const lab = await strategyLab();
const config = (profile: string, cpu: string, memory?: string): Configuration => lab.config({ profile, cpu, machine: memory === "nested" ? "nehalem-2009" : "p4-2006", memory });
type Run = RunResult & { execution: Execution; vmExecutions?: readonly Execution[] };

const CONFIGS: [string, string][] = [
  ["x86-like", "shadow"],
  ["x86-like", "nested"],
  ["riscv-like", "shadow"],
  ["riscv-like", "nested"],
];

/** p4-2006's machine-switch cost (machine-profiles.ts). */
const switchCycles = (machine: string): number => MACHINE_PROFILES[machine]!.costs.machineSwitch;
/** Trap causes that are faults: the bare machine counts them against the budget with the retired instructions. */
const FAULTS = ["PRIVILEGED", "ILLEGAL", "DIVIDE", "PAGE_FAULT", "TLB_MISS", "ADDRESS_ERROR"];

/** Budget a VM uses alone on bare metal: its retired instructions plus the faults it took. */
const budgetUsed = (e: Execution): number => e.guestInstructions + FAULTS.reduce((a, c) => a + (e.traps[c] ?? 0), 0);

/**
 * Machine switches of a round-robin run, counted by hand from the slices: each VM is
 * activated once to boot (in order), then each round gives every VM still running one
 * quantum; the machine switches whenever the VM to run is not the one that ran last.
 */
function expectedSwitches(slices: readonly number[]): number {
  const order = slices.map((_, i) => i);
  for (let round = 1; round <= Math.max(...slices); round++) slices.forEach((n, i) => n >= round && order.push(i));
  return order.filter((vm, k) => k > 0 && vm !== order[k - 1]).length;
}

describe("hardware assist: consolidation, three VMs on one machine, each printing what it prints alone", () => {
  const s = findScenario("consolidation");
  for (const [profile, memory] of CONFIGS) {
    it(`${profile}, ${memory} paging`, () => {
      const { native, run: r } = lab.againstNative<Run>(config(profile, "hardware-assist", memory), s);
      expect(r.configuration.memory).toBe(memory);
      // Natively each VM has a bare machine of its own; here they share one.
      expect(new Set(native.vmExecutions!.map((e) => e.machine)).size).toBe(3);
      expect(new Set(r.vmExecutions!.map((e) => e.machine)).size).toBe(1);
      expect(r.outcome).toBe("halt");
      expect(r.properties!.equivalent, r.properties!.divergence?.detail).toBe(true);
      r.vms!.forEach((v, i) => {
        const alone = native.vmExecutions![i]!;
        expect(v.name).toBe(s.vmGuests[i]!.name);
        expect(v.output).toBe(s.vmGuests[i]!.expectedOutput);
        expect(v.output).toBe(alone.output);
        expect(v.equivalent, v.divergence?.detail).toBe(true);
        expect(v.violations).toEqual([]);
        // Each VM retired exactly the instructions of its run alone ...
        expect(v.guestInstructions).toBe(alone.guestInstructions);
        // ... and its timer, which counts its own instructions, fired as often: one
        // external-interrupt exit per timer interrupt of its native run.
        expect(r.vmExecutions![i]!.vmExits["external interrupt"]).toBe(alone.traps.TIMER);
        // Its kernel's own control-register writes run in guest mode on the shared CPU:
        // counted for it alone, as many as in its run alone.
        expect(r.vmExecutions![i]!.counts.trapFrameRegisterWrite).toBe(alone.counts.trapFrameRegisterWrite);
      });
      expect(r.output).toBe(s.vmGuests.map((g, i) => `--- VM ${i + 1} (${g.name}) ---\n${g.expectedOutput}`).join(""));
      // Time-sliced 10,000 instructions (of budget) at a time.
      const slices = native.vmExecutions!.map((e) => Math.ceil(budgetUsed(e) / DEFAULT_QUANTUM));
      const switches = r.metrics!.machineSwitches!;
      expect(switches).toBe(expectedSwitches(slices));
      expect(switches).toBeGreaterThan(2 * Math.min(...slices));
      const line = r.cycles!.lines.find((l) => l.category === "machine switch")!;
      expect(line.count).toBe(switches);
      expect(line.cycles).toBe(switches * switchCycles(machineName(r.configuration)));
      expect(r.cycles!.byCategory["machine switch"]).toBe(switches * switchCycles(machineName(r.configuration)));
      // Every VM's exits are charged an exit and an entry each, on the one ledger.
      const exits = r.vmExecutions!.reduce((a, e) => a + Object.values(e.vmExits).reduce((b, n) => b + n, 0), 0);
      expect(exits).toBeGreaterThan(0);
      const charged = (event: string) => r.cycles!.lines.find((l) => l.category === "VM exits/entries" && l.event === event)?.count;
      expect(charged("VM exit")).toBe(exits);
      expect(charged("VM entry")).toBe(exits);
    });
  }

  it("the slices and switches counted by hand: 3 VMs of 2, 1 and 3 slices", () => {
    // boot 0,1,2; round 1: 0,1,2; round 2: 0,2; round 3: 2 (no switch: it ran last).
    expect(expectedSwitches([2, 1, 3])).toBe(2 + 3 + 2);
  });

  it("a budget that ends mid-run stops each VM where its native run alone stops", () => {
    for (const [profile, memory] of [
      ["x86-like", "nested"],
      ["riscv-like", "shadow"],
    ] as const) {
      for (const budget of [61_337, 150_001]) {
        const { native, run: r } = lab.againstNative<Run>(config(profile, "hardware-assist", memory), s, { budget });
        // The compute job (212,899 / 193,475 instructions alone) cannot finish in either budget.
        expect(native.vms![0]!.outcome).toBe("budget");
        expect(r.properties!.equivalent, `${profile}/${memory}@${budget}: ${r.properties!.divergence?.detail}`).toBe(true);
        r.vms!.forEach((v, i) => expect(v.guestInstructions).toBe(native.vms![i]!.guestInstructions));
      }
    }
  });
});

describe("hardware assist: the hostile guest is contained, each attempt audited", () => {
  const s = findScenario("hostile");
  const [hostile, neighbour] = [0, 1];
  const MARK = 0x0badf00d;

  for (const [profile, memory] of CONFIGS) {
    it(`${profile}, ${memory} paging: the neighbour prints and holds what it does alone; five attempts, five audit lines`, () => {
      const { native, run: r } = lab.againstNative<Run>(config(profile, "hardware-assist", memory), s);
      expect(r.outcome).toBe("halt");
      expect(r.metrics!.machineSwitches).toBeGreaterThan(0);
      const n = r.vms![neighbour]!;
      expect(n.output).toBe(s.vmGuests[neighbour]!.expectedOutput);
      // Judged on everything, its memory included.
      expect(n.equivalent, n.divergence?.detail).toBe(true);
      expect(n.violations).toEqual([]);
      // Faithful: every attempt fails exactly as on bare metal (trap 10 is ADDRESS_ERROR, disk status 2 a bad address).
      const h = r.vms![hostile]!;
      expect(h.equivalent, h.divergence?.detail).toBe(true);
      expect(h.output).toMatch(/A: .*: trap 10\nB: .*: ok; .*; read it: trap 10\nC: .*: status 2; .*: status 2\nD: .*landed in my own trap handler\nhostile guest: done\n$/);
      // A's marker reached no memory but the hostile VM's own: not the monitor's region, not the neighbour's.
      const machine = r.vmExecutions![hostile]!.machine as Machine;
      expect(machine).toBe(r.vmExecutions![neighbour]!.machine);
      const words = machine.memory.i32;
      const own = new Set(r.vmExecutions![hostile]!.pmap);
      expect(own.size).toBe(GUEST_BYTES / 4096);
      let outside = 0;
      for (let w = 0; w < words.length; w++) if (!own.has(w >>> 10) && words[w] === MARK) outside++;
      expect(outside).toBe(0);

      const audit = h.violations;
      expect(audit, audit.join("\n")).toHaveLength(5);
      const one = (re: RegExp) =>
        expect(
          audit.filter((a) => re.test(a)),
          `${re}\n${audit.join("\n")}`,
        ).toHaveLength(1);
      // A: the frame past its memory, mapped by its page table; B: the entry rewritten by a store.
      // Worded alike whichever mechanism refused it (an EPT violation, a shadow entry not filled).
      const refusal = "refused \\(ADDRESS_ERROR delivered to the guest, as on bare metal\\)";
      one(new RegExp(`guest page table maps 0x200000 to guest frame 0x401, outside the VM's memory: ${refusal}`));
      one(new RegExp(`guest page table maps 0x201000 to guest frame 0x402, outside the VM's memory: ${refusal}`));
      // C: the disk asked to DMA past its memory, and across its end.
      one(/disk DMA to guest-physical 0x401000, outside the VM's memory: refused/);
      one(/disk DMA to guest-physical 0x3fff00, outside the VM's memory: refused/);
      // D: RDTVEC exits; the guest gets its own vector (what it prints), never the monitor's.
      const vector = /D: read the trap vector: (0x[0-9a-f]{8})/.exec(h.output)![1]!;
      one(
        new RegExp(
          `the guest kernel read the trap vector with RDTVEC at 0x[0-9a-f]+: a VM exit \\(trap-vector read exiting\\); the monitor's entry refused, it was given its own vector, 0x${Number(vector).toString(16)}`,
        ),
      );
      // The run's audit names the VM each line came from.
      expect(r.properties!.resourceControl.violations).toEqual(audit.map((a) => `VM 1 (hostile): ${a}`));

      // The exits behind them: one control-register read (the RDTVEC, the only one the guest runs) ...
      const exits = r.vmExecutions![hostile]!.vmExits;
      expect(exits["control-register read"]).toBe(1);
      expect(r.vmExecutions![neighbour]!.vmExits["control-register read"]).toBeUndefined();
      // ... and under nested paging one EPT violation per ADDRESS_ERROR the bare machine raised (A and B).
      const alone = native.vmExecutions![hostile]!;
      expect(alone.traps.ADDRESS_ERROR).toBe(2);
      if (memory === "nested") expect(exits["EPT violation"]).toBe(alone.traps.ADDRESS_ERROR);
      else expect(exits["EPT violation"]).toBeUndefined();
    });
  }
});
