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
  FAULT_HIDDEN, FAULT_REFLECT, type FaultDisposition, type Ledger, type MachineProfile, type MemoryCounters, type MemoryStrategy,
  type StrategyInfo, type VmContext,
} from "@vmlab/core";
import {
  ACCESS_WRITE, CAUSE, KSEG_BASE, MODE_KERNEL, PAGE_SHIFT, PTE_FRAME_MASK, PTE_U, PTE_V, PTE_W, Tlb, type Machine,
} from "@vmlab/isa";

export const SOFTWARE_TLB_INFO: StrategyInfo = {
  name: "software-tlb",
  kind: "memory",
  description:
    "Disco-style: the guest's TLB writes trap and the monitor installs VPN->MFN from its PFN->MFN map; misses the virtual TLB can answer are refilled unseen, the rest go to the guest's handler",
  requires: { softwareTlb: true },
};

const KSEG_VPN = KSEG_BASE >>> PAGE_SHIFT;
const hex = (n: number): string => `0x${(n >>> 0).toString(16)}`;

@injectable()
export class SoftwareTlbMemory implements MemoryStrategy {
  readonly info = SOFTWARE_TLB_INFO;
  private vm!: VmContext;
  /** What the guest believes its TLB holds: VPN -> guest frame. */
  private vtlb!: Tlb;
  private kseg0Fills = 0;
  private refills = 0;
  private reflected = 0;
  private tlbWrites = 0;
  private dropped = 0;
  private invalidations = 0;
  private flushes = 0;

  attach(_machine: Machine): void {
    throw new Error("the software-tlb memory strategy serves a monitor; bare metal uses 'direct'");
  }

  attachMonitor(vm: VmContext): void {
    this.vm = vm;
    this.vtlb = new Tlb(vm.machine.cpu.tlb.size);
  }

  /** A mode switch: the kseg0 region changes meaning, so its real entries go. */
  modeChanged(_mode: number): void {
    const tlb = this.vm.machine.cpu.tlb;
    let n = 0;
    for (let slot = 0; slot < tlb.size; slot++) {
      const vpn = tlb.vpn[slot]!;
      if (vpn >= KSEG_VPN && tlb.invalidate(vpn)) n++;
    }
    if (n > 0) {
      this.dropped += n;
      this.vm.machine.cpu.translationChanged();
    }
  }

  private get kernel(): boolean {
    return this.vm.vcpu.mode === MODE_KERNEL;
  }

  private reflect(cause: number, va: number, access: number, protection: boolean): FaultDisposition {
    const f = this.vm.fault;
    f.cause = cause;
    f.address = va >>> 0;
    f.access = access;
    f.protection = protection;
    this.reflected++;
    return FAULT_REFLECT;
  }

  private install(vpn: number, guestFrame: number, flags: number): void {
    const cpu = this.vm.machine.cpu;
    cpu.tlb.insert(vpn, this.vm.guest.machineAddress(guestFrame), flags | PTE_U);
    cpu.translationChanged();
  }

  realFault(va: number, access: number, cause: number, protection: boolean): FaultDisposition {
    const { guest, trace } = this.vm;
    va = va >>> 0;
    if (cause !== CAUSE.TLB_MISS) return this.reflect(cause, va, access, protection);
    const vpn = va >>> PAGE_SHIFT;
    if (this.kernel && va >= KSEG_BASE) {
      const pa = va - KSEG_BASE;
      if (pa >= guest.bytes) return this.reflect(CAUSE.ADDRESS_ERROR, va, access, false);
      this.install(vpn, pa & PTE_FRAME_MASK, PTE_W);
      this.kseg0Fills++;
      trace?.event({ actor: "vmm", kind: "hidden", text: `map the deprivileged kernel's kseg0 page ${hex(va & PTE_FRAME_MASK)} to MFN ${hex(guest.machineAddress(pa) >>> PAGE_SHIFT)}`, hidden: true, at: this.vm.machine.cpu.retired });
      return FAULT_HIDDEN;
    }
    const slot = this.vtlb.lookup(vpn);
    if (slot < 0) return this.reflect(CAUSE.TLB_MISS, va, access, false);
    const frame = this.vtlb.frame[slot]! >>> 0;
    const flags = this.vtlb.flags[slot]!;
    if (access === ACCESS_WRITE && (flags & PTE_W) === 0) return this.reflect(CAUSE.PAGE_FAULT, va, access, true);
    if (frame + (va & 0xfff) >= guest.bytes) {
      this.vm.audit(`guest TLB entry for ${hex(va & PTE_FRAME_MASK)} names guest frame ${hex(frame >>> PAGE_SHIFT)}, outside the VM's memory`);
      return this.reflect(CAUSE.ADDRESS_ERROR, va, access, false);
    }
    this.install(vpn, frame, flags);
    this.refills++;
    trace?.event({ actor: "vmm", kind: "hidden", text: `refill VPN ${hex(vpn)} from the virtual TLB (the guest believes it is there)`, hidden: true, at: this.vm.machine.cpu.retired });
    return FAULT_HIDDEN;
  }

  tlbWritten(va: number, entryLo: number): void {
    const { guest, trace } = this.vm;
    const cpu = this.vm.machine.cpu;
    this.tlbWrites++;
    const vpn = (va >>> PAGE_SHIFT) & 0xfffff;
    // While the virtual kernel runs, real kseg0 entries are the monitor's own.
    const mine = (v: number) => this.kernel && v >= KSEG_VPN;
    if ((entryLo & PTE_V) === 0) {
      this.vtlb.invalidate(vpn);
      if (!mine(vpn)) cpu.tlb.invalidate(vpn);
      cpu.translationChanged();
      return;
    }
    const frame = (entryLo & PTE_FRAME_MASK) >>> 0;
    const evicted = this.vtlb.insert(vpn, frame, entryLo | PTE_U);
    if (evicted >= 0 && !mine(evicted)) cpu.tlb.invalidate(evicted);
    if (!mine(vpn)) {
      if (frame < guest.bytes) this.install(vpn, frame, entryLo & PTE_W);
      else {
        cpu.tlb.invalidate(vpn);
        this.vm.audit(`guest TLB write maps ${hex(va & PTE_FRAME_MASK)} to guest frame ${hex(frame >>> PAGE_SHIFT)}, outside the VM's memory`);
      }
    }
    cpu.translationChanged();
    trace?.event({
      actor: "vmm",
      kind: "install",
      text: `OS is installing VPN ${hex(vpn)} -> PFN ${hex(frame >>> PAGE_SHIFT)}: install VPN ${hex(vpn)} -> MFN ${hex(guest.machineAddress(frame) >>> PAGE_SHIFT)} in the real TLB instead; jump back to the OS`,
      at: cpu.retired,
    });
  }

  invalidated(va?: number): void {
    const cpu = this.vm.machine.cpu;
    if (va === undefined) {
      this.vtlb.flush();
      cpu.tlb.flush();
      this.flushes++;
    } else {
      const vpn = (va >>> PAGE_SHIFT) & 0xfffff;
      this.vtlb.invalidate(vpn);
      if (!(this.kernel && vpn >= KSEG_VPN)) cpu.tlb.invalidate(vpn);
      this.invalidations++;
    }
    cpu.translationChanged();
  }

  guestTranslate(va: number, access: number): number {
    const guest = this.vm.guest;
    va = va >>> 0;
    let pa: number;
    if (this.kernel && va >= KSEG_BASE) pa = va - KSEG_BASE;
    else {
      const slot = this.vtlb.lookup(va >>> PAGE_SHIFT);
      if (slot < 0) return this.fail(CAUSE.TLB_MISS, va, access, false);
      if (access === ACCESS_WRITE && (this.vtlb.flags[slot]! & PTE_W) === 0) return this.fail(CAUSE.PAGE_FAULT, va, access, true);
      pa = (this.vtlb.frame[slot]! >>> 0) + (va & 0xfff);
    }
    if (pa >= guest.bytes) return this.fail(CAUSE.ADDRESS_ERROR, va, access, false);
    return pa;
  }

  private fail(cause: number, va: number, access: number, protection: boolean): number {
    const f = this.vm.fault;
    f.cause = cause;
    f.address = va;
    f.access = access;
    f.protection = protection;
    return -1;
  }

  finish(ledger: Ledger, costs: MachineProfile["costs"]): MemoryCounters {
    ledger.charge("memory and walks", "kseg0 page mapped by the monitor", this.kseg0Fills, costs.hiddenPageFault);
    ledger.charge("memory and walks", "TLB refill from the virtual TLB", this.refills, costs.hiddenPageFault);
    ledger.charge("memory and walks", "TLB invalidation", this.invalidations + this.dropped, costs.tlbInvalidate);
    ledger.charge("memory and walks", "TLB flush", this.flushes, costs.tlbFlush);
    return {
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
