// vmlab trace --format plain: text an autograder can diff, whatever the terminal; and
// the sampling options' bad input.
import { describe, expect, it } from "vitest";
import { hasStackTrace, vmlab, vmlabInProcess } from "./run-cli.js";

const ARGS = ["trace", "syscall", "--profile", "mips-like", "--cpu", "trap-emulate", "--start", "syscall", "--events", "5", "--format", "plain"];

describe("vmlab trace --format plain", () => {
  it("the same text on a narrow, a wide and a colour terminal: a heading, the fields, one tab-separated line per step", () => {
    const narrow = vmlab(ARGS, { env: { COLUMNS: "40" } });
    const wide = vmlab(ARGS, { env: { COLUMNS: "250", FORCE_COLOR: "3" } });
    expect(narrow.status).toBe(0);
    expect(wide.stdout).toBe(narrow.stdout);
    const lines = narrow.stdout.split("\n");
    expect(lines[0]).toBe("# syscall on mips-like/trap-emulate/software-tlb, from the first syscall");
    expect(lines[1]).toBe("# step\tat\tactor\ttext");
    const steps = lines.slice(2, -1);
    expect(steps.length).toBe(5);
    // The five steps of a system call under trap-and-emulate (OSTEP's appendix).
    expect(steps.map((l) => l.split("\t")[2])).toEqual(["process", "vmm", "os", "vmm", "process"]);
    for (const [i, l] of steps.entries()) expect(l).toMatch(new RegExp(`^${i + 1}\\t\\d+\\t(process|os|vmm)\\t[^\\t│║\\u001b]+$`));
    expect(lines.at(-1)).toBe("");
  });

  it("bad --only and --every: one line naming the valid values, exit 2", async () => {
    const kind = await vmlabInProcess(["trace", "syscall", "--only", "trap,exits"]);
    expect(kind.status).toBe(2);
    expect(kind.stderr.trim()).toBe(
      "vmlab: unknown event kind 'exits' (valid: run, trap, reflect, emulate, install, hidden, traced, interrupt, return, halt, translate, chain, callout, exit, entry); did you mean 'exit'?",
    );
    const every = await vmlabInProcess(["trace", "syscall", "--every", "0"]);
    expect(every.status).toBe(2);
    expect(every.stderr).toMatch(/--every must be a positive integer \(got '0'\)/);
    const format = await vmlabInProcess(["trace", "syscall", "--format", "csv"]);
    expect(format.status).toBe(2);
    expect(format.stderr).toMatch(/unknown format 'csv' \(valid: table, plain\)/);
    const picture = await vmlabInProcess(["trace", "syscall", "--format", "plain", "--memory-at", "3"]);
    expect(picture.status).toBe(2);
    expect(picture.stderr.trim()).toBe("vmlab: --memory-at draws a picture: leave out --format plain (or use --json)");
    for (const r of [kind, every, format, picture]) expect(hasStackTrace(r.stderr)).toBe(false);
  });
});
