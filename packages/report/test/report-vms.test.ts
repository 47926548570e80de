import { describe, expect, it } from "vitest";
import { findScenario } from "@vmlab/guest";
import type { RunResult } from "@vmlab/core";
import { terminalVmTable, toCsv, toHtml, toMarkdown, vmRows } from "../src/index.js";
import { strategyLab } from "@vmlab/test-support";

const lab = await strategyLab();
const plain = (r: RunResult & { execution?: unknown; vmExecutions?: unknown }): RunResult => {
  const { execution: _e, vmExecutions: _v, ...rest } = r;
  void _e;
  void _v;
  return rest;
};

describe("reports of runs with several virtual machines", () => {
  const s = findScenario("hostile");
  const { native, run: te } = lab.againstNative({ profile: "mips-like", cpu: "trap-emulate" }, s);
  const results = [plain(native), plain(te)];
  const meta = { name: "t", createdAt: "now", versions: {}, machineProfiles: [], skipped: [], wallMs: 1 };

  it("one row per VM: its status against its run alone, its output, its audit", () => {
    const rows = vmRows(results);
    expect(rows.map((r) => `${r[1]} ${r[3]} ${r[4]}`)).toEqual([
      // Not compared with anything: the native run is the reference.
      "mips-like/native/direct hostile halted",
      "mips-like/native/direct neighbour halted",
      "mips-like/trap-emulate/software-tlb hostile equivalent",
      "mips-like/trap-emulate/software-tlb neighbour equivalent",
    ]);
    expect(rows[3]![7]).toBe("disk-io: 8 sectors ok, checksum 3649024");
    // The hostile VM's audit: how many violations, then what they were.
    const violations = te.vms![0]!.violations;
    expect(violations.length).toBeGreaterThan(0);
    expect(rows[2]![8]).toMatch(new RegExp(`^${violations.length}: `));
    expect(rows[2]![8]).toContain(violations[0]!.slice(0, 40));
    expect(rows[3]![8]).toBe("-");
    expect(rows[2]![6]).toBe(String(te.metrics!.machineSwitches));
  });

  it("report.md and report.html have the section; the CSV counts VMs and switches; the terminal table lists the VMs", () => {
    const md = toMarkdown(results, meta);
    expect(md).toContain("## Several virtual machines on one machine");
    expect(md).toMatch(/\| hostile \| mips-like\/trap-emulate\/software-tlb \| p4-2006 \| neighbour \| equivalent \|/);
    expect(toHtml(results, meta)).toContain("<h2>Several virtual machines on one machine</h2>");
    const csv = toCsv(results).trim().split("\n");
    const header = csv[0]!.split(",");
    const row = csv[2]!.split(",");
    expect(row[header.indexOf("vms")]).toBe("2");
    expect(row[header.indexOf("machine_switches")]).toBe(String(te.metrics!.machineSwitches));
    expect(terminalVmTable(results)).toMatch(/neighbour/);
    expect(terminalVmTable([])).toBe("");
  });
});
