// Address translation in hardware-assist guest mode (see ISA.md, "Hardware assist"):
// shadow tables from PTBR, or nested paging through the guest's tables and the host's.
// The CPU's slow path calls it while in guest mode; the fast loop sees only the
// translations it leaves in the TLB.
import { ACCESS_WRITE, CAUSE, CR, KSEG_BASE, MODE_USER, PAGE_SHIFT, PTE_FRAME_MASK, PTE_U, PTE_W } from "../arch.js";
import type { Cpu } from "../cpu/cpu.js";
import type { VmControl } from "../vmx.js";
import { EPT_VIOLATION_CAUSE } from "../vmx.js";
import { hostTranslate, newNestedWalkState, walkNested, NESTED_GUEST_PROTECTION, NESTED_HOST_FAULT, NESTED_OK } from "./nested.js";
import { TLB_HOST_READONLY, TLB_KERNEL_ONLY } from "./tlb.js";
import { walk, walkShape, WALK_BAD_TABLE, WALK_OK, WALK_PROTECTION, type Levels, type WalkResult, type WalkShape } from "./walker.js";

export class GuestTranslation {
  private hostShape: WalkShape | undefined;
  private readonly nested = newNestedWalkState();
  private readonly walkOut: WalkResult = { status: 0, pte: 0, references: 0 };

  /** The host tables' depth for the next entry (the walk shape is made once per depth). */
  useHostLevels(levels: Levels): void {
    if (this.hostShape?.levels !== levels) this.hostShape = walkShape(levels);
  }

  /**
   * Translation in guest mode: no untranslated kseg0. With nested paging the guest's
   * own tables (from PTBR, guest-physical; kseg0 = va - KSEG_BASE in kernel mode; PTBR 0
   * = identity) give a guest-physical address and the host tables the machine address,
   * the TLB caching the result; otherwise every address goes through PTBR (the
   * monitor's shadow root). A guest-physical address the host does not allow is an EPT
   * violation (fault cause EPT_VIOLATION_CAUSE, the address in vmcs.exitGuestPhysical).
   */
  translate(cpu: Cpu, v: VmControl, va: number, access: number): number {
    const user = cpu.mode === MODE_USER;
    const write = access === ACCESS_WRITE;
    const vpn = va >>> PAGE_SHIFT;
    const tlb = cpu.tlb;
    const slot = tlb.lookup(vpn);
    // A kseg0 entry of the guest kernel is no translation for a user-mode access: walk.
    if (slot >= 0 && !(user && (tlb.attributes[slot]! & TLB_KERNEL_ONLY) !== 0)) {
      const f = tlb.flags[slot]!;
      if (user && (f & PTE_U) === 0) {
        cpu.counters.tlbHits++;
        return cpu.fault(CAUSE.PAGE_FAULT, va, access, true);
      }
      if (!write || (f & PTE_W) !== 0) {
        cpu.counters.tlbHits++;
        const pa = (tlb.frame[slot]! >>> 0) + (va & 0xfff);
        return pa;
      }
      if ((tlb.attributes[slot]! & TLB_HOST_READONLY) === 0) {
        cpu.counters.tlbHits++;
        return cpu.fault(CAUSE.PAGE_FAULT, va, access, true);
      }
      // The guest allows the write, the host does not: walk to find the guest-physical address.
    }
    cpu.counters.tlbMisses++;
    cpu.counters.walks++;
    const mem = cpu.memory.i32;
    if (!v.nestedPaging) {
      const root = cpu.crs[CR.PTBR]! >>> 0;
      if (root === 0) return cpu.fault(CAUSE.PAGE_FAULT, va, access, false);
      const r = walk(mem, root, cpu.shape!, va, write, user, this.walkOut);
      cpu.counters.walkReferences += r.references;
      if (r.status === WALK_BAD_TABLE) return cpu.fault(CAUSE.ADDRESS_ERROR, va, access, false);
      if (r.status !== WALK_OK) return cpu.fault(CAUSE.PAGE_FAULT, va, access, r.status === WALK_PROTECTION);
      const frame = (r.pte & PTE_FRAME_MASK) >>> 0;
      if (frame >= cpu.memory.size) return cpu.fault(CAUSE.ADDRESS_ERROR, va, access, false);
      tlb.insert(vpn, frame, r.pte);
      cpu.translationChanged();
      return frame + (va & 0xfff);
    }
    const s = this.nested;
    const hostShape = this.hostShape!;
    const ntlb = cpu.nestedTlbEnabled ? tlb.nestedTlb : undefined;
    const tag = tlb.tag;
    let ma: number;
    let guestFlags: number;
    let attributes = 0;
    if (!user && va >= KSEG_BASE) {
      s.status = NESTED_OK;
      s.guestReferences = s.hostReferences = s.nestedTlbHits = s.nestedTlbMisses = 0;
      ma = hostTranslate(mem, v.hostRoot, hostShape, va - KSEG_BASE, write, s, ntlb, tag);
      guestFlags = PTE_W | PTE_U;
      attributes = TLB_KERNEL_ONLY;
    } else {
      const root = cpu.crs[CR.PTBR]! >>> 0;
      if (root === 0) {
        s.status = NESTED_OK;
        s.guestReferences = s.hostReferences = s.nestedTlbHits = s.nestedTlbMisses = 0;
        ma = hostTranslate(mem, v.hostRoot, hostShape, va, write, s, ntlb, tag);
        guestFlags = PTE_W | PTE_U;
      } else {
        walkNested(mem, root, cpu.shape!, v.hostRoot, hostShape, va, write, user, s, cpu.pageWalkCacheEnabled ? tlb.walkCache : undefined, ntlb, tag);
        ma = s.status === NESTED_OK ? s.address : -1;
        guestFlags = s.pte;
        if (s.guestLevelsSkipped > 0) cpu.counters.pageWalkCacheHits++;
        else if (s.guestLevelsSkipped === 0) cpu.counters.pageWalkCacheMisses++;
      }
    }
    cpu.counters.walkReferences += s.guestReferences + s.hostReferences;
    v.nestedWalks++;
    v.hostWalkReferences += s.hostReferences;
    v.nestedTlbHits += s.nestedTlbHits;
    v.nestedTlbMisses += s.nestedTlbMisses;
    if (ma < 0) {
      if (s.status === NESTED_HOST_FAULT) {
        v.exitGuestPhysical = s.guestPhysical;
        return cpu.fault(EPT_VIOLATION_CAUSE, va, access, s.hostProtection);
      }
      return cpu.fault(CAUSE.PAGE_FAULT, va, access, s.status === NESTED_GUEST_PROTECTION);
    }
    let flags = guestFlags & (PTE_W | PTE_U);
    if ((flags & PTE_W) !== 0 && !s.hostWritable) {
      flags &= ~PTE_W;
      attributes |= TLB_HOST_READONLY;
    }
    // A user-mode translation of a kernel-half page would hide the kernel's kseg0 one: not cached.
    if (!(user && va >= KSEG_BASE)) {
      tlb.insert(vpn, (ma & PTE_FRAME_MASK) >>> 0, flags, attributes);
      cpu.translationChanged();
    }
    return ma;
  }
}
