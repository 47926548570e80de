// Popek & Goldberg's theorems as part of the model: the red pill's processes run the
// instructions x86-like lets user mode run without a trap although they read privileged
// state. Where classify says a strategy's theorem holds, the run is equivalent; where it
// fails, the run diverges, and the divergence names that theorem and the offenders the
// guest ran, which are classify's. The audit names each instruction.
import { describe, expect, it } from "vitest";
import { findScenario, guestDefines, type Scenario } from "@vmlab/guest";
import { assemble, getProfile, PROFILE_NAMES, type Classification } from "@vmlab/isa";
import { classificationOf, digestOf, firstDivergence, MACHINE_PROFILES, predictionFor, runConfiguration, runContainer, strategiesFor, type GuestSession, type RunResult } from "../src/index.js";
import { strategyLab } from "@vmlab/test-support";

const lab = await strategyLab();
const { modules, catalog } = lab;
const redPill = findScenario("red-pill");
const config = (profile: string, cpu: string) => lab.config({ profile, cpu, machine: "p4-2006" });
const theoremOf = (cpu: string) => catalog.find((s) => s.name === cpu)!.theorem;

describe("the red pill on every profile: equivalent where classify's theorem holds, diverging as predicted where it fails", () => {
  for (const profile of PROFILE_NAMES) {
    const c: Classification = classificationOf(getProfile(profile));
    const native = runConfiguration(config(profile, "native"), redPill, modules);
    // Trap-and-emulate on x86-like diverges in its kernel before any probe runs: below.
    const cpus = ["trap-emulate", "binary-translation", "paravirt", "hardware-assist", "interpret"].filter(
      (cpu) => !(profile === "x86-like" && cpu === "trap-emulate") && !(profile === "mips-like" && cpu === "hardware-assist"),
    );
    for (const cpu of cpus) {
      it(`${profile}, ${cpu}`, () => {
        const r: RunResult = runConfiguration(config(profile, cpu), redPill, modules, { reference: native.digest! });
        const theorem = theoremOf(cpu);
        const verdict = theorem === 1 ? c.theorem1 : theorem === 3 ? c.theorem3 : undefined;
        if (!verdict || verdict.holds) {
          expect(r.properties!.equivalent, r.properties!.divergence?.detail).toBe(true);
          expect(r.properties!.prediction).toBeUndefined();
          return;
        }
        // Theorem 3 fails on x86-like: the run diverges where a process read the vector.
        const d = r.properties!.divergence!;
        expect(r.properties!.equivalent).toBe(false);
        expect(d.detail).toMatch(/RDTVEC \(as SIDT, the trap vector\): 0x80000000/);
        expect(d.predicted!.theorem).toBe(theorem);
        // The probes run all four, so the prediction names exactly classify's offenders.
        expect(d.predicted!.instructions).toEqual(verdict.offenders);
        expect(d.predicted!.reason).toMatch(
          new RegExp(
            `^Theorem 3: ${cpu} runs user code directly, and on x86-like PUSHF, POPF, RDMODE and RDTVEC are user-sensitive but not privileged: its processes ran PUSHF, POPF, RDMODE and RDTVEC without a trap$`,
          ),
        );
        // The audit names each instruction, where it first ran and how often; RDTVEC's line says what it saw.
        const untrapped = r.properties!.sensitiveUntrapped!;
        expect(untrapped.map((u) => [u.mnemonic, u.mode, u.count])).toEqual([
          ["PUSHF", "user", 2],
          ["POPF", "user", 1],
          ["RDMODE", "user", 1],
          ["RDTVEC", "user", 1],
        ]);
        for (const u of untrapped) expect(u.firstPc >>> 22, u.mnemonic).toBe(1); // in a process's code at 0x00400000
        expect(r.properties!.resourceControl.violations).toEqual([
          expect.stringMatching(/^a guest process read the trap vector with RDTVEC at 0x4[0-9a-f]{5}, which does not trap here: it saw the monitor's, 0x80000000, not its kernel's, 0x8000[0-9a-f]{4}/),
        ]);
      });
    }
  }

  it("x86-like, trap-emulate: Theorem 1, for what its deprivileged kernel ran", () => {
    const native = runConfiguration(config("x86-like", "native"), redPill, modules, { budget: 60_000 });
    const te = lab.config({ profile: "x86-like", cpu: "trap-emulate", machine: "p4-2006" });
    const r = runConfiguration(te, redPill, modules, { budget: 60_000, reference: native.digest! });
    const p = r.properties!.divergence!.predicted!;
    expect(p.theorem).toBe(1);
    // The kernel's critical sections and kputc: never RDTVEC, which only the probes run.
    expect(p.instructions).toEqual(["PUSHF", "POPF", "RDMODE"]);
    expect(p.instructions.every((m) => classificationOf(te.profile).theorem1.offenders.includes(m))).toBe(true);
    expect(p.reason).toMatch(
      /^Theorem 1: trap-emulate runs the guest kernel directly, deprivileged, and on x86-like .* are sensitive but not privileged: its deprivileged kernel ran PUSHF, POPF and RDMODE without a trap$/,
    );
  });
});

// PUSHF after its kernel returned with IF clear: a small kernel of its own enters user
// mode with IF clear; the process pushes the flags and hands them back with a system
// call; the kernel prints '0' + IF and halts. Natively the process sees IF clear.
const IF_CLEAR_RETURN = `
        .org 0x80001000
start:  li      r1, 0x00011001          ; root entry 1 (0x00400000): the table at 0x11000
        li      r2, 0x80010004
        sw      r1, 0(r2)
        li      r1, 0x00002007          ; 0x00400000 -> frame 0x2000 (user code), U W V
        li      r2, 0x80011000
        sw      r1, 0(r2)
        li      r1, 0x00003007          ; 0x00401000 -> frame 0x3000 (user stack), U W V
        sw      r1, 4(r2)
        li      r1, 0x00010000
        wrcr    r1, PTBR
        la      r1, handler
        wrcr    r1, TVEC
        la      r1, kstack
        wrcr    r1, KSP
        li      r1, 0x00402000
        wrcr    r1, USP
        li      r1, 0x00400000
        wrcr    r1, EPC
        li      r1, 0x80000000          ; user mode, IF clear
        wrcr    r1, ESTATUS
        rte
handler:
        shri    r2, r2, 9               ; the flags the process pushed: IF is bit 9
        andi    r2, r2, 1
        addi    r2, r2, 48
        out     r2, 0x10
        halt
        .space  64
kstack:
        .org 0x80002000
        pushf
        pop     r2
        syscall 0
`;

describe("a process's PUSHF after its kernel returned with IF clear", () => {
  const profile = getProfile("x86-like");
  const run = (cpu: string, memory: string) => {
    const c = lab.config({ profile: "x86-like", cpu, memory, machine: "p4-2006" });
    const { cpu: strategy, memory: m } = strategiesFor(runContainer(c, modules), c);
    const session: GuestSession = {
      scenario: { name: "if-clear-return", dir: "(inline)" } as unknown as Scenario,
      profile,
      image: assemble(IF_CLEAR_RETURN, { file: "if-clear-return.s", defines: guestDefines(profile) }),
      budget: 1_000,
      machineProfile: MACHINE_PROFILES["p4-2006"]!,
      memory: m,
    };
    return strategy.execute(session);
  };
  const native = run("native", "direct");

  it("natively shows IF clear", () => {
    expect(native.output).toBe("0");
  });

  it("binary translation shows the real IF, set: the divergence Theorem 3 predicts, and the audit says so", () => {
    const e = run("binary-translation", "shadow");
    expect(e.output).toBe("1");
    expect(firstDivergence(digestOf(native), digestOf(e))?.what).toBe("console");
    expect(e.sensitiveUntrapped).toEqual([{ mnemonic: "PUSHF", mode: "user", count: 1, firstPc: 0x00400000, firstAt: expect.any(Number) }]);
    expect(e.audit).toEqual(["a guest process pushed the flags with PUSHF at 0x400000, which does not trap here: it saw the real interrupt flag, set, where its kernel had returned with it clear"]);
    expect(predictionFor(profile, { name: "binary-translation", theorem: 3 }, e.sensitiveUntrapped)?.instructions).toEqual(["PUSHF"]);
  });

  it("hardware assist runs the process in guest mode with its own IF: equivalent", () => {
    const e = run("hardware-assist", "shadow");
    expect(e.output).toBe("0");
    expect(e.audit).toEqual([]);
  });
});
