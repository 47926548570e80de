// The matrix summary for the terminal, on results made by hand: slowdowns in a grid per
// profile, a divergence a theorem predicts counted apart from a real failure.
import { describe, expect, it } from "vitest";
import type { RunResult } from "@vmlab/core";
import { cellVerdict, fmtSlowdown, matrixCounts, matrixSummary, statusOf } from "../src/index.js";

function result(scenario: string, cpu: string, memory: string, machine: string, cycles: number, extra: Partial<RunResult> = {}): RunResult {
  return {
    scenario,
    configuration: { label: `x86-like(2)/${cpu}/${memory}`, profile: "x86-like", levels: 2, cpu, memory, machine },
    outcome: "halt",
    output: "",
    cycles: { total: cycles, byCategory: {} as never, lines: [] },
    properties: { equivalent: cpu === "native" ? null : true, resourceControl: { violations: [] }, efficiency: 1 },
    ...extra,
  };
}

const predicted = {
  equivalent: false,
  divergence: {
    what: "console" as const,
    detail: "byte 12",
    predicted: { theorem: 1 as const, instructions: ["PUSHF", "POPF"], reason: "PUSHF and POPF are sensitive but do not trap in user mode" },
  },
  resourceControl: { violations: [] },
  efficiency: 0.9,
};
const diverged = { equivalent: false, divergence: { what: "memory" as const, detail: "hash differs" }, resourceControl: { violations: [] }, efficiency: 1 };

const results: RunResult[] = [];
for (const machine of ["p4-2006", "skylake-2015"]) {
  for (const scenario of ["syscall", "privileged-register-write"]) {
    results.push(result(scenario, "native", "direct", machine, 1000));
    results.push(result(scenario, "trap-emulate", "shadow", machine, 41_280, { outcome: "budget", properties: predicted }));
    results.push(result(scenario, "binary-translation", "shadow", machine, scenario === "syscall" ? 4130 : 148_090));
  }
  results.push(result("syscall", "hardware-assist", "shadow", machine, 1070, { properties: diverged }));
}
results.push(result("privileged-register-write", "hardware-assist", "shadow", "p4-2006", 0, { outcome: "error", error: "boom", cycles: undefined }));

describe("the terminal summary of a matrix", () => {
  it("tells a predicted divergence from a failure", () => {
    const te = results.find((r) => r.configuration.cpu === "trap-emulate")!;
    expect(cellVerdict(te)).toBe("predicted");
    expect(statusOf(te)).toBe("diverges as predicted (Theorem 1: untrapped PUSHF, POPF)");
    expect(cellVerdict(results.find((r) => r.properties === diverged)!)).toBe("failed");
    // Without the prediction the same divergence is a failure.
    expect(cellVerdict({ ...te, properties: { ...predicted, divergence: { what: "console", detail: "byte 12" } } })).toBe("failed");
    // Per machine 2 scenarios × 3 configurations + 1, twice, + the error: 15; failed: the two memory divergences and the error.
    expect(matrixCounts(results)).toBe("15 cells: 4 native, 4 equivalent, 4 diverge as predicted, 3 failed");
  });

  it("three significant figures", () => {
    expect([1.0749, 41.28, 148.09, 0.164, 1234.5].map(fmtSlowdown)).toEqual(["1.07x", "41.3x", "148x", "0.16x", "1,235x"]);
  });

  it("a grid per profile with marks, the predicted divergences by configuration, then each failure", () => {
    const text = matrixSummary(results, 200);
    // One row per scenario, a column per configuration and machine: 41,280 / 1,000 cycles = 41.3x.
    // Columns 7, 6 and 6 wide (their widest text), two spaces apart, four between machines.
    expect(text).toContain(
      [
        "x86-like(2)",
        `${" ".repeat(27)}p4-2006${" ".repeat(20)}skylake-2015`,
        `scenario${" ".repeat(17)}  T&E/SPT  BT/SPT  HW/SPT    T&E/SPT  BT/SPT  HW/SPT`,
        `syscall${" ".repeat(18)}   41.3x~   4.13x  1.07x!     41.3x~   4.13x  1.07x!`,
        "privileged-register-write   41.3x~    148x  error!     41.3x~    148x       -",
      ].join("\n"),
    );
    expect(text).toMatch(/^Diverges as predicted \(4 cells, not failures\):\n {2}x86-like\(2\)\/trap-emulate\/shadow: Theorem 1 \(PUSHF, POPF ran without trapping\): 2 scenarios × 2 machines$/m);
    expect(text).toMatch(
      /^FAILED \(3 cells\):\n {2}syscall x86-like\(2\)\/hardware-assist\/shadow \(p4-2006, skylake-2015\): DIVERGES \(memory\)\n {2}privileged-register-write x86-like\(2\)\/hardware-assist\/shadow \(p4-2006\): error: boom$/m,
    );
  });

  it("fits a narrow terminal: the columns go on in another block", () => {
    const text = matrixSummary(results, 60);
    expect(Math.max(...text.split("\n").map((l) => [...l].length))).toBeLessThanOrEqual(60);
    // The skylake-2015 columns come in a block of their own under the same profile.
    expect(text.match(/^x86-like\(2\)$/gm)).toHaveLength(2);
    expect(text).toMatch(/^ +skylake-2015$/m);
  });
});
