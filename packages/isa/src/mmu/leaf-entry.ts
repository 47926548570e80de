// Finding (and building) the way down to one leaf entry of page tables in machine
// memory: what a monitor does to the real tables it keeps (shadow, mirror tables).
import { PTE_FRAME_MASK, PTE_U, PTE_V, PTE_W } from "../arch.js";
import type { WalkShape } from "./walker.js";

/** An upper-level entry a monitor links in: present, and leaving protection to the leaves. */
export const TABLE_ENTRY_FLAGS = PTE_V | PTE_W | PTE_U;

/**
 * The machine address of the leaf entry for `vpn` in the tables rooted at machine
 * address `root`, through present upper-level entries. Where one is missing,
 * `newTable(level, entry)` gives the zeroed table to link in at `entry` (the missing
 * entry of `level`), or -1 to give up; without it, or on -1, the answer is -1.
 */
export function leafEntry(mem: Int32Array, root: number, shape: WalkShape, vpn: number, newTable?: (level: number, entry: number) => number): number {
  const last = shape.levels - 1;
  let table = root;
  for (let level = 0; level < last; level++) {
    const entry = table + (((vpn >>> shape.shifts[level]!) & shape.masks[level]!) << 2);
    const e = mem[entry >>> 2]!;
    if ((e & PTE_V) !== 0) {
      table = (e & PTE_FRAME_MASK) >>> 0;
      continue;
    }
    const next = newTable ? newTable(level, entry) : -1;
    if (next < 0) return -1;
    mem[entry >>> 2] = next | TABLE_ENTRY_FLAGS;
    table = next;
  }
  return table + (((vpn >>> shape.shifts[last]!) & shape.masks[last]!) << 2);
}
