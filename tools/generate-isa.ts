// `pnpm generate`: rewrites what is generated from the instruction table (opcodes.ts):
// the CPU interpreter's instruction cases in cpu.ts and ISA.md's instruction table. A
// test fails while either is out of date.
import { readFileSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { regenerate } from "../packages/isa/src/cpu/interpreter-gen.js";
import { regenerateDoc } from "../packages/isa/src/isa-doc-gen.js";

for (const [path, rewrite] of [
  ["packages/isa/src/cpu/cpu.ts", regenerate],
  ["packages/isa/ISA.md", regenerateDoc],
] as const) {
  const file = fileURLToPath(new URL(`../${path}`, import.meta.url));
  const before = readFileSync(file, "utf8");
  const after = rewrite(before);
  if (after === before) console.log(`${path} is up to date`);
  else {
    writeFileSync(file, after);
    console.log(`${path}: rewritten from the instruction table`);
  }
}
