// The real page tables a monitor builds from the guest's (shadow tables, paravirt's
// mirror tables): each known by its machine address, and each guest table by the copies
// made of it, so that a change to a guest table reaches every copy.
import { PTE_FRAME_MASK, PTE_V, type WalkShape } from "@vmlab/isa";

/** A real table the monitor built: where it sits, and the guest table it copies. */
export interface CopiedTable {
  readonly level: number;
  /** First virtual page number it covers. */
  readonly vpnBase: number;
  /** Guest frame number of the guest table it copies; -1 for the monitor's own (kseg0, paging off). */
  readonly guestFrame: number;
}

export class TableCopies<T extends CopiedTable> {
  private readonly byAddress = new Map<number, T>();
  /** Guest frame number -> machine addresses of the tables copied from it. */
  private readonly byGuestFrame = new Map<number, number[]>();
  private readonly last: number;

  constructor(
    private readonly mem: Int32Array,
    private readonly shape: WalkShape,
  ) {
    this.last = shape.levels - 1;
  }

  /** Records table `addr`; true when it is the first copy of its guest table. */
  add(addr: number, table: T): boolean {
    this.byAddress.set(addr, table);
    if (table.guestFrame < 0) return false;
    const list = this.byGuestFrame.get(table.guestFrame);
    if (list) {
      list.push(addr);
      return false;
    }
    this.byGuestFrame.set(table.guestFrame, [addr]);
    return true;
  }

  get(addr: number): T | undefined {
    return this.byAddress.get(addr);
  }

  /** Whether machine address `addr` is one of these tables. */
  has(addr: number): boolean {
    return this.byAddress.has(addr);
  }

  /** The machine addresses of the copies of guest frame `pfn` (a live list: iterate a copy of it while freeing). */
  copiesOf(pfn: number): readonly number[] | undefined {
    return this.byGuestFrame.get(pfn);
  }

  isCopied(pfn: number): boolean {
    return this.byGuestFrame.has(pfn);
  }

  /**
   * Forgets table `addr` and every table below it, children first, handing each to
   * `freed` with whether it was the last copy of its guest table. `keep(index)` names
   * root entries that are not the tree's own (paravirt's kernel half): not followed.
   */
  free(addr: number, freed: (addr: number, table: T, lastCopy: boolean) => void, keep?: (index: number) => boolean): void {
    const table = this.byAddress.get(addr);
    if (!table) return;
    if (table.level < this.last) {
      const entries = this.shape.masks[table.level]! + 1;
      for (let i = 0; i < entries; i++) {
        if (table.level === 0 && keep?.(i)) continue;
        const e = this.mem[(addr >>> 2) + i]!;
        if ((e & PTE_V) !== 0) this.free((e & PTE_FRAME_MASK) >>> 0, freed, keep);
      }
    }
    this.byAddress.delete(addr);
    freed(addr, table, table.guestFrame >= 0 && this.unlist(table.guestFrame, addr));
  }

  /** Takes `addr` off its guest frame's list; true when the list is left empty. */
  private unlist(pfn: number, addr: number): boolean {
    const list = this.byGuestFrame.get(pfn);
    if (!list) return false;
    const k = list.indexOf(addr);
    if (k >= 0) list.splice(k, 1);
    if (list.length > 0) return false;
    this.byGuestFrame.delete(pfn);
    return true;
  }

  clear(): void {
    this.byAddress.clear();
    this.byGuestFrame.clear();
  }
}
