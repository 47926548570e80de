// A fully associative TLB with first-in first-out replacement. Lookups go through a
// direct index by virtual page number, so a hit costs one typed-array read.
//
// Entries are tagged (VPID under hardware assist; 0 for the host and for every machine
// without tags). The index holds only the current tag's entries: switching tags
// re-indexes (once per VM entry or machine switch, never per lookup), so another
// context's entry is never found, yet stays cached until evicted or flushed.
import { PTE_U, PTE_W } from "../arch.js";
import { NestedTlb, PageWalkCache } from "./walk-caches.js";

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
  /** Per slot, the context the entry belongs to (VPID; 0 = host or untagged). */
  readonly tags: Uint16Array;
  /**
   * The paging-structure caches that go with the TLB: flushed and invalidated with it,
   * per tag (as INVLPG and a CR3 write drop the current context's paging-structure
   * entries). Used by the walker only where the CPU enables them.
   */
  readonly walkCache = new PageWalkCache();
  readonly nestedTlb = new NestedTlb();
  /** vpn → slot + 1 (0 = not present), for entries of the current tag only. */
  private readonly index: Int16Array;
  private next = 0;
  private currentTag = 0;

  constructor(size = 64) {
    if (!Number.isInteger(size) || size < 1 || size > 4096) throw new RangeError(`TLB size ${size} must be 1..4096 entries`);
    this.size = size;
    this.vpn = new Int32Array(size).fill(-1);
    this.frame = new Int32Array(size);
    this.flags = new Uint8Array(size);
    this.attributes = new Uint8Array(size);
    this.tags = new Uint16Array(size);
    this.index = new Int16Array(1 << 20);
  }

  /** The tag lookups match and inserts carry. */
  get tag(): number {
    return this.currentTag;
  }

  /** Makes `tag` the current context: its entries become visible, every other tag's hidden (not dropped). */
  setTag(tag: number): void {
    if (tag === this.currentTag) return;
    this.currentTag = tag;
    for (let s = 0; s < this.size; s++) {
      const v = this.vpn[s]!;
      if (v < 0) continue;
      if (this.tags[s] === tag) this.index[v] = s + 1;
      else if (this.index[v] === s + 1) this.index[v] = 0;
    }
  }

  /** Slot holding vpn for the current tag, or -1. */
  lookup(vpn: number): number {
    return this.index[vpn]! - 1;
  }

  /** Installs an entry for the current tag; returns the virtual page number it evicted, or -1. */
  insert(vpn: number, frameBase: number, flags: number, attributes = 0): number {
    let slot = this.lookup(vpn);
    let evicted = -1;
    if (slot < 0) {
      slot = this.next;
      this.next = (this.next + 1) % this.size;
      const old = this.vpn[slot]!;
      if (old >= 0 && this.index[old] === slot + 1) this.index[old] = 0;
      // Only an eviction of the current context's entry is one its owner can see.
      if (old >= 0 && this.tags[slot] === this.currentTag) evicted = old;
      this.vpn[slot] = vpn;
      this.tags[slot] = this.currentTag;
      this.index[vpn] = slot + 1;
    }
    this.frame[slot] = frameBase;
    this.flags[slot] = flags & (PTE_W | PTE_U);
    this.attributes[slot] = attributes;
    return evicted;
  }

  /** INVLPG: the current tag's entry for vpn, and (as INVLPG does) the tag's paging-structure entries. */
  invalidate(vpn: number): boolean {
    this.walkCache.flushTag(this.currentTag);
    const slot = this.lookup(vpn);
    if (slot < 0) return false;
    this.index[vpn] = 0;
    this.vpn[slot] = -1;
    return true;
  }

  /**
   * A flush of the current context (TLBFLUSH, a PTBR write): its entries and
   * paging-structure entries. Guest-physical translations (the nested TLB) stay: a
   * guest's CR3 write does not touch what the host tables gave.
   */
  flush(): void {
    this.dropTag(this.currentTag);
  }

  /**
   * Drops everything cached for `tag` (current or not), nested TLB included: a context
   * that is gone (a machine switch without tags, a VM transition without VPID). Returns
   * how many TLB entries went.
   */
  flushTag(tag: number): number {
    const n = this.dropTag(tag);
    this.nestedTlb.flushTag(tag);
    return n;
  }

  private dropTag(tag: number): number {
    let n = 0;
    for (let s = 0; s < this.size; s++) {
      const v = this.vpn[s]!;
      if (v < 0 || this.tags[s] !== tag) continue;
      if (this.index[v] === s + 1) this.index[v] = 0;
      this.vpn[s] = -1;
      n++;
    }
    this.walkCache.flushTag(tag);
    return n;
  }

  /** Drops everything, every tag, walk caches included. */
  flushAll(): void {
    for (let s = 0; s < this.size; s++) {
      const v = this.vpn[s]!;
      if (v >= 0) this.index[v] = 0;
      this.vpn[s] = -1;
    }
    this.walkCache.flushAll();
    this.nestedTlb.flushAll();
  }

  /** Number of valid entries (every tag). */
  occupancy(): number {
    let n = 0;
    for (let s = 0; s < this.size; s++) if (this.vpn[s]! >= 0) n++;
    return n;
  }
}
