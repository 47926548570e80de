// The machine switch and the tagged TLB: entries tagged with a VM's VPID survive a switch
// to another VM, which never sees them; untagged entries (software monitors' VMs, guests
// without VPID) are flushed by every switch.
import { describe, expect, it } from "vitest";
import { getProfile } from "@vmlab/isa";
import { VmScheduler } from "../src/index.js";

describe("machine switch: VPID-tagged TLB entries stay, untagged ones go", () => {
  it("VM 0 (VPID 1) keeps its entry across a switch to VM 1 (untagged), which cannot see it", () => {
    const scheduler = new VmScheduler(getProfile("riscv-like"), 2);
    const tlb = scheduler.machine.cpu.tlb;
    scheduler.activate(0);
    tlb.setTag(1); // VM 0 entered guest mode with VPID 1
    tlb.insert(0x400, 0x11000, 0);
    scheduler.activate(1); // VM 1 runs untagged (tag 0)
    expect(tlb.tag).toBe(0);
    expect(tlb.lookup(0x400)).toBe(-1);
    tlb.insert(0x400, 0x22000, 0);
    tlb.insert(0x401, 0x23000, 0);
    scheduler.activate(0);
    // The switch dropped VM 1's two untagged entries and showed VM 0 its own.
    expect(scheduler.tlbEntriesFlushedAtSwitches).toBe(2);
    expect(tlb.tag).toBe(1);
    expect(tlb.frame[tlb.lookup(0x400)]).toBe(0x11000);
    expect(tlb.occupancy()).toBe(1);
    expect(scheduler.switches).toBe(2);
  });
});
