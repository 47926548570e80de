// The software TLB a deprivileged guest kernel believes it has (Disco's approach on a
// software-managed TLB): the same size and replacement as the hardware's, so the guest
// takes exactly the misses it takes on bare metal, while the real TLB holds VPN -> MFN.
// While the virtual kernel runs, real entries for kseg0 pages are the monitor's own
// mappings of the kernel's untranslated region.
import { ACCESS_WRITE, CAUSE, KSEG_BASE, MODE_KERNEL, PAGE_SHIFT, PTE_FRAME_MASK, PTE_U, PTE_W, Tlb, type Cpu, hex } from "@vmlab/isa";
import { setFault, type VmContext } from "./vm-context.js";
import { containedAttempt, type ContainedAttempt } from "./contained-attempts.js";

export const KSEG_VPN = KSEG_BASE >>> PAGE_SHIFT;

/** What a real TLB miss came to under a virtual TLB (VirtualTlb.realFault). */
export const MISS_REFLECTED = 0; // vm.fault set: the guest's own miss or fault
export const MISS_KSEG0 = 1; // the deprivileged kernel's kseg0 page, mapped by the monitor
export const MISS_REFILLED = 2; // the real TLB lost what the virtual TLB holds: refilled unseen

export class VirtualTlb {
  /** What the guest believes its TLB holds: VPN -> guest frame. */
  readonly entries: Tlb;
  private readonly cpu: Cpu;

  constructor(private readonly vm: VmContext) {
    this.cpu = vm.machine.cpu;
    this.entries = new Tlb(this.cpu.tlb.size);
  }

  get kernel(): boolean {
    return this.vm.vcpu.mode === MODE_KERNEL;
  }

  /** A real entry for `vpn` is the monitor's own kseg0 mapping, not one the guest installed. */
  private monitors(vpn: number): boolean {
    return this.kernel && vpn >= KSEG_VPN;
  }

  /** Installs VPN -> the machine frame of guest frame `guestFrame` in the real TLB. */
  install(vpn: number, guestFrame: number, flags: number): void {
    this.cpu.tlb.insert(vpn, this.vm.guest.machineAddress(guestFrame), (flags & PTE_W) | PTE_U);
    this.cpu.translationChanged();
  }

  /** The virtual mode changed: the kseg0 entries leave the real TLB (user code must not use them). Returns how many. */
  dropKseg0(): number {
    const tlb = this.cpu.tlb;
    let n = 0;
    for (let slot = 0; slot < tlb.size; slot++) {
      const vpn = tlb.vpn[slot]!;
      if (vpn >= KSEG_VPN && tlb.invalidate(vpn)) n++;
    }
    if (n > 0) this.cpu.translationChanged();
    return n;
  }

  /** The guest's TLBW of an invalid entry-lo: the entry goes from both TLBs. */
  remove(vpn: number): void {
    this.entries.invalidate(vpn);
    if (!this.monitors(vpn)) this.cpu.tlb.invalidate(vpn);
    this.cpu.translationChanged();
  }

  /**
   * The guest's TLBW of VPN -> guest frame: into the virtual TLB (evicting as the
   * hardware would, and the real TLB with it) and, with `install`, into the real one.
   */
  write(vpn: number, frame: number, entryLo: number, install: boolean): void {
    const evicted = this.entries.insert(vpn, frame, entryLo | PTE_U);
    if (evicted >= 0 && !this.monitors(evicted)) this.cpu.tlb.invalidate(evicted);
    if (!this.monitors(vpn)) {
      if (install) this.install(vpn, frame, entryLo);
      else this.cpu.tlb.invalidate(vpn);
    }
    this.cpu.translationChanged();
  }

  /** TLBI of `va`, or TLBFLUSH (no address). */
  invalidate(va?: number): void {
    if (va === undefined) {
      this.entries.flush();
      this.cpu.tlb.flush();
    } else {
      const vpn = (va >>> PAGE_SHIFT) & 0xfffff;
      this.entries.invalidate(vpn);
      if (!this.monitors(vpn)) this.cpu.tlb.invalidate(vpn);
    }
    this.cpu.translationChanged();
  }

  /**
   * A real fault while the guest ran: a TLB miss the virtual TLB or kseg0 answers is
   * filled (Disco's second-level TLB), anything else is the guest's own (vm.fault set).
   */
  realFault(va: number, access: number, cause: number, protection: boolean): number {
    const { guest, trace } = this.vm;
    va = va >>> 0;
    if (cause !== CAUSE.TLB_MISS) return this.reflect(cause, va, access, protection);
    const vpn = va >>> PAGE_SHIFT;
    if (this.kernel && va >= KSEG_BASE) {
      const pa = va - KSEG_BASE;
      if (pa >= guest.bytes) {
        this.vm.audit(containedAttempt({ kind: "kseg0", guestPhysical: pa }));
        return this.reflect(CAUSE.ADDRESS_ERROR, va, access, false);
      }
      this.install(vpn, pa & PTE_FRAME_MASK, PTE_W);
      trace?.event({
        actor: "vmm",
        kind: "hidden",
        text: `map the deprivileged kernel's kseg0 page ${hex(va & PTE_FRAME_MASK)} to MFN ${hex(guest.machineAddress(pa) >>> PAGE_SHIFT)}`,
        hidden: true,
        at: this.cpu.retired,
      });
      return MISS_KSEG0;
    }
    const entries = this.entries;
    const slot = entries.lookup(vpn);
    if (slot < 0) return this.reflect(CAUSE.TLB_MISS, va, access, false);
    const frame = entries.frame[slot]! >>> 0;
    const flags = entries.flags[slot]!;
    if (access === ACCESS_WRITE && (flags & PTE_W) === 0) return this.reflect(CAUSE.PAGE_FAULT, va, access, true);
    if (frame + (va & 0xfff) >= guest.bytes) {
      this.vm.audit(containedAttempt({ kind: "TLB entry", virtualAddress: va, guestFrameAddress: frame + (va & 0xfff) }));
      return this.reflect(CAUSE.ADDRESS_ERROR, va, access, false);
    }
    this.install(vpn, frame, flags);
    trace?.event({ actor: "vmm", kind: "hidden", text: `refill VPN ${hex(vpn)} from the virtual TLB (the guest believes it is there)`, hidden: true, at: this.cpu.retired });
    return MISS_REFILLED;
  }

  private reflect(cause: number, va: number, access: number, protection: boolean): number {
    setFault(this.vm, cause, va, access, protection);
    return MISS_REFLECTED;
  }

  /** Guest-virtual -> guest-physical as the guest's TLB has it; -1 with vm.fault set where it would fault. */
  translate(va: number, access: number): number {
    va = va >>> 0;
    let pa: number;
    let attempt: ContainedAttempt;
    if (this.kernel && va >= KSEG_BASE) {
      pa = va - KSEG_BASE;
      attempt = { kind: "kseg0", guestPhysical: pa };
    } else {
      const slot = this.entries.lookup(va >>> PAGE_SHIFT);
      if (slot < 0) return fail(this.vm, CAUSE.TLB_MISS, va, access, false);
      if (access === ACCESS_WRITE && (this.entries.flags[slot]! & PTE_W) === 0) return fail(this.vm, CAUSE.PAGE_FAULT, va, access, true);
      pa = (this.entries.frame[slot]! >>> 0) + (va & 0xfff);
      attempt = { kind: "TLB entry", virtualAddress: va, guestFrameAddress: pa };
    }
    if (pa >= this.vm.guest.bytes) {
      // The monitor's own access for the guest reaches past its memory: recorded as the real one would be.
      this.vm.audit(containedAttempt(attempt));
      return fail(this.vm, CAUSE.ADDRESS_ERROR, va, access, false);
    }
    return pa;
  }
}

function fail(vm: VmContext, cause: number, va: number, access: number, protection: boolean): -1 {
  setFault(vm, cause, va, access, protection);
  return -1;
}
