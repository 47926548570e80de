import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { CR, getProfile } from "@vmlab/isa";
import { findScenario, KERNEL_FILE, PROCESS_FIELDS, PROCESS_SLOT_BYTES, PROCESS_SLOTS, PROCESS_STATES, readProcessTable, runOnBareMetal, scenarioImage } from "../src/index.js";

describe("the kernel's process table, read from guest-physical memory", () => {
  it("has the layout kernel.s declares", () => {
    const source = readFileSync(KERNEL_FILE, "utf8");
    const equ = (name: string) => Number(new RegExp(`\\.equ ${name}, (\\w+)`).exec(source)![1]);
    expect([equ("NPROC"), equ("PROC_SIZE")]).toEqual([PROCESS_SLOTS, PROCESS_SLOT_BYTES]);
    expect([equ("P_STATE"), equ("P_PID"), equ("P_PARENT"), equ("P_ROOT"), equ("P_BRK")]).toEqual([
      PROCESS_FIELDS.state,
      PROCESS_FIELDS.pid,
      PROCESS_FIELDS.parent,
      PROCESS_FIELDS.root,
      PROCESS_FIELDS.brk,
    ]);
    expect(PROCESS_STATES.map((_, i) => i)).toEqual(["S_FREE", "S_READY", "S_RUNNING", "S_BLOCKED", "S_ZOMBIE"].map(equ));
  });

  it("mid-run: forkwait's parent and a child, one of them current, each with its own page-aligned root among the page frames", () => {
    const s = findScenario("forkwait");
    const profile = getProfile("riscv-like");
    const run = runOnBareMetal(s, profile, 60_000);
    const procs = readProcessTable(scenarioImage(s, profile).symbols, (pa) => run.machine.memory.readWord(pa))!;
    expect(procs.length).toBeGreaterThanOrEqual(2);
    expect(procs[0]!.pid).toBe(1);
    expect(procs.filter((p) => p.current)).toHaveLength(1);
    expect(procs.filter((p) => p.current)[0]!.state).toBe("running");
    expect(procs.slice(1).every((p) => p.parent === 1)).toBe(true);
    for (const p of procs) {
      expect(p.root % 4096).toBe(0);
      expect(p.root).toBeGreaterThanOrEqual(0x100000);
      expect(p.root).toBeLessThan(0x400000);
    }
    // The CPU walks the current process's table.
    expect(run.machine.cpu.crs[CR.PTBR]! >>> 0).toBe(procs.find((p) => p.current)!.root);
  });

  it("a kernel without the table: undefined", () => {
    expect(readProcessTable({}, () => 0)).toBeUndefined();
  });
});
