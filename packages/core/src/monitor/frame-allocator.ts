// The monitor's allocator of machine frames for its guests' memory.
//
// A monitor that has been up a while hands a new VM whatever its free list holds: frames
// freed by VMs that came and went, in no particular order. A seeded shuffle of the free
// machine frames (Fisher-Yates driven by mulberry32) stands for that list: the frames a
// VM gets are scattered as a real monitor's are, so guest-physical and machine addresses
// differ frame by frame, and the same seed always gives the same layout, so runs stay
// reproducible. The seed comes from the scenario's name (the configuration decides only
// the chunk size, below): a scenario's pages land in the same machine frames under every
// configuration that hands out single frames, so pictures of its memory under two
// configurations can be set side by side. A fragmenting allocator replayed from a
// history of allocations would scatter frames too, but that history would be made up
// all the same; the shuffle says so plainly.
//
// Where the monitor backs guest memory with large pages (nested paging on hardware that
// has them, as KVM backs guests with huge pages), it hands out large-page chunks instead,
// aligned and scattered among themselves, so a large host page still maps one chunk.
import { levelBits, PAGE_SHIFT, seededRandom, type Pmap } from "@vmlab/isa";
import type { GuestSession } from "../strategy.js";

export class MachineFrameAllocator {
  /** First MFN of each free chunk, in the order they are handed out. */
  private readonly free: number[] = [];
  private next = 0;

  constructor(
    /** Machine frames [firstFrame, endFrame) are the guests' to share. */
    readonly firstFrame: number,
    readonly endFrame: number,
    readonly seed: number,
    /** Frames per chunk (1: frame by frame). Chunks are aligned to their size in machine memory. */
    readonly chunkFrames = 1,
  ) {
    const first = Math.ceil(firstFrame / chunkFrames) * chunkFrames;
    for (let f = first; f + chunkFrames <= endFrame; f += chunkFrames) this.free.push(f);
    const random = seededRandom(seed);
    for (let i = this.free.length - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      const t = this.free[i]!;
      this.free[i] = this.free[j]!;
      this.free[j] = t;
    }
  }

  /** Frames still free. */
  get freeFrames(): number {
    return (this.free.length - this.next) * this.chunkFrames;
  }

  /** The machine frames of a new guest memory of `bytes`: its pmap (PFN -> MFN). */
  take(bytes: number): Pmap {
    const frames = bytes >>> PAGE_SHIFT;
    if (frames % this.chunkFrames !== 0) throw new RangeError(`guest memory of ${bytes} bytes is not a whole number of ${this.chunkFrames}-frame chunks`);
    if (frames > this.freeFrames) throw new RangeError(`machine memory has ${this.freeFrames} free frames, not the ${frames} a guest of ${bytes} bytes needs`);
    const pmap = new Int32Array(frames);
    for (let pfn = 0; pfn < frames; pfn += this.chunkFrames) {
      const chunk = this.free[this.next++]!;
      for (let k = 0; k < this.chunkFrames; k++) pmap[pfn + k] = chunk + k;
    }
    return pmap;
  }
}

/**
 * Frames per chunk for `session`'s guest memory: a large page's span where nested
 * paging will map it with large host pages (the hardware has them), otherwise one.
 */
export function chunkFramesFor(session: GuestSession): number {
  const mmu = session.profile.mmu;
  if (mmu.kind !== "walker" || !session.machineProfile.features.largePages || session.memory.info.requires.nestedPaging !== true) return 1;
  return 1 << levelBits(mmu.levels)[mmu.levels - 1]!;
}

/** How a machine's guest frames are handed out: the seed of the shuffle, and the chunk size wanted. */
export interface FrameLayout {
  readonly seed: number;
  readonly chunkFrames: number;
}

/** The layout of `session`'s guest memory: seeded from its scenario, chunked as its configuration maps guest memory. */
export function frameLayoutFor(session: GuestSession): FrameLayout {
  return { seed: frameSeed(session.scenario.name), chunkFrames: chunkFramesFor(session) };
}

/**
 * The allocator of a machine whose frames from `firstByte` to `endByte` are for guests:
 * in the layout's chunks where `vms` guests of `guestBytes` each fit in whole chunks,
 * frame by frame otherwise.
 */
export function guestFrameAllocator(layout: FrameLayout, firstByte: number, endByte: number, guestBytes: number, vms = 1): MachineFrameAllocator {
  const first = firstByte >>> PAGE_SHIFT;
  const end = endByte >>> PAGE_SHIFT;
  const chunk = layout.chunkFrames;
  const frames = guestBytes >>> PAGE_SHIFT;
  const chunks = Math.floor(end / chunk) - Math.ceil(first / chunk);
  const fits = chunk > 1 && frames % chunk === 0 && chunks * chunk >= vms * frames;
  return new MachineFrameAllocator(first, end, layout.seed, fits ? chunk : 1);
}

/** The allocator's seed for a run of `scenarioName` (FNV-1a of the name): the same scenario, the same layout. */
export function frameSeed(scenarioName: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < scenarioName.length; i++) h = Math.imul(h ^ scenarioName.charCodeAt(i), 0x01000193);
  return h >>> 0;
}
