// Writes the CPU interpreter's instruction cases from the instruction table (opcodes.ts):
// the fast loop's and the complete interpreter's cases of every instruction that is not
// a system instruction. They are generated into cpu.ts, between marker comments, by
// `pnpm generate` (tools/generate-isa.ts), and a test checks the file is up to date: the
// interpreter stays plain code with literal cases, which V8 compiles to a jump table,
// and no instruction's semantics is written twice.
import { INSTRUCTIONS, type OpInfo } from "../opcodes.js";

/** Operands as the interpreter reads them: the decoded word (`w` in the fast loop, `d` in the complete one) and its immediate slot. */
interface Operands {
  readonly a: string;
  readonly b: string;
  readonly c: string;
  readonly imm: string;
}

const FAST: Operands = { a: "core[(w >>> 8) & 15]", b: "core[(w >>> 12) & 15]!", c: "core[(w >>> 16) & 15]!", imm: "core[fi + 1]!" };
const SLOW: Operands = { a: "core[(d >>> 8) & 15]", b: "core[(d >>> 12) & 15]!", c: "core[(d >>> 16) & 15]!", imm: "core[di + 1]!" };

function expand(expr: string, o: Operands): string {
  return expr.replaceAll("$B", o.b).replaceAll("$C", o.c).replaceAll("$I", o.imm);
}

const label = (i: OpInfo): string => `case 0x${i.opcode.toString(16).padStart(2, "0")} /* ${i.mnemonic} */:`;

/** The fast loop's case body of `i`, or undefined when it leaves the fast loop (system instructions, traps). */
function fastBody(i: OpInfo): string[] | undefined {
  const o = FAST;
  const e = i.effect;
  switch (e.kind) {
    case "alu":
      return [`${o.a} = ${expand(e.value, o)}; break;`];
    case "divide":
      // Division by zero leaves for the complete interpreter, which traps.
      return ["{", `  if (${o.c} === 0) break fast;`, `  ${o.a} = ${expand(e.value, o)};`, "  break;", "}"];
    case "compare":
      return [`flags = compare(${o.a}!, ${expand(e.right, o)}, flags); break;`];
    case "load":
      return [
        "{",
        `  const addr = (${o.b} + ${o.imm}) | 0;`,
        `  if ((addr & ${e.size === 4 ? "0xfffff003" : "0xfffff000"}) !== readKey) break fast;`,
        `  ${o.a} = ${e.size === 4 ? "i32[(readBase + (addr & 0xfff)) >>> 2]!" : e.extend === "sign" ? "(u8[readBase + (addr & 0xfff)]! << 24) >> 24" : "u8[readBase + (addr & 0xfff)]!"};`,
        "  break;",
        "}",
      ];
    case "store":
      return [
        "{",
        `  const addr = (${o.b} + ${o.imm}) | 0;`,
        `  if ((addr & ${e.size === 4 ? "0xfffff003" : "0xfffff000"}) !== writeKey) break fast;`,
        "  const pa = writeBase + (addr & 0xfff);",
        "  if (codePage[pa >>> 12 /* PAGE_SHIFT */] !== 0) break fast; // may overwrite decoded code",
        `  ${e.size === 4 ? "i32[pa >>> 2]" : "u8[pa]"} = ${o.a}!;`,
        "  break;",
        "}",
      ];
    case "push":
      return [
        "{",
        "  const addr = (core[15 /* SP */]! - 4) | 0;",
        "  if ((addr & 0xfffff003) !== writeKey) break fast;",
        "  const pa = writeBase + (addr & 0xfff);",
        "  if (codePage[pa >>> 12 /* PAGE_SHIFT */] !== 0) break fast;",
        `  i32[pa >>> 2] = ${o.a}!;`,
        "  core[15 /* SP */] = addr;",
        "  break;",
        "}",
      ];
    case "pop":
      return [
        "{",
        "  const addr = core[15 /* SP */]!;",
        "  if ((addr & 0xfffff003) !== readKey) break fast;",
        "  const value = i32[(readBase + (addr & 0xfff)) >>> 2]!;",
        "  core[15 /* SP */] = (addr + 4) | 0;",
        `  ${o.a} = value;`,
        "  break;",
        "}",
      ];
    case "jump":
      return [`pc = (pc + 4 + ${o.imm}) | 0;`, "left = (left - 1) | 0;", "continue fast;"];
    case "branch":
      return [
        "// Bit (16 + C|Z|N|V) of the decode says whether the branch is taken.",
        `pc = ((w >>> (16 + (flags & 15))) & 1) !== 0 ? (pc + 4 + ${o.imm}) | 0 : (pc + 4) | 0;`,
        "left = (left - 1) | 0;",
        "continue fast;",
      ];
    case "call":
    case "call-register":
      return [
        "{",
        "  const addr = (core[15 /* SP */]! - 4) | 0;",
        "  if ((addr & 0xfffff003) !== writeKey) break fast;",
        "  const pa = writeBase + (addr & 0xfff);",
        "  if (codePage[pa >>> 12 /* PAGE_SHIFT */] !== 0) break fast;",
        `  const target = ${e.kind === "call" ? `(pc + 4 + ${o.imm}) | 0` : `${o.a}!`};`,
        "  i32[pa >>> 2] = (pc + 4) | 0;",
        "  core[15 /* SP */] = addr;",
        "  pc = target;",
        "  left = (left - 1) | 0;",
        "  continue fast;",
        "}",
      ];
    case "jump-register":
      return [`pc = ${o.a}!;`, "left = (left - 1) | 0;", "continue fast;"];
    case "return":
      return [
        "{",
        "  const addr = core[15 /* SP */]!;",
        "  if ((addr & 0xfffff003) !== readKey) break fast;",
        "  pc = i32[(readBase + (addr & 0xfff)) >>> 2]!;",
        "  core[15 /* SP */] = (addr + 4) | 0;",
        "  left = (left - 1) | 0;",
        "  continue fast;",
        "}",
      ];
    case "trap":
    case "system":
      return undefined;
  }
}

/**
 * A data access's translation in the complete interpreter: the cached page of its kind
 * (read or write) on a hit, else translates (or faults) and caches the page; `pa` is set
 * after it. A change of the MMU's epoch drops the other two kinds' cached pages.
 */
function slowTranslate(kind: "read" | "write", size: 1 | 4): string[] {
  const [key, base, access, others] = kind === "read" ? ["readKey", "readBase", "ACCESS_READ", "fetchKey = writeKey"] : ["writeKey", "writeBase", "ACCESS_WRITE", "fetchKey = readKey"];
  return [
    "  let pa: number;",
    `  if ((va & ${size === 4 ? "0xfffff003" : "0xfffff000"}) === ${key}) pa = ${base} + (va & 0xfff);`,
    "  else {",
    ...(size === 4 ? [`    if ((va & 3) !== 0) { this.fault(CAUSE.ADDRESS_ERROR, va, ${access}, false); cause = -1; break faulted; }`] : []),
    "    this.flags = flags;",
    `    pa = this.translate(va, ${access});`,
    "    if (pa < 0) { cause = -1; break faulted; }",
    `    if (this.mmuEpoch !== epoch) { epoch = this.mmuEpoch; ${others} = -1; }`,
    `    ${key} = va & 0xfffff000;`,
    `    ${base} = pa & 0xfffff000;`,
    "  }",
  ];
}

/** A data read in the complete interpreter: translates on a miss (or faults), then `then` with `pa` set. */
function slowRead(address: string, size: 1 | 4, then: string[]): string[] {
  return ["{", `  va = ${address};`, ...slowTranslate("read", size), ...then.map((l) => `  ${l}`), "}"];
}

/**
 * A data write in the complete interpreter. The address and the value are computed
 * before anything changes, so a fault leaves every register as it was.
 */
function slowWrite(address: string, value: string, size: 1 | 4, then: string[]): string[] {
  return [
    "{",
    `  va = ${address};`,
    `  const value = ${value};`,
    ...slowTranslate("write", size),
    `  ${size === 4 ? "i32[pa >>> 2]" : "u8[pa]"} = value;`,
    "  if (codePage[pa >>> 12 /* PAGE_SHIFT */] !== 0) this.storeIntoCode(pa);",
    ...then.map((l) => `  ${l}`),
    "}",
  ];
}

/**
 * The complete interpreter's case body of `i` (run after fetching and decoding it), or
 * undefined for a system instruction (written by hand in cpu.ts: cpu/system.ts).
 */
function slowBody(i: OpInfo): string[] | undefined {
  const o = SLOW;
  const e = i.effect;
  const retireAndGo = ["left = (left - 1) | 0;", "continue inner;"];
  switch (e.kind) {
    case "alu":
    case "compare":
    case "jump":
    case "branch":
    case "jump-register":
      return ["// Now fetched and decoded, these always complete in the fast loop.", "continue inner;"];
    case "divide":
      return ["// Division by zero traps here; any other division completes in the fast loop.", `if (${o.c} === 0) { cause = CAUSE.DIVIDE; break faulted; }`, "continue inner;"];
    case "load": {
      const value = e.size === 4 ? "i32[pa >>> 2]!" : e.extend === "sign" ? "(u8[pa]! << 24) >> 24" : "u8[pa]!";
      return slowRead(`(${o.b} + ${o.imm}) | 0`, e.size, [`${o.a} = ${value};`, "break;"]);
    }
    case "pop":
      return slowRead("core[15 /* SP */]!", 4, ["const value = i32[pa >>> 2]!;", "core[15 /* SP */] = (va + 4) | 0;", `${o.a} = value;`, "break;"]);
    case "return":
      return slowRead("core[15 /* SP */]!", 4, ["const value = i32[pa >>> 2]!;", "core[15 /* SP */] = (va + 4) | 0;", "pc = value;", ...retireAndGo]);
    case "store":
      return slowWrite(`(${o.b} + ${o.imm}) | 0`, `${o.a}!`, e.size, ["break;"]);
    case "push":
      return slowWrite("(core[15 /* SP */]! - 4) | 0", `${o.a}!`, 4, ["core[15 /* SP */] = va;", "break;"]);
    case "call":
    case "call-register":
      return slowWrite("(core[15 /* SP */]! - 4) | 0", "(pc + 4) | 0", 4, [
        `const target = ${e.kind === "call" ? `(pc + 4 + ${o.imm}) | 0` : `${o.a}!`};`,
        "core[15 /* SP */] = va;",
        "pc = target;",
        ...retireAndGo,
      ]);
    case "trap":
      return [
        "{",
        "  // These retire, then trap with EPC = the next instruction.",
        "  left = (left - 1) | 0;",
        "  this.retired = end - left;",
        "  this.flags = flags;",
        "  if (this.trap(TRAP_CAUSE[op]!, (pc + 4) >>> 0, 0, 0, false)) {",
        '    stop = "intercept";',
        "    break outer;",
        "  }",
        "  pc = this.pc | 0;",
        "  flags = this.flags;",
        "  fetchKey = readKey = writeKey = -1;",
        "  epoch = this.mmuEpoch;",
        "  continue inner;",
        "}",
      ];
    case "system":
      return undefined;
  }
}

/** Cases with the same body share it (one body, several labels). */
function cases(body: (i: OpInfo) => string[] | undefined): string[] {
  const out: string[] = [];
  const groups: { labels: string[]; body: string[] }[] = [];
  for (const i of INSTRUCTIONS) {
    const b = body(i);
    if (!b) continue;
    const same = groups.find((g) => g.body.join("\n") === b.join("\n"));
    if (same) same.labels.push(label(i));
    else groups.push({ labels: [label(i)], body: b });
  }
  for (const g of groups) {
    out.push(...g.labels.slice(0, -1));
    const last = g.labels.at(-1)!;
    if (g.body.length === 1) out.push(`${last} ${g.body[0]}`);
    else if (g.body[0] === "{") out.push(`${last} {`, ...g.body.slice(1, -1), "}");
    else out.push(last, ...g.body.map((l) => `  ${l}`));
  }
  return out;
}

export const FAST_LOOP_SECTION = "fast loop";
export const COMPLETE_SECTION = "complete interpreter";

/** The generated lines of each section, without indentation. */
export function generatedSections(): Record<string, string[]> {
  return { [FAST_LOOP_SECTION]: cases(fastBody), [COMPLETE_SECTION]: cases(slowBody) };
}

const BEGIN = "// BEGIN generated from the instruction table (opcodes.ts) by `pnpm generate`: ";
const END = "// END generated: ";

/** `source` (cpu.ts) with every generated section rewritten from the table. */
export function regenerate(source: string): string {
  const lines = source.split("\n");
  const sections = generatedSections();
  const out: string[] = [];
  for (let k = 0; k < lines.length; k++) {
    const line = lines[k]!;
    out.push(line);
    const at = line.indexOf(BEGIN);
    if (at < 0) continue;
    const name = line.slice(at + BEGIN.length).trim();
    const body = sections[name];
    if (!body) throw new Error(`cpu.ts:${k + 1}: no generated section '${name}'`);
    const indent = line.slice(0, at);
    let end = k + 1;
    while (end < lines.length && !lines[end]!.includes(END + name)) end++;
    if (end === lines.length) throw new Error(`cpu.ts:${k + 1}: section '${name}' has no end marker`);
    out.push(...body.map((l) => indent + l));
    k = end - 1;
  }
  return out.join("\n");
}

/** The sections' marker lines, for cpu.ts. */
export function markers(name: string): [string, string] {
  return [BEGIN + name, END + name];
}
