import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { assemble, assembleFile, AssemblyError, OP, type Image } from "../src/index.js";

/** The little-endian words of a segment. */
const words = (img: Image, seg = 0): number[] => {
  const b = img.segments[seg]!.bytes;
  const view = new DataView(b.buffer, b.byteOffset, b.byteLength);
  return Array.from({ length: b.length >> 2 }, (_, i) => view.getUint32(i * 4, true));
};
const bytes = (img: Image, seg = 0): number[] => Array.from(img.segments[seg]!.bytes);
const asm = (source: string, defines?: Record<string, number>): Image => assemble(source, { file: "t.s", defines });

describe("the ISA.md hello world", () => {
  it("encodes every word as computed by hand", () => {
    const img = asm(`; comment (also #)
        .equ   CONSOLE, 0x10          ; constant
        .org   0x80001000             ; set the location counter
start:  li     r1, msg                ; load a constant or an address (1 or 2 words)
loop:   lbu    r2, 0(r1)
        cmpi   r2, 0
        beq    done
        out    r2, CONSOLE
        addi   r1, r1, 1
        jmp    loop
done:   halt
msg:    .asciz "hello\\n"
`);
    expect(img.segments).toHaveLength(1);
    expect(img.segments[0]!.address).toBe(0x80001000);
    expect(img.entry).toBe(0x80001000);
    // msg is a forward reference, so li takes two words: msg = 0x80001000 + 9 * 4.
    expect(words(img).slice(0, 9)).toEqual([
      0x18108000, // lui r1, 0x8000
      0x12111024, // ori r1, r1, 0x1024
      0x22210000, // lbu r2, 0(r1)
      0x1b200000, // cmpi r2, 0
      0x31000003, // beq: pc 0x80001010, target 0x80001020 = pc + 4 + 4*3
      0x45200010, // out r2, 0x10
      0x10110001, // addi r1, r1, 1
      0x30fffffa, // jmp: pc 0x8000101c, target 0x80001008 = pc + 4 + 4*(-6)
      0x43000000, // halt
    ]);
    expect(bytes(img).slice(36)).toEqual([0x68, 0x65, 0x6c, 0x6c, 0x6f, 0x0a, 0x00]);
    expect(img.symbols).toEqual({ start: 0x80001000, loop: 0x80001008, done: 0x80001020, msg: 0x80001024 });
  });

  it("packs the documented fields of each form", () => {
    const img = asm(`        .org 0x80000000
start:  add r1, r2, r3
        addi r4, r5, -2
        lw r6, 8(sp)
        jmp start
        rdcr r9, TVEC
        sw r1, (r2)
        syscall 7`);
    expect(words(img)).toEqual([
      ((OP.ADD << 24) | (1 << 20) | (2 << 16) | (3 << 12)) >>> 0,
      ((OP.ADDI << 24) | (4 << 20) | (5 << 16) | 0xfffe) >>> 0,
      ((OP.LW << 24) | (6 << 20) | (15 << 16) | 8) >>> 0,
      ((OP.JMP << 24) | (-4 & 0xffffff)) >>> 0, // target = pc + 4 + 4 * (-4) = start
      ((OP.RDCR << 24) | (9 << 20) | 4) >>> 0,
      ((OP.SW << 24) | (1 << 20) | (2 << 16)) >>> 0,
      ((OP.SYSCALL << 24) | 7) >>> 0,
    ]);
  });
});

describe("expressions", () => {
  it("follows C precedence, parentheses, hi/lo, '.', characters and number bases", () => {
    const img = asm(`        .org 0x1000
here:   .word 1 + 2 * 3, (1 + 2) * 3, 1 << 2 + 1, 6 & 3 | 8, 1 | 2 ^ 3 & 1
        .word ~0, -1, 10 % 4, 7 / 2, -7 / 2, 0b101, 0x1_0
        .word hi(0x12345678), lo(0x12345678), hi(here + 0x10000), . - here, .
        .word 'A', '\\n', '\\t', '\\0', '\\\\', '\\'', '\\"', ';', '#'`);
    expect(words(img)).toEqual([7, 9, 8, 10, 3, 0xffffffff, 0xffffffff, 2, 3, -3 >>> 0, 5, 16, 0x1234, 0x5678, 1, 0x3c, 0x1040, 65, 10, 9, 0, 92, 39, 34, 59, 35]);
  });

  it("accepts constants by .equ and NAME = EXPR, also defined after their use", () => {
    const img = asm(`        .org 0
        .word A, B, C
        .equ A, 0x100
        B = A * 2 + C
        C = 3`);
    expect(words(img)).toEqual([0x100, 0x203, 3]);
  });
});

describe("data directives", () => {
  it("lays out bytes, strings, space, alignment and words", () => {
    const img = asm(`        .org 0x2000
a:      .byte 1, -1, 'z', 255
        .ascii "a#b;c\\"d", "\\t\\0\\\\"
        .asciz "x"
        .space 3, 0xaa
        .space 2
        .align 8
b:      .word a, b
        .align 4`);
    // 4 + 7 + 3 + 2 + 3 + 2 = 21 bytes, aligned to 24 for b.
    expect(bytes(img).slice(0, 24)).toEqual([1, 0xff, 0x7a, 0xff, 0x61, 0x23, 0x62, 0x3b, 0x63, 0x22, 0x64, 9, 0, 0x5c, 0x78, 0, 0xaa, 0xaa, 0xaa, 0, 0, 0, 0, 0]);
    expect(img.symbols.b).toBe(0x2018);
    expect(words(img).slice(6)).toEqual([0x2000, 0x2018]);
  });

  it("starts at the origin (default kseg0) and opens a segment per .org", () => {
    expect(asm("        nop").segments[0]!.address).toBe(0x80000000);
    expect(assemble("        nop", { file: "t.s", origin: 0x4000 }).segments[0]!.address).toBe(0x4000);
    const img = asm("        .byte 1\n        .org 0x3000\n        .byte 2, 3\n        .org 0x1000\n        .byte 4\n");
    expect(img.segments.map((s) => [s.address, Array.from(s.bytes)])).toEqual([
      [0x80000000, [1]],
      [0x3000, [2, 3]],
      [0x1000, [4]],
    ]);
  });
});

describe("labels and entry", () => {
  it("scopes local labels to the last global label", () => {
    const img = asm(`        .org 0
f:      nop
.loop:  nop
        jmp .loop
g:      jmp .loop
.loop:  halt`);
    expect(words(img)[2]).toBe(((OP.JMP << 24) | (-2 & 0xffffff)) >>> 0); // 8 -> 4
    expect(words(img)[3]).toBe((OP.JMP << 24) >>> 0); // 12 -> 16, g's own .loop
    expect(img.symbols["f.loop"]).toBe(4);
    expect(img.symbols["g.loop"]).toBe(16);
  });

  it("takes .entry, else start, else the first byte assembled", () => {
    expect(asm("        .org 0x100\n        nop\nmain:   nop\nstart:  nop\n        .entry main").entry).toBe(0x104);
    expect(asm("        .org 0x100\n        nop\nstart:  nop").entry).toBe(0x104);
    expect(asm("        .org 0x2000\n        nop\n        .org 0x1000\n        nop").entry).toBe(0x2000);
    expect(asm("        .entry 0x1234\n        .org 0x1000\n        nop").entry).toBe(0x1234);
  });
});

describe("instructions and pseudo-instructions", () => {
  it("chooses li's size from the value known in pass 1; la is always two words", () => {
    const img = asm(`        .org 0
        li r5, 0x10000
        la r5, 0x10000
        li r6, later
        li r7, -1
        li r8, 0x1234
        later = 0x20000`);
    expect(words(img)).toEqual([
      0x18500001, // li: low half zero, one lui
      0x18500001,
      0x12550000, // la: lui + ori
      0x18600002,
      0x12660000, // forward value: two words even though the low half is zero
      0x1870ffff,
      0x1277ffff,
      0x18800000,
      0x12881234,
    ]);
  });

  it("expands mov, nop, push and pop lists (pop mirrors push)", () => {
    const img = asm(`        .org 0
        mov r3, r4
        nop
        push r1, r2, sp
        pop r1, r2, sp
        push r9
        call f
f:      ret`);
    expect(words(img)).toEqual([
      0x10340000,
      0x10000000,
      0x25100000,
      0x25200000,
      0x25f00000,
      0x26f00000,
      0x26200000,
      0x26100000,
      0x25900000,
      0x3b000000, // call: pc 36, target 40
      0x3e000000,
    ]);
  });

  it("is case-insensitive for mnemonics, registers and control registers", () => {
    const img = asm(`        .org 0
        ADDI R1, SP, 4
        rdcr r1, epc
        WrCr r2, Ptbr
        rdcr r1, 9
        Mov r2, R15`);
    expect(words(img)).toEqual([0x101f0004, 0x48100000, 0x49200005, 0x48100009, 0x102f0000]);
  });
});

describe("conditional assembly", () => {
  it("nests, takes .else branches and sees defines", () => {
    const src = `        .org 0
.if 0
  .if 1
        .byte 1
  .else
        .byte 2
  .endif
.else
  .ifndef X
        .byte 3
  .else
        .byte 4
  .endif
.endif
.if X == 5 && 1
        .byte 5
.endif
.ifdef Y
        .byte 6
.endif
.if 0
        this line is not assembled "nor lexed
.endif`;
    expect(bytes(asm(src, { X: 5 }))).toEqual([4, 5]);
    expect(bytes(asm(src, { X: 4, Y: 0 }))).toEqual([4, 6]);
    expect(() => asm(src)).toThrow(/t\.s:15:5: undefined symbol 'X'/);
  });
});

describe("assembleFile", () => {
  const dir = mkdtempSync(join(tmpdir(), "vmlab-asm-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  mkdirSync(join(dir, "lib"));
  writeFileSync(join(dir, "common.s"), "        .equ VALUE, 0x42\n");
  writeFileSync(join(dir, "lib", "util.s"), '        .include "../common.s"\nutil:   li r1, VALUE\n        ret\n');
  writeFileSync(join(dir, "main.s"), '        .org 0x80002000\nstart:  call util\n        halt\n        .include "lib/util.s"\n');
  writeFileSync(join(dir, "bad.s"), '        nop\n        .include "lib/broken.s"\n');
  writeFileSync(join(dir, "lib", "broken.s"), "        nop\n        addi r1, r1\n");

  it("reads includes relative to the including file", () => {
    const img = assembleFile(join(dir, "main.s"));
    expect(words(img)).toEqual([0x3b000001, 0x43000000, 0x18100000, 0x12110042, 0x3e000000]);
    expect(img.symbols.util).toBe(0x80002008);
  });

  it("names the included file in errors, and the missing file", () => {
    expect(() => assembleFile(join(dir, "bad.s"))).toThrow(`${join(dir, "lib", "broken.s")}:2:9: 'addi' takes 3 operands`);
    expect(() => assembleFile(join(dir, "nope.s"))).toThrow(AssemblyError);
    expect(() => assembleFile(join(dir, "nope.s"))).toThrow(`${join(dir, "nope.s")}: cannot read file (ENOENT)`);
  });

  it("passes defines and origin", () => {
    writeFileSync(join(dir, "cond.s"), ".ifdef BIG\n        .word 1\n.else\n        .byte 1\n.endif\n");
    const img = assembleFile(join(dir, "cond.s"), { defines: { BIG: 1 }, origin: 0x3000 });
    expect(img.segments[0]!.address).toBe(0x3000);
    expect(bytes(img)).toEqual([1, 0, 0, 0]);
  });
});
