import type { Command } from "commander";
import type { InstructionClass, Profile, TheoremVerdict } from "@vmlab/isa";
import type { StrategyInfo } from "@vmlab/core";
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
    .option("--config <file>", "vmlab.config.json naming more strategy packages")
    .action(async (o: { profile: string; json?: boolean; config?: string }) => {
      const { isSensitiveClass } = await import("@vmlab/isa");
      const { classificationOf, inexactFor, theoremReason } = await import("@vmlab/core");
      const { table } = await import("../text-table.js");
      const { fitWidths, wrapLine } = await import("@vmlab/report");
      const { resolveProfile } = await import("../profile.js");
      const { loadStrategies } = await import("../strategies.js");
      // What a failing theorem means for a strategy, in the words a predicted divergence gives.
      const predictsText = (profile: Profile, cpu: StrategyInfo, offenders: readonly string[]): string =>
        `${theoremReason(profile, cpu, offenders)}: it cannot be exact${cpu.theorem === 3 ? " for user code that runs them" : ""}`;
      const profile = resolveProfile(o.profile);
      // The classification the equivalence reports' predictions use (the same, cached).
      const c = classificationOf(profile);
      const cpus = (await loadStrategies(o.config)).catalog.filter((s) => s.kind === "cpu");
      const inexact = cpus.flatMap((cpu) => {
        const x = inexactFor(profile, cpu);
        return x ? [{ cpu: cpu.name, theorem: x.theorem, offenders: x.offenders, reason: predictsText(profile, cpu, x.offenders) }] : [];
      });
      if (o.json) {
        printJson({ ...c, inexact });
        return;
      }
      const width = terminalWidth();
      const out: string[] = [wrapLine(`Popek & Goldberg classification of ${c.profile}: each instruction run for one step from ${n(c.states)} states, in kernel and user mode`, width, 0)];
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
      if (inexact.length === 0) out.push("", wrapLine(`What this predicts: every CPU strategy can be exact on ${c.profile} (no theorem fails here).`, width, 2));
      else {
        out.push("", wrapLine("What this predicts (a run whose guest ran these instructions where the strategy let them run without a trap is reported as diverging as predicted):", width, 2));
        for (const x of inexact) out.push(wrapLine(`  ${x.cpu}: ${x.reason}`, width, 4));
        const free = cpus.filter((cpu) => cpu.theorem === undefined).map((cpu) => cpu.name);
        if (free.length) out.push(wrapLine(`  ${free.join(", ")}: rest on neither theorem (no guest code runs directly outside a guest mode)`, width, 4));
      }
      const offenders = c.instructions.filter((i) => c.theorem1.offenders.includes(i.mnemonic) || c.theorem3.offenders.includes(i.mnemonic));
      if (offenders.length > 0) {
        out.push("", "evidence:");
        for (const i of offenders) for (const e of i.evidence) out.push(wrapLine(`  ${i.mnemonic}: ${e}`, width, 4));
      }
      process.stdout.write(`${out.join("\n")}\n`);
    });
}
