import { describe, expect, it } from "vitest";
import { assemble, getProfile } from "@vmlab/isa";
import { CATEGORIES, Ledger, MACHINE_PROFILES, priceEvents, type GuestSession } from "@vmlab/core";
import { DirectMemory, NativeCpu } from "../src/index.js";

// Hand count: 10 instructions (li is two words: lui + ori), 2 port reads of the POST
// port, no traps, no paging. HALT retires.
const TINY = `
        .org 0x80001000
start:  li      r15, 0x80003000
        li      r1, 7
        in      r2, 0x80
        in      r3, 0x80
        push    r1
        pop     r4
        sw      r4, 0(r15)
        halt
`;

function run(machine: string, budget = 1000) {
  const machineProfile = MACHINE_PROFILES[machine]!;
  const session: GuestSession = {
    scenario: { name: "tiny", dir: "(inline)" } as unknown as GuestSession["scenario"],
    profile: getProfile("x86-like"),
    image: assemble(TINY, { file: "tiny.s" }),
    budget,
    machineProfile,
    memory: new DirectMemory(),
  };
  const e = new NativeCpu().execute(session);
  return { e, ledger: priceEvents(new Ledger(), machineProfile.costs, e.counts) };
}

describe("native", () => {
  it("charges instructions × CPI and each port read at the device cost (Adams & Agesen: in = 3,209 on the P4)", () => {
    const { e, ledger } = run("p4-2006");
    expect(e.outcome).toBe("halt");
    expect(e.guestInstructions).toBe(10);
    expect(e.executedDirectly).toBe(10);
    expect(e.emulated).toBe(0);
    expect(ledger.total()).toBe(10 * 1 + 2 * 3209);
    const by = ledger.byCategory();
    expect(by["guest execution"]).toBe(10);
    expect(by["device I/O"]).toBe(6418);
    expect(CATEGORIES.reduce((a, c) => a + by[c], 0)).toBe(ledger.total());
    expect(e.audit).toEqual([]);
  });

  it("prices the same events from another machine profile", () => {
    const { ledger } = run("skylake-2015");
    const c = MACHINE_PROFILES["skylake-2015"]!.costs;
    expect(ledger.total()).toBe(10 * c.instruction + 2 * c.devicePost);
  });

  it("stops at the budget with the instructions retired so far", () => {
    const { e, ledger } = run("p4-2006", 5);
    expect(e.outcome).toBe("budget");
    expect(e.guestInstructions).toBe(5);
    // The fifth instruction is the first `in`.
    expect(ledger.byCategory()["device I/O"]).toBe(3209);
  });
});
