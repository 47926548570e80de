import { describe, expect, it } from "vitest";
import { findScenario } from "@vmlab/guest";
import { FAULT_HIDDEN, FAULT_REFLECT, GuestMemory, guestFrameAllocator, MonitorFrames, runConfiguration, VirtualCpu, type GuestFault, type VmContext } from "@vmlab/core";
import {
  ACCESS_READ,
  ACCESS_WRITE,
  assemble,
  CAUSE,
  CR,
  EXIT,
  getProfile,
  Machine,
  MODE_KERNEL,
  MODE_USER,
  PAGE_SIZE,
  PageTableBuilder,
  PTE_U,
  PTE_W,
  VmControl,
  walk,
  walkShape,
  type Levels,
} from "@vmlab/isa";
import { NestedMemory } from "../src/index.js";
import { strategyLab } from "@vmlab/test-support";

const MONITOR = 0x200000;
const GUEST = 0x400000;

/**
 * A VM context as a monitor provides it: the guest's memory in machine frames above the
 * monitor's, scattered by the monitor's allocator (in chunks of `chunkFrames` where they fit).
 */
function vmContext(levels: Levels, chunkFrames = 1): VmContext & { machine: Machine; audits: string[] } {
  const machine = new Machine({ profile: getProfile("riscv-like", { levels }), memoryBytes: MONITOR + GUEST });
  const pmap = guestFrameAllocator({ seed: 7, chunkFrames }, MONITOR, MONITOR + GUEST, GUEST).take(GUEST);
  const fault: GuestFault = { cause: 0, address: 0, access: 0, protection: false };
  const audits: string[] = [];
  return {
    audits,
    machine,
    guest: new GuestMemory(machine.memory, pmap),
    vcpu: new VirtualCpu(),
    frames: new MonitorFrames(machine.memory, PAGE_SIZE, MONITOR),
    fault,
    trace: undefined,
    audit: (m: string) => void audits.push(m),
  };
}

function attached(levels: Levels) {
  const vm = vmContext(levels);
  const vmcs = new VmControl();
  const nested = new NestedMemory().attachGuestMode(vm, vmcs);
  return { vm, nested, vmcs };
}

describe("nested paging: the host tables", () => {
  // 1024 guest frames; tables per level counted from the index split (ISA.md).
  for (const [levels, frames] of [
    [2, 2],
    [3, 1 + 1 + 8],
    [4, 1 + 1 + 1 + 32],
  ] as const) {
    it(`${levels} levels: map every guest frame p to machine frame pmap[p], in ${frames} table frames`, () => {
      const { vm, nested, vmcs } = attached(levels);
      expect(vmcs.nestedPaging).toBe(true);
      expect(vmcs.hostLevels).toBe(levels);
      // Nothing of the guest's MMU exits.
      expect(vmcs.exceptionBitmap[CAUSE.PAGE_FAULT]).toBe(0);
      expect(vmcs.invalidateExiting).toBe(false);
      const out = { status: 0, pte: 0, references: 0 };
      for (const gpa of [0, 0x1000, 0x123456, GUEST - 4]) {
        const r = walk(vm.machine.memory.i32, vmcs.hostRoot, walkShape(levels), gpa, true, false, out);
        expect(r.status).toBe(0);
        expect(r.references).toBe(levels);
        expect(((r.pte & ~0xfff) >>> 0) + (gpa & 0xfff)).toBe(vm.guest.pmap[gpa >>> 12]! * PAGE_SIZE + (gpa & 0xfff));
      }
      // The frames really are scattered: consecutive guest frames, machine frames apart.
      expect(vm.guest.pmap[1]! - vm.guest.pmap[0]!).not.toBe(1);
      // Past the guest's memory: nothing.
      expect(walk(vm.machine.memory.i32, vmcs.hostRoot, walkShape(levels), GUEST, false, false, out).status).not.toBe(0);
      // Host tables are the monitor's frames, in its region below every guest frame.
      expect(vmcs.hostRoot).toBeLessThan(MONITOR);
      expect(vm.frames.inUse).toBe(frames);
      expect(nested.finish().events["host table frames"]).toBe(frames);
    });
  }

  it("an EPT violation inside the guest's memory is filled unseen; past it, bare metal's ADDRESS_ERROR is reflected", () => {
    const { vm, nested, vmcs } = attached(2);
    expect(nested.hostFault(GUEST + 0x10, 0x00401010, ACCESS_WRITE)).toBe(FAULT_REFLECT);
    expect(vm.fault).toEqual({ cause: CAUSE.ADDRESS_ERROR, address: 0x00401010, access: ACCESS_WRITE, protection: false });
    // Knock out one host entry, as if never mapped: the violation maps it again.
    const out = { status: 0, pte: 0, references: 0 };
    const shape = walkShape(2);
    walk(vm.machine.memory.i32, vmcs.hostRoot, shape, 0x5000, false, false, out);
    const rootEntry = vm.machine.memory.i32[(vmcs.hostRoot >>> 2) + 0]!;
    const leafTable = (rootEntry & ~0xfff) >>> 0;
    vm.machine.memory.i32[(leafTable >>> 2) + 5] = 0;
    expect(walk(vm.machine.memory.i32, vmcs.hostRoot, shape, 0x5000, false, false, out).status).not.toBe(0);
    expect(nested.hostFault(0x5abc, 0x80005abc, ACCESS_READ)).toBe(FAULT_HIDDEN);
    expect(walk(vm.machine.memory.i32, vmcs.hostRoot, shape, 0x5000, false, false, out).status).toBe(0);
    expect((out.pte & ~0xfff) >>> 0).toBe(vm.guest.pmap[5]! * PAGE_SIZE);
  });

  it("an EPT violation past the guest's memory is audited as refused, named by what reached it: a mapping, a table, kseg0", () => {
    const { vm, nested } = attached(2);
    const cpu = vm.machine.cpu;
    let next = 0x100000;
    const gpt = new PageTableBuilder(vm.machine.memory.i32, 2, () => (next += PAGE_SIZE) - PAGE_SIZE, vm.guest.pmap);
    gpt.map(0x00200000, 0x00401000, PTE_W | PTE_U); // a frame just past its 4 MiB
    // 2 levels split 10/10: the root entry for 0x00800000 (index 2) names a table at 0x500000.
    vm.guest.write32(gpt.root + 2 * 4, 0x00500000 | 1);
    cpu.crs[CR.PTBR] = gpt.root;
    cpu.mode = MODE_USER;
    // Inside its memory: filled, nothing to audit.
    expect(nested.hostFault(0x3000, 0x3000, ACCESS_READ)).toBe(FAULT_HIDDEN);
    expect(vm.audits).toEqual([]);
    // The leaf it wrote: the final guest-physical address has no host entry.
    expect(nested.hostFault(0x00401010, 0x00200010, ACCESS_WRITE)).toBe(FAULT_REFLECT);
    // A table of its own beyond its memory: the walk's read of entry 0 (0x00800000's index in it).
    expect(nested.hostFault(0x00500000, 0x00800000, ACCESS_READ)).toBe(FAULT_REFLECT);
    // The kernel through kseg0.
    cpu.mode = MODE_KERNEL;
    expect(nested.hostFault(0x00400ff0, 0x80400ff0, ACCESS_READ)).toBe(FAULT_REFLECT);
    expect(vm.fault.cause).toBe(CAUSE.ADDRESS_ERROR);
    expect(vm.audits).toHaveLength(3);
    expect(vm.audits[0]).toBe("guest page table maps 0x200000 to guest frame 0x401, outside the VM's memory: refused (ADDRESS_ERROR delivered to the guest, as on bare metal)");
    expect(vm.audits[1]).toMatch(/^guest page tables for 0x800000 go through a table at guest frame 0x500, outside the VM's memory: refused/);
    expect(vm.audits[2]).toMatch(/^the guest kernel reached for guest-physical 0x400ff0 through kseg0, outside the VM's memory: refused/);
  });

  it("with 4 guest and 4 host levels a guest TLB miss through these tables makes 24 references", () => {
    const levels = 4;
    const program = (load: boolean) => {
      const { vm, vmcs } = attached(levels);
      let next = 0x100000;
      const gpt = new PageTableBuilder(vm.machine.memory.i32, levels, () => (next += PAGE_SIZE) - PAGE_SIZE, vm.guest.pmap);
      gpt.map(0x00400000, 0x200000, PTE_W | PTE_U);
      vm.guest.write32(0x200000, 42);
      vm.machine.load(
        assemble(
          `
        .org 0x80001000
start:  li r1, ${gpt.root}
        wrcr r1, PTBR
        li r2, 0x00400000
        ${load ? "lw r3, 0(r2)" : "nop"}
        halt`,
          { file: "t.s" },
        ),
        vm.guest.pmap,
      );
      vm.machine.cpu.vmEnter(vmcs);
      expect(vm.machine.run(100).reason).toBe("vm-exit");
      expect(vmcs.exitReason).toBe(EXIT.HALT);
      return vm.machine;
    };
    const a = program(false).stats();
    const withLoad = program(true);
    expect(withLoad.cpu.regs[3]).toBe(42);
    expect(withLoad.stats().walkReferences - a.walkReferences).toBe(24);
  });
});

describe("nested paging in whole runs", () => {
  it("riscv-like with 4 levels: walks of 4 (kseg0, host only) to 24 references (guest and host), and no exit for the guest's MMU", async () => {
    const lab = await strategyLab();
    const { modules } = lab;
    const s = findScenario("tlb-pressure");
    // The walk caches and large host pages off: every walk is a full one (they have tests of their own).
    const machine = "nehalem-2009:pageWalkCache=off:nestedTlb=off:largePages=off";
    const native = runConfiguration(lab.config({ profile: "riscv-like", levels: 4, cpu: "native", machine }), s, modules);
    const r = runConfiguration(lab.config({ profile: "riscv-like", levels: 4, cpu: "hardware-assist", memory: "nested", machine }), s, modules, { reference: native.digest! });
    expect(r.properties!.equivalent).toBe(true);
    const walks = r.metrics!.events!["nested walks"]!;
    const refs = r.metrics!.walkReferences;
    expect(walks).toBeGreaterThan(0);
    expect(refs).toBeLessThanOrEqual(24 * walks);
    expect(refs).toBeGreaterThanOrEqual(4 * walks);
    // Most references are the host dimension's: m per guest entry and per final address.
    expect(r.metrics!.events!["host-table references"]! / refs).toBeGreaterThan(0.6);
    // The same TLB misses walk n = 4 references natively (user pages only: kseg0 is untranslated there).
    expect(native.metrics!.walkReferences).toBeLessThan(refs);
    expect(Object.keys(r.metrics!.vmExits).filter((k) => /PAGE_FAULT|control-register|TLB/.test(k))).toEqual([]);
    expect(r.metrics!.events!["EPT violations"]).toBe(0);
  });
});

describe("large host pages", () => {
  it("where the CPU has them and the monitor handed out aligned chunks: 4 levels map 4 MiB in 32 large pages of 128 KiB, host walks of 3", () => {
    const vm = vmContext(4, 32);
    vm.machine.cpu.setFeatures({ largePages: true });
    const vmcs = new VmControl();
    const nested = new NestedMemory().attachGuestMode(vm, vmcs);
    const out = { status: 0, pte: 0, references: 0 };
    for (const gpa of [0, 0x1000, 0x123456, GUEST - 4]) {
      const r = walk(vm.machine.memory.i32, vmcs.hostRoot, walkShape(4), gpa, true, false, out);
      expect(r.status).toBe(0);
      expect(r.references).toBe(3);
      expect(((r.pte & ~0xfff) >>> 0) + (gpa & 0xfff)).toBe(vm.guest.machineAddress(gpa));
    }
    const events = nested.finish().events;
    expect(events["large host pages"]).toBe(32);
    // Root, one table below it, one above the large leaves (vs 1 + 1 + 1 + 32 with 4 KiB pages).
    expect(events["host table frames"]).toBe(3);
  });

  it("single frames: 4 KiB host pages even where the CPU has large ones", () => {
    const vm = vmContext(4);
    vm.machine.cpu.setFeatures({ largePages: true });
    const nested = new NestedMemory().attachGuestMode(vm, new VmControl());
    expect(nested.finish().events["large host pages"]).toBeUndefined();
  });

  it("2 levels: a large page is 4 MiB, and no aligned 4 MiB chunk fits above the monitor's 2 MiB: single frames, 4 KiB pages", () => {
    const vm = vmContext(2, 1024);
    expect(vm.guest.pmap[1]! - vm.guest.pmap[0]!).not.toBe(1);
    vm.machine.cpu.setFeatures({ largePages: true });
    const nested = new NestedMemory().attachGuestMode(vm, new VmControl());
    expect(nested.finish().events["large host pages"]).toBeUndefined();
  });
});
