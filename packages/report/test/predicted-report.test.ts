// Predicted divergences in reports: counted apart from failures, each with its theorem
// and instructions; a result without the field (older results) is a failure as before.
import { describe, expect, it } from "vitest";
import type { RunResult } from "@vmlab/core";
import { cellVerdict, statusOf, toMarkdown, verdictSummary, vmStatus } from "../src/index.js";

const cell = (cpu: string, extra: Partial<RunResult> & { properties?: RunResult["properties"] }): RunResult => ({
  scenario: "red-pill",
  configuration: { label: `x86-like/${cpu}/shadow`, profile: "x86-like", cpu, memory: "shadow", machine: "p4-2006" },
  outcome: "halt",
  output: "",
  ...extra,
});
const props = (p: Partial<NonNullable<RunResult["properties"]>>): RunResult["properties"] => ({
  equivalent: true,
  resourceControl: { violations: [] },
  efficiency: 1,
  ...p,
});
const PREDICTED = {
  theorem: 3 as const,
  instructions: ["RDTVEC"],
  reason: "Theorem 3: binary-translation runs user code directly, and on x86-like RDTVEC is user-sensitive but not privileged: its processes ran RDTVEC without a trap",
};
const diverging = { what: "console" as const, detail: 'console byte 86: native "1", this run "0"' };

const predicted = cell("binary-translation", {
  properties: props({
    equivalent: false,
    divergence: { ...diverging, predicted: PREDICTED },
    sensitiveUntrapped: [
      { mnemonic: "RDTVEC", mode: "user", count: 2, firstPc: 0x40025c, firstAt: 9 },
      { mnemonic: "RDMODE", mode: "kernel", count: 5, firstPc: 0x80001f10, firstAt: 3 },
    ],
  }),
});
const failing = cell("paravirt", { properties: props({ equivalent: false, divergence: diverging }) });
const equivalent = cell("hardware-assist", { properties: props({}) });
const broken = cell("interpret", { outcome: "error", error: "boom" });
const meta = { name: "t", createdAt: "now", versions: {}, machineProfiles: [], skipped: [], wallMs: 1 };

describe("predicted divergences in reports", () => {
  it("a predicted divergence is shown with its theorem and the instructions' counts where they ran; an unpredicted one is a failure", () => {
    expect(statusOf(predicted)).toBe("diverges as predicted (Theorem 3: in user mode, untrapped RDTVEC 2)");
    expect(statusOf(failing)).toBe("DIVERGES (console)");
    expect([predicted, failing, equivalent, broken].map(cellVerdict)).toEqual(["predicted", "failed", "ok", "failed"]);
    expect(verdictSummary([predicted, failing, equivalent, broken])).toBe("1 diverges as predicted, 2 fail");
  });

  it("report.md counts them apart and gives each predicted one its reason", () => {
    const md = toMarkdown([predicted, failing, equivalent, broken], meta);
    expect(md).toContain("4 runs (1 diverges as predicted, 2 fail)");
    const section = md.slice(md.indexOf("## Equivalence with native"));
    expect(section).toContain(`### Diverging as predicted\n\n- red-pill on x86-like/binary-translation/shadow (p4-2006): ${PREDICTED.reason}`);
    expect(section).toContain(`### Failing\n\n- red-pill on x86-like/paravirt/shadow (p4-2006): ${diverging.detail}`);
    expect(section).toContain("- red-pill on x86-like/interpret/shadow (p4-2006): error: boom");
  });

  it("a VM not compared says so; one diverging as predicted says which theorem", () => {
    const vm = { name: "hostile", outcome: "halt" as const, output: "", guestInstructions: 1, violations: [] };
    expect(vmStatus({ ...vm, equivalent: null, notCompared: "it brings its own kernel" })).toBe("not compared (halted): no native counterpart");
    expect(vmStatus({ ...vm, equivalent: false, divergence: { ...diverging, predicted: PREDICTED } })).toBe("diverges as predicted (Theorem 3: in user mode, untrapped RDTVEC)");
  });
});
