// Builds page tables directly in physical memory, in the walker's format. Used by the
// monitor's nested-paging host tables, by tests and by the benchmark.
import { PAGE_SIZE, PTE_FRAME_MASK, PTE_LARGE, PTE_V } from "../arch.js";
import { walkShape, type Levels, type WalkShape } from "./walker.js";
import type { Pmap } from "../pmap.js";

export class PageTableBuilder {
  readonly root: number;
  private readonly shape: WalkShape;

  /**
   * `allocFrame` returns the physical address of a fresh zeroed page each call. With
   * `pmap`, the tables are guest-physical (a guest's own, built in the machine frames
   * its monitor gave it): `allocFrame` and the root are guest-physical too.
   */
  constructor(
    private readonly mem: Int32Array,
    levels: Levels,
    private readonly allocFrame: () => number,
    private readonly pmap?: Pmap,
  ) {
    this.shape = walkShape(levels);
    this.root = this.fresh();
  }

  private fresh(): number {
    const pa = this.allocFrame();
    if (pa % PAGE_SIZE !== 0) throw new RangeError(`page-table frame 0x${pa.toString(16)} is not page-aligned`);
    const at = this.word(pa);
    this.mem.fill(0, at, at + (PAGE_SIZE >>> 2));
    return pa;
  }

  /** Index in `mem` of the word at (physical or guest-physical) `pa`. */
  private word(pa: number): number {
    return this.pmap === undefined ? pa >>> 2 : (this.pmap[pa >>> 12]! << 10) | ((pa & 0xfff) >>> 2);
  }

  /** Bytes one large page maps: a whole last-level table's span (4 MiB, 512 KiB or 128 KiB for 2, 3, 4 levels). */
  get largePageBytes(): number {
    return (this.shape.masks[this.shape.levels - 1]! + 1) * PAGE_SIZE;
  }

  /** Maps the page of `va` to the frame of `pa` with leaf flags (PTE_V is added). */
  map(va: number, pa: number, flags: number): void {
    this.mapAt(va, pa, flags, this.shape.levels - 1);
  }

  /** Maps the large page of `va` (both aligned to `largePageBytes`) to `pa`: a PTE_LARGE leaf one level up. */
  mapLarge(va: number, pa: number, flags: number): void {
    const span = this.largePageBytes;
    if (va % span !== 0 || pa % span !== 0) throw new RangeError(`a large page maps ${span} bytes from an address aligned to them`);
    this.mapAt(va, pa, flags | PTE_LARGE, this.shape.levels - 2);
  }

  private mapAt(va: number, pa: number, flags: number, leafLevel: number): void {
    const vpn = va >>> 12;
    let table = this.root;
    for (let level = 0; level <= leafLevel; level++) {
      const idx = (vpn >>> this.shape.shifts[level]!) & this.shape.masks[level]!;
      const slot = this.word(table) + idx;
      if (level === leafLevel) {
        this.mem[slot] = (pa & PTE_FRAME_MASK) | flags | PTE_V | 0;
        return;
      }
      let entry = this.mem[slot]!;
      if ((entry & PTE_V) === 0) {
        entry = this.fresh() | PTE_V;
        this.mem[slot] = entry;
      }
      table = (entry & PTE_FRAME_MASK) >>> 0;
    }
  }
}
