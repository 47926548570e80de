import { describe, expect, it } from "vitest";
import { classifyProfile, getProfile, INSTRUCTIONS, isSensitive, isSensitiveClass, PROFILE_NAMES, type Classification, type InstructionClass, type Mnemonic, type ProfileName } from "../src/index.js";

const results = new Map<ProfileName, Classification>(PROFILE_NAMES.map((name) => [name, classifyProfile(getProfile(name))]));
const classOf = (profile: ProfileName, mnemonic: string): InstructionClass => results.get(profile)!.instructions.find((c) => c.mnemonic === mnemonic)!;
const tableControl = (m: string) => INSTRUCTIONS.find((i) => i.mnemonic === m)!.sensitivity.startsWith("control");
const tableBehaviour = (m: string) => INSTRUCTIONS.find((i) => i.mnemonic === m)!.sensitivity.endsWith("behaviour");
const X86_OFFENDERS = ["PUSHF", "POPF", "RDMODE", "RDTVEC"];

describe("classification by execution agrees with the instruction table and the profiles", () => {
  for (const name of PROFILE_NAMES) {
    describe(name, () => {
      const profile = getProfile(name);
      const c = results.get(name)!;

      it("classifies every instruction once, in table order", () => {
        expect(c.profile).toBe(name);
        expect(c.instructions.map((i) => i.mnemonic)).toEqual(INSTRUCTIONS.map((i) => i.mnemonic));
        for (const i of c.instructions) expect(i.evidence.length, i.mnemonic).toBeGreaterThan(0);
      });

      it("finds exactly the profile's privileged and absent instructions", () => {
        const privileged = c.instructions.filter((i) => i.privileged).map((i) => i.mnemonic);
        const absent = c.instructions.filter((i) => i.absent).map((i) => i.mnemonic);
        // TLBW is in the walker profiles' privileged set too, but absence wins: it traps ILLEGAL.
        expect(new Set(privileged)).toEqual(new Set([...profile.privileged].filter((m) => !profile.absent.has(m))));
        expect(new Set(absent)).toEqual(new Set(profile.absent));
      });

      it("finds the table's sensitive instructions sensitive and the rest innocuous", () => {
        for (const info of INSTRUCTIONS) {
          const found = classOf(name, info.mnemonic);
          if (found.absent) continue; // never runs: nothing to observe
          expect(isSensitiveClass(found), info.mnemonic).toBe(isSensitive(info));
          // A kind found by execution is one the table names (POPF's behaviour shows only
          // where user mode keeps IF; see the union over the profiles below).
          if (found.controlSensitive) expect(tableControl(info.mnemonic), `${info.mnemonic} control`).toBe(true);
          if (found.behaviourSensitive) expect(tableBehaviour(info.mnemonic), `${info.mnemonic} behaviour`).toBe(true);
        }
      });

      it("finds SYSCALL, BRK and HCALL trapping in both modes by design, not privileged", () => {
        for (const m of ["SYSCALL", "BRK", "HCALL"]) {
          const found = classOf(name, m);
          expect(found.trapsByDesign && !found.privileged && !isSensitiveClass(found), m).toBe(true);
        }
        expect(c.instructions.filter((i) => i.trapsByDesign).map((i) => i.mnemonic)).toEqual(["SYSCALL", "BRK", "HCALL"]);
      });
    });
  }

  it("the table's control and behaviour kinds are what some profile shows for each instruction", () => {
    for (const info of INSTRUCTIONS) {
      const found = PROFILE_NAMES.map((p) => classOf(p, info.mnemonic));
      expect(
        found.some((f) => f.controlSensitive),
        `${info.mnemonic} control`,
      ).toBe(tableControl(info.mnemonic));
      expect(
        found.some((f) => f.behaviourSensitive),
        `${info.mnemonic} behaviour`,
      ).toBe(tableBehaviour(info.mnemonic));
    }
  });
});

describe("Popek & Goldberg's theorems", () => {
  it("x86-like: Theorems 1 and 3 fail on exactly PUSHF, POPF, RDMODE and RDTVEC", () => {
    const c = results.get("x86-like")!;
    expect(c.theorem1).toEqual({ holds: false, offenders: X86_OFFENDERS });
    expect(c.theorem3).toEqual({ holds: false, offenders: X86_OFFENDERS });
    expect(c.instructions.filter((i) => i.userSensitive).map((i) => i.mnemonic)).toEqual(X86_OFFENDERS);
  });

  for (const name of ["mips-like", "riscv-like"] as const) {
    it(`${name}: both hold, and nothing is user-sensitive`, () => {
      const c = results.get(name)!;
      expect(c.theorem1).toEqual({ holds: true, offenders: [] });
      expect(c.theorem3).toEqual({ holds: true, offenders: [] });
      expect(c.instructions.some((i) => i.userSensitive)).toBe(false);
    });
  }
});

describe("the evidence names the observation", () => {
  it("x86-like: RDMODE reads the mode, POPF keeps IF in user mode, PUSHF pushes IF, RDTVEC reads TVEC", () => {
    expect(classOf("x86-like", "RDMODE").evidence).toContainEqual(expect.stringMatching(/^r\d+ = 0x0 in kernel mode, 0x1 in user mode$/));
    expect(classOf("x86-like", "POPF").evidence).toContainEqual(expect.stringMatching(/^IF afterwards = [01] in kernel mode, [01] in user mode$/));
    expect(classOf("x86-like", "PUSHF").evidence).toContainEqual(expect.stringMatching(/^user mode: word at 0x8000\w+ = .* with IF = [01], .* with IF = [01]$/));
    expect(classOf("x86-like", "RDTVEC").evidence).toContainEqual(expect.stringMatching(/^user mode: r\d+ = .* with TVEC = /));
  });

  it("mips-like: RDMODE would reveal the mode were it not privileged; CLI changes IF; TLBFLUSH empties the TLB", () => {
    expect(classOf("mips-like", "RDMODE").evidence).toContainEqual(expect.stringMatching(/^r\d+ = 0x0 in kernel mode, 0x1 in user mode \(were it not privileged\)$/));
    expect(classOf("mips-like", "CLI").evidence).toContain("kernel mode: IF 1 -> 0");
    expect(classOf("mips-like", "TLBFLUSH").evidence).toContain("kernel mode: TLB 4 entries -> 0 entries");
    expect(classOf("mips-like", "HALT").evidence).toContain("kernel mode: halts");
  });

  it("TLBW is absent on the walker profiles and privileged on mips-like", () => {
    expect(classOf("riscv-like", "TLBW")).toMatchObject({ absent: true, privileged: false, controlSensitive: false });
    expect(classOf("mips-like", "TLBW")).toMatchObject({ absent: false, privileged: true, controlSensitive: true });
  });
});

describe("classifyProfile", () => {
  it("gives the same answer from other seeds and numbers of states, and at every walker depth", () => {
    const flags = (c: Classification) => c.instructions.map((i) => [i.privileged, i.absent, i.trapsByDesign, i.controlSensitive, i.behaviourSensitive, i.userSensitive]);
    const x86 = flags(results.get("x86-like")!);
    expect(flags(classifyProfile(getProfile("x86-like"), { seed: 7, states: 6 }))).toEqual(x86);
    expect(flags(classifyProfile(getProfile("x86-like", { levels: 4 })))).toEqual(x86);
    expect(flags(classifyProfile(getProfile("riscv-like", { levels: 2 }), { seed: 99 }))).toEqual(flags(results.get("riscv-like")!));
  });

  it("follows the machine: an x86-like whose POPF traps in user mode has three offenders", () => {
    const x86 = getProfile("x86-like");
    const c = classifyProfile({ ...x86, privileged: new Set<Mnemonic>([...x86.privileged, "POPF"]) });
    expect(c.instructions.find((i) => i.mnemonic === "POPF")!.privileged).toBe(true);
    expect(c.theorem1.offenders).toEqual(["PUSHF", "RDMODE", "RDTVEC"]);
  });

  it("rejects a bad number of states", () => {
    expect(() => classifyProfile(getProfile("mips-like"), { states: 0 })).toThrow(/states must be a positive integer/);
  });
});
