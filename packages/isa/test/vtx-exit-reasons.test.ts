// Our exit reasons against the VT-x basic exit reasons they model.
import { describe, expect, it } from "vitest";
import { EXIT, EXIT_LABELS, EXIT_NAMES, exitLabelTitle, VTX_DESCRIPTOR_TABLE_EXIT, VTX_EXIT_REASONS, vtxExitOfLabel, vtxExitTitle } from "../src/index.js";

/**
 * Intel 64 and IA-32 Architectures Software Developer's Manual, Vol. 3C, Appendix C,
 * Table C-1 "Basic Exit Reasons", copied by hand (names as Linux's EXIT_REASON_*).
 */
const SDM_TABLE_C1: Record<number, string> = {
  0: "EXCEPTION_NMI",
  1: "EXTERNAL_INTERRUPT",
  2: "TRIPLE_FAULT",
  7: "INTERRUPT_WINDOW",
  10: "CPUID",
  12: "HLT",
  14: "INVLPG",
  16: "RDTSC",
  18: "VMCALL",
  28: "CR_ACCESS",
  30: "IO_INSTRUCTION",
  31: "MSR_READ",
  32: "MSR_WRITE",
  46: "GDTR_IDTR",
  48: "EPT_VIOLATION",
  49: "EPT_MISCONFIG",
};

describe("VM exits named as VT-x names them", () => {
  it("each reason's number and name are the SDM's, and the one each models", () => {
    for (const name of EXIT_NAMES) {
      const v = VTX_EXIT_REASONS[name];
      if (!v) continue;
      expect(SDM_TABLE_C1[v.number], `${name} -> ${v.number}`).toBe(v.name);
    }
    const modelled = Object.fromEntries(EXIT_NAMES.map((n) => [n, VTX_EXIT_REASONS[n]?.number]));
    expect(modelled).toEqual({
      NONE: undefined, // no exit at all
      EXCEPTION: 0,
      EXTERNAL_INTERRUPT: 1,
      IO: 30,
      HALT: 12,
      CR_WRITE: 28,
      CR_READ: 28,
      INVALIDATE: 14,
      EPT_VIOLATION: 48,
      HYPERCALL: 18,
    });
    expect(SDM_TABLE_C1[VTX_DESCRIPTOR_TABLE_EXIT.number]).toBe(VTX_DESCRIPTOR_TABLE_EXIT.name);
  });

  it("titles: the EPT_VIOLATION (48) style, and exit-count labels with their detail", () => {
    expect(vtxExitTitle(EXIT.EPT_VIOLATION)).toBe("EPT_VIOLATION (48)");
    expect(vtxExitTitle(EXIT.NONE)).toBe("none");
    expect(exitLabelTitle(EXIT_LABELS.IO)).toBe("IO_INSTRUCTION (30)");
    expect(exitLabelTitle("exception PAGE_FAULT")).toBe("EXCEPTION_NMI (0) PAGE_FAULT");
    expect(exitLabelTitle(EXIT_LABELS.CR_WRITE)).toBe("CR_ACCESS (28) write");
    expect(exitLabelTitle("not an exit")).toBe("not an exit");
    expect(vtxExitOfLabel(EXIT_LABELS.NONE)).toBeUndefined();
  });
});
