// Exit counts in the report files named by the VT-x reasons they model.
import { describe, expect, it } from "vitest";
import type { RunResult } from "@vmlab/core";
import { exitsByReason, vmExitReasons } from "../src/index.js";

const run = (vmExits: Record<string, number>) => ({ metrics: { vmExits } }) as unknown as RunResult;

describe("VM exits in the report files", () => {
  it("results.csv and report.md: each count under its VT-x name (SDM Vol. 3C, Appendix C)", () => {
    expect(exitsByReason(run({ "exception PAGE_FAULT": 36, "I/O instruction": 1020, halt: 1 }))).toBe("EXCEPTION_NMI (0) PAGE_FAULT=36; IO_INSTRUCTION (30)=1020; HLT (12)=1");
  });

  it("results.json: every label the runs use with its VT-x number and name", () => {
    expect(vmExitReasons([run({ "EPT violation": 3, "control-register write": 2 }), run({ "EPT violation": 1, hypercall: 4 }), run({})])).toEqual({
      "EPT violation": { vtx: 48, vtxName: "EPT_VIOLATION" },
      "control-register write": { vtx: 28, vtxName: "CR_ACCESS", detail: "write" },
      hypercall: { vtx: 18, vtxName: "VMCALL" },
    });
  });
});
