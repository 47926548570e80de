// A guest's physical memory inside machine memory: guest-physical frame p is machine
// frame p + base/4096 (the monitor's pmap, PFN -> MFN). The monitor keeps its own
// frames (shadow tables, its trap vector) below `base`, so a guest frame number past
// the guest's size is past the end of machine memory and can never reach the monitor.
import { PAGE_SHIFT, PAGE_SIZE, type PhysicalMemory } from "@vmlab/isa";

export class GuestMemory {
  /** Guest-physical bytes, as the guest sees them (index = guest-physical address). */
  readonly u8: Uint8Array;
  readonly i32: Int32Array;
  readonly frames: number;

  constructor(
    readonly machineMemory: PhysicalMemory,
    /** Machine address of guest-physical 0. */
    readonly base: number,
    readonly bytes: number,
  ) {
    if (base % PAGE_SIZE !== 0 || base + bytes > machineMemory.size) throw new RangeError("guest memory does not fit in machine memory");
    this.u8 = machineMemory.u8.subarray(base, base + bytes);
    this.i32 = new Int32Array(machineMemory.buffer, base, bytes >>> 2);
    this.frames = bytes >>> PAGE_SHIFT;
  }

  /** PFN -> MFN as machine addresses. */
  machineAddress(guestPhysical: number): number {
    return this.base + guestPhysical;
  }

  contains(guestPhysical: number, length = 1): boolean {
    return guestPhysical >= 0 && guestPhysical + length <= this.bytes;
  }
}

/** Frames of machine memory that belong to the monitor (below the guest), handed out one at a time. */
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
