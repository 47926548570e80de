// A guest's physical memory inside machine memory, through the monitor's pmap: guest
// frame p (PFN) lives at machine frame pmap[p] (MFN), frames handed out scattered by the
// MachineFrameAllocator. The monitor keeps its own frames (shadow tables, its trap vector)
// in a region of machine memory no pmap names, and a guest frame number past the guest's
// size has no pmap entry: every way into machine memory from the guest's side goes
// through the pmap, so none reaches the monitor or another VM.
import { PAGE_SHIFT, PAGE_SIZE, pmapAddress, pmapRead, pmapWrite, forEachMachineRange, type PhysicalMemory, type Pmap } from "@vmlab/isa";

export class GuestMemory {
  readonly bytes: number;
  readonly frames: number;
  /** MFN -> PFN for this guest's frames, -1 for every other machine frame. */
  private readonly rmap: Int32Array;
  private readonly m8: Uint8Array;
  private readonly m32: Int32Array;

  constructor(
    readonly machineMemory: PhysicalMemory,
    /** The monitor's pmap: PFN -> MFN. */
    readonly pmap: Pmap,
  ) {
    this.frames = pmap.length;
    this.bytes = this.frames * PAGE_SIZE;
    this.m8 = machineMemory.u8;
    this.m32 = machineMemory.i32;
    this.rmap = new Int32Array(machineMemory.size >>> PAGE_SHIFT).fill(-1);
    pmap.forEach((mfn, pfn) => {
      if (mfn < 0 || mfn >= this.rmap.length || this.rmap[mfn] !== -1) throw new RangeError(`pmap entry ${pfn} -> ${mfn} is outside machine memory or given twice`);
      this.rmap[mfn] = pfn;
    });
  }

  /** PFN -> MFN as addresses: the machine address of guest-physical `gpa` (inside the guest's memory). */
  machineAddress(guestPhysical: number): number {
    return pmapAddress(this.pmap, guestPhysical);
  }

  /** MFN -> PFN as addresses: the guest-physical address of machine address `ma`, or -1 when it is not this guest's. */
  guestPhysical(machineAddress: number): number {
    const pfn = this.rmap[machineAddress >>> PAGE_SHIFT];
    return pfn === undefined || pfn < 0 ? -1 : pfn * PAGE_SIZE + (machineAddress & (PAGE_SIZE - 1));
  }

  contains(guestPhysical: number, length = 1): boolean {
    return guestPhysical >= 0 && guestPhysical + length <= this.bytes;
  }

  /** The aligned guest word at `gpa`. */
  read32(gpa: number): number {
    return this.m32[(this.pmap[gpa >>> PAGE_SHIFT]! << 10) | ((gpa & 0xfff) >>> 2)]!;
  }

  write32(gpa: number, value: number): void {
    this.m32[(this.pmap[gpa >>> PAGE_SHIFT]! << 10) | ((gpa & 0xfff) >>> 2)] = value;
  }

  read8(gpa: number): number {
    return this.m8[this.machineAddress(gpa)]!;
  }

  /** The words of guest frame `pfn`, a view of its machine frame. */
  frameWords(pfn: number): Int32Array {
    const at = this.pmap[pfn]! << 10;
    return this.m32.subarray(at, at + (PAGE_SIZE >>> 2));
  }

  /** A copy of `length` bytes at `gpa`, in guest-physical order. */
  read(gpa: number, length: number): Uint8Array {
    return pmapRead(this.m8, this.pmap, gpa, length);
  }

  write(gpa: number, bytes: Uint8Array): void {
    pmapWrite(this.m8, this.pmap, gpa, bytes);
  }

  /** Each machine-contiguous piece of guest-physical [start, end), as machine [from, to). */
  forEachMachineRange(start: number, end: number, range: (from: number, to: number) => void): void {
    forEachMachineRange(this.pmap, start, end, (ma, _offset, length) => range(ma, ma + length));
  }

  /** The whole of guest memory in guest-physical order (what the equivalence digest reads, as native's). */
  snapshot(): Uint8Array {
    return this.read(0, this.bytes);
  }
}

/** Frames of machine memory that belong to the monitor (its region at the bottom, which no pmap names), handed out one at a time. */
export class MonitorFrames {
  private next: number;
  private readonly free: number[] = [];

  constructor(
    private readonly memory: PhysicalMemory,
    /** First frame address the allocator may hand out. */
    private readonly first: number,
    /** End (exclusive) of the monitor's region. */
    readonly end: number,
  ) {
    this.next = first;
  }

  /** A zeroed frame's machine address, or -1 when the region is exhausted. */
  allocate(): number {
    const frame = this.free.length > 0 ? this.free.pop()! : this.next < this.end ? (this.next += PAGE_SIZE) - PAGE_SIZE : -1;
    if (frame >= 0) this.memory.u8.fill(0, frame, frame + PAGE_SIZE);
    return frame;
  }

  release(frame: number): void {
    this.free.push(frame);
  }

  /** Gives every frame back at once. */
  reset(): void {
    this.next = this.first;
    this.free.length = 0;
  }

  get inUse(): number {
    return (this.next - this.first) / PAGE_SIZE - this.free.length;
  }
}
