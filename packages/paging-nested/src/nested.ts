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
  containedAttempt, FAULT_HIDDEN, FAULT_REFLECT, setFault, type ContainedAttempt, type FaultDisposition, type MemoryCounters, type RealTables, type MemoryStrategy,
  type StrategyInfo, type VmContext,
} from "@vmlab/core";
import {
  ACCESS_WRITE, CAUSE, CR, KSEG_BASE, MODE_USER, PAGE_SHIFT, PAGE_SIZE, PageTableBuilder, PTE_FRAME_MASK, PTE_W, walk, walkShape, WALK_BAD_TABLE,
  WALK_OK, WALK_PROTECTION, type Levels, type Machine, type VmControl, type WalkResult, type WalkShape,
} from "@vmlab/isa";

const hex = (n: number): string => `0x${(n >>> 0).toString(16)}`;

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
  private vm!: VmContext;
  private vmcs: VmControl | undefined;
  private host!: PageTableBuilder;
  private levels: Levels = 2;
  private shape!: WalkShape;
  private readonly walkOut: WalkResult = { status: 0, pte: 0, references: 0 };

  // Counters.
  private hostTableFrames = 0;
  private largeHostPages = 0;
  private eptViolations = 0;
  private mappedOnViolation = 0;
  private reflected = 0;

  attach(_machine: Machine): void {
    throw new Error("the nested memory strategy serves a hardware-assist monitor; bare metal uses 'direct'");
  }

  configureGuestMode(vmcs: VmControl): void {
    this.vmcs = vmcs;
    vmcs.nestedPaging = true;
    // Nothing of the guest's MMU exits: it is the guest's own.
    vmcs.exceptionBitmap[CAUSE.PAGE_FAULT] = 0;
    vmcs.crWriteExiting[CR.PTBR] = 0;
    vmcs.crReadExiting[CR.PTBR] = 0;
    vmcs.invalidateExiting = false;
  }

  attachMonitor(vm: VmContext): void {
    const vmcs = this.vmcs;
    if (!vmcs) throw new Error("nested paging needs the CPU's guest mode (a hardware-assist CPU strategy)");
    const mmu = vm.machine.profile.mmu;
    if (mmu.kind !== "walker") throw new Error("nested paging needs a hardware page-table walker");
    this.vm = vm;
    this.levels = mmu.levels;
    this.shape = walkShape(mmu.levels);
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
    this.fail(CAUSE.ADDRESS_ERROR, virtualAddress, access, false);
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
    const r = walk(this.vm.machine.memory.i32, root, this.shape, va, false, false, this.walkOut, this.vm.guest.pmap);
    // The violation came from the walk itself: the table it read is the one past the end.
    if (r.status === WALK_BAD_TABLE || root >= this.vm.guest.bytes) return { kind: "page table", virtualAddress: va, tableAddress: gpa };
    if (r.status === WALK_OK && ((r.pte & PTE_FRAME_MASK) >>> 0) === ((gpa & PTE_FRAME_MASK) >>> 0)) {
      return { kind: "page mapping", virtualAddress: va, guestFrameAddress: gpa };
    }
    return { kind: "access", guestPhysical: gpa, virtualAddress: va };
  }

  private fail(cause: number, va: number, access: number, protection: boolean): number {
    setFault(this.vm, cause, va, access, protection);
    return -1;
  }

  /** Guest-virtual to guest-physical as the guest's MMU has it (for the monitor's own accesses). */
  guestTranslate(va: number, access: number): number {
    va = va >>> 0;
    const cpu = this.vm.machine.cpu;
    const guest = this.vm.guest;
    const user = cpu.mode === MODE_USER;
    let pa: number;
    const root = cpu.crs[CR.PTBR]! >>> 0;
    let attempt: ContainedAttempt;
    if (!user && va >= KSEG_BASE) {
      pa = va - KSEG_BASE;
      attempt = { kind: "kseg0", guestPhysical: pa };
    } else if (root === 0) {
      pa = va;
      attempt = { kind: "paging off", guestPhysical: pa };
    } else {
      const r = walk(this.vm.machine.memory.i32, root, this.shape, va, access === ACCESS_WRITE, user, this.walkOut, guest.pmap);
      if (r.status === WALK_BAD_TABLE) return this.beyond({ kind: "page table", virtualAddress: va, tableAddress: this.badTable(va) }, va, access);
      if (r.status !== WALK_OK) return this.fail(CAUSE.PAGE_FAULT, va, access, r.status === WALK_PROTECTION);
      pa = ((r.pte & PTE_FRAME_MASK) >>> 0) + (va & 0xfff);
      attempt = { kind: "page mapping", virtualAddress: va, guestFrameAddress: pa };
    }
    if (pa >= guest.bytes) return this.beyond(attempt, va, access);
    return pa;
  }

  /** A monitor's access for the guest past its memory: audited as the hardware's would be, and bare metal's fault set. */
  private beyond(attempt: ContainedAttempt, va: number, access: number): number {
    this.vm.audit(containedAttempt(attempt));
    return this.fail(CAUSE.ADDRESS_ERROR, va, access, false);
  }

  /** The first table past the VM's memory on the guest's walk for `va`. */
  private badTable(va: number): number {
    const g = this.vm.guest;
    let table = this.vm.machine.cpu.crs[CR.PTBR]! >>> 0;
    const vpn = va >>> PAGE_SHIFT;
    for (let level = 0; level < this.levels; level++) {
      const entry = table + (((vpn >>> this.shape.shifts[level]!) & this.shape.masks[level]!) << 2);
      if (entry + 4 > g.bytes) return table;
      table = (g.read32(entry) & PTE_FRAME_MASK) >>> 0;
    }
    return table;
  }

  realTables(_guestRoot: number): RealTables | undefined {
    return this.host ? { translates: "guest-physical", root: this.host.root, levels: this.levels } : undefined;
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
