import type { Command } from "commander";
import { lazy } from "./lazy.js";
import type { InstructionClass, TheoremVerdict } from "@vmlab/isa";
import { profileOption } from "../options.js";

export const yes = (b: boolean): string => (b ? "yes" : "-");

/** Groups, in print order. */
export const groups = (isSensitiveClass: (c: InstructionClass) => boolean): readonly { has: (c: InstructionClass) => boolean; label: string }[] => [
  { has: (c) => isSensitiveClass(c) && !c.privileged && !c.absent, label: "SENSITIVE, NOT PRIVILEGED" },
  { has: (c) => isSensitiveClass(c) && c.privileged, label: "sensitive, privileged" },
  { has: (c) => c.absent, label: "absent (ILLEGAL in both modes)" },
  { has: (c) => c.trapsByDesign, label: "innocuous (traps by design)" },
  { has: (c) => !isSensitiveClass(c) && !c.absent && !c.trapsByDesign, label: "innocuous" },
];

export function verdict(t: TheoremVerdict, kind: string): string {
  if (t.holds) return "holds";
  return `fails: ${t.offenders.join(", ")} ${t.offenders.length === 1 ? "is" : "are"} ${kind} but not privileged`;
}

export function register(program: Command): void {
  program
    .command("classify")
    .description("classify every instruction after Popek & Goldberg by running it, and check Theorems 1 and 3")
    .addOption(profileOption())
    .option("--json", "print the classification as JSON")
    .action(lazy(() => import("../actions/classify.js")));
}
