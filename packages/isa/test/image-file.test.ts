import { describe, expect, it } from "vitest";
import { assemble, ImageFormatError, readImageFile, writeImageFile, type Image } from "../src/index.js";

const layout = (img: Image): [number, number[]][] => img.segments.map((s) => [s.address, Array.from(s.bytes)]);

describe("image file", () => {
  it("lays out the documented little-endian fields, padded to 4", () => {
    const img: Image = {
      entry: 0x80000004,
      segments: [{ address: 0x80000000, bytes: Uint8Array.of(1, 2, 3, 4, 5) }],
      symbols: { ab: 0x80000004 },
    };
    expect(Array.from(writeImageFile(img, { name: "x86-like", levels: 2 }))).toEqual([
      0x56,
      0x4d,
      0x4c,
      0x49, // "VMLI"
      2,
      0,
      0,
      0, // version
      4,
      0,
      0,
      0x80, // entry
      1,
      0,
      0,
      0, // one segment
      2,
      0,
      0,
      0, // two page-table levels
      8,
      0,
      0x78,
      0x38,
      0x36,
      0x2d,
      0x6c,
      0x69,
      0x6b,
      0x65,
      0,
      0, // profile name length, "x86-like" (2 + 8 = 10, padded to 12)
      0,
      0,
      0,
      0x80,
      5,
      0,
      0,
      0,
      1,
      2,
      3,
      4,
      5,
      0,
      0,
      0, // address, length, bytes padded
      1,
      0,
      0,
      0, // one symbol
      4,
      0,
      0,
      0x80,
      2,
      0,
      0x61,
      0x62, // address, name length, "ab" (4 + 2 + 2 = 8, already aligned)
    ]);
  });

  it("records the profile; a version 1 file (no profile) still reads", () => {
    const img = assemble("start: halt\n", { file: "t.s" });
    expect(readImageFile(writeImageFile(img, { name: "mips-like" }), "m.img").profile).toEqual({ name: "mips-like" });
    expect(readImageFile(writeImageFile(img, { name: "riscv-like", levels: 4 }), "r.img").profile).toEqual({ name: "riscv-like", levels: 4 });
    // Version 1: the header, then the segments at once (no profile fields).
    const v1 = [0x56, 0x4d, 0x4c, 0x49, 1, 0, 0, 0, 0, 0, 0, 0x80, 1, 0, 0, 0, 0, 0, 0, 0x80, 4, 0, 0, 0, 0x11, 0x22, 0x33, 0x44, 0, 0, 0, 0];
    const old = readImageFile(Uint8Array.from(v1), "old.img");
    expect(old.profile).toBeUndefined();
    expect(old.entry).toBe(0x80000000);
    expect(layout(old)).toEqual([[0x80000000, [0x11, 0x22, 0x33, 0x44]]]);
  });

  it("round-trips assembled images, empty ones and UTF-8 names", () => {
    const img = assemble("        .org 0x80001000\nstart: halt\n        .org 0x2000\nx: .byte 1, 2, 3\n", { file: "t.s" });
    const back = readImageFile(writeImageFile(img), "t.img");
    expect(back.entry).toBe(img.entry);
    expect(back.symbols).toEqual(img.symbols);
    expect(layout(back)).toEqual(layout(img));

    const empty: Image = { entry: 0, segments: [], symbols: {} };
    expect(writeImageFile(empty).length).toBe(28); // 16 header + 4 levels + 4 (empty profile name) + 4 symbol count
    expect(readImageFile(writeImageFile(empty), "e.img")).toEqual(empty);

    const named: Image = { entry: 8, segments: [{ address: 8, bytes: new Uint8Array(0) }], symbols: { café: 8, z: 0xffffffff } };
    expect(readImageFile(writeImageFile(named), "n.img").symbols).toEqual(named.symbols);
  });

  it("rejects bad files with the file name and what is wrong", () => {
    const good = writeImageFile(assemble("start: halt\n.byte 7\n", { file: "t.s" }));
    expect(() => readImageFile(new TextEncoder().encode("hello"), "x.txt")).toThrow(/^x\.txt: not a vmlab image \(bad magic/);
    expect(() => readImageFile(new Uint8Array(0), "empty.img")).toThrow(ImageFormatError);

    const v3 = good.slice();
    v3[4] = 3;
    expect(() => readImageFile(v3, "v3.img")).toThrow("v3.img: unsupported image version 3");

    // Every cut after the magic is reported as truncated, with the file's length.
    for (let n = 4; n < good.length; n++) {
      expect(() => readImageFile(good.slice(0, n), "cut.img")).toThrow(`cut.img: truncated at byte ${n}`);
    }
    const longer = new Uint8Array(good.length + 4);
    longer.set(good);
    expect(() => readImageFile(longer, "long.img")).toThrow(`long.img: 4 unexpected bytes after the symbol table at byte ${good.length}`);
    expect(() => writeImageFile({ entry: 0, segments: [], symbols: { ["x".repeat(70000)]: 0 } })).toThrow(ImageFormatError);
  });

  it("a recorded profile vmlab does not know, or a walker depth it does not have, is refused naming the file", () => {
    // Found by the fuzz suite: any name and any depth were read back as the image's profile.
    const img = assemble("start: halt\n", { file: "t.s" });
    expect(() => readImageFile(writeImageFile(img, { name: "arm-like" }), "a.img")).toThrow("a.img: records an unknown profile 'arm-like' (valid: mips-like, riscv-like, x86-like)");
    expect(() => readImageFile(writeImageFile(img, { name: "riscv-like", levels: 8388609 }), "r.img")).toThrow("r.img: records 8388609 page-table levels for riscv-like, which has 2, 3 or 4");
    expect(() => readImageFile(writeImageFile(img, { name: "mips-like", levels: 2 }), "m.img")).toThrow("m.img: records 2 page-table levels for mips-like, which has a software-managed TLB");
  });

  it("a segment that reaches the end of the address space is refused, as the assembler refuses it", () => {
    // Found by the fuzz suite: 8 bytes at 0xfffffff8 were read, and their disassembly did not assemble.
    const bytes = writeImageFile({ entry: 0, segments: [{ address: 0xfffffff8, bytes: new Uint8Array(8) }], symbols: {} });
    expect(() => readImageFile(bytes, "end.img")).toThrow("end.img: segment 0 (8 bytes at 0xfffffff8) reaches the end of the address space");
    const ok = writeImageFile({ entry: 0, segments: [{ address: 0xfffffff0, bytes: new Uint8Array(8) }], symbols: {} });
    expect(readImageFile(ok, "ok.img").segments[0]!.address).toBe(0xfffffff0);
  });

  it("a segment length of 2^31 or more is a truncated file, not a host error", () => {
    // The first segment's length field sits after the 16-byte header, the 8 bytes of an
    // empty profile and the segment's 4-byte address.
    for (const length of [0x80000000, 0xfffffffe]) {
      const bad = writeImageFile(assemble("start: halt\n", { file: "t.s" }));
      new DataView(bad.buffer).setUint32(28, length, true);
      expect(() => readImageFile(bad, "big.img")).toThrow(/^big\.img: truncated at byte \d+ \(needed \d{10}\)/);
    }
  });
});
