import { describe, expect, it } from "vitest";
import {
  assemble, AssemblyError, disassembleImage, disassembleWord, ImageFormatError, INSTRUCTIONS, OP, readImageFile, writeImageFile,
  type Image,
} from "../src/index.js";

const words = (img: Image, seg = 0): number[] => {
  const b = img.segments[seg]!.bytes;
  return Array.from({ length: b.length >> 2 }, (_, i) => new DataView(b.buffer, b.byteOffset).getUint32(i * 4, true));
};

function errorsOf(source: string, files: Record<string, string> = {}): string[] {
  try {
    assemble(source, { file: "t.s", readInclude: (p) => {
      if (!(p in files)) throw new Error("missing");
      return files[p]!;
    } });
  } catch (e) {
    if (e instanceof AssemblyError) return e.diagnostics.map((d) => `${d.file.replace(/^.*\//, "")}:${d.line}:${d.col}: ${d.message}`);
    throw e;
  }
  return [];
}

describe("encoding by hand", () => {
  it("encodes the documented fields", () => {
    const img = assemble(
      `        .org 0x80000000
start:  add r1, r2, r3
        addi r4, r5, -2
        lw r6, 8(sp)
        jmp start
        li r7, 0x12345678
        li r8, 0x00050000
        rdcr r9, TVEC`,
      { file: "t.s" },
    );
    expect(words(img)).toEqual([
      ((OP.ADD << 24) | (1 << 20) | (2 << 16) | (3 << 12)) >>> 0,
      ((OP.ADDI << 24) | (4 << 20) | (5 << 16) | 0xfffe) >>> 0,
      ((OP.LW << 24) | (6 << 20) | (15 << 16) | 8) >>> 0,
      ((OP.JMP << 24) | (-4 & 0xffffff)) >>> 0, // target = pc + 4 + 4 * (-4) = start
      ((OP.LUI << 24) | (7 << 20) | 0x1234) >>> 0,
      ((OP.ORI << 24) | (7 << 20) | (7 << 16) | 0x5678) >>> 0,
      ((OP.LUI << 24) | (8 << 20) | 0x0005) >>> 0, // low half zero: one word
      ((OP.RDCR << 24) | (9 << 20) | 4) >>> 0,
    ]);
    expect(img.entry).toBe(0x80000000);
  });

  it("handles expressions, locals, data, alignment, conditionals and includes", () => {
    const img = assemble(
      `        .equ BASE, 0x100
        SIZE = (3 + 1) * 2
        .org 0x80000000
start:  .byte 1, 'A', '\\n'
        .align 4
.here:  .word .here, BASE + SIZE, hi(0x12345678), lo(0x12345678), BASE << 2 | 1
        .ascii "ab"
        .asciz "c"
        .space 3, 0xee
.ifdef FAST
        .byte 9
.else
        .byte 8
.endif
        .include "inc.s"`,
      { file: "t.s", defines: { FAST: 1 }, readInclude: () => "        .byte 7\n" },
    );
    const b = Array.from(img.segments[0]!.bytes);
    expect(b.slice(0, 4)).toEqual([1, 65, 10, 0]);
    expect(words({ ...img, segments: [{ address: 4, bytes: img.segments[0]!.bytes.slice(4, 24) }] })).toEqual([
      0x80000004, 0x108, 0x1234, 0x5678, 0x401,
    ]);
    expect(b.slice(24)).toEqual([97, 98, 99, 0, 0xee, 0xee, 0xee, 9, 7]);
    expect(img.symbols["start.here"]).toBe(0x80000004);
  });
});

describe("assembly errors: every kind, with its position, all at once", () => {
  it("reports each error kind at its line and column", () => {
    const errs = errorsOf(
      [
        "start:  frob r1",                 // 1 unknown mnemonic (col 9)
        "        .bogus 3",                // 2 unknown directive (col 9)
        "        add r1, r2",              // 3 operand count (col 9)
        "        add r1, r2, r16",         // 4 bad register (col 21)
        "        addi r1, r1, 40000",      // 5 immediate out of range (col 22)
        "        jmp nowhere",             // 6 undefined symbol (col 13)
        "start:  nop",                     // 7 duplicate label (col 1)
        "        addi r1, r1, )",          // 8 bad expression (col 22)
        '        .ascii "abc',             // 9 unterminated string (col 16)
        "        .word 1 / 0",             // 10 division by zero (col 17)
        "        jmp 0x80000002",          // 11 misaligned jump target (col 13)
        "        shli r1, r1, 32",         // 12 shift out of range (col 22)
        '        .include "missing.s"',    // 13 include not found (col 18)
        "        .endif",                  // 14 stray .endif (col 9)
        "        .if 1",                   // 15 .if without .endif (col 9)
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
      "t.s:15:9: .if without .endif",
    ]);
  });

  it("names the included file and reports include cycles", () => {
    const errs = errorsOf('        .include "a.s"\n', { "a.s": '        nop\n        bogus\n        .include "a.s"\n' });
    expect(errs).toEqual(["a.s:2:9: unknown instruction 'bogus'", "a.s:3:18: include cycle: 'a.s' is already being included"]);
  });

  it("reports overlapping segments and out-of-range branches", () => {
    expect(errorsOf("        .org 0x1000\n        .word 1, 2\n        .org 0x1004\n        .word 3\n")).toEqual([
      "t.s:3:9: overlapping segments: 0x1000..0x1008 and 0x1004..0x1008".replace("0x1000..0x1008 and 0x1004..0x1008", "0x1004..0x1008 and 0x1000..0x1008"),
    ]);
    expect(errorsOf("        .org 0x1000\n        jmp 0x4000000\n")).toEqual(["t.s:2:13: branch target 0x4000000 out of range (±32 MiB)"]);
  });
});

describe("disassembler round trip", () => {
  function sample(): string {
    const lines = ["        .org 0x80001000", "start:"];
    for (const i of INSTRUCTIONS) {
      const m = i.mnemonic.toLowerCase();
      const ops: Record<string, string> = {
        none: "", rrr: " r1, r2, r3", rri: " r4, r5, -7", rru: ` r6, r7, ${/SH|SAR/.test(i.mnemonic) ? 5 : 0xbeef}`,
        ri: " r8, -300", ru: " r9, 0x7f", rc: " r10, KSP", rr: " r11, r12", r: " r13", m: " r14, -8(sp)", j: " start", u: " 42",
      };
      lines.push(`        ${m}${ops[i.form]}`);
    }
    lines.push("data:   .word 0xdeadbeef, 0, start", "        .asciz \"tail\"");
    return lines.join("\n");
  }

  it("every instruction, data and labels: assemble → disassemble → assemble gives the same bytes", () => {
    const a = assemble(sample(), { file: "all.s" });
    const text = disassembleImage(a);
    const b = assemble(text, { file: "again.s" });
    expect(b.segments.map((s) => [s.address, Array.from(s.bytes)])).toEqual(a.segments.map((s) => [s.address, Array.from(s.bytes)]));
    expect(b.entry).toBe(a.entry);
    expect(text).toContain("rdcr r10, KSP");
  });

  it("random words round-trip (as instructions or as .word)", () => {
    let x = 12345;
    const bytes = new Uint8Array(4 * 4000);
    const view = new DataView(bytes.buffer);
    for (let i = 0; i < 4000; i++) {
      x = (Math.imul(x, 1103515245) + 12345) >>> 0;
      // Bias the opcode byte towards assigned opcodes so most words decode.
      const w = i % 2 === 0 ? (((INSTRUCTIONS[x % INSTRUCTIONS.length]!.opcode << 24) | (x & 0xffffff)) >>> 0) : x;
      view.setUint32(i * 4, w, true);
    }
    const img: Image = { entry: 0x80000000, segments: [{ address: 0x80000000, bytes }], symbols: {} };
    const again = assemble(disassembleImage(img), { file: "r.s" });
    expect(Array.from(again.segments[0]!.bytes)).toEqual(Array.from(bytes));
  });

  it("shows branch targets by name", () => {
    expect(disassembleWord(((OP.BEQ << 24) | 0xffffff) >>> 0, 0x1004, { loop: 0x1004 })).toBe("beq loop");
    expect(disassembleWord(0, 0)).toBe(".word 0x00000000");
  });
});

describe("image file", () => {
  it("round-trips an image and rejects bad files with a clear message", () => {
    const img = assemble("        .org 0x80001000\nstart: halt\n        .org 0x2000\nx: .byte 1, 2, 3\n", { file: "t.s" });
    const back = readImageFile(writeImageFile(img), "t.img");
    expect(back.entry).toBe(img.entry);
    expect(back.symbols).toEqual(img.symbols);
    expect(back.segments.map((s) => [s.address, Array.from(s.bytes)])).toEqual(img.segments.map((s) => [s.address, Array.from(s.bytes)]));
    expect(() => readImageFile(new TextEncoder().encode("hello"), "x.txt")).toThrow(/x\.txt: not a vmlab image/);
    expect(() => readImageFile(writeImageFile(img).slice(0, 20), "cut.img")).toThrow(ImageFormatError);
    expect(() => readImageFile(writeImageFile(img).slice(0, 20), "cut.img")).toThrow(/cut\.img: truncated/);
  });
});
