import { describe, expect, it } from "vitest";
import { assemble, disassembleImage, disassembleWord, INSTRUCTIONS, OP, type Image } from "../src/index.js";

const layout = (img: Image): [number, number[]][] => img.segments.map((s) => [s.address, Array.from(s.bytes)]);

/** Disassembles, assembles the text again and expects the same bytes at the same addresses. */
function expectRoundTrip(img: Image): string {
  const text = disassembleImage(img);
  const again = assemble(text, { file: "again.s" });
  expect(layout(again)).toEqual(layout(img));
  expect(again.entry).toBe(img.entry);
  return text;
}

/** A small deterministic generator (an LCG), so failures reproduce. */
function lcg(seed: number): () => number {
  let x = seed >>> 0;
  return () => (x = (Math.imul(x, 1103515245) + 12345) >>> 0);
}

describe("disassembleWord", () => {
  it("shows each form as assembly", () => {
    expect(disassembleWord(0x01123000, 0)).toBe("add r1, r2, r3");
    expect(disassembleWord(0x1012fffc, 0)).toBe("addi r1, r2, -4");
    expect(disassembleWord(0x203f0008, 0)).toBe("lw r3, 8(r15)");
    expect(disassembleWord(0x31000000, 0x80001230)).toBe("beq 0x80001234");
    expect(disassembleWord(0x30fffffe, 0x1008)).toBe("jmp 0x00001004");
    expect(disassembleWord(0x48100000, 0)).toBe("rdcr r1, EPC");
    expect(disassembleWord(0x49200063, 0)).toBe("wrcr r2, 99"); // no such register: the number
    expect(disassembleWord(0x45200010, 0)).toBe("out r2, 0x10");
    expect(disassembleWord(0x40000003, 0)).toBe("syscall 3");
    expect(disassembleWord(0x1b20ffff, 0)).toBe("cmpi r2, -1");
    expect(disassembleWord(0x1810ffff, 0)).toBe("lui r1, 65535");
    expect(disassembleWord(0x43000000, 0)).toBe("halt");
    expect(disassembleWord(0x3c700000, 0)).toBe("jr r7");
  });

  it("names branch targets from the symbols", () => {
    expect(disassembleWord(((OP.BEQ << 24) | 0xffffff) >>> 0, 0x1004, { loop: 0x1004 })).toBe("beq loop");
    expect(disassembleWord(((OP.CALL << 24) | 1) >>> 0, 0x1000, { f: 0x1008 })).toBe("call f");
  });

  it("shows unknown opcodes and words with stray bits as .word", () => {
    expect(disassembleWord(0, 0)).toBe(".word 0x00000000");
    expect(disassembleWord(0xff000000, 0)).toBe(".word 0xff000000");
    expect(disassembleWord(0x43000001, 0)).toBe(".word 0x43000001"); // halt with a non-zero unused field
    expect(disassembleWord(0x01123001, 0)).toBe(".word 0x01123001"); // add with low bits set
    expect(disassembleWord(0x14110028, 0)).toBe(".word 0x14110028"); // shli by 40: the assembler allows 0..31
  });
});

describe("disassembleImage round trip", () => {
  it("shows each instruction's address and word beside it", () => {
    // add r1, r2, r3 and addi r1, r2, -4 encode as 0x01123000 and 0x1012fffc (see disassembleWord above).
    const text = expectRoundTrip(assemble("        .org 0x80001000\nstart:  add r1, r2, r3\n        addi r1, r2, -4\n", { file: "w.s" }));
    expect(text).toMatch(/^ +add r1, r2, r3 +; 0x80001000: 01123000$/m);
    expect(text).toMatch(/^ +addi r1, r2, -4 +; 0x80001004: 1012fffc$/m);
  });

  /** One line per instruction-table entry, in each operand form. */
  function everyInstruction(): string {
    const operands: Record<string, string> = {
      none: "",
      rrr: " r1, r2, r3",
      rri: " r4, r5, -7",
      ri: " r8, -300",
      ru: " r9, 0x7f",
      rc: " r10, KSP",
      rr: " r11, r12",
      r: " r13",
      m: " r14, -8(sp)",
      j: " start",
      u: " 42",
    };
    const lines = ["        .org 0x80001000", "start:"];
    for (const i of INSTRUCTIONS) {
      const rru = ` r6, r7, ${/^S[HA][LR]I$/.test(i.mnemonic) ? 5 : 0xbeef}`;
      lines.push(`        ${i.mnemonic.toLowerCase()}${i.form === "rru" ? rru : operands[i.form]}`);
    }
    lines.push("back:   jmp back", "        beq fwd", "        .word 0xdeadbeef, 0, start", 'fwd:    .asciz "tail"');
    lines.push("        .org 0x80100000", "low:    call start", "        .byte 1, 2, 3, 4, 5");
    return lines.join("\n");
  }

  it("every instruction, data and labels: assemble, disassemble, assemble gives the same bytes", () => {
    const img = assemble(everyInstruction(), { file: "all.s" });
    const text = expectRoundTrip(img);
    for (const i of INSTRUCTIONS) expect(text).toMatch(new RegExp(`^\\s+${i.mnemonic.toLowerCase()}\\b`, "m"));
    expect(text).toContain("rdcr r10, KSP");
    expect(text).toContain("jmp back");
    expect(text).toContain("call start");
    expect(text).toContain(".byte 0x5");
  });

  it("keeps unaligned segments, trailing bytes, an entry off any label and jumps that wrap around 0", () => {
    const img: Image = {
      entry: 0x1004,
      segments: [
        // jmp -2 words at address 0 lands at 0xfffffffc (pc arithmetic wraps).
        { address: 0, bytes: Uint8Array.of(0xfe, 0xff, 0xff, 0x30, 0, 0, 0, 0x43) },
        { address: 0x1001, bytes: Uint8Array.of(1, 2, 3, 4, 5) },
        { address: 0xfffffff8, bytes: Uint8Array.of(0x01, 0, 0, 0x30, 9) },
      ],
      symbols: { "x.y": 0, here: 0x1001, top: 0xfffffff8 },
    };
    const text = expectRoundTrip(img);
    expect(text).toContain("jmp 0xfffffffc");
    expect(text).toContain("top:");
  });

  it("random words round-trip, as instructions or as .word", () => {
    const next = lcg(12345);
    const makeSegment = (address: number, count: number): { address: number; bytes: Uint8Array } => {
      const bytes = new Uint8Array(4 * count);
      const view = new DataView(bytes.buffer);
      for (let i = 0; i < count; i++) {
        const x = next();
        // Half the words get an assigned opcode so that most of those decode.
        const w = i % 2 === 0 ? ((INSTRUCTIONS[x % INSTRUCTIONS.length]!.opcode << 24) | (x & 0xffffff)) >>> 0 : x;
        view.setUint32(i * 4, w, true);
      }
      return { address, bytes };
    };
    const segments = [makeSegment(0, 1000), makeSegment(0x80000000, 3000), makeSegment(0xffff0000, 500)];
    const symbols: Record<string, number> = {};
    for (let k = 0; k < 50; k++) symbols[`s${k}`] = 0x80000000 + 4 * (next() % 3000);
    expectRoundTrip({ entry: 0x80000000, segments, symbols });
  });
});
