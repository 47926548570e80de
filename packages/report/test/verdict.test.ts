import { describe, expect, it } from "vitest";
import type { RunResult } from "@vmlab/core";
import { toHtml, verdictOf } from "../src/index.js";

/** A run as results.json holds one, with only what a verdict reads. */
function run(cpu: string, over: Partial<RunResult> & { properties?: RunResult["properties"] } = {}): RunResult {
  return {
    scenario: "hostile",
    configuration: { label: `x86-like/${cpu}/shadow`, profile: "x86-like", cpu, memory: "shadow", machine: "p4-2006" },
    outcome: "halt",
    output: "",
    ...over,
  } as RunResult;
}
const diverged = (extra: object = {}) => ({
  equivalent: false,
  divergence: { what: "console" as const, detail: 'console byte 3: native "a", this run "b"', offset: 3, ...extra },
  resourceControl: { violations: [] },
  efficiency: 1,
});

describe("what a run's outcome means", () => {
  it("a divergence the run says was predicted is told apart from a real one", () => {
    const predicted = { theorem: 3, instructions: ["RDTVEC"], reason: "RDTVEC is user-sensitive and not privileged: a hybrid monitor cannot be exact" };
    const v = verdictOf(run("paravirt", { properties: diverged({ predicted }) }));
    expect(v.kind).toBe("predicted");
    expect(v.text).toBe("diverges as predicted (Theorem 3: RDTVEC)");
    expect(verdictOf(run("paravirt", { properties: diverged() })).kind).toBe("diverges");
  });

  it("untrapped sensitive instructions alone predict nothing: only the run's own prediction does", () => {
    const r = run("trap-emulate", { properties: { ...diverged(), sensitiveUntrapped: [{ mnemonic: "POPF", count: 2, firstPc: 0x1000, firstAt: 40, mode: "kernel" }] } as RunResult["properties"] });
    expect(verdictOf(r).kind).toBe("diverges");
  });

  it("a native run over its budget and an error are failures; the report counts them apart from predicted ones", () => {
    expect(verdictOf(run("native", { outcome: "budget" })).kind).toBe("budget");
    expect(verdictOf(run("interpret", { outcome: "error", error: "main.s:1:8: unknown instruction 'frob'" })).text).toBe("error: main.s:1:8: unknown instruction 'frob'");
    const results = [
      run("trap-emulate", { properties: diverged({ predicted: { theorem: 1, instructions: ["PUSHF"], reason: "PUSHF is sensitive, not privileged" } }) }),
      run("paravirt", { properties: diverged() }),
    ];
    const html = toHtml(results, { name: "t", createdAt: "now", versions: {}, machineProfiles: [], skipped: [], wallMs: 1 }, []);
    expect(html).toMatch(/<b>1<\/b>diverge as predicted/);
    expect(html).toMatch(/<b>1<\/b>real failures/);
    expect(html).toContain("PUSHF is sensitive, not privileged");
  });
});
