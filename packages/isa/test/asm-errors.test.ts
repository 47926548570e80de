import { describe, expect, it } from "vitest";
import { assemble, AssemblyError } from "../src/index.js";

/** The diagnostics of a source as `file:line:col: message` lines (file names without folders). */
function errorsOf(source: string, files: Record<string, string> = {}): string[] {
  try {
    assemble(source, {
      file: "t.s",
      readInclude: (p) => {
        if (!(p in files)) throw new Error("missing");
        return files[p]!;
      },
    });
  } catch (e) {
    if (e instanceof AssemblyError) return e.diagnostics.map((d) => `${d.file.replace(/^.*\//, "")}:${d.line}:${d.col}: ${d.message}`);
    throw e;
  }
  return [];
}

describe("assembly errors: every kind, with its position, all at once", () => {
  it("reports each error kind at its line and column and keeps going", () => {
    const errs = errorsOf(
      [
        "start:  frob r1", //                 1 unknown mnemonic
        "        .bogus 3", //                2 unknown directive
        "        add r1, r2", //              3 operand count
        "        add r1, r2, r16", //         4 bad register
        "        addi r1, r1, 40000", //      5 signed immediate out of range
        "        jmp nowhere", //             6 undefined symbol (found in pass 2)
        "start:  nop", //                     7 duplicate label (found in pass 1)
        "        addi r1, r1, )", //          8 bad expression
        '        .ascii "abc', //             9 unterminated string
        "        .word 1 / 0", //            10 division by zero
        "        jmp 0x80000002", //         11 misaligned jump target
        "        shli r1, r1, 32", //        12 shift amount out of range
        '        .include "missing.s"', //   13 include not found
        "        .endif", //                 14 stray .endif
        "        .else", //                  15 stray .else
        "        ori r1, r1, -1", //         16 unsigned immediate: negative rejected
        "        lw r1, 4(r99)", //          17 bad register in a memory operand
        "        add r1, x2, r3", //         18 not a register
        "        .word 1 +", //              19 expression cut short
        "        rdcr r1, FOO", //           20 unknown control register
        "        addi r1, r1, 1 2", //       21 unexpected token
        "        halt r1", //                22 operand count (none expected)
        "        nop", //                    23 fine: assembled despite the errors above
        "        .if 1", //                  24 .if without .endif
      ].join("\n"),
    );
    expect(errs).toEqual([
      "t.s:1:9: unknown instruction 'frob'",
      "t.s:2:9: unknown directive '.bogus'",
      "t.s:3:9: 'add' takes 3 operands (A, B, C), got 2",
      "t.s:4:21: bad register 'r16' (r0..r15 or sp)",
      "t.s:5:22: immediate 40000 out of range for a signed 16-bit field (-32768..32767)",
      "t.s:6:13: undefined symbol 'nowhere'",
      "t.s:7:1: duplicate symbol 'start' (first defined at t.s:1)",
      "t.s:8:22: unexpected ')' in expression",
      "t.s:9:16: unterminated string",
      "t.s:10:17: division by zero in expression",
      "t.s:11:13: jump target 0x80000002 is not 4-byte aligned",
      "t.s:12:22: immediate 32 out of range (0..31)",
      "t.s:13:18: cannot include 'missing.s': file not found",
      "t.s:14:9: .endif without .if",
      "t.s:15:9: .else without .if",
      "t.s:16:21: immediate -1 out of range (0..65535)",
      "t.s:17:18: bad register 'r99' (r0..r15 or sp)",
      "t.s:18:17: bad register 'x2' (r0..r15 or sp)",
      "t.s:19:18: expected an expression",
      "t.s:20:18: unknown control register 'FOO' (EPC, ESTATUS, CAUSE, BADADDR, TVEC, PTBR, KSP, USP, SCRATCH, TPR, COUNT, TGATE, TGVEC, TGSP, CONTEXT, KSCRATCH or a number)",
      "t.s:21:24: unexpected '2'",
      "t.s:22:9: 'halt' takes 0 operands (none), got 1",
      "t.s:24:9: .if without .endif",
    ]);
  });

  it("formats the message as file:line:col lines", () => {
    try {
      assemble("        frob\n        nop\n        .word x", { file: "dir/p.s" });
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(AssemblyError);
      expect((e as AssemblyError).message).toBe("dir/p.s:1:9: unknown instruction 'frob'\ndir/p.s:3:15: undefined symbol 'x'");
      expect((e as AssemblyError).diagnostics).toEqual([
        { file: "dir/p.s", line: 1, col: 9, message: "unknown instruction 'frob'" },
        { file: "dir/p.s", line: 3, col: 15, message: "undefined symbol 'x'" },
      ]);
    }
  });

  it("names the included file and reports include cycles", () => {
    const errs = errorsOf('        nop\n        .include "a.s"\n        bad2\n', {
      "a.s": '        nop\n        bogus\n        .include "b.s"\n',
      "b.s": '        .include "a.s"\n.if 1\n',
    });
    expect(errs).toEqual(["a.s:2:9: unknown instruction 'bogus'", "b.s:1:18: include cycle: 'a.s' is already being included", "b.s:2:1: .if without .endif", "t.s:3:9: unknown instruction 'bad2'"]);
  });

  it("reports overlapping segments at the later .org", () => {
    expect(errorsOf("        .org 0x1000\n        .word 1, 2\n        .org 0x1004\n        .word 3\n")).toEqual(["t.s:3:9: overlapping segments: 0x1004..0x1008 and 0x1000..0x1008"]);
    // A long first segment covers both later ones, which do not touch each other.
    expect(errorsOf("        .org 0\n        .space 64\n        .org 8\n        .byte 1\n        .org 32\n        .byte 2\n")).toEqual([
      "t.s:3:9: overlapping segments: 0x8..0x9 and 0x0..0x40",
      "t.s:5:9: overlapping segments: 0x20..0x21 and 0x0..0x40",
    ]);
  });

  it("reports branches out of range and instructions at misaligned addresses", () => {
    // From 0x1000 the reach is pc + 4 + 4 * (2^23 - 1) = 0x2001000.
    expect(errorsOf("        .org 0x1000\n        jmp 0x2001000\n        jmp 0x2001008\n")).toEqual(["t.s:3:13: branch target 0x2001008 out of range (±32 MiB)"]);
    expect(errorsOf("        .org 0\n        .byte 1\n        nop\n")).toEqual(["t.s:3:9: instruction at misaligned address 0x1 (use .align 4)"]);
  });

  it("reports a broken constant once, at its definition", () => {
    expect(errorsOf("X = nowhere + 1\n        .word X\n        li r1, X\nY = 4 / 0\n        .word Y\n")).toEqual(["t.s:1:5: undefined symbol 'nowhere'", "t.s:4:7: division by zero in expression"]);
  });

  it("rejects values that must be known early, bad alignment and the end of the address space", () => {
    expect(errorsOf("        .org later\nlater:  nop\n")).toEqual(["t.s:1:14: 'later' has no value yet: .org address must be known when it is reached (no forward references)"]);
    expect(errorsOf("        .align 3\n")).toEqual(["t.s:1:16: .align 3: not a power of two"]);
    expect(errorsOf("        .org 0xfffffffc\n        .word 1, 2\n")).toEqual(["t.s:2:9: 8 bytes at 0xfffffffc run past the end of the address space"]);
    expect(errorsOf("        .entry main\n        nop\n")).toEqual(["t.s:1:16: undefined symbol 'main'"]);
  });

  it("rejects bad literals, bytes out of range, early locals and a second .else", () => {
    expect(
      errorsOf(
        [
          "        .byte 'a", //          1
          '        .ascii "\\q"', //     2
          "        .byte 256, -129", //   3 (the first bad value; the statement is skipped)
          ".x:     nop", //               4
          "        .word 0x1_0000_0000", // 5
          ".if 0", //                     6
          ".else", //                     7
          ".else", //                     8
          ".endif", //                    9
        ].join("\n"),
      ),
    ).toEqual([
      "t.s:1:15: unterminated character literal",
      "t.s:2:17: unknown escape '\\q'",
      "t.s:3:15: value 256 does not fit in a byte",
      "t.s:4:1: local label '.x' before any global label",
      "t.s:5:15: number '0x1_0000_0000' does not fit in 32 bits",
      "t.s:8:1: second .else for the same .if",
    ]);
  });
});

describe("bad options", () => {
  it("names the offending define or origin", () => {
    expect(() => assemble("nop", { file: "o.s", defines: { "2x": 1 } })).toThrow("o.s: define '2x' is not a symbol name");
    expect(() => assemble("nop", { file: "o.s", defines: { X: 1.5 } })).toThrow("o.s: define X=1.5 is not a 32-bit integer");
    expect(() => assemble("nop", { file: "o.s", defines: { X: 2 ** 32 } })).toThrow("o.s: define X=4294967296 is not a 32-bit integer");
    expect(() => assemble("nop", { file: "o.s", origin: -4 })).toThrow("o.s: origin -4 is not a 32-bit address");
  });

  it("an address past the 32-bit space, or padding too large: a file:line:col each, not an internal error", () => {
    expect(() => assemble("        .org 0xFFFFFFFC\n        halt\n", { file: "t.s" })).toThrow(/t\.s:2:9: 4 bytes at 0xfffffffc reach the end of the address space \(an image ends below it\)/);
    expect(() => assemble("        .org 4\n        .word 1\n        .align 0x80000000\n", { file: "t.s" })).toThrow(
      /t\.s:3:16: \.align 2147483648 at 0x8: 2147483640 bytes of padding, more than an image may hold/,
    );
  });

  it("recursion the host could not hold: a file:line:col each, not a stack overflow", () => {
    const nested = `        .word ${"(".repeat(3000)}1${")".repeat(3000)}\n`;
    expect(() => assemble(nested, { file: "t.s" })).toThrow(/t\.s:1:271: expression nested more than 256 levels deep/);
    const chain = `${Array.from({ length: 1500 }, (_, i) => `        .equ a${i}, a${i + 1} + 1`).join("\n")}\n        .equ a1500, 1\n        .word a0\n`;
    expect(() => assemble(chain, { file: "t.s" })).toThrow(/t\.s:1000:14: 'a1000' ends a chain of more than 1000 constants/);
    // t.s and inc1.s .. inc31.s make 32 files on the include stack: inc31's include is one too many.
    const deep = (path: string) => (/inc(\d+)/.test(path) ? `        .include "inc${Number(/inc(\d+)/.exec(path)![1]) + 1}.s"\n` : "");
    expect(() => assemble('        .include "inc1.s"\n', { file: "t.s", readInclude: deep })).toThrow(/inc31\.s:1:18: includes nested more than 32 deep/);
  });

  it("hi() and lo() count as nesting; a long sum is not deep; operators and constants past the evaluation depth are an error at their line", () => {
    // The 257th "hi(" opens at column 15 + 3 * 256.
    const hi = `        .word ${"hi(".repeat(3000)}1${")".repeat(3000)}\n`;
    expect(() => assemble(hi, { file: "t.s" })).toThrow(/t\.s:1:783: expression nested more than 256 levels deep/);
    // 20,000 terms of one sum: a loop, not 20,000 levels.
    const sum = assemble(`        .word ${Array(20000).fill("1").join(" + ")}\n`, { file: "t.s" });
    expect(Array.from(sum.segments[0]!.bytes)).toEqual([0x20, 0x4e, 0, 0]); // 20000 = 0x4e20
    // Each constant below is three levels (two negations and the symbol): the 834th passes 2,500.
    const deep = `${Array.from({ length: 900 }, (_, i) => `a${i} = - - a${i + 1}`).join("\n")}\na900 = 1\n        .word a0\n`;
    expect(() => assemble(deep, { file: "t.s" })).toThrow(/^t\.s:834:\d+: expression too deep to evaluate \(more than 2500 levels/);
  });

  it("an image larger than 8 MiB is refused at the statement that passes it", () => {
    const big = "        .org 0\n        .space 0x400000\n        .space 0x400000\n        .byte 1\n";
    expect(() => assemble(big, { file: "t.s" })).toThrow(/^t\.s:4:9: 1 bytes here make the image larger than 8,388,608 bytes \(8 MiB\)$/);
    expect(() => assemble("        .space 0x800001\n", { file: "t.s" })).toThrow(/t\.s:1:16: \.space 8388609: size out of range/);
  });

  it("a message quotes a token as written, control characters escaped, so it stays one line", () => {
    // Found by the fuzz suite: a character literal '\n' in the wrong place printed a raw newline.
    expect(errorsOf("        '\\n'\n        .word 1 \"a\\tb\"\n        .word \u0001\n")).toEqual([
      "t.s:1:9: unexpected ''\\n''",
      "t.s:2:17: unexpected '\"a\\tb\"'",
      "t.s:3:15: unexpected character '\\u0001'",
    ]);
    expect(errorsOf('        .include "a\\nb"\n')).toEqual(["t.s:1:18: cannot include 'a\\u000ab': file not found"]);
  });

  it("a file of garbage: the first 100 errors, then the assembler stops", () => {
    const errs = errorsOf("        frob\n".repeat(5000));
    expect(errs).toHaveLength(101);
    expect(errs[99]).toBe("t.s:100:9: unknown instruction 'frob'");
    expect(errs[100]).toBe("t.s:100:9: too many errors: stopped after the first 100");
    // Errors found in the second pass are held to the same count.
    const late = errorsOf("        jmp nowhere\n".repeat(150));
    expect(late).toHaveLength(101);
    expect(late[100]).toMatch(/too many errors/);
  });

  it("a label named like an object's own properties is a symbol like any other", () => {
    const img = assemble("__proto__: nop\nconstructor: nop\n        jmp __proto__\n", { file: "t.s" });
    expect(Object.keys(img.symbols)).toEqual(["__proto__", "constructor"]);
    // biome-ignore lint/suspicious/noProto: a symbol named __proto__ is the point of the test
    expect(img.symbols.__proto__).toBe(0x80000000);
    expect(img.symbols.constructor).toBe(0x80000004);
  });
});
