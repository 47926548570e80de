// The walker's caches beside the TLB (ISA.md, "Walk caches"): a page-walk cache of
// upper-level page-table entries (Intel's paging-structure caches, AMD's PWC) and a
// nested TLB of guest-physical -> machine translations for the host dimension of a
// nested walk (Bhargava et al., ASPLOS 2008). Both are tagged like the TLB (VPID; 0
// for the host), small, fully associative and replaced first-in first-out. Lookups
// scan typed arrays: no allocation on the miss path.

/**
 * Entries per upper level of the page-walk cache. Assumed: the order of Intel's PDE
 * cache (tens of entries) and AMD's PWC of the same era; no published size is
 * calibrated against.
 */
export const PAGE_WALK_CACHE_ENTRIES_PER_LEVEL = 16;
/** Nested-TLB entries. Assumed: a small structure beside the PWC, as Bhargava et al. propose; not calibrated. */
export const NESTED_TLB_ENTRIES = 16;

/** The most upper levels a walk has (a 4-level table has 3 above its leaves). */
const MAX_UPPER_LEVELS = 3;

/** Slots tagged by context (VPID), with what both walk caches do to them alike. */
abstract class TaggedSlots {
  protected readonly tags: Uint16Array;
  protected readonly valid: Uint8Array;
  /** Valid entries, so that invalidating an empty cache costs nothing. */
  protected count = 0;

  constructor(slots: number) {
    this.tags = new Uint16Array(slots);
    this.valid = new Uint8Array(slots);
  }

  /** Drops every entry of `tag` (a TLB flush or invalidation of that context). */
  flushTag(tag: number): void {
    if (this.count === 0) return;
    for (let s = 0; s < this.valid.length; s++) {
      if (this.valid[s] !== 0 && this.tags[s] === tag) {
        this.valid[s] = 0;
        this.count--;
      }
    }
  }

  flushAll(): void {
    this.valid.fill(0);
    this.count = 0;
  }

  get occupancy(): number {
    return this.count;
  }
}

/**
 * Upper-level entries of a walk, keyed by level, the virtual-page-number prefix that
 * selects the entry (vpn >>> shift of that level) and the tag; the value is the address
 * of the next table (guest-physical in a nested walk). A walk starts below the deepest
 * level it finds here, so a hit at level L saves L + 1 entry reads.
 */
export class PageWalkCache extends TaggedSlots {
  readonly entriesPerLevel: number;
  private readonly prefix: Int32Array;
  private readonly table: Int32Array;
  private readonly next = new Int32Array(MAX_UPPER_LEVELS);
  /** Upper levels the last walk through this cache skipped (0: it started at the root). */
  lastSkipped = 0;

  constructor(entriesPerLevel = PAGE_WALK_CACHE_ENTRIES_PER_LEVEL) {
    super(entriesPerLevel * MAX_UPPER_LEVELS);
    this.entriesPerLevel = entriesPerLevel;
    this.prefix = new Int32Array(entriesPerLevel * MAX_UPPER_LEVELS);
    this.table = new Int32Array(entriesPerLevel * MAX_UPPER_LEVELS);
  }

  /** The next table's address cached for (level, prefix, tag), or -1. */
  lookup(level: number, prefix: number, tag: number): number {
    const e = this.entriesPerLevel;
    for (let s = level * e, end = s + e; s < end; s++) {
      if (this.valid[s] !== 0 && this.prefix[s] === prefix && this.tags[s] === tag) return this.table[s]! >>> 0;
    }
    return -1;
  }

  insert(level: number, prefix: number, tag: number, table: number): void {
    const e = this.entriesPerLevel;
    let s = level * e;
    for (const end = s + e; s < end; s++) {
      if (this.valid[s] !== 0 && this.prefix[s] === prefix && this.tags[s] === tag) break;
    }
    if (s === level * e + e) {
      s = level * e + this.next[level]!;
      this.next[level] = (this.next[level]! + 1) % e;
      if (this.valid[s] === 0) this.count++;
    }
    this.valid[s] = 1;
    this.prefix[s] = prefix;
    this.tags[s] = tag;
    this.table[s] = table;
  }
}

/**
 * Guest-physical page -> machine frame, as the host tables gave it, with whether the
 * host allows writes; keyed by guest frame number and tag. Only successful host walks
 * are cached (a host entry that was not present is never remembered, so adding one
 * needs no invalidation; changing or removing a present one does: `flushTag`).
 */
export class NestedTlb extends TaggedSlots {
  readonly size: number;
  private readonly gfn: Int32Array;
  /** Machine frame base per slot. */
  readonly frame: Int32Array;
  readonly writable: Uint8Array;
  private next = 0;

  constructor(size = NESTED_TLB_ENTRIES) {
    super(size);
    this.size = size;
    this.gfn = new Int32Array(size);
    this.frame = new Int32Array(size);
    this.writable = new Uint8Array(size);
  }

  /** Slot holding guest frame `gfn` for `tag`, or -1. */
  lookup(gfn: number, tag: number): number {
    for (let s = 0; s < this.size; s++) {
      if (this.valid[s] !== 0 && this.gfn[s] === gfn && this.tags[s] === tag) return s;
    }
    return -1;
  }

  insert(gfn: number, tag: number, frameBase: number, writable: boolean): void {
    let s = this.lookup(gfn, tag);
    if (s < 0) {
      s = this.next;
      this.next = (this.next + 1) % this.size;
      if (this.valid[s] === 0) this.count++;
    }
    this.valid[s] = 1;
    this.gfn[s] = gfn;
    this.tags[s] = tag;
    this.frame[s] = frameBase;
    this.writable[s] = writable ? 1 : 0;
  }
}
