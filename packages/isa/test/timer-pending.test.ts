import { describe, expect, it } from "vitest";
import { ALL_PROFILES, runKernel } from "./helpers.js";

// Pending is one flag (ISA.md, "Timer"): a period that ends while an interrupt is
// still pending adds nothing. The case that matters is an instruction that turns IF on
// and retires exactly on the next deadline: one interrupt is taken, not two.
const NOPS = (n: number) => "        nop\n".repeat(n);

describe("the timer: one pending interrupt, however many periods end while it waits", () => {
  for (const profile of ALL_PROFILES) {
    it(`${profile}: STI retiring on the second deadline takes one interrupt`, () => {
      // Counting starts after the OUT: the 10th instruction after it ends the first period
      // (IF = 0: held pending); STI is the 20th and ends the second.
      const m = runKernel(
        `
        la      r1, handler
        wrcr    r1, TVEC
        li      r9, 0
        rdcr    r7, COUNT                ; c: then rdcr, li (lui + ori) and out retire: c + 4
        li      r1, 10
        out     r1, 0x20
${NOPS(19)}
        sti
        jmp     done
handler:
        addi    r9, r9, 1
        rdcr    r8, COUNT
        rte
done:   li      r1, 0
        out     r1, 0x20`,
        profile,
      );
      expect(m.cpu.regs[9]).toBe(1);
      expect(m.cpu.trapsByCause[8]).toBe(1);
      // Taken right after STI retired (c + 24): the handler's ADDI retires at c + 25, its RDCR reads that.
      expect(m.cpu.regs[8]! - m.cpu.regs[7]!).toBe(25);
    });

    it(`${profile}: with IF on, each period ends in its own interrupt`, () => {
      const m = runKernel(
        `
        la      r1, handler
        wrcr    r1, TVEC
        li      r9, 0
        sti
        li      r1, 10
        out     r1, 0x20
${NOPS(45)}
        jmp     done
handler:
        addi    r9, r9, 1
        rte
done:   li      r1, 0
        out     r1, 0x20`,
        profile,
      );
      // 45 nops and the handlers' own instructions (2 per interrupt): deadlines at 10, 20, 30, 40, 50 after the OUT.
      expect(m.cpu.regs[9]).toBe(5);
    });
  }
});
