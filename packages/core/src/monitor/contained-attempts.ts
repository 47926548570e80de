// The resource-control audit's wording of an attempt to reach outside the VM's memory.
// Every memory strategy words each kind of attempt here, so a guest making the same
// attempt leaves the same line under shadow paging, nested paging, a software TLB or a
// paravirtual MMU, whichever mechanism caught it.
import { PAGE_SHIFT, PTE_FRAME_MASK, hex } from "@vmlab/isa";

export type ContainedAttempt =
  /** The guest kernel's untranslated kseg0 reached past the end of the VM's memory. */
  | { readonly kind: "kseg0"; readonly guestPhysical: number }
  /** A walk for `virtualAddress` went through a table (the root, or one a non-leaf entry names) past the end. */
  | { readonly kind: "page table"; readonly virtualAddress: number; readonly tableAddress: number }
  /** A leaf of the guest's page tables maps `virtualAddress` to a frame past the end. */
  | { readonly kind: "page mapping"; readonly virtualAddress: number; readonly guestFrameAddress: number }
  /** A software-TLB entry the guest wrote maps `virtualAddress` to a frame past the end. */
  | { readonly kind: "TLB entry"; readonly virtualAddress: number; readonly guestFrameAddress: number }
  /** With paging off, an address past the end. */
  | { readonly kind: "paging off"; readonly guestPhysical: number }
  /** Any other way an access reached past the end (at guest-virtual `virtualAddress`). */
  | { readonly kind: "access"; readonly guestPhysical: number; readonly virtualAddress: number }
  /** The disk was asked to move data to or from guest-physical memory past the end. */
  | { readonly kind: "disk DMA"; readonly guestPhysical: number };

/** What becomes of an access past the end: the fault bare metal raises for memory that is not there. */
export const AS_ON_BARE_METAL = "refused (ADDRESS_ERROR delivered to the guest, as on bare metal)";
/** What becomes of a transfer past the end: the status the disk gives on bare metal. */
export const DISK_AS_ON_BARE_METAL = "refused (the disk reports a bad address, as on bare metal)";

const page = (va: number): string => hex((va & PTE_FRAME_MASK) >>> 0);
const frame = (address: number): string => hex(address >>> PAGE_SHIFT);

/** One audit line for `attempt`; `outcome` says what the monitor did (by default: what bare metal does). */
export function containedAttempt(attempt: ContainedAttempt, outcome: string = attempt.kind === "disk DMA" ? DISK_AS_ON_BARE_METAL : AS_ON_BARE_METAL): string {
  const outside = "outside the VM's memory";
  switch (attempt.kind) {
    case "kseg0":
      return `the guest kernel reached for guest-physical ${hex(attempt.guestPhysical)} through kseg0, ${outside}: ${outcome}`;
    case "page table":
      return `guest page tables for ${page(attempt.virtualAddress)} go through a table at guest frame ${frame(attempt.tableAddress)}, ${outside}: ${outcome}`;
    case "page mapping":
      return `guest page table maps ${page(attempt.virtualAddress)} to guest frame ${frame(attempt.guestFrameAddress)}, ${outside}: ${outcome}`;
    case "TLB entry":
      return `guest TLB entry maps ${page(attempt.virtualAddress)} to guest frame ${frame(attempt.guestFrameAddress)}, ${outside}: ${outcome}`;
    case "paging off":
      return `the guest reached for guest-physical ${hex(attempt.guestPhysical)} with paging off, ${outside}: ${outcome}`;
    case "access":
      return `the guest reached for guest-physical ${hex(attempt.guestPhysical)} (at ${hex(attempt.virtualAddress)}), ${outside}: ${outcome}`;
    case "disk DMA":
      return `disk DMA to guest-physical ${hex(attempt.guestPhysical)}, ${outside}: ${outcome}`;
  }
}
