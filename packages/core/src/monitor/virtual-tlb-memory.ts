// The monitor's side of a virtual TLB, on the software-TLB profile: the guest's TLB
// writes reach the monitor (trapped, or as hypercalls) and keep the virtual TLB, and a
// real miss the virtual TLB answers is refilled unseen. Software-TLB interception and
// paravirt's validated TLB writes differ only in how a valid write is installed, what a
// page-table base write means to them, and how they name their counters.
import { PAGE_SHIFT, PTE_FRAME_MASK, PTE_V, type Tlb } from "@vmlab/isa";
import type { MemoryCounters, MonitorMemory } from "../strategy.js";
import { FAULT_HIDDEN, FAULT_REFLECT, type FaultDisposition, type VmContext } from "./vm-context.js";
import { MISS_KSEG0, MISS_REFLECTED, VirtualTlb } from "./virtual-tlb.js";

export abstract class VirtualTlbMemory implements MonitorMemory {
  /** What the guest believes its TLB holds, and the real TLB beside it. */
  protected readonly vtlb: VirtualTlb;
  protected kseg0Fills = 0;
  protected refills = 0;
  protected reflected = 0;
  protected tlbWrites = 0;
  /** The monitor's kseg0 entries dropped on mode switches. */
  protected dropped = 0;
  protected invalidations = 0;
  protected flushes = 0;

  constructor(protected readonly vm: VmContext) {
    this.vtlb = new VirtualTlb(vm);
  }

  /** A valid TLBW of VPN -> guest frame `frame` (the entry-lo as written). */
  protected abstract written(vpn: number, frame: number, entryLo: number): void;
  abstract pageTableBaseWritten(value: number): void;
  abstract finish(): MemoryCounters;

  /** A mode switch: the kseg0 region changes meaning, so the monitor's real entries for it go (user code must not use them). */
  modeChanged(_mode: number): void {
    this.dropped += this.vtlb.dropKseg0();
  }

  /** The guest's TLBW: an invalid entry-lo takes the entry out of both TLBs; a valid one is installed as the strategy does. */
  tlbWritten(va: number, entryLo: number): void {
    this.tlbWrites++;
    const vpn = (va >>> PAGE_SHIFT) & 0xfffff;
    if ((entryLo & PTE_V) === 0) {
      this.vtlb.remove(vpn);
      return;
    }
    this.written(vpn, (entryLo & PTE_FRAME_MASK) >>> 0, entryLo);
  }

  invalidated(va?: number): void {
    if (va === undefined) this.flushes++;
    else this.invalidations++;
    this.vtlb.invalidate(va);
  }

  realFault(va: number, access: number, cause: number, protection: boolean): FaultDisposition {
    const miss = this.vtlb.realFault(va, access, cause, protection);
    if (miss === MISS_REFLECTED) {
      this.reflected++;
      return FAULT_REFLECT;
    }
    if (miss === MISS_KSEG0) this.kseg0Fills++;
    else this.refills++;
    return FAULT_HIDDEN;
  }

  guestTranslate(va: number, access: number): number {
    return this.vtlb.translate(va, access);
  }

  virtualTlb(): Tlb {
    return this.vtlb.entries;
  }

  realTables(_guestRoot: number): undefined {
    return undefined; // the real TLB is all there is
  }

  guestPhysicalWritten(_start: number, _end: number): boolean {
    return false; // no hardware reads the guest's page tables here
  }

  pageTableReleased(_root: number): void {}

  beginTracedWrite(_va: number): void {}
  endTracedWrite(_va: number): void {}
}
