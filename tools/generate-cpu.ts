// `pnpm generate`: rewrites the CPU interpreter's generated cases in cpu.ts from the
// instruction table (opcodes.ts). A test fails while the file is out of date.
import { readFileSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { regenerate } from "../packages/isa/src/cpu/interpreter-gen.js";

const file = fileURLToPath(new URL("../packages/isa/src/cpu/cpu.ts", import.meta.url));
const before = readFileSync(file, "utf8");
const after = regenerate(before);
if (after === before) console.log("packages/isa/src/cpu/cpu.ts is up to date");
else {
  writeFileSync(file, after);
  console.log("packages/isa/src/cpu/cpu.ts: generated cases rewritten from the instruction table");
}
