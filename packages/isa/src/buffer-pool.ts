// Large zeroed buffers (machine memory, the CPU's decoded-instruction slots) taken from
// and given back to a small pool. A matrix or a fuzz campaign builds thousands of
// machines of the same few sizes, and allocating some 18 MB for each cost more than
// many of the runs themselves: the garbage collector ran after every few of them.
// Zeroing a kept buffer is a memset.

/** Buffers kept per size: enough for a run of several VMs and its native reference. */
const KEPT_PER_SIZE = 4;
/** Smaller buffers are cheap to allocate and not worth keeping. */
const SMALLEST_KEPT = 1 << 20;

const kept = new Map<number, ArrayBuffer[]>();

/** A zeroed buffer of `bytes`, reused when one was given back. */
export function takeZeroed(bytes: number): ArrayBuffer {
  const buffer = kept.get(bytes)?.pop();
  if (!buffer) return new ArrayBuffer(bytes);
  new Uint8Array(buffer).fill(0);
  return buffer;
}

/** Gives back a buffer nothing will read or write again. */
export function giveBack(buffer: ArrayBuffer): void {
  if (buffer.byteLength < SMALLEST_KEPT) return;
  let list = kept.get(buffer.byteLength);
  if (!list) kept.set(buffer.byteLength, (list = []));
  if (list.length < KEPT_PER_SIZE && !list.includes(buffer)) list.push(buffer);
}
