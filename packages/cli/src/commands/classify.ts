import type { Command } from "commander";
import type { InstructionClass, TheoremVerdict } from "@vmlab/isa";
import { profileOption, printJson } from "../options.js";
import { n, terminalWidth } from "../terminal.js";

const yes = (b: boolean): string => (b ? "yes" : "-");

/** Groups, in print order. */
const groups = (isSensitiveClass: (c: InstructionClass) => boolean): readonly { has: (c: InstructionClass) => boolean; label: string }[] => [
  { has: (c) => isSensitiveClass(c) && !c.privileged && !c.absent, label: "SENSITIVE, NOT PRIVILEGED" },
  { has: (c) => isSensitiveClass(c) && c.privileged, label: "sensitive, privileged" },
  { has: (c) => c.absent, label: "absent (ILLEGAL in both modes)" },
  { has: (c) => c.trapsByDesign, label: "innocuous (traps by design)" },
  { has: (c) => !isSensitiveClass(c) && !c.absent && !c.trapsByDesign, label: "innocuous" },
];

function verdict(t: TheoremVerdict, kind: string): string {
  if (t.holds) return "holds";
  return `fails: ${t.offenders.join(", ")} ${t.offenders.length === 1 ? "is" : "are"} ${kind} but not privileged`;
}

export function register(program: Command): void {
  program
    .command("classify")
    .description("classify every instruction after Popek & Goldberg by running it, and check Theorems 1 and 3")
    .addOption(profileOption())
    .option("--json", "print the classification as JSON")
    .action(async (o: { profile: string; json?: boolean }) => {
      const { classifyProfile, isSensitiveClass } = await import("@vmlab/isa");
      const { table } = await import("../text-table.js");
      const { fitWidths, wrapLine } = await import("@vmlab/report");
      const { resolveProfile } = await import("../profile.js");
      const c = classifyProfile(resolveProfile(o.profile));
      if (o.json) {
        printJson(c);
        return;
      }
      const width = terminalWidth();
      const out: string[] = [
        wrapLine(`Popek & Goldberg classification of ${c.profile}: each instruction run for one step from ${n(c.states)} states, in kernel and user mode`, width, 0),
      ];
      // One table, a rule between groups, the sensitive instructions that escape the trap first.
      const rows: string[][] = [["instruction", "privileged", "control-sensitive", "behaviour-sensitive", "class"]];
      const rules = new Set([0, 1]);
      for (const g of groups(isSensitiveClass)) {
        const members = c.instructions.filter(g.has);
        for (const i of members) rows.push([i.mnemonic, yes(i.privileged), yes(i.controlSensitive), yes(i.behaviourSensitive), g.label]);
        rules.add(rows.length);
      }
      // On a narrow terminal the headers break at their hyphens and the class wraps.
      if (fitWidths(rows, width, []).reduce((a, b) => a + b, 0) + 16 > width) rows[0] = rows[0]!.map((h) => h.replace("-", "-\n"));
      const widths = fitWidths(rows, width, [4], 10);
      out.push(
        table(rows, {
          columns: Object.fromEntries(widths.map((w, k) => [k, { width: w, wrapWord: true }])),
          drawHorizontalLine: (line) => rules.has(line),
        }).trimEnd(),
      );
      out.push(
        "",
        wrapLine(`Theorem 1 (trap-and-emulate VMM possible if every sensitive instruction is privileged): ${verdict(c.theorem1, "sensitive")}`, width, 2),
        wrapLine(`Theorem 3 (hybrid VMM possible if every user-sensitive instruction is privileged): ${verdict(c.theorem3, "user-sensitive")}`, width, 2),
      );
      const offenders = c.instructions.filter((i) => c.theorem1.offenders.includes(i.mnemonic) || c.theorem3.offenders.includes(i.mnemonic));
      if (offenders.length > 0) {
        out.push("", "evidence:");
        for (const i of offenders) for (const e of i.evidence) out.push(wrapLine(`  ${i.mnemonic}: ${e}`, width, 4));
      }
      process.stdout.write(out.join("\n") + "\n");
    });
}
