// Nested paging (EPT/NPT) for a guest in the CPU's guest mode. The guest's own page
// tables map VPN -> PFN in guest-physical memory and the real PTBR holds the guest's
// own root; host tables, built here in the monitor's memory, map PFN -> MFN (the
// monitor's pmap, frame by frame, or a large page per chunk the allocator handed out
// whole; see MachineFrameAllocator). The hardware
// walks both on a TLB miss, so page-table-base writes, invalidations, page-table writes
// and guest page faults never reach the monitor: the cost moves into longer walks,
// (n+1)(m+1)-1 references per miss. The monitor sees only EPT violations: a
// guest-physical address past the guest's memory (where bare metal raises
// ADDRESS_ERROR, reflected as that and recorded in the resource-control audit: on a
// machine shared with other VMs, that is where a neighbour's memory lies) or, were a
// frame ever left unmapped, its first touch.
import { injectable } from "inversify";
import {
  containedAttempt,
  FAULT_HIDDEN,
  FAULT_REFLECT,
  GuestWalk,
  invalidateRealTlb,
  setFault,
  type ContainedAttempt,
  type FaultDisposition,
  type GuestModeMemory,
  type MemoryCounters,
  type MemoryStrategy,
  type RealTables,
  type StrategyInfo,
  type VmContext,
} from "@vmlab/core";
import { CAUSE, CR, KSEG_BASE, MODE_USER, PAGE_SIZE, PageTableBuilder, PTE_FRAME_MASK, PTE_W, WALK_BAD_TABLE, WALK_OK, type Levels, type VmControl } from "@vmlab/isa";

export const NESTED_INFO: StrategyInfo = {
  name: "nested",
  kind: "memory",
  description:
    "nested (extended) paging: the hardware walks the guest's own tables and host tables mapping guest-physical to machine memory; page-table-base writes, invalidations and guest page faults stay in the guest, EPT violations exit",
  requires: { walker: true, nestedPaging: true },
};

/** Guest-physical [gpa, gpa + span) sits in one aligned span of machine memory, in order. */
function wholeChunk(guest: VmContext["guest"], gpa: number, span: number): boolean {
  const base = guest.machineAddress(gpa);
  if (base % span !== 0) return false;
  for (let off = PAGE_SIZE; off < span; off += PAGE_SIZE) if (guest.machineAddress(gpa + off) !== base + off) return false;
  return true;
}

@injectable()
export class NestedMemory implements MemoryStrategy {
  readonly info = NESTED_INFO;
  readonly ringCompression = false;

  attachGuestMode(vm: VmContext, vmcs: VmControl): GuestModeMemory {
    return new HostTables(vm, vmcs);
  }
}

/** One VM's host tables (PFN -> MFN), built whole when it attaches. */
class HostTables implements GuestModeMemory {
  private readonly host: PageTableBuilder;
  private readonly levels: Levels;
  private readonly guestWalk: GuestWalk;

  // Counters.
  private hostTableFrames = 0;
  private largeHostPages = 0;
  private eptViolations = 0;
  private mappedOnViolation = 0;
  private reflected = 0;

  constructor(
    private readonly vm: VmContext,
    vmcs: VmControl,
  ) {
    const mmu = vm.machine.profile.mmu;
    if (mmu.kind !== "walker") throw new Error("nested paging needs a hardware page-table walker");
    vmcs.nestedPaging = true;
    // Nothing of the guest's MMU exits: it is the guest's own.
    vmcs.exceptionBitmap[CAUSE.PAGE_FAULT] = 0;
    vmcs.crWriteExiting[CR.PTBR] = 0;
    vmcs.crReadExiting[CR.PTBR] = 0;
    vmcs.invalidateExiting = false;
    this.levels = mmu.levels;
    this.guestWalk = new GuestWalk(vm.guest, mmu.levels, true);
    // The host tables have the guest's depth (as EPT has x86-64's four levels).
    this.host = new PageTableBuilder(vm.machine.memory.i32, this.levels, () => {
      const frame = vm.frames.allocate();
      if (frame < 0) throw new Error("nested paging: the monitor's memory cannot hold the host tables");
      this.hostTableFrames++;
      return frame;
    });
    const guest = vm.guest;
    // Large host pages where the hardware has them and the monitor handed the guest its
    // memory in aligned large-page chunks (as KVM backs guest memory with huge pages):
    // one host level fewer per host walk. Elsewhere one host leaf per frame.
    const span = this.host.largePageBytes;
    for (let gpa = 0; gpa < guest.bytes; ) {
      if (vm.machine.cpu.largePagesEnabled && gpa + span <= guest.bytes && wholeChunk(guest, gpa, span)) {
        this.host.mapLarge(gpa, guest.machineAddress(gpa), PTE_W);
        this.largeHostPages++;
        gpa += span;
      } else {
        this.host.map(gpa, guest.machineAddress(gpa), PTE_W);
        gpa += PAGE_SIZE;
      }
    }
    vmcs.hostRoot = this.host.root;
    vmcs.hostLevels = this.levels;
  }

  hostFault(guestPhysical: number, virtualAddress: number, access: number): FaultDisposition {
    this.eptViolations++;
    const guest = this.vm.guest;
    if (guestPhysical >>> 0 < guest.bytes) {
      // A guest frame without a host entry: map it now; the guest never knows.
      const page = (guestPhysical & PTE_FRAME_MASK) >>> 0;
      this.host.map(page, guest.machineAddress(page), PTE_W);
      this.mappedOnViolation++;
      return FAULT_HIDDEN;
    }
    // Past the guest's memory: bare metal's physical address beyond memory. On a machine
    // shared with other VMs that is where a neighbour's memory would be: refused, audited.
    this.vm.audit(containedAttempt(this.whatReached(guestPhysical >>> 0, virtualAddress >>> 0)));
    setFault(this.vm, CAUSE.ADDRESS_ERROR, virtualAddress, access, false);
    this.reflected++;
    return FAULT_REFLECT;
  }

  /** How the guest reached guest-physical `gpa` through `va`: kseg0, paging off, a table of its page tables, or a mapping. */
  private whatReached(gpa: number, va: number): ContainedAttempt {
    const cpu = this.vm.machine.cpu;
    const user = cpu.mode === MODE_USER;
    if (!user && va >= KSEG_BASE && va - KSEG_BASE === gpa) return { kind: "kseg0", guestPhysical: gpa };
    const root = cpu.crs[CR.PTBR]! >>> 0;
    if (root === 0) return { kind: "paging off", guestPhysical: gpa };
    const status = this.guestWalk.walk(root, va, false, false);
    // The violation came from the walk itself: the table it read is the one past the end.
    if (status === WALK_BAD_TABLE || root >= this.vm.guest.bytes) return { kind: "page table", virtualAddress: va, tableAddress: gpa };
    if (status === WALK_OK && (this.guestWalk.pte & PTE_FRAME_MASK) >>> 0 === (gpa & PTE_FRAME_MASK) >>> 0) {
      return { kind: "page mapping", virtualAddress: va, guestFrameAddress: gpa };
    }
    return { kind: "access", guestPhysical: gpa, virtualAddress: va };
  }

  /** Guest-virtual to guest-physical as the guest's MMU has it (for the monitor's own accesses): the CPU's own state is the guest's. */
  guestTranslate(va: number, access: number): number {
    const cpu = this.vm.machine.cpu;
    return this.guestWalk.translate(this.vm, cpu.crs[CR.PTBR]! >>> 0, cpu.mode === MODE_USER, va, access);
  }

  // The guest's MMU events stay in the guest (the exit controls above): none of these is reached by its own doing.
  /** A page fault or TLB miss that exited anyway is the guest's own. */
  realFault(va: number, access: number, cause: number, protection: boolean): FaultDisposition {
    setFault(this.vm, cause, va, access, protection);
    return FAULT_REFLECT;
  }
  pageTableBaseWritten(_value: number): void {}
  /** An invalidation that exited anyway acts on the real TLB, which caches the guest's own translations. */
  invalidated(va?: number): void {
    invalidateRealTlb(this.vm.machine.cpu, va);
  }
  beginTracedWrite(_va: number): void {}
  endTracedWrite(_va: number): void {}
  /** The hardware walks the guest's tables itself: no copy of them to keep in step. */
  guestPhysicalWritten(_start: number, _end: number): boolean {
    return false;
  }

  virtualTlb(): undefined {
    return undefined;
  }

  realTables(_guestRoot: number): RealTables {
    return { translates: "guest-physical", root: this.host.root, levels: this.levels };
  }

  finish(): MemoryCounters {
    return {
      counts: this.mappedOnViolation ? { hostTableFill: this.mappedOnViolation } : {},
      pageFaultsHidden: this.mappedOnViolation,
      pageFaultsReflected: 0,
      events: {
        "host table frames": this.hostTableFrames,
        ...(this.largeHostPages ? { "large host pages": this.largeHostPages } : {}),
        "EPT violations": this.eptViolations,
        "EPT violations reflected as ADDRESS_ERROR": this.reflected,
      },
    };
  }
}
