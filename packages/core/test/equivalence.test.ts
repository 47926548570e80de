import { describe, expect, it } from "vitest";
import { firstDivergence, fnv1a, type GuestDigest } from "../src/index.js";

const digest = (output: string, extra: Partial<GuestDigest> = {}): GuestDigest => ({
  outcome: "halt",
  output,
  guestInstructions: 100,
  registers: [0, 1, 2],
  memoryHash: "00000000",
  ...extra,
});

describe("equivalence with the native run", () => {
  it("full: output, outcome, instructions, registers and memory", () => {
    expect(firstDivergence(digest("a\n"), digest("a\n"))).toBeUndefined();
    expect(firstDivergence(digest("a\n"), digest("b\n"))!.what).toBe("console");
    expect(firstDivergence(digest("a\n"), digest("a\n", { guestInstructions: 101 }))!.what).toBe("instructions");
    expect(firstDivergence(digest("a\n"), digest("a\n", { registers: [0, 1, 3] }))!.detail).toMatch(/^r2 at the end/);
  });

  it("output: only the console and the outcome", () => {
    expect(firstDivergence(digest("a\n"), digest("a\n", { guestInstructions: 7, memoryHash: "ffffffff" }), "output")).toBeUndefined();
    expect(firstDivergence(digest("a\n"), digest("a\n", { outcome: "budget" }), "output")!.what).toBe("outcome");
  });

  it("output by writer: lines may interleave differently, but each writer's must be the same, in order", () => {
    const native = "a1\nb1\na2\nc1\nb2\n";
    // Another interleaving of the same lines: equivalent.
    expect(firstDivergence(digest(native), digest("a1\na2\nb1\nb2\nc1\n"), "output-by-writer")).toBeUndefined();
    // Plain "output" holds it to the exact bytes.
    expect(firstDivergence(digest(native), digest("a1\na2\nb1\nb2\nc1\n"), "output")!.what).toBe("console");
    // One writer's lines out of order.
    expect(firstDivergence(digest(native), digest("a2\nb1\na1\nc1\nb2\n"), "output-by-writer")!.detail).toBe(`writer "a"'s line 1: native "a1", this run "a2"`);
    // A line missing.
    expect(firstDivergence(digest(native), digest("a1\nb1\na2\nb2\n"), "output-by-writer")!.detail).toBe(`writer "c"'s line 1: native "c1", this run "(none)"`);
    // A line too many.
    expect(firstDivergence(digest(native), digest(`${native}b3\n`), "output-by-writer")!.detail).toMatch(/writer "b"'s line 3: native "\(none\)", this run "b3"/);
  });
});

describe("the memory hash", () => {
  it("tells memories apart by a word's value and by its place, and not by how they were made", () => {
    const a = new Uint8Array(4 * 4096);
    const b = new Uint8Array(4 * 4096);
    expect(fnv1a(a)).toBe(fnv1a(b));
    a[100] = 7;
    expect(fnv1a(a)).not.toBe(fnv1a(b));
    b[104] = 7; // the same byte one word later
    expect(fnv1a(a)).not.toBe(fnv1a(b));
    b[104] = 0;
    b[100] = 7;
    expect(fnv1a(a)).toBe(fnv1a(b));
    b[100] = 8;
    expect(fnv1a(a)).not.toBe(fnv1a(b));
  });
});
