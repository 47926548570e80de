import { mkdtempSync, writeFileSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { hasStackTrace, vmlab } from "./run-cli.js";

const example = "packages/isa/examples/hello-syscall.s";

describe("vmlab exec", () => {
  for (const profile of ["mips-like", "riscv-like", "x86-like"]) {
    it(`runs the system-call example on ${profile}`, () => {
      const r = vmlab(["exec", example, "--profile", profile]);
      expect(r.stderr).toContain("halted");
      expect(r.status).toBe(0);
      expect(r.stdout).toBe("hello from the kernel\n");
    });
  }

  it("assembles to an image that exec and disasm accept", () => {
    const dir = mkdtempSync(join(tmpdir(), "vmlab-cli-"));
    const img = join(dir, "hello.img");
    const a = vmlab(["asm", example, "--profile", "x86-like", "-o", img]);
    expect(a.status).toBe(0);
    expect(existsSync(img)).toBe(true);
    const e = vmlab(["exec", img, "--profile", "x86-like", "--json"]);
    expect(e.status).toBe(0);
    const result = JSON.parse(e.stdout) as { output: string; outcome: string; instructions: number };
    expect(result.output).toBe("hello from the kernel\n");
    expect(result.outcome).toBe("halt");
    expect(result.instructions).toBeGreaterThan(0);
    const d = vmlab(["disasm", img]);
    expect(d.status).toBe(0);
    expect(d.stdout).toMatch(/\brte\b/);
    // The disassembly is itself a program: assembling it runs the same way.
    const again = join(dir, "again.s");
    writeFileSync(again, d.stdout);
    const e2 = vmlab(["exec", again, "--profile", "x86-like"]);
    expect(e2.stdout).toBe("hello from the kernel\n");
  });
});

describe("bad input gets one clear line and no stack trace", () => {
  const dir = mkdtempSync(join(tmpdir(), "vmlab-bad-"));

  it("an assembly error names file, line and column", () => {
    const f = join(dir, "bad.s");
    writeFileSync(f, "start:\n  addi r1, r2\n  frob r1\n");
    const r = vmlab(["exec", f]);
    expect(r.status).not.toBe(0);
    expect(r.stderr).toContain(`${f}:2:`);
    expect(r.stderr).toContain(`${f}:3:3`);
    expect(hasStackTrace(r.stderr)).toBe(false);
  });

  it("a file that is not an image", () => {
    const f = join(dir, "junk.img");
    writeFileSync(f, "this is not an image at all");
    const r = vmlab(["exec", f]);
    expect(r.status).not.toBe(0);
    expect(r.stderr).toMatch(/junk\.img.*not a vmlab image/);
    expect(hasStackTrace(r.stderr)).toBe(false);
  });

  it("a missing file", () => {
    const r = vmlab(["exec", join(dir, "nope.s")]);
    expect(r.status).not.toBe(0);
    expect(r.stderr).toMatch(/nope\.s: no such file/);
  });

  it("an unknown profile lists the valid ones", () => {
    const r = vmlab(["exec", example, "--profile", "arm-like"]);
    expect(r.status).not.toBe(0);
    expect(r.stderr).toContain("arm-like");
    expect(r.stderr).toMatch(/mips-like, riscv-like, x86-like/);
    expect(hasStackTrace(r.stderr)).toBe(false);
  });

  it("an unknown option", () => {
    const r = vmlab(["exec", example, "--turbo"]);
    expect(r.status).not.toBe(0);
    expect(r.stderr).toContain("--turbo");
    expect(hasStackTrace(r.stderr)).toBe(false);
  });

  it("a bad walker depth", () => {
    const r = vmlab(["exec", example, "--profile", "x86-like", "--levels", "7"]);
    expect(r.status).not.toBe(0);
    expect(r.stderr).toContain("--levels must be 2, 3 or 4");
  });

  it("a guest that never halts ends at its budget", () => {
    const f = join(dir, "spin.s");
    writeFileSync(f, "start: jmp start\n");
    const r = vmlab(["exec", f, "--budget", "1000"]);
    expect(r.status).not.toBe(0);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain("budget of 1,000 instructions exhausted");
    expect(hasStackTrace(r.stderr)).toBe(false);
  });
});
