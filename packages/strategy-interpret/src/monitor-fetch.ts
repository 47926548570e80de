// The emulator's own view of the guest's next instruction: it translates the guest pc
// through the guest's MMU state in software, without touching the machine (no TLB fill,
// no counters, no fault), and reads the instruction word.
import { CR, KSEG_BASE, MODE_KERNEL, PTE_FRAME_MASK, walk, walkShape, WALK_OK, type Machine, type WalkResult, type WalkShape } from "@vmlab/isa";

/** Opcode value for "the fetch itself faults" (no instruction at pc). */
export const FETCH_FAULT = 256;

export class MonitorFetch {
  private readonly softwareTlb: boolean;
  private readonly shape: WalkShape | undefined;
  private readonly out: WalkResult = { status: 0, pte: 0, references: 0 };

  constructor(private readonly machine: Machine) {
    const mmu = machine.profile.mmu;
    this.softwareTlb = mmu.kind === "software-tlb";
    this.shape = mmu.kind === "walker" ? walkShape(mmu.levels) : undefined;
  }

  /** Physical address of the guest pc, or -1 when fetching it would fault. */
  physicalPc(): number {
    const cpu = this.machine.cpu;
    const va = cpu.pc >>> 0;
    if ((va & 3) !== 0) return -1;
    let pa: number;
    if (cpu.mode === MODE_KERNEL && va >= KSEG_BASE) pa = va - KSEG_BASE;
    else {
      const slot = cpu.tlb.lookup(va >>> 12);
      if (slot >= 0) pa = (cpu.tlb.frame[slot]! >>> 0) + (va & 0xfff);
      else if (this.softwareTlb) return -1;
      else {
        const root = cpu.crs[CR.PTBR]! >>> 0;
        if (root === 0) pa = va;
        else {
          const r = walk(this.machine.memory.i32, root, this.shape!, va, false, cpu.mode !== MODE_KERNEL, this.out);
          if (r.status !== WALK_OK) return -1;
          pa = ((r.pte & PTE_FRAME_MASK) >>> 0) + (va & 0xfff);
        }
      }
    }
    return pa + 4 <= this.machine.memory.size ? pa : -1;
  }

  /** Opcode of the instruction at the guest pc, or FETCH_FAULT. */
  opcode(): number {
    const pa = this.physicalPc();
    return pa < 0 ? FETCH_FAULT : this.machine.memory.i32[pa >>> 2]! >>> 24;
  }
}
