// Builds page tables directly in physical memory, in the walker's format. Used by the
// monitor's nested-paging host tables, by tests and by the benchmark.
import { PAGE_SIZE, PTE_FRAME_MASK, PTE_V } from "../arch.js";
import { walkShape, type Levels, type WalkShape } from "./walker.js";

export class PageTableBuilder {
  readonly root: number;
  private readonly shape: WalkShape;

  /**
   * `allocFrame` returns the physical address of a fresh zeroed page each call.
   */
  constructor(
    private readonly mem: Int32Array,
    levels: Levels,
    private readonly allocFrame: () => number,
  ) {
    this.shape = walkShape(levels);
    this.root = this.fresh();
  }

  private fresh(): number {
    const pa = this.allocFrame();
    if (pa % PAGE_SIZE !== 0) throw new RangeError(`page-table frame 0x${pa.toString(16)} is not page-aligned`);
    this.mem.fill(0, pa >>> 2, (pa + PAGE_SIZE) >>> 2);
    return pa;
  }

  /** Maps the page of `va` to the frame of `pa` with leaf flags (PTE_V is added). */
  map(va: number, pa: number, flags: number): void {
    const vpn = va >>> 12;
    let table = this.root;
    for (let level = 0; level < this.shape.levels; level++) {
      const idx = (vpn >>> this.shape.shifts[level]!) & this.shape.masks[level]!;
      const slot = (table >>> 2) + idx;
      if (level === this.shape.levels - 1) {
        this.mem[slot] = ((pa & PTE_FRAME_MASK) | flags | PTE_V) | 0;
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
