// The work of `vmlab classify`, imported only when it runs (see commands/lazy.ts).
import { classifyProfile, isSensitiveClass } from "@vmlab/isa";
import { table } from "table";
import { fitWidths, wrapLine } from "@vmlab/report";
import { printJson } from "../options.js";
import { resolveProfile } from "../profile.js";
import { n, terminalWidth } from "../terminal.js";
import { yes, groups, verdict } from "../commands/classify.js";

export default async function classifyAction(o: { profile: string; json?: boolean }): Promise<void> {
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
}
