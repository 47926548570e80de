// The two-dimensional walk of hardware-assisted nested paging: every guest page-table
// reference is a guest-physical address, itself translated through the host table.
// Without caches a TLB miss costs (n+1)(m+1)-1 references for n guest and m host levels.
import { PAGE_MASK, PTE_FRAME_MASK } from "../arch.js";
import { walk, walkShape, WALK_OK, type Levels, type WalkResult } from "./walker.js";

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
}

export function nestedWalk(
  gva: number,
  guestRoot: number,
  hostRoot: number,
  guestLevels: Levels,
  hostLevels: Levels,
  memory: Int32Array,
  access: { write: boolean; user: boolean },
): NestedWalkResult {
  const g = walkShape(guestLevels);
  const h = walkShape(hostLevels);
  const hostOut: WalkResult = { status: 0, pte: 0, references: 0 };
  let hostRefs = 0;
  let guestRefs = 0;
  // Guest-physical → machine through the host table (host tables live in machine memory).
  const host = (gpa: number, write: boolean): number => {
    walk(memory, hostRoot, h, gpa, write, false, hostOut);
    hostRefs += hostOut.references;
    if (hostOut.status !== WALK_OK) return -1;
    return ((hostOut.pte & PTE_FRAME_MASK) >>> 0) + (gpa & PAGE_MASK);
  };
  const fail = (outcome: "guest-fault" | "host-fault", gpa?: number): NestedWalkResult => ({
    outcome,
    address: 0,
    ...(gpa === undefined ? {} : { guestPhysical: gpa }),
    references: guestRefs + hostRefs,
    guestReferences: guestRefs,
    hostReferences: hostRefs,
  });
  const vpn = gva >>> 12;
  let table = guestRoot >>> 0; // guest-physical
  for (let level = 0; level < g.levels; level++) {
    const entryGpa = table + (((vpn >>> g.shifts[level]!) & g.masks[level]!) << 2);
    const entryMa = host(entryGpa, false);
    if (entryMa < 0) return fail("host-fault", entryGpa);
    const pte = memory[entryMa >>> 2]!;
    guestRefs++;
    if ((pte & 1) === 0) return fail("guest-fault");
    if (level === g.levels - 1) {
      if ((access.user && (pte & 4) === 0) || (access.write && (pte & 2) === 0)) return fail("guest-fault");
    }
    table = (pte & PTE_FRAME_MASK) >>> 0;
  }
  const gpa = table + (gva & PAGE_MASK);
  const ma = host(gpa, access.write);
  if (ma < 0) return fail("host-fault", gpa);
  return { outcome: "ok", address: ma, references: guestRefs + hostRefs, guestReferences: guestRefs, hostReferences: hostRefs };
}
