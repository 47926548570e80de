// ISA.md's instruction table, written from the instruction table (opcodes.ts) by
// `pnpm generate`; a test checks the document is up to date.
import { INSTRUCTIONS, type Form, type OpInfo } from "./opcodes.js";

const OPERANDS: Record<Form, string> = {
  none: "",
  rrr: " A, B, C",
  rri: " A, B, simm16",
  rru: " A, B, uimm16",
  ri: " A, simm16",
  ru: " A, uimm16",
  rc: " A, CR",
  rr: " A, B",
  r: " A",
  m: " A, simm16(B)",
  j: " label",
  u: " uimm16",
};

function row(i: OpInfo): string {
  const sensitivity = i.effect.kind === "trap" ? "traps by design" : i.sensitivity.replace("+", " + ");
  const cells = [i.mnemonic, `0x${i.opcode.toString(16).padStart(2, "0")}`, `\`${i.mnemonic.toLowerCase()}${OPERANDS[i.form]}\``, i.semantics.replaceAll("|", "\\|"), sensitivity];
  return `| ${cells.join(" | ")} |`;
}

export function instructionTable(): string[] {
  return ["| mnemonic | opcode | assembly | semantics | sensitivity |", "| --- | --- | --- | --- | --- |", ...INSTRUCTIONS.map(row)];
}

const BEGIN = "<!-- BEGIN generated from the instruction table (opcodes.ts) by `pnpm generate` -->";
const END = "<!-- END generated -->";

/** `doc` (ISA.md) with its instruction table rewritten from the table. */
export function regenerateDoc(doc: string): string {
  const from = doc.indexOf(BEGIN);
  const to = doc.indexOf(END);
  if (from < 0 || to < from) throw new Error("ISA.md: no generated instruction table (its markers are missing)");
  return `${doc.slice(0, from + BEGIN.length)}\n${instructionTable().join("\n")}\n${doc.slice(to)}`;
}
