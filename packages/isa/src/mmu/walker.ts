// The hardware page-table walker (walker profiles): one memory reference per level.
import { PAGE_SHIFT, PTE_FRAME_MASK, PTE_LARGE, PTE_U, PTE_V, PTE_W } from "../arch.js";
import { levelBits } from "../profiles.js";
import type { PageWalkCache } from "./walk-caches.js";
import type { Pmap } from "../pmap.js";

export type Levels = 2 | 3 | 4;

/** Shift and mask of each level's index within the 20-bit virtual page number. */
export interface WalkShape {
  readonly levels: Levels;
  readonly shifts: Int32Array;
  readonly masks: Int32Array;
}

export function walkShape(levels: Levels): WalkShape {
  const bits = levelBits(levels);
  const shifts = new Int32Array(levels);
  const masks = new Int32Array(levels);
  let remaining = 20;
  bits.forEach((b, i) => {
    remaining -= b;
    shifts[i] = remaining;
    masks[i] = (1 << b) - 1;
  });
  return { levels, shifts, masks };
}

/** Outcome codes of a walk; the leaf entry is in `WalkResult.pte`. */
export const WALK_OK = 0;
export const WALK_NOT_PRESENT = 1;
export const WALK_PROTECTION = 2;
export const WALK_BAD_TABLE = 3; // a table address beyond physical memory

/**
 * The 4 KiB leaf a large-page entry (PTE_LARGE, one level above the leaves) gives for
 * `vpn`: the large frame, aligned to its span (low frame bits ignored), plus the page's
 * index within it, with the large entry's flags. The TLB holds 4 KiB pages, so a large
 * page is cached a page at a time (splintered).
 */
export function largeLeaf(pte: number, vpn: number, shape: WalkShape): number {
  const pagesMask = shape.masks[shape.levels - 1]!;
  const base = (pte & PTE_FRAME_MASK & ~(pagesMask << PAGE_SHIFT)) >>> 0;
  return (base + ((vpn & pagesMask) << PAGE_SHIFT)) | (pte & 0xfff);
}

export interface WalkResult {
  status: number;
  pte: number;
  references: number;
}

/**
 * Walks the table rooted at physical `root` for virtual address `va`. `write` and
 * `user` select the protection checks. Reads table words from `mem` (physical). With
 * `pmap`, `root` and the tables are guest-physical (a monitor walking its guest's own
 * tables): each entry is read from the machine frame the pmap gives its table.
 */
export function walk(mem: Int32Array, root: number, shape: WalkShape, va: number, write: boolean, user: boolean, out: WalkResult, pmap?: Pmap): WalkResult {
  out.references = 0;
  return walkFrom(mem, root >>> 0, 0, shape, va >>> PAGE_SHIFT, write, user, out, undefined, 0, pmap);
}

/**
 * `walk` through a page-walk cache: the walk starts below the deepest upper-level entry
 * cached for `va`'s prefix and `tag` (pwc.lastSkipped = the levels it skipped, 0 on a
 * miss), and every present upper-level entry it reads is cached. References count only
 * the entries actually read.
 */
export function walkCached(mem: Int32Array, root: number, shape: WalkShape, va: number, write: boolean, user: boolean, out: WalkResult, pwc: PageWalkCache, tag: number): WalkResult {
  const vpn = va >>> PAGE_SHIFT;
  let table = root >>> 0;
  let start = 0;
  for (let level = shape.levels - 2; level >= 0; level--) {
    const t = pwc.lookup(level, vpn >>> shape.shifts[level]!, tag);
    if (t >= 0) {
      table = t;
      start = level + 1;
      break;
    }
  }
  pwc.lastSkipped = start;
  out.references = 0;
  return walkFrom(mem, table, start, shape, vpn, write, user, out, pwc, tag);
}

/** The walk from `level` down, at `table`; each present upper-level entry read goes into `pwc` when there is one. */
function walkFrom(
  mem: Int32Array,
  table: number,
  start: number,
  shape: WalkShape,
  vpn: number,
  write: boolean,
  user: boolean,
  out: WalkResult,
  pwc: PageWalkCache | undefined,
  tag: number,
  pmap?: Pmap,
): WalkResult {
  for (let level = start; level < shape.levels; level++) {
    const entryAddr = table + (((vpn >>> shape.shifts[level]!) & shape.masks[level]!) << 2);
    if (entryAddr + 4 > (pmap === undefined ? mem.length : pmap.length << 10) * 4) {
      out.status = WALK_BAD_TABLE;
      out.pte = 0;
      return out;
    }
    const pte = mem[pmap === undefined ? entryAddr >>> 2 : (pmap[entryAddr >>> PAGE_SHIFT]! << 10) | ((entryAddr & 0xfff) >>> 2)]!;
    out.references++;
    if ((pte & PTE_V) === 0) {
      out.status = WALK_NOT_PRESENT;
      out.pte = pte;
      return out;
    }
    table = (pte & PTE_FRAME_MASK) >>> 0;
    const large = level === shape.levels - 2 && (pte & PTE_LARGE) !== 0;
    if (level === shape.levels - 1 || large) {
      out.pte = large ? largeLeaf(pte, vpn, shape) : pte;
      out.status = (user && (pte & PTE_U) === 0) || (write && (pte & PTE_W) === 0) ? WALK_PROTECTION : WALK_OK;
      return out;
    }
    pwc?.insert(level, vpn >>> shape.shifts[level]!, tag, table);
  }
  out.status = WALK_NOT_PRESENT;
  return out;
}
