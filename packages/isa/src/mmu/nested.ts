// The two-dimensional walk of hardware-assisted nested paging: every guest page-table
// reference is a guest-physical address, itself translated through the host table.
// Without caches a TLB miss costs (n+1)(m+1)-1 references for n guest and m host levels:
// each of the n guest entries needs an m-reference host walk plus its own read, and the
// final guest-physical address one more host walk. Two caches cut that (Bhargava et
// al., ASPLOS 2008): the page-walk cache skips guest levels whose entries it holds
// (keyed by the guest-virtual prefix), and the nested TLB skips the host walk of a
// guest-physical page it has translated before. Either is optional, so a cold miss
// still makes (n+1)(m+1)-1 references.
import { PAGE_MASK, PAGE_SHIFT, PTE_FRAME_MASK, PTE_LARGE, PTE_U, PTE_V, PTE_W } from "../arch.js";
import type { NestedTlb, PageWalkCache } from "./walk-caches.js";
import { largeLeaf, walk, walkShape, WALK_OK, WALK_PROTECTION, type Levels, type WalkResult, type WalkShape } from "./walker.js";

/** Outcome codes of `walkNested`. */
export const NESTED_OK = 0;
export const NESTED_GUEST_NOT_PRESENT = 1;
export const NESTED_GUEST_PROTECTION = 2;
/** The host tables do not map a guest-physical address (or forbid the write): an EPT violation. */
export const NESTED_HOST_FAULT = 3;

/** What a nested walk found; reused from walk to walk (no allocation on the CPU's miss path). */
export interface NestedWalkState {
  status: number;
  /** Machine address (NESTED_OK). */
  address: number;
  /** The guest's leaf entry (NESTED_OK and guest faults). */
  pte: number;
  /** The host's leaf entry allows writes (NESTED_OK). */
  hostWritable: boolean;
  /** NESTED_HOST_FAULT: the guest-physical address the host did not allow, and whether its host entry was present. */
  guestPhysical: number;
  hostProtection: boolean;
  guestReferences: number;
  hostReferences: number;
  /** Host translations found in the nested TLB, and those that walked the host table with it enabled. */
  nestedTlbHits: number;
  nestedTlbMisses: number;
  /** Guest levels the page-walk cache let the walk skip (0 on a miss); -1 when no cache was consulted. */
  guestLevelsSkipped: number;
  readonly host: WalkResult;
}

export function newNestedWalkState(): NestedWalkState {
  return {
    status: 0,
    address: 0,
    pte: 0,
    hostWritable: false,
    guestPhysical: 0,
    hostProtection: false,
    guestReferences: 0,
    hostReferences: 0,
    nestedTlbHits: 0,
    nestedTlbMisses: 0,
    guestLevelsSkipped: -1,
    host: { status: 0, pte: 0, references: 0 },
  };
}

/**
 * Guest-physical -> machine through the host table (host tables live in machine memory).
 * Adds its references to `out.hostReferences`; returns -1 with the fault in `out` when the
 * host does not map `gpa` (or forbids the write). With a nested TLB, a guest-physical page
 * it holds (writable, for a write) costs no reference, and a successful walk is cached.
 */
export function hostTranslate(memory: Int32Array, hostRoot: number, hostShape: WalkShape, gpa: number, write: boolean, out: NestedWalkState, ntlb?: NestedTlb, tag = 0): number {
  if (ntlb !== undefined) {
    const slot = ntlb.lookup(gpa >>> PAGE_SHIFT, tag);
    // A write the cached entry does not allow walks, to find the fault (or a new entry).
    if (slot >= 0 && (!write || ntlb.writable[slot] !== 0)) {
      out.nestedTlbHits++;
      out.hostWritable = ntlb.writable[slot] !== 0;
      return (ntlb.frame[slot]! >>> 0) + (gpa & PAGE_MASK);
    }
    out.nestedTlbMisses++;
  }
  const h = walk(memory, hostRoot, hostShape, gpa, write, false, out.host);
  out.hostReferences += h.references;
  if (h.status !== WALK_OK) {
    out.status = NESTED_HOST_FAULT;
    out.guestPhysical = gpa >>> 0;
    out.hostProtection = h.status === WALK_PROTECTION;
    return -1;
  }
  out.hostWritable = (h.pte & PTE_W) !== 0;
  if (ntlb !== undefined) ntlb.insert(gpa >>> PAGE_SHIFT, tag, (h.pte & PTE_FRAME_MASK) >>> 0, out.hostWritable);
  return ((h.pte & PTE_FRAME_MASK) >>> 0) + (gpa & PAGE_MASK);
}

/**
 * The two-dimensional walk of guest-virtual `gva`: the guest's tables from guest-physical
 * `guestRoot`, each reference translated through the host table at machine address
 * `hostRoot`, then the final guest-physical address. `write` and `user` select the
 * guest's protection checks (the host checks only writes). `pwc` and `ntlb`, when
 * given, are the page-walk cache (guest dimension) and nested TLB (host dimension),
 * both looked up and filled with `tag`.
 */
export function walkNested(
  memory: Int32Array,
  guestRoot: number,
  guestShape: WalkShape,
  hostRoot: number,
  hostShape: WalkShape,
  gva: number,
  write: boolean,
  user: boolean,
  out: NestedWalkState,
  pwc?: PageWalkCache,
  ntlb?: NestedTlb,
  tag = 0,
): NestedWalkState {
  out.guestReferences = 0;
  out.hostReferences = 0;
  out.nestedTlbHits = 0;
  out.nestedTlbMisses = 0;
  out.guestLevelsSkipped = -1;
  out.pte = 0;
  const vpn = gva >>> 12;
  let table = guestRoot >>> 0; // guest-physical
  let start = 0;
  if (pwc !== undefined) {
    // The deepest cached upper level first, as the PDE cache is consulted before the PDPTE cache.
    for (let level = guestShape.levels - 2; level >= 0; level--) {
      const t = pwc.lookup(level, vpn >>> guestShape.shifts[level]!, tag);
      if (t >= 0) {
        table = t;
        start = level + 1;
        break;
      }
    }
    out.guestLevelsSkipped = start;
  }
  for (let level = start; level < guestShape.levels; level++) {
    const entryGpa = table + (((vpn >>> guestShape.shifts[level]!) & guestShape.masks[level]!) << 2);
    const entryMa = hostTranslate(memory, hostRoot, hostShape, entryGpa, false, out, ntlb, tag);
    if (entryMa < 0) return out;
    let pte = memory[entryMa >>> 2]!;
    out.guestReferences++;
    out.pte = pte;
    if ((pte & PTE_V) === 0) {
      out.status = NESTED_GUEST_NOT_PRESENT;
      return out;
    }
    // The guest's large page: a leaf one level up (its 4 KiB page within the span).
    const large = level === guestShape.levels - 2 && (pte & PTE_LARGE) !== 0;
    if (large) out.pte = pte = largeLeaf(pte, vpn, guestShape);
    const leaf = large || level === guestShape.levels - 1;
    if (leaf && ((user && (pte & PTE_U) === 0) || (write && (pte & PTE_W) === 0))) {
      out.status = NESTED_GUEST_PROTECTION;
      return out;
    }
    table = (pte & PTE_FRAME_MASK) >>> 0;
    if (leaf) break;
    if (pwc !== undefined) pwc.insert(level, vpn >>> guestShape.shifts[level]!, tag, table);
  }
  const ma = hostTranslate(memory, hostRoot, hostShape, table + (gva & PAGE_MASK), write, out, ntlb, tag);
  if (ma < 0) return out;
  out.status = NESTED_OK;
  out.address = ma;
  return out;
}

export interface NestedWalkResult {
  /** "ok", or which dimension faulted: a guest page fault or a host (EPT) violation. */
  readonly outcome: "ok" | "guest-fault" | "host-fault";
  /** Machine physical address (when ok). */
  readonly address: number;
  /** Guest-physical address whose host translation failed (host-fault). */
  readonly guestPhysical?: number;
  readonly references: number;
  readonly guestReferences: number;
  readonly hostReferences: number;
  /** With the caches given: host translations the nested TLB answered, guest levels the page-walk cache skipped. */
  readonly nestedTlbHits: number;
  readonly guestLevelsSkipped: number;
}

/** The caches a `nestedWalk` may go through (each optional), and their tag. */
export interface NestedWalkCaches {
  readonly pageWalkCache?: PageWalkCache;
  readonly nestedTlb?: NestedTlb;
  readonly tag?: number;
}

/** `walkNested` with its own shapes and a fresh result (for tests and tools). */
export function nestedWalk(
  gva: number,
  guestRoot: number,
  hostRoot: number,
  guestLevels: Levels,
  hostLevels: Levels,
  memory: Int32Array,
  access: { write: boolean; user: boolean },
  caches: NestedWalkCaches = {},
): NestedWalkResult {
  const s = walkNested(
    memory,
    guestRoot,
    walkShape(guestLevels),
    hostRoot,
    walkShape(hostLevels),
    gva,
    access.write,
    access.user,
    newNestedWalkState(),
    caches.pageWalkCache,
    caches.nestedTlb,
    caches.tag ?? 0,
  );
  const common = {
    references: s.guestReferences + s.hostReferences,
    guestReferences: s.guestReferences,
    hostReferences: s.hostReferences,
    nestedTlbHits: s.nestedTlbHits,
    guestLevelsSkipped: Math.max(0, s.guestLevelsSkipped),
  };
  if (s.status === NESTED_OK) return { outcome: "ok", address: s.address, ...common };
  if (s.status === NESTED_HOST_FAULT) return { outcome: "host-fault", address: 0, guestPhysical: s.guestPhysical, ...common };
  return { outcome: "guest-fault", address: 0, ...common };
}
