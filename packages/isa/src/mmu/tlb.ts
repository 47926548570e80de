// A fully associative TLB with first-in first-out replacement. Lookups go through a
// direct index by virtual page number, so a hit costs one typed-array read.
import { PTE_U, PTE_W } from "../arch.js";

/** Guest mode: a kseg0 translation of the guest kernel; a user-mode access must walk instead. */
export const TLB_KERNEL_ONLY = 1;
/** Guest mode, nested paging: the guest allows writes but the host table does not (a write is an EPT violation). */
export const TLB_HOST_READONLY = 2;

export class Tlb {
  readonly size: number;
  /** Virtual page number per slot, -1 when empty. */
  readonly vpn: Int32Array;
  /** Physical frame base address per slot. */
  readonly frame: Int32Array;
  /** PTE_W | PTE_U per slot. */
  readonly flags: Uint8Array;
  /**
   * Per slot, what only guest mode reads (TLB_KERNEL_ONLY, TLB_HOST_READONLY); 0 for
   * every entry installed outside guest mode.
   */
  readonly attributes: Uint8Array;
  /** vpn → slot + 1 (0 = not present). */
  private readonly index: Int16Array;
  private next = 0;

  constructor(size = 64) {
    if (!Number.isInteger(size) || size < 1 || size > 4096) throw new RangeError(`TLB size ${size} must be 1..4096 entries`);
    this.size = size;
    this.vpn = new Int32Array(size).fill(-1);
    this.frame = new Int32Array(size);
    this.flags = new Uint8Array(size);
    this.attributes = new Uint8Array(size);
    this.index = new Int16Array(1 << 20);
  }

  /** Slot holding vpn, or -1. */
  lookup(vpn: number): number {
    return this.index[vpn]! - 1;
  }

  /** Installs an entry; returns the virtual page number it evicted, or -1. */
  insert(vpn: number, frameBase: number, flags: number, attributes = 0): number {
    let slot = this.lookup(vpn);
    let evicted = -1;
    if (slot < 0) {
      slot = this.next;
      this.next = (this.next + 1) % this.size;
      const old = this.vpn[slot]!;
      if (old >= 0) this.index[old] = 0;
      evicted = old;
      this.vpn[slot] = vpn;
      this.index[vpn] = slot + 1;
    }
    this.frame[slot] = frameBase;
    this.flags[slot] = flags & (PTE_W | PTE_U);
    this.attributes[slot] = attributes;
    return evicted;
  }

  invalidate(vpn: number): boolean {
    const slot = this.lookup(vpn);
    if (slot < 0) return false;
    this.index[vpn] = 0;
    this.vpn[slot] = -1;
    return true;
  }

  flush(): void {
    for (let s = 0; s < this.size; s++) {
      const v = this.vpn[s]!;
      if (v >= 0) this.index[v] = 0;
      this.vpn[s] = -1;
    }
  }

  /** Number of valid entries. */
  occupancy(): number {
    let n = 0;
    for (let s = 0; s < this.size; s++) if (this.vpn[s]! >= 0) n++;
    return n;
  }
}
