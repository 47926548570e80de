// A monitor's walk of its guest's own page tables, in guest-physical memory, as the
// bare machine's walker would do it (same checks, same outcome codes), remembering the
// tables it went through: shadow and mirror tables are built from that path.
import {
  ACCESS_WRITE,
  CAUSE,
  KSEG_BASE,
  largeLeaf,
  PAGE_SHIFT,
  PTE_FRAME_MASK,
  PTE_LARGE,
  PTE_U,
  PTE_V,
  PTE_W,
  walkShape,
  WALK_BAD_TABLE,
  WALK_NOT_PRESENT,
  WALK_OK,
  WALK_PROTECTION,
  type Levels,
  type WalkShape,
} from "@vmlab/isa";
import { containedAttempt, type ContainedAttempt } from "./contained-attempts.js";
import type { GuestMemory } from "./guest-memory.js";
import { setFault, type VmContext } from "./vm-context.js";

export class GuestWalk {
  readonly shape: WalkShape;
  /** Guest-physical addresses of the tables the last walk went through, root first. */
  readonly path = new Int32Array(4);
  pathLength = 0;
  /** The leaf the last walk reached (WALK_OK, WALK_PROTECTION): a large page's as its 4 KiB page. */
  pte = 0;
  /** The table past the VM's memory that the last walk answering WALK_BAD_TABLE tried to read. */
  badTable = 0;

  /**
   * `largePages`: a PTE_LARGE entry one level above the leaves is a leaf, as for the
   * hardware walker; without, it is read as a table (tables whose copies carry no
   * large entries, whose guest writes none).
   */
  constructor(
    private readonly guest: GuestMemory,
    readonly levels: Levels,
    private readonly largePages: boolean,
  ) {
    this.shape = walkShape(levels);
  }

  /** Walks from guest-physical `root` (0: paging off, identity) for `va`; answers a WALK_* code. */
  walk(root: number, va: number, write: boolean, user: boolean): number {
    const guest = this.guest;
    this.pathLength = 0;
    if (root === 0) {
      this.pte = (va & PTE_FRAME_MASK) | PTE_V | PTE_W | PTE_U;
      return WALK_OK;
    }
    const { shifts, masks } = this.shape;
    const vpn = va >>> PAGE_SHIFT;
    let table = root;
    for (let level = 0; level < this.levels; level++) {
      const entry = table + (((vpn >>> shifts[level]!) & masks[level]!) << 2);
      if (entry + 4 > guest.bytes) {
        this.badTable = table;
        return WALK_BAD_TABLE;
      }
      this.path[this.pathLength++] = table;
      const pte = guest.read32(entry);
      if ((pte & PTE_V) === 0) return WALK_NOT_PRESENT;
      const large = this.largePages && level === this.levels - 2 && (pte & PTE_LARGE) !== 0;
      if (level === this.levels - 1 || large) {
        this.pte = large ? largeLeaf(pte, vpn, this.shape) : pte;
        return (user && (pte & PTE_U) === 0) || (write && (pte & PTE_W) === 0) ? WALK_PROTECTION : WALK_OK;
      }
      table = (pte & PTE_FRAME_MASK) >>> 0;
    }
    return WALK_NOT_PRESENT;
  }

  /**
   * Guest-virtual to guest-physical as the guest's MMU has it (kseg0 for its kernel,
   * then its tables from `root`), for the monitor's own accesses: -1 with vm.fault set
   * where the guest's MMU would fault; a reach past the VM's memory is audited.
   */
  translate(vm: VmContext, root: number, user: boolean, va: number, access: number): number {
    va = va >>> 0;
    let pa: number;
    let attempt: ContainedAttempt;
    if (!user && va >= KSEG_BASE) {
      pa = va - KSEG_BASE;
      attempt = { kind: "kseg0", guestPhysical: pa };
    } else {
      const status = this.walk(root, va, access === ACCESS_WRITE, user);
      if (status === WALK_BAD_TABLE) return beyond(vm, { kind: "page table", virtualAddress: va, tableAddress: this.badTable }, va, access);
      if (status !== WALK_OK) return fail(vm, CAUSE.PAGE_FAULT, va, access, status === WALK_PROTECTION);
      pa = ((this.pte & PTE_FRAME_MASK) >>> 0) + (va & 0xfff);
      attempt = root === 0 ? { kind: "paging off", guestPhysical: pa } : { kind: "page mapping", virtualAddress: va, guestFrameAddress: pa };
    }
    if (pa >= vm.guest.bytes) return beyond(vm, attempt, va, access);
    return pa;
  }
}

/** A monitor's access for the guest past its memory: audited as the hardware's would be, and bare metal's fault set. */
function beyond(vm: VmContext, attempt: ContainedAttempt, va: number, access: number): -1 {
  vm.audit(containedAttempt(attempt));
  return fail(vm, CAUSE.ADDRESS_ERROR, va, access, false);
}

function fail(vm: VmContext, cause: number, va: number, access: number, protection: boolean): -1 {
  setFault(vm, cause, va, access, protection);
  return -1;
}
