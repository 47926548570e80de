// Physical memory: one ArrayBuffer seen as bytes and as aligned words (the host is
// little-endian, as the ISA is).
import { PAGE_SIZE } from "./arch.js";
import { takeZeroed } from "./buffer-pool.js";

export const DEFAULT_MEMORY_BYTES = 4 * 1024 * 1024;

export class PhysicalMemory {
  readonly buffer: ArrayBuffer;
  readonly u8: Uint8Array;
  readonly i32: Int32Array;
  readonly size: number;

  constructor(bytes: number = DEFAULT_MEMORY_BYTES) {
    if (!Number.isInteger(bytes) || bytes < PAGE_SIZE || bytes % PAGE_SIZE !== 0 || bytes > 1 << 30) {
      throw new RangeError(`memory size ${bytes} must be a whole number of 4 KiB pages, at most 1 GiB`);
    }
    this.size = bytes;
    this.buffer = takeZeroed(bytes);
    this.u8 = new Uint8Array(this.buffer);
    this.i32 = new Int32Array(this.buffer);
  }

  readWord(pa: number): number {
    return this.i32[pa >>> 2]!;
  }

  writeWord(pa: number, value: number): void {
    this.i32[pa >>> 2] = value;
  }
}
