import { describe, expect, it } from "vitest";
import { frameSeed, guestFrameAllocator, MachineFrameAllocator } from "../src/index.js";

describe("the monitor's allocator of machine frames", () => {
  it("hands out every free frame once, in a seeded order: the same seed the same layout, another seed another", () => {
    const a = new MachineFrameAllocator(512, 1536, 42).take(1024 * 4096);
    expect([...a].sort((x, y) => x - y)).toEqual(Array.from({ length: 1024 }, (_, i) => 512 + i));
    expect(new MachineFrameAllocator(512, 1536, 42).take(1024 * 4096)).toEqual(a);
    const b = new MachineFrameAllocator(512, 1536, 43).take(1024 * 4096);
    expect(b.filter((m, i) => m === a[i]).length).toBeLessThan(10);
    // Scattered: hardly any guest frame is followed by the next machine frame.
    expect(a.filter((m, i) => i > 0 && m === a[i - 1]! + 1).length).toBeLessThan(10);
  });

  it("in chunks, each aligned and whole; more than it has is refused", () => {
    const alloc = new MachineFrameAllocator(512, 1536, 1, 128);
    const pmap = alloc.take(512 * 4096);
    for (let c = 0; c < 512; c += 128) {
      expect(pmap[c]! % 128).toBe(0);
      for (let k = 1; k < 128; k++) expect(pmap[c + k]).toBe(pmap[c]! + k);
    }
    expect(alloc.freeFrames).toBe(512);
    expect(() => alloc.take(1024 * 4096)).toThrow(/512 free frames, not the 1024/);
  });

  it("falls back to single frames where the guests do not fit in whole aligned chunks", () => {
    // 4 MiB chunks above a 2 MiB monitor region in a 6 MiB machine: none fits.
    expect(guestFrameAllocator({ seed: 1, chunkFrames: 1024 }, 2 << 20, 6 << 20, 4 << 20).chunkFrames).toBe(1);
    expect(guestFrameAllocator({ seed: 1, chunkFrames: 128 }, 2 << 20, 6 << 20, 4 << 20).chunkFrames).toBe(128);
    expect(frameSeed("page-fault")).toBe(frameSeed("page-fault"));
    expect(frameSeed("page-fault")).not.toBe(frameSeed("syscall"));
  });
});
