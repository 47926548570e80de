// The worker's machine state, in this process: what the Step tab shows beside a step.
import { describe, expect, it } from "vitest";
import { KSEG_BASE, PAGE_SHIFT } from "@vmlab/isa";
import { state } from "../src/lab.js";

describe("the state after a step", () => {
  it("shows a guest kernel's kseg0 entries in guest mode as kernel-only (ISA.md: kseg0 is the kernel's alone)", () => {
    const pick = { scenario: "forkwait", profile: "x86-like", cpu: "hardware-assist", memory: "nested", machine: "skylake-2015", host: "bare-metal" };
    const s = state(pick, "user", 6);
    if (s.kind !== "state") throw new Error(`no state: ${JSON.stringify(s)}`);
    const kernel = s.tlb.filter((e) => e.vpn >= KSEG_BASE >>> PAGE_SHIFT);
    expect(kernel.length).toBeGreaterThan(0);
    for (const e of kernel) expect(e.user, `vpn ${e.vpn.toString(16)}`).toBe(false);
  });
});
