import { describe, expect, it } from "vitest";
import { CAUSE, CR, getProfile, KSEG_BASE, Machine, OP, REFILL_VECTOR_OFFSET } from "@vmlab/isa";
import { findScenario, scenarioImage } from "../src/index.js";

/**
 * The mips-like kernel's refill handler (utlb_refill), counted by hand: wrcr, wrcr,
 * rdcr CONTEXT, lw (directory entry), cmpi, beq, rdcr BADADDR, shri, andi, add,
 * lw (the entry), andi, cmpi, beq, rdcr BADADDR, tlbw, rdcr, rdcr, rte.
 */
const REFILL_INSTRUCTIONS = 19;

/** Steps tlb-pressure on bare mips-like and follows every user-mode TLB miss from its trap to the RTE that ends its handling. */
function followMisses() {
  const scenario = findScenario("tlb-pressure");
  const profile = getProfile("mips-like");
  const image = scenarioImage(scenario, profile);
  const m = new Machine({ profile });
  m.load(image);
  const cpu = m.cpu;
  const refill = image.symbols.utlb_refill!;
  const trapEntry = image.symbols.trap_entry!;
  const slow = image.symbols["utlb_refill.slow"]!;
  const demandZero = image.symbols.demand_zero!;
  const misses: { vector: number; instructions: number; general: boolean; demandZero: boolean }[] = [];
  let open: (typeof misses)[number] | undefined;
  let from = 0;
  for (let i = 0; i < scenario.budget; i++) {
    const before = cpu.trapsByCause[CAUSE.TLB_MISS]!;
    const pc = cpu.pc;
    const stop = m.run(1);
    if (open) {
      if (pc === slow) open.general = true;
      if (pc === demandZero) open.demandZero = true;
      if (m.memory.u8[pc - KSEG_BASE + 3] === OP.RTE) {
        open.instructions = cpu.retired - from;
        misses.push(open);
        open = undefined;
      }
    } else if (cpu.trapsByCause[CAUSE.TLB_MISS]! > before && cpu.crs[CR.ESTATUS]! >>> 31 === 1) {
      // A miss taken in user mode (the kernel's own misses on user buffers are left out).
      from = cpu.retired;
      open = { vector: cpu.pc, instructions: 0, general: false, demandZero: false };
    }
    if (stop.reason === "halt") break;
  }
  return { m, misses, refill, trapEntry };
}

describe("the mips-like refill vector on bare metal (tlb-pressure)", () => {
  const { m, misses, refill, trapEntry } = followMisses();

  it("prints what it always printed", () => {
    expect(m.console.text()).toBe(findScenario("tlb-pressure").expectedOutput);
  });

  it("the handler sits at the refill vector, 0x80 below the general one", () => {
    expect(trapEntry - refill).toBe(REFILL_VECTOR_OFFSET);
    expect(m.cpu.crs[CR.TVEC]! >>> 0).toBe(trapEntry);
  });

  it("the CPU counts every miss of this run (all on user addresses) as a refill-vector entry", () => {
    const s = m.stats();
    expect(s.trapsByCause.TLB_MISS).toBeGreaterThan(0);
    expect(s.refills).toBe(s.trapsByCause.TLB_MISS);
  });

  it(`every user miss enters the refill vector, and a refill retires ${REFILL_INSTRUCTIONS} instructions`, () => {
    expect(misses.length).toBeGreaterThan(96 * 4); // 96 pages, 4 passes and a sum, through a 64-entry TLB
    for (const miss of misses) expect(miss.vector).toBe(refill);
    const refilled = misses.filter((x) => !x.general);
    expect(refilled.length).toBeGreaterThan(misses.length / 2);
    for (const miss of refilled) expect(miss.instructions).toBe(REFILL_INSTRUCTIONS);
  });

  it("a miss on a page without a valid entry goes on to the general vector and its page-fault path: one demand-zero per heap page", () => {
    const general = misses.filter((x) => x.general);
    // The 96 heap pages are mapped on first touch; code and stack are mapped at spawn.
    expect(general.length).toBe(96);
    for (const miss of general) expect(miss.demandZero).toBe(true);
  });
});
