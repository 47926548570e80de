import { describe, expect, it } from "vitest";
import { hasStackTrace, vmlab } from "./run-cli.js";

describe("vmlab classify", () => {
  it("x86-like: the table puts the four unprivileged sensitive instructions first, and both theorems fail", () => {
    const r = vmlab(["classify", "--profile", "x86-like"], { env: { COLUMNS: "250" } });
    expect(r.status).toBe(0);
    const lines = r.stdout.split("\n");
    const header = lines.findIndex((l) => /instruction\s*│\s*privileged\s*│\s*control-sensitive\s*│\s*behaviour-sensitive\s*│\s*class/.test(l));
    expect(header).toBeGreaterThan(0);
    // The first rows after the header's rule: PUSHF, POPF, RDMODE, RDTVEC, not privileged.
    const first = lines.slice(header + 2, header + 6).map((l) => l.split("│").map((cell) => cell.replace(/║/g, "").trim()));
    expect(first.map((cells) => cells[0])).toEqual(["PUSHF", "POPF", "RDMODE", "RDTVEC"]);
    for (const cells of first) expect(cells[1]).toBe("-");
    expect(first[1]).toEqual(["POPF", "-", "yes", "yes", "SENSITIVE, NOT PRIVILEGED"]);
    expect(r.stdout).toMatch(/║ CLI\s*│ yes\s*│ yes\s*│ -\s*│ sensitive, privileged/);
    expect(r.stdout).toMatch(/║ TLBW\s*│ -\s*│ -\s*│ -\s*│ absent/);
    expect(r.stdout).toMatch(/║ SYSCALL\s*│ -\s*│ -\s*│ -\s*│ innocuous \(traps by design\)/);
    expect(r.stdout).toContain("Theorem 1 (trap-and-emulate VMM possible if every sensitive instruction is privileged): fails: PUSHF, POPF, RDMODE, RDTVEC are sensitive but not privileged");
    expect(r.stdout).toContain("Theorem 3 (hybrid VMM possible if every user-sensitive instruction is privileged): fails: PUSHF, POPF, RDMODE, RDTVEC are user-sensitive but not privileged");
    expect(r.stdout).toMatch(/RDMODE: r\d+ = 0x0 in kernel mode, 0x1 in user mode/);
    // What the verdicts mean for the strategies, in the words the equivalence reports use.
    expect(r.stdout).toContain(
      "  binary-translation: Theorem 3: binary-translation runs user code directly, and on x86-like PUSHF, POPF, RDMODE and RDTVEC are user-sensitive but not privileged: it cannot be exact for user code that runs them",
    );
    expect(r.stdout).toMatch(/^ {2}trap-emulate: Theorem 1: /m);
    expect(r.stdout).toMatch(/^ {2}native, interpret, hardware-assist: rest on neither theorem/m);
  });

  it("mips-like: both theorems hold and nothing sensitive escapes the trap", () => {
    const r = vmlab(["classify", "--profile", "mips-like"]);
    expect(r.status).toBe(0);
    expect(r.stdout).not.toContain("NOT PRIVILEGED");
    expect(r.stdout).toMatch(/║ TLBW\s*│ yes\s*│ yes\s*│ -\s*│ sensitive, privileged/);
    expect(r.stdout).toContain("Theorem 1 (trap-and-emulate VMM possible if every sensitive instruction is privileged): holds");
    expect(r.stdout).toContain("Theorem 3 (hybrid VMM possible if every user-sensitive instruction is privileged): holds");
    expect(r.stdout).toContain("What this predicts: every CPU strategy can be exact on mips-like (no theorem fails here).");
  });

  it("--json prints the classification", () => {
    const r = vmlab(["classify", "--profile", "riscv-like", "--json"]);
    expect(r.status).toBe(0);
    const c = JSON.parse(r.stdout) as {
      profile: string;
      instructions: { mnemonic: string; privileged: boolean; absent: boolean; behaviourSensitive: boolean; evidence: string[] }[];
      theorem1: { holds: boolean; offenders: string[] };
      theorem3: { holds: boolean; offenders: string[] };
    };
    expect(c.profile).toBe("riscv-like");
    expect(c.instructions).toHaveLength(67);
    expect(c.theorem1).toEqual({ holds: true, offenders: [] });
    expect(c.theorem3).toEqual({ holds: true, offenders: [] });
    const rdmode = c.instructions.find((i) => i.mnemonic === "RDMODE")!;
    expect(rdmode).toMatchObject({ privileged: true, absent: false, behaviourSensitive: true });
    expect(rdmode.evidence.length).toBeGreaterThan(1);
    expect(c.instructions.find((i) => i.mnemonic === "TLBW")!.absent).toBe(true);
  });

  it("an unknown profile: one line listing the valid ones, no stack trace", () => {
    const r = vmlab(["classify", "--profile", "arm-like"]);
    expect(r.status).not.toBe(0);
    expect(r.stdout).toBe("");
    expect(r.stderr.trim()).toBe("vmlab: unknown profile 'arm-like' (valid: mips-like, riscv-like, x86-like)");
    expect(hasStackTrace(r.stderr)).toBe(false);
  });

  it("without --profile: riscv-like, the default of every command; the help lists the choices", () => {
    const r = vmlab(["classify", "--json"]);
    expect(r.status).toBe(0);
    expect((JSON.parse(r.stdout) as { profile: string }).profile).toBe("riscv-like");
    const help = vmlab(["classify", "--help"]);
    expect(help.stdout.replace(/\s+/g, " ")).toContain('--profile <name> ISA profile (choices: "mips-like", "riscv-like", "x86-like", default: "riscv-like")');
  });

  it("fits a narrow terminal: no line longer than its 72 columns", () => {
    const r = vmlab(["classify", "--profile", "x86-like"], { env: { COLUMNS: "72" } });
    expect(r.status).toBe(0);
    const widest = Math.max(...r.stdout.split("\n").map((l) => [...l].length));
    expect(widest).toBeLessThanOrEqual(72);
    // Wrapped, not cut: the verdict is all there.
    expect(r.stdout.replace(/\s+/g, " ")).toContain("fails: PUSHF, POPF, RDMODE, RDTVEC are sensitive but not privileged");
  });
});
