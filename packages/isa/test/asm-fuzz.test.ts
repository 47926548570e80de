// The assembler on inputs nobody wrote: random token soup and mutated real sources (the
// scenarios' programs, the guest kernel and runtime, the examples). Every input must give
// an image or an AssemblyError whose every diagnostic names file:line:col; never another
// exception, never a hang. Images must survive the image file and the disassembler.
import { readdirSync, readFileSync } from "node:fs";
import { basename, join } from "node:path";
import { fileURLToPath } from "node:url";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { inputFuzzParameters } from "../../../tools/input-fuzz.js";
import { assemble, AssemblyError, BY_MNEMONIC, CR_NAMES, disassembleImage, InputFileError, MAX_IMAGE_BYTES, readImageFile, writeImageFile, type Image } from "../src/index.js";

const root = fileURLToPath(new URL("../../../", import.meta.url));
const sourcesIn = (dir: string): string[] =>
  readdirSync(join(root, dir))
    .filter((f) => f.endsWith(".s"))
    .map((f) => join(root, dir, f));

/** Real sources, by file name (includes are looked up by name among them). */
const CORPUS: { file: string; text: string; origin?: number; kernel: boolean }[] = [
  ...readdirSync(join(root, "scenarios")).flatMap((d) => sourcesIn(join("scenarios", d))),
  ...sourcesIn("packages/guest/runtime"),
  ...sourcesIn("packages/guest/kernel"),
  ...sourcesIn("packages/isa/examples"),
].map((file) => {
  const text = readFileSync(file, "utf8");
  // User programs are assembled at the user code address, as the guest builder does.
  const kernel = /\.org\b/i.test(text) || basename(file) === "kernel.s";
  return { file: basename(file), text, kernel, ...(kernel ? {} : { origin: 0x00400000 }) };
});
const INCLUDES = new Map(CORPUS.map((c) => [c.file, c.text]));

/** The defines a profile gives (as the guest builder's), and the kernel's link-time ones. */
const DEFINE_SETS: Record<string, number>[] = (
  [
    { MIPS_LIKE: 1, SOFTWARE_TLB: 1, LEVELS: 2, TIMER_PERIOD: 1_000_000 },
    { RISCV_LIKE: 1, WALKER: 1, LEVELS: 3, TIMER_PERIOD: 1_000_000 },
    { X86_LIKE: 1, WALKER: 1, LEVELS: 2, TIMER_PERIOD: 1_000_000, PARAVIRT: 1, TRAP_GATE: 1 },
  ] as Record<string, number>[]
).map((d) => ({ ...d, PROGRAM_TABLE: 0x80080000, NPROGRAMS: 1 }));

/** Includes from the corpus only; two names stand for a device file and a missing one. */
function readInclude(path: string): string {
  if (path === "/dev/zero") throw new InputFileError("is not a regular file (a device, a FIFO or a socket)");
  const text = INCLUDES.get(basename(path));
  if (text === undefined) throw new Error("missing");
  return text;
}

const TOKENS: readonly string[] = [
  ...BY_MNEMONIC.keys(),
  "li",
  "la",
  "mov",
  "nop",
  "push",
  "pop",
  "call",
  "ret",
  "frob",
  ".org",
  ".align",
  ".word",
  ".byte",
  ".ascii",
  ".asciz",
  ".space",
  ".equ",
  ".set",
  ".include",
  ".if",
  ".ifdef",
  ".ifndef",
  ".else",
  ".endif",
  ".entry",
  ".bogus",
  ...Array.from({ length: 17 }, (_, i) => `r${i}`),
  "sp",
  "R3",
  "x1",
  ...CR_NAMES,
  "epc",
  "start",
  "start:",
  "loop:",
  ".l:",
  ".l",
  "a",
  "a:",
  "b",
  "__proto__",
  "constructor",
  "toString",
  ".",
  "hi(",
  "lo(",
  "hi",
  "lo",
  "0",
  "1",
  "-1",
  "4",
  "7",
  "16",
  "31",
  "32",
  "255",
  "256",
  "4096",
  "32767",
  "32768",
  "65535",
  "65536",
  "0x7fffffff",
  "0x80000000",
  "0xfffffffc",
  "0xffffffff",
  "0x100000000",
  "0x800000",
  "0x400000",
  "99999999999",
  "1_000",
  "0b101",
  "0b2",
  "09",
  "0x",
  "0x1_0000_0000",
  "'a'",
  "'\\n'",
  "'\\q'",
  "'",
  "''",
  "(",
  ")",
  ",",
  ":",
  "=",
  "+",
  "-",
  "*",
  "/",
  "%",
  "<<",
  ">>",
  "&",
  "|",
  "^",
  "~",
  "!",
  "&&",
  "||",
  "==",
  "!=",
  "<",
  "<=",
  ">",
  ">=",
  '"abc"',
  '"\\n"',
  '"',
  '"\\"',
  '"a.s"',
  '"self.s"',
  '"runtime.s"',
  '"/dev/zero"',
  '"nope.s"',
  "; comment",
  "# comment",
  "@",
  "$",
  "`",
  "{",
  "\t",
  "\0",
  "é",
  "\u2028",
  "\r",
];

const line = fc
  .array(fc.constantFrom(...TOKENS), { maxLength: 8 })
  .chain((tokens) => fc.array(fc.constantFrom(" ", ", ", "", "\t"), { minLength: tokens.length, maxLength: tokens.length }).map((seps) => tokens.map((t, i) => seps[i] + t).join("")));

/** Statements that are mostly right: an instruction with operands of its form, data, labels, constants. */
const reg = fc.oneof({ weight: 30, arbitrary: fc.integer({ min: 0, max: 15 }).map((n) => `r${n}`) }, { weight: 1, arbitrary: fc.constantFrom("sp", "r16") });
const label = fc.constantFrom("l1", "l2", "l3", "m1", "m2", ".x", "c1");
/** Where the statements' names are defined, after them (so references go forward and back). */
const DEFINITIONS = "        .align 4\nl1:     nop\nl2:     nop\nl3:     halt\nc1 = 3\n";
const value = fc.oneof(
  { weight: 20, arbitrary: fc.integer({ min: 0, max: 31 }).map(String) },
  { weight: 2, arbitrary: fc.integer({ min: -40000, max: 70000 }).map(String) },
  { weight: 2, arbitrary: fc.constantFrom("l1", "l2 - l1", "c1 * 4", "lo(l3)", "(1 << 31) >> 28", "'a'", "-8") },
  { weight: 1, arbitrary: fc.constantFrom("0xffffffff", "0x80000000", ".", "hi(l3)", "nowhere") },
);
const OPERANDS: Record<string, fc.Arbitrary<string>> = {
  none: fc.constant(""),
  rrr: fc.tuple(reg, reg, reg).map((r) => r.join(", ")),
  rri: fc.tuple(reg, reg, value).map((r) => r.join(", ")),
  rru: fc.tuple(reg, reg, value).map((r) => r.join(", ")),
  ri: fc.tuple(reg, value).map((r) => r.join(", ")),
  ru: fc.tuple(reg, value).map((r) => r.join(", ")),
  rc: fc.tuple(reg, fc.oneof(fc.constantFrom(...CR_NAMES), value)).map((r) => r.join(", ")),
  rr: fc.tuple(reg, reg).map((r) => r.join(", ")),
  r: reg,
  u: value,
  m: fc.tuple(reg, value, reg).map(([a, v, b]) => `${a}, ${v}(${b})`),
  j: fc.oneof({ weight: 5, arbitrary: label }, { weight: 1, arbitrary: value }),
};
const instruction = fc.constantFrom(...BY_MNEMONIC.values()).chain((op) => (OPERANDS[op.form] ?? fc.constant("")).map((o) => `        ${op.mnemonic} ${o}`));
const statement = fc.oneof(
  { weight: 6, arbitrary: instruction },
  { weight: 1, arbitrary: fc.tuple(fc.constantFrom("li", "la"), reg, value).map(([m, r, v]) => `        ${m} ${r}, ${v}`) },
  { weight: 1, arbitrary: fc.constantFrom("        nop", "        ret", "        call l1", "        push r1, r2, r3", "        pop r1, r2, r3", "        mov r1, r2") },
  { weight: 2, arbitrary: fc.constantFrom("m1:", "m2:", ".x:") },
  { weight: 1, arbitrary: fc.tuple(fc.constantFrom(".word", ".byte"), fc.array(value, { minLength: 1, maxLength: 4 })).map(([d, v]) => `        ${d} ${v.join(", ")}`) },
  {
    weight: 1,
    arbitrary: fc.constantFrom(
      '        .asciz "hi\\n"',
      '        .ascii "a", "b"',
      "        .align 4",
      "        .space 6, 0xff",
      "c1 = 12",
      "        .equ c1, l2 - l1",
      "        .org 0x80002000",
      "        .entry l1",
    ),
  },
);
const soup = fc.array(fc.oneof({ weight: 3, arbitrary: statement }, { weight: 1, arbitrary: line }), { minLength: 1, maxLength: 30 }).map((lines) => lines.join("\n"));

/** One edit of a source, from integers a shrinker can make small. */
type Mutation = { kind: number; at: number; other: number; token: string };
const mutation = fc.record({
  kind: fc.nat(9),
  at: fc.nat(),
  other: fc.nat(),
  token: fc.oneof(fc.constantFrom(...TOKENS), line, fc.string({ maxLength: 6 })),
});

function mutate(text: string, m: Mutation): string {
  const lines = text.split("\n");
  const i = m.at % lines.length;
  const j = m.other % lines.length;
  const l = lines[i]!;
  const p = l.length === 0 ? 0 : m.other % (l.length + 1);
  switch (m.kind) {
    case 0: // delete a line
      lines.splice(i, 1);
      break;
    case 1: // repeat a line
      lines.splice(i, 0, l);
      break;
    case 2: // swap two lines
      [lines[i], lines[j]] = [lines[j]!, l];
      break;
    case 3: // insert a token
      lines[i] = l.slice(0, p) + m.token + l.slice(p);
      break;
    case 4: {
      // replace the first word from p on
      const word = /[A-Za-z0-9_.]+/g;
      word.lastIndex = p;
      const w = word.exec(l);
      if (w) lines[i] = l.slice(0, w.index) + m.token + l.slice(w.index + w[0].length);
      break;
    }
    case 5: // cut characters
      lines[i] = l.slice(0, p) + l.slice(p + 1 + (m.other % 5));
      break;
    case 6: // replace the line
      lines[i] = m.token;
      break;
    case 7: // truncate the file
      return text.slice(0, m.at % (text.length + 1));
    case 8: // a number becomes another
      lines[i] = l.replace(/\b(0x[0-9a-fA-F_]+|\d[\d_]*)\b/, m.token);
      break;
    default: // insert a line
      lines.splice(i, 0, m.token);
  }
  return lines.join("\n");
}

/** What an assembly must end in: an image that holds together, or diagnostics at file:line:col. */
function checkOutcome(source: string, file: string, options: { defines: Record<string, number>; origin?: number }, roundTrip: boolean): void {
  let image: Image;
  try {
    image = assemble(source, { file, readInclude, ...options });
  } catch (e) {
    if (!(e instanceof AssemblyError)) throw new Error(`not an AssemblyError: ${(e as Error)?.constructor?.name}: ${(e as Error)?.message}`);
    expect(e.diagnostics.length).toBeGreaterThan(0);
    const lines = source.split("\n");
    for (const d of e.diagnostics) {
      expect(d.line, d.message).toBeGreaterThanOrEqual(1);
      expect(d.col, d.message).toBeGreaterThanOrEqual(1);
      expect(d.message).toMatch(/^\S[^\n]*$/);
      expect(d.message).not.toMatch(/internal|Maximum call stack|Cannot read|is not a function|Invalid|out of bounds|NaN|undefined is|\[object /);
      if (d.file === file) {
        // The column points into the line (or just past its end, for what is missing).
        expect(d.line, d.message).toBeLessThanOrEqual(lines.length);
        expect(d.col, `${d.line}:${d.col}: ${d.message}`).toBeLessThanOrEqual(lines[d.line - 1]!.length + 1);
      }
    }
    for (const l of e.message.split("\n")) expect(l).toMatch(/^[^\n]+:\d+:\d+: \S/);
    return;
  }
  const isWord = (v: number): boolean => Number.isInteger(v) && v >= 0 && v <= 0xffffffff;
  expect(isWord(image.entry)).toBe(true);
  let total = 0;
  for (const s of image.segments) {
    expect(isWord(s.address) && s.address + s.bytes.length <= 0x100000000).toBe(true);
    total += s.bytes.length;
  }
  expect(total).toBeLessThanOrEqual(MAX_IMAGE_BYTES);
  for (const v of Object.values(image.symbols)) expect(isWord(v)).toBe(true);
  const back = readImageFile(writeImageFile(image), "fuzz.img");
  expect(back.entry).toBe(image.entry);
  expect(back.symbols).toEqual(image.symbols);
  expect(back.segments).toEqual(image.segments);
  if (roundTrip) {
    // The disassembly is itself a program with the same bytes at the same addresses.
    const again = assemble(disassembleImage(image), { file: "disasm.s" });
    expect(again.segments.map((s) => [s.address, Array.from(s.bytes)])).toEqual(image.segments.map((s) => [s.address, Array.from(s.bytes)]));
  }
}

describe("assembler fuzz: an image or file:line:col diagnostics, nothing else", () => {
  it("every real source assembles unmutated (the mutations start from working programs)", () => {
    CORPUS.forEach((c, k) => {
      const defines = DEFINE_SETS[k % DEFINE_SETS.length]!;
      expect(() => assemble(c.text, { file: c.file, readInclude, defines, ...(c.origin !== undefined ? { origin: c.origin } : {}) }), c.file).not.toThrow();
    });
  });

  it("random token soup", () => {
    fc.assert(
      fc.property(soup, fc.nat(DEFINE_SETS.length - 1), (source, d) => checkOutcome(source, "soup.s", { defines: DEFINE_SETS[d]! }, true)),
      inputFuzzParameters(14001, 300),
    );
  });

  it("mostly well-formed statements (their images go through the image file and the disassembler)", () => {
    fc.assert(
      fc.property(fc.array(statement, { minLength: 1, maxLength: 30 }), fc.nat(DEFINE_SETS.length - 1), (lines, d) =>
        checkOutcome(`start:\n${lines.join("\n")}\n${DEFINITIONS}`, "statements.s", { defines: DEFINE_SETS[d]! }, true),
      ),
      inputFuzzParameters(14003, 200),
    );
  });

  it("mutated real sources", () => {
    fc.assert(
      fc.property(fc.nat(CORPUS.length - 1), fc.nat(DEFINE_SETS.length - 1), fc.array(mutation, { minLength: 1, maxLength: 4 }), (k, d, mutations) => {
        const c = CORPUS[k]!;
        const source = mutations.reduce(mutate, c.text);
        checkOutcome(source, c.file, { defines: DEFINE_SETS[d]!, ...(c.origin !== undefined ? { origin: c.origin } : {}) }, false);
      }),
      inputFuzzParameters(14002, 150),
    );
  });
});
