// The image reader on bytes nobody wrote: random bytes, and images written by the
// assembler then mutated (fields set to edge values, bytes changed, cut, inserted). Each
// must read as an image that holds together or fail with one line naming the file.
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { inputFuzzParameters } from "../../../tools/input-fuzz.js";
import { assemble, disassembleImage, getProfile, ImageFormatError, ImageLoadError, Machine, MAX_IMAGE_BYTES, readImageFile, writeImageFile, type Image, type ImageFromFile } from "../src/index.js";

const example = fileURLToPath(new URL("../examples/hello-syscall.s", import.meta.url));
const two = assemble('        .org 0x1000\nstart:  halt\nmsg:    .asciz "abc"\n        .org 0x80002000\nx:      .word 1, 2\ny:      .byte 3\n', { file: "t.s" });
/** Version 1 (no profile): version 2's layout without the profile's 8 bytes after the header. */
const versionOne = (v2: Uint8Array): Uint8Array => {
  const v1 = Uint8Array.from([...v2.subarray(0, 16), ...v2.subarray(24)]);
  v1[4] = 1;
  return v1;
};
const GOOD: Uint8Array[] = [
  writeImageFile(assemble(readFileSync(example, "utf8"), { file: "hello-syscall.s", defines: { RISCV_LIKE: 1, WALKER: 1 } }), { name: "riscv-like", levels: 3 }),
  writeImageFile(two, { name: "mips-like" }),
  writeImageFile(two),
  versionOne(writeImageFile(two)),
  writeImageFile({ entry: 0, segments: [], symbols: {} }),
];
const machine = new Machine({ profile: getProfile("riscv-like") });

const EDGE = [0, 1, 2, 3, 4, 5, 8, 0xffff, 0x10000, 0x7fffffff, 0x80000000, 0xfffffff8, 0xfffffffc, 0xffffffff, MAX_IMAGE_BYTES, MAX_IMAGE_BYTES + 1];
type Edit = { kind: number; at: number; value: number; bytes: Uint8Array };
const edit = fc.record({
  kind: fc.nat(5),
  at: fc.nat(),
  value: fc.oneof(fc.constantFrom(...EDGE), fc.nat(0xffffffff)),
  bytes: fc.uint8Array({ minLength: 1, maxLength: 12 }),
});

function apply(bytes: Uint8Array, e: Edit): Uint8Array {
  const n = bytes.length;
  const at = n === 0 ? 0 : e.at % n;
  switch (e.kind) {
    case 0: {
      // a u32 field (segment counts, lengths, addresses, symbol counts) set to an edge value
      const out = bytes.slice();
      const p = (at & ~3) + 4 <= n ? at & ~3 : Math.max(0, n - 4);
      if (n >= 4) new DataView(out.buffer).setUint32(p, e.value >>> 0, true);
      return out;
    }
    case 1: {
      const out = bytes.slice();
      if (n > 0) out[at] = e.value & 0xff;
      return out;
    }
    case 2: // cut short
      return bytes.slice(0, at);
    case 3: // bytes inserted
      return Uint8Array.from([...bytes.subarray(0, at), ...e.bytes, ...bytes.subarray(at)]);
    case 4: // bytes removed
      return Uint8Array.from([...bytes.subarray(0, at), ...bytes.subarray(at + 1 + (e.value % 8))]);
    default: // a u16 (a symbol name's length)
      if (n < 2) return bytes;
      {
        const out = bytes.slice();
        new DataView(out.buffer).setUint16(Math.min(at, n - 2), e.value & 0xffff, true);
        return out;
      }
  }
}

const overlap = (image: Image): boolean => image.segments.some((a, i) => image.segments.some((b, j) => i < j && a.address < b.address + b.bytes.length && b.address < a.address + a.bytes.length));

/** An image that holds together, or one line naming the file. */
function checkRead(bytes: Uint8Array): void {
  let image: ImageFromFile;
  try {
    image = readImageFile(bytes, "fuzz.img");
  } catch (e) {
    if (!(e instanceof ImageFormatError)) throw new Error(`not an ImageFormatError: ${(e as Error)?.constructor?.name}: ${(e as Error)?.message}`);
    expect(e.message).toMatch(/^fuzz\.img: \S[^\n]*$/);
    return;
  }
  const isWord = (v: number): boolean => Number.isInteger(v) && v >= 0 && v <= 0xffffffff;
  expect(isWord(image.entry)).toBe(true);
  expect(image.segments.every((s) => isWord(s.address) && s.address + s.bytes.length <= 0x100000000)).toBe(true);
  expect(image.segments.reduce((t, s) => t + s.bytes.length, 0)).toBeLessThanOrEqual(MAX_IMAGE_BYTES);
  expect(Object.values(image.symbols).every(isWord)).toBe(true);
  // Written again, it reads back the same.
  const again = readImageFile(writeImageFile(image, image.profile), "again.img");
  expect(again).toEqual(image);
  // A machine loads it or says which segment does not fit; the disassembler takes any image.
  try {
    machine.load(image);
  } catch (e) {
    if (!(e instanceof ImageLoadError)) throw e;
  }
  const text = disassembleImage(image);
  if (!overlap(image)) {
    // The disassembly assembles to the same bytes at the same addresses.
    const back = assemble(text, { file: "disasm.s" });
    const layout = (i: Image) => i.segments.filter((s) => s.bytes.length > 0).map((s) => [s.address, Array.from(s.bytes)]);
    expect(layout(back)).toEqual(layout(image));
  }
}

describe("image reader fuzz: an image or one line naming the file", () => {
  it("random bytes, with and without a valid header", () => {
    const header = Uint8Array.of(0x56, 0x4d, 0x4c, 0x49, 1, 0, 0, 0);
    fc.assert(
      fc.property(fc.boolean(), fc.uint8Array({ maxLength: 96 }), (withHeader, rest) => checkRead(withHeader ? Uint8Array.from([...header, ...rest]) : rest)),
      inputFuzzParameters(14101, 300),
    );
  });

  it("images written by the assembler, then edited", () => {
    fc.assert(
      fc.property(fc.nat(GOOD.length - 1), fc.array(edit, { minLength: 1, maxLength: 4 }), (k, edits) => checkRead(edits.reduce(apply, GOOD[k]!))),
      inputFuzzParameters(14102, 300),
    );
  });
});
