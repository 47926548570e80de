// The real TLB caches the translations of whatever real tables a monitor keeps (shadow,
// mirror, or the guest's own under nested paging): what reaches it from the guest's
// TLBI/TLBFLUSH, and from a page the monitor opened for one instruction.
import { PAGE_SHIFT, type Cpu } from "@vmlab/isa";

/** The guest's TLBI of `va`, or TLBFLUSH (undefined), applied to the real TLB. */
export function invalidateRealTlb(cpu: Cpu, va?: number): void {
  if (va === undefined) cpu.tlb.flush();
  else cpu.tlb.invalidate((va >>> PAGE_SHIFT) & 0xfffff);
  cpu.translationChanged();
}
