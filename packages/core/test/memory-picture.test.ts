// The picture of a VM's memory (memoryPicture), every arrow checked against the run's
// own hardware: the guest page table's VPN -> PFN against bare metal's walker stopped at
// the same guest instruction, PFN -> MFN by the bytes (the machine frame holds what bare
// metal's frame holds), and the connecting structure (shadow table, host tables, real
// TLB) by the real CPU's own translation through it.
import { describe, expect, it } from "vitest";
import { findScenario } from "@vmlab/guest";
import { ACCESS_READ, CR, MODE_USER, type Machine } from "@vmlab/isa";
import { GUEST_BYTES, guestImage, memoryPicture, MemoryPictureError, MONITOR_BYTES, runConfiguration, type MemoryPicture } from "../src/index.js";
import { strategyLab } from "@vmlab/test-support";

const lab = await strategyLab();
const { modules } = lab;
const scenario = findScenario("page-fault");
/** Mid-loop: the process has faulted in some of its 100 heap pages and not the rest. */
const BUDGET = 300_000;

function stopped(profile: string, cpu: string, memory?: string, machine = "p4-2006") {
  const config = lab.config({ profile, cpu, ...(memory ? { memory } : {}), machine });
  const run = runConfiguration(config, scenario, modules, { budget: BUDGET, keepMachine: true });
  const image = guestImage(scenario, config.profile);
  return { run, picture: memoryPicture({ profile: config.profile, image, execution: run.execution }), machine: run.execution.machine as Machine };
}

const page = (m: Machine, frame: number) => m.memory.u8.subarray(frame * 4096, (frame + 1) * 4096);

/** VPN -> PFN as bare metal's walker has it at the same moment, and each MFN holding its PFN's bytes. */
function checkAgainstBareMetal(p: MemoryPicture, profile: string, machine: Machine, pmap: Int32Array) {
  const native = stopped(profile, "native");
  expect(native.picture.process.pid).toBe(p.process.pid);
  expect(native.picture.pages.map((x) => [x.vpn, x.pfn])).toEqual(p.pages.map((x) => [x.vpn, x.pfn]));
  const cpu = native.machine.cpu;
  for (const x of p.pages) {
    if (profile !== "mips-like") {
      cpu.mode = MODE_USER;
      expect(cpu.translate(x.vpn * 4096, ACCESS_READ) >>> 12, `VPN ${x.vpn.toString(16)}`).toBe(x.pfn);
    }
    expect(x.mfn).toBe(pmap[x.pfn]);
    expect(Buffer.compare(page(native.machine, x.pfn), page(machine, x.mfn)), `PFN ${x.pfn.toString(16)}`).toBe(0);
  }
}

/** The MFNs are the monitor's scattered frames: above its region, distinct, and not PFN + a fixed offset. */
function checkScattered(p: MemoryPicture) {
  const mfns = p.pages.map((x) => x.mfn);
  expect(new Set(mfns).size).toBe(mfns.length);
  for (const m of mfns) {
    expect(m).toBeGreaterThanOrEqual(MONITOR_BYTES / 4096);
    expect(m).toBeLessThan((MONITOR_BYTES + GUEST_BYTES) / 4096);
  }
  const offsets = new Set(p.pages.map((x) => x.mfn - x.pfn));
  expect(offsets.size).toBeGreaterThan(p.pages.length / 2);
}

describe("vmlab memory: the three spaces, every arrow checked", () => {
  it("riscv-like, trap-and-emulate, shadow paging: VPN -> PFN -> scattered MFN, and the shadow entries the real MMU uses agree", () => {
    const { picture: p, machine, run } = stopped("riscv-like", "trap-emulate", "shadow");
    expect(p.connection).toBe("shadow");
    expect(p.process).toMatchObject({ pid: 1, current: true });
    // Code, stack and some of the heap pages it has touched so far.
    expect(p.pages.length).toBeGreaterThan(20);
    expect(p.pages.length).toBeLessThan(100);
    checkScattered(p);
    checkAgainstBareMetal(p, "riscv-like", machine, run.execution.pmap!);
    // The shadow: the real CPU translating through it, in user mode as the process runs.
    const cpu = machine.cpu;
    cpu.mode = MODE_USER;
    cpu.crs[CR.PTBR] = p.connectingRoot!;
    cpu.tlb.flush();
    cpu.translationChanged();
    let filled = 0;
    for (const x of p.pages) {
      const ma = cpu.translate(x.vpn * 4096, ACCESS_READ);
      if (x.connected === null) expect(ma, `VPN ${x.vpn.toString(16)} has no shadow entry`).toBe(-1);
      else {
        expect(ma >>> 12).toBe(x.mfn);
        expect(x.connected).toBe(x.mfn);
        filled++;
      }
    }
    expect(filled).toBeGreaterThan(p.pages.length / 2);
  });

  it("riscv-like, hardware assist, nested paging (4 KiB host pages): the host tables' PFN -> MFN is the pmap's, and the CPU's two-dimensional walk lands there", () => {
    const { picture: p, machine, run } = stopped("riscv-like", "hardware-assist", "nested", "nehalem-2009:largePages=off");
    expect(p.connection).toBe("nested");
    checkScattered(p);
    checkAgainstBareMetal(p, "riscv-like", machine, run.execution.pmap!);
    for (const x of p.pages) expect(x.connected).toBe(x.mfn);
    const cpu = machine.cpu;
    cpu.guestMode = true;
    cpu.mode = MODE_USER;
    cpu.crs[CR.PTBR] = p.process.root;
    cpu.tlb.flush();
    cpu.translationChanged();
    for (const x of p.pages) expect(cpu.translate(x.vpn * 4096 + 4, ACCESS_READ), `VPN ${x.vpn.toString(16)}`).toBe(x.mfn * 4096 + 4);
  });

  it("mips-like, trap-and-emulate, software TLB: the kernel's table, the pmap, and every real TLB entry the pmap's MFN for the virtual TLB's PFN", () => {
    const { picture: p, machine, run } = stopped("mips-like", "trap-emulate", "software-tlb");
    expect(p.connection).toBe("software-tlb");
    expect(p.guestTables).toBe("software TLB");
    checkScattered(p);
    checkAgainstBareMetal(p, "mips-like", machine, run.execution.pmap!);
    const pmap = run.execution.pmap!;
    const tlb = p.virtualTlb!;
    expect(tlb.length).toBeGreaterThan(10);
    const pfnOf = new Map(p.pages.map((x) => [x.vpn, x.pfn]));
    let real = 0;
    for (const e of tlb) {
      // What the guest installed is what its table says.
      expect(e.pfn).toBe(pfnOf.get(e.vpn));
      if (e.mfn !== null) {
        expect(e.mfn).toBe(pmap[e.pfn]);
        real++;
      }
    }
    expect(real).toBeGreaterThan(0);
    // The picture's real-TLB column is the real TLB: look each entry up in it.
    for (const x of p.pages) {
      const slot = machine.cpu.tlb.lookup(x.vpn);
      expect(x.connected).toBe(slot < 0 ? null : machine.cpu.tlb.frame[slot]! >>> 12);
    }
  });

  it("a process that is not live is refused with the live ones named", () => {
    const config = lab.config({ profile: "riscv-like", cpu: "trap-emulate", machine: "p4-2006" });
    const run = runConfiguration(config, scenario, modules, { budget: BUDGET, keepMachine: true });
    expect(() => memoryPicture({ profile: config.profile, image: guestImage(scenario, config.profile), execution: run.execution, pid: 7 })).toThrow(
      new MemoryPictureError("no live process 7 at this moment (live: 1)"),
    );
  });
});
