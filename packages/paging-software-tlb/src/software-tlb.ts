// Software-TLB interception, after Disco (SOSP 1997), for the mips-like profile. The
// guest kernel manages what it believes is the TLB; the monitor keeps that as a
// virtual TLB (same size, same replacement, so the guest takes exactly the misses it
// takes on bare metal) and the real TLB holds VPN -> MFN. A real miss that the virtual
// TLB can answer is refilled by the monitor unseen (Disco's second-level TLB); any
// other is reflected into the guest's miss handler. The deprivileged kernel's
// untranslated kseg0 accesses are mapped by the monitor, and those mappings leave the
// real TLB whenever the virtual mode changes, so user code can never use them.
import { injectable } from "inversify";
import { VirtualTlbMemory, type MemoryCounters, type MemoryStrategy, type MonitorMemory, type StrategyInfo, type VmContext } from "@vmlab/core";
import { PAGE_SHIFT, hex } from "@vmlab/isa";

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
class InterceptedTlb extends VirtualTlbMemory {
  /** A write naming a frame outside the VM is kept in the virtual TLB but never installed: a real miss on it is the guest's (audited). */
  protected written(vpn: number, frame: number, entryLo: number): void {
    const { guest, trace } = this.vm;
    this.vtlb.write(vpn, frame, entryLo, frame < guest.bytes);
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
