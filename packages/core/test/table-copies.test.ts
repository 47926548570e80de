import { describe, expect, it } from "vitest";
import { PTE_V, walkShape } from "@vmlab/isa";
import { TableCopies, type CopiedTable } from "../src/index.js";

describe("the tables a monitor copies from the guest's", () => {
  // Two levels: a root at 0x0000 whose entry 5 points at a leaf table at 0x1000, and whose
  // entry 7 points at 0x2000, a table that is not the tree's own (paravirt's kernel half).
  const mem = new Int32Array(3 * 1024);
  mem[5] = 0x1000 | PTE_V;
  mem[7] = 0x2000 | PTE_V;
  const table = (level: number, guestFrame: number): CopiedTable => ({ level, vpnBase: 0, guestFrame });

  it("knows each guest table's copies; the first copy and the last one to go are told", () => {
    const copies = new TableCopies<CopiedTable>(mem, walkShape(2));
    expect(copies.add(0x0000, table(0, 40))).toBe(true);
    expect(copies.add(0x1000, table(1, 41))).toBe(true);
    expect(copies.add(0x3000, table(1, 41))).toBe(false); // a second copy of guest frame 41
    expect(copies.add(0x2000, table(1, -1))).toBe(false); // the monitor's own: no guest frame
    expect(copies.copiesOf(41)).toEqual([0x1000, 0x3000]);

    const freed: [number, boolean][] = [];
    copies.free(
      0x0000,
      (addr, _t, last) => freed.push([addr, last]),
      (index) => index === 7,
    );
    // The child before its root; guest frame 41 keeps its other copy; entry 7 is not followed.
    expect(freed).toEqual([
      [0x1000, false],
      [0x0000, true],
    ]);
    expect(copies.copiesOf(41)).toEqual([0x3000]);
    expect(copies.isCopied(40)).toBe(false);
    expect(copies.has(0x2000)).toBe(true);
    copies.free(0x3000, (addr, _t, last) => freed.push([addr, last]));
    expect(freed[2]).toEqual([0x3000, true]);
    expect(copies.isCopied(41)).toBe(false);
  });
});
