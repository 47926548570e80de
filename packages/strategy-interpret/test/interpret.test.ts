import { describe, expect, it } from "vitest";
import { assemble, getProfile, type Machine } from "@vmlab/isa";
import { CATEGORIES, Ledger, MACHINE_PROFILES, priceEvents, type GuestSession, type MemoryStrategy } from "@vmlab/core";
import { FETCH_FAULT, InterpretCpu } from "../src/index.js";

// Hand count: 10 instructions (li is two words: lui + ori), 2 port reads, and 3 data
// memory references (push, pop, sw). HALT retires.
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

const bare: MemoryStrategy = {
  info: { name: "direct", kind: "memory", description: "the machine's own MMU", requires: {} },
  ringCompression: false,
  attachBareMetal(_m: Machine) {},
};

function run(source: string, machine = "p4-2006", profile = "x86-like", budget = 1000) {
  const machineProfile = MACHINE_PROFILES[machine]!;
  const session: GuestSession = {
    scenario: { name: "tiny", dir: "(inline)" } as unknown as GuestSession["scenario"],
    profile: getProfile(profile),
    image: assemble(source, { file: "tiny.s" }),
    budget,
    machineProfile,
    memory: bare,
  };
  const cpu = new InterpretCpu();
  const e = cpu.execute(session);
  return { e, ledger: priceEvents(new Ledger(), machineProfile.costs, e.counts), cpu };
}

describe("interpret", () => {
  it("charges every instruction as emulated, each data reference through the software MMU, and the devices", () => {
    const { e, ledger, cpu } = run(TINY);
    expect(e.outcome).toBe("halt");
    expect(e.guestInstructions).toBe(10);
    expect(e.emulated).toBe(10);
    expect(e.executedDirectly).toBe(0);
    // p4-2006: emulation 60 per instruction, memory reference 8; port 0x80 is the
    // emulator's device model only (214 - 34 - 1 = 179, from Adams & Agesen's BT `in`):
    // it reaches no real device, so nothing more.
    expect(ledger.total()).toBe(10 * 60 + 3 * 8 + 2 * 179);
    const by = ledger.byCategory();
    expect(by["VMM emulation"]).toBe(600 + 2 * 179);
    expect(by["memory and walks"]).toBe(24);
    expect(by["guest execution"]).toBe(0);
    expect(CATEGORIES.reduce((a, c) => a + by[c], 0)).toBe(ledger.total());
    // The monitor's own decode: 4 ALU words (lui/ori), 2 in + halt (system), push/pop (stack), sw (memory).
    expect(cpu.byGroup()).toEqual({ alu: 4, compare: 0, memory: 1, stack: 2, branch: 0, system: 3 });
  });

  it("decodes user-mode code through the guest's software TLB, and counts a faulting fetch as no instruction", () => {
    // mips-like: the kernel maps user page 0x2000 → frame 0x2000 and drops to user mode;
    // the user code runs two ALU instructions and a SYSCALL; the handler halts.
    const source = `
        .equ ESTATUS_USER, 0x80000000
        .org 0x80001000
start:  la      r1, handler
        wrcr    r1, TVEC
        li      r1, 0x2000
        li      r2, 0x2003
        tlbw    r1, r2
        li      r1, 0x2000
        wrcr    r1, EPC
        li      r1, ESTATUS_USER
        wrcr    r1, ESTATUS
        rte
handler: halt
        .org 0x2000
user:   addi    r5, r5, 1
        addi    r5, r5, 1
        syscall 0
`;
    const { e, cpu } = run(source, "p4-2006", "mips-like");
    expect(e.outcome).toBe("halt");
    expect(e.machine!.cpu.regs[5]).toBe(2);
    const g = cpu.byGroup();
    // Kernel: la and three li of values with a low half are lui + ori (8 words); li of
    // 0x80000000 is a lone lui (its low half is zero); user: 2 addi. 8 + 1 + 2 = 11.
    expect(g.alu).toBe(11);
    // wrcr ×3, tlbw, rte, syscall, halt.
    expect(g.system).toBe(7);
    expect(cpu.mix[FETCH_FAULT]).toBe(0);
  });
});
