// A monitor's pmap as the hardware side sees it: guest-physical frame number (PFN) ->
// machine frame number (MFN), one entry per frame of the guest's memory. Whatever moves
// guest-physical bytes without the CPU's MMU (loading an image, disk DMA, a monitor's walk
// of the guest's own page tables) goes through it a frame at a time, because consecutive
// guest frames need not be consecutive machine frames.
import { PAGE_SHIFT, PAGE_SIZE } from "./arch.js";

/** PFN -> MFN: entry p is the machine frame holding guest-physical frame p. */
export type Pmap = Int32Array;

/** Bytes of guest-physical memory `pmap` covers. */
export function pmapBytes(pmap: Pmap): number {
  return pmap.length * PAGE_SIZE;
}

/** Machine address of guest-physical `gpa` (which must lie inside the pmap). */
export function pmapAddress(pmap: Pmap, gpa: number): number {
  return pmap[gpa >>> PAGE_SHIFT]! * PAGE_SIZE + (gpa & (PAGE_SIZE - 1));
}

/**
 * Calls `range` for each machine-contiguous piece of guest-physical [start, end): the
 * machine address of its first byte, its offset from `start` and its length.
 */
export function forEachMachineRange(pmap: Pmap, start: number, end: number, range: (machine: number, offset: number, length: number) => void): void {
  for (let gpa = start; gpa < end; ) {
    const pageEnd = Math.min(end, (Math.floor(gpa / PAGE_SIZE) + 1) * PAGE_SIZE);
    range(pmapAddress(pmap, gpa), gpa - start, pageEnd - gpa);
    gpa = pageEnd;
  }
}

/** Writes `bytes` at guest-physical `gpa` of machine memory `mem`. */
export function pmapWrite(mem: Uint8Array, pmap: Pmap, gpa: number, bytes: Uint8Array): void {
  forEachMachineRange(pmap, gpa, gpa + bytes.length, (ma, offset, length) => mem.set(bytes.subarray(offset, offset + length), ma));
}

/** A copy of `length` guest-physical bytes at `gpa`, in guest-physical order. */
export function pmapRead(mem: Uint8Array, pmap: Pmap, gpa: number, length: number): Uint8Array {
  const out = new Uint8Array(length);
  forEachMachineRange(pmap, gpa, gpa + length, (ma, offset, n) => out.set(mem.subarray(ma, ma + n), offset));
  return out;
}
