// Software-TLB interception, after Disco (SOSP 1997), for the mips-like profile. The
// guest kernel manages what it believes is the TLB; the monitor keeps that as a
// virtual TLB (same size, same replacement, so the guest takes exactly the misses it
// takes on bare metal) and the real TLB holds VPN -> MFN. A real miss that the virtual
// TLB can answer is refilled by the monitor unseen (Disco's second-level TLB); any
// other is reflected into the guest's miss handler. The deprivileged kernel's
// untranslated kseg0 accesses are mapped by the monitor, and those mappings leave the
// real TLB whenever the virtual mode changes, so user code can never use them.
import { injectable } from "inversify";
import {
  FAULT_HIDDEN,
  FAULT_REFLECT,
  MISS_KSEG0,
  MISS_REFLECTED,
  VirtualTlb,
  type FaultDisposition,
  type MemoryCounters,
  type MemoryStrategy,
  type MonitorMemory,
  type RealTables,
  type StrategyInfo,
  type VmContext,
} from "@vmlab/core";
import { PAGE_SHIFT, PTE_FRAME_MASK, PTE_V, type Tlb, hex } from "@vmlab/isa";

export const SOFTWARE_TLB_INFO: StrategyInfo = {
  name: "software-tlb",
  kind: "memory",
  description:
    "Disco-style: the guest's TLB writes trap and the monitor installs VPN->MFN from its PFN->MFN map; misses the virtual TLB can answer are refilled unseen, the rest go to the guest's handler",
  requires: { softwareTlb: true },
};

@injectable()
export class SoftwareTlbMemory implements MemoryStrategy {
  readonly info = SOFTWARE_TLB_INFO;
  readonly ringCompression = false;

  attachMonitor(vm: VmContext): MonitorMemory {
    return new InterceptedTlb(vm);
  }
}

/** One VM's virtual TLB, kept from the guest's intercepted TLB writes. */
class InterceptedTlb implements MonitorMemory {
  private readonly vtlb: VirtualTlb;
  private kseg0Fills = 0;
  private refills = 0;
  private reflected = 0;
  private tlbWrites = 0;
  private dropped = 0;
  private invalidations = 0;
  private flushes = 0;

  constructor(private readonly vm: VmContext) {
    this.vtlb = new VirtualTlb(vm);
  }

  /** A mode switch: the kseg0 region changes meaning, so its real entries go. */
  modeChanged(_mode: number): void {
    this.dropped += this.vtlb.dropKseg0();
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

  tlbWritten(va: number, entryLo: number): void {
    const { guest, trace } = this.vm;
    this.tlbWrites++;
    const vpn = (va >>> PAGE_SHIFT) & 0xfffff;
    if ((entryLo & PTE_V) === 0) {
      this.vtlb.remove(vpn);
      return;
    }
    const frame = (entryLo & PTE_FRAME_MASK) >>> 0;
    const inside = frame < guest.bytes;
    this.vtlb.write(vpn, frame, entryLo, inside);
    trace?.event({
      actor: "vmm",
      kind: "install",
      text: `OS is installing VPN ${hex(vpn)} -> PFN ${hex(frame >>> PAGE_SHIFT)}: install VPN ${hex(vpn)} -> MFN ${hex(guest.machineAddress(frame) >>> PAGE_SHIFT)} in the real TLB instead; jump back to the OS`,
      at: this.vm.machine.cpu.retired,
    });
  }

  /** A PTBR write flushes the TLB on every profile (ISA.md), the software-managed one included. */
  pageTableBaseWritten(_value: number): void {
    this.flushes++;
    this.vtlb.invalidate();
  }

  invalidated(va?: number): void {
    if (va === undefined) this.flushes++;
    else this.invalidations++;
    this.vtlb.invalidate(va);
  }

  guestTranslate(va: number, access: number): number {
    return this.vtlb.translate(va, access);
  }

  virtualTlb(): Tlb {
    return this.vtlb.entries;
  }

  realTables(_guestRoot: number): RealTables | undefined {
    return undefined; // the real TLB is all there is
  }

  guestPhysicalWritten(_start: number, _end: number): boolean {
    return false; // no hardware reads the guest's page tables here
  }

  pageTableReleased(_root: number): void {}

  beginTracedWrite(_va: number): void {}
  endTracedWrite(_va: number): void {}

  finish(): MemoryCounters {
    return {
      counts: {
        ...(this.kseg0Fills ? { kseg0Mapped: this.kseg0Fills } : {}),
        ...(this.refills ? { softwareTlbRefill: this.refills } : {}),
        ...(this.invalidations + this.dropped ? { tlbInvalidate: this.invalidations + this.dropped } : {}),
        ...(this.flushes ? { tlbFlush: this.flushes } : {}),
      },
      pageFaultsHidden: this.kseg0Fills + this.refills,
      pageFaultsReflected: this.reflected,
      events: {
        "guest TLB writes intercepted": this.tlbWrites,
        "kseg0 pages mapped by the monitor": this.kseg0Fills,
        "refills from the virtual TLB": this.refills,
        "kseg0 entries dropped on mode switches": this.dropped,
      },
    };
  }
}
