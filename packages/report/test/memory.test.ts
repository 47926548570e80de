import { describe, expect, it } from "vitest";
import type { MemoryPicture, TraceEvent } from "@vmlab/core";
import { memoryMomentLimit, memoryPictureText, momentReached, traceStepStarts, traceSteps } from "../src/index.js";

const process1 = { slot: 0, pid: 1, parent: 0, state: "running" as const, root: 0x100000, brk: 0x10002000, current: true };

function picture(over: Partial<MemoryPicture> = {}): MemoryPicture {
  return {
    at: 1234,
    monitor: true,
    guestFrames: 1024,
    machineFrames: 1536,
    processes: [process1],
    process: process1,
    guestTables: "page table",
    levels: 3,
    connection: "shadow",
    memory: "shadow",
    connectingRoot: 0x3000,
    pages: [
      { vpn: 0x400, pfn: 0x101, writable: true, mfn: 0x322, connected: 0x322 },
      { vpn: 0x10000, pfn: 0x102, writable: true, mfn: 0x2ec, connected: null },
      { vpn: 0x10001, pfn: 0x103, writable: true, mfn: 0x459, connected: 0x458 },
    ],
    ...over,
  };
}

describe("the memory picture as text", () => {
  it("one row per page, VPN --> PFN --> MFN, the shadow entry beside it; an unfilled entry and a disagreeing one said so", () => {
    const text = memoryPictureText(picture(), "heading:");
    const lines = text.split("\n");
    expect(lines[0]).toBe("heading:");
    expect(text).toMatch(/0x00400 --> 0x00101 -+> 0x00322 +0x00400 -> 0x00322\n/);
    expect(text).toMatch(/0x10000 --> 0x00102 -+> 0x002ec +not filled yet/);
    expect(text).toMatch(/0x10001 -> 0x00458 {3}\(not the pmap's MFN!\)/);
    expect(text).toMatch(/of 2 pairs of consecutive guest frames here, 0 are consecutive in machine memory/);
    expect(text).toMatch(/3 pages mapped; 2 filled in the shadow table, 1 NOT the pmap's MFN\n$/);
  });

  it("nested tables connect PFN to MFN; bare metal has two columns and no arrow into nothing", () => {
    const nested = memoryPictureText(picture({ connection: "nested", memory: "nested", pages: [{ vpn: 0x400, pfn: 0x101, writable: true, mfn: 0x322, connected: 0x322 }] }), "h");
    expect(nested).toMatch(/nested \(host\) tables/);
    expect(nested).toMatch(/0x00101 -> 0x00322\n/);
    const bare = memoryPictureText(picture({ monitor: false, connection: "none", memory: "bare metal", pages: [{ vpn: 0x400, pfn: 0x101, writable: true, mfn: 0x101 }] }), "h");
    expect(bare).toMatch(/ {2}0x00400 --> 0x00101\n/);
    expect(bare).not.toMatch(/MFN/);
  });
});

describe("the moment of a picture", () => {
  const ev = (actor: TraceEvent["actor"], kind: TraceEvent["kind"], at: number, extra: Partial<TraceEvent> = {}): TraceEvent => ({ actor, kind, text: kind, at, ...extra });
  const events: TraceEvent[] = [
    ev("os", "run", 0, { instructions: 5 }),
    ev("process", "run", 5, { instructions: 3 }),
    ev("process", "trap", 8, { cause: "SYSCALL" }),
    ev("vmm", "reflect", 8),
    ev("os", "run", 8, { instructions: 4 }),
    ev("process", "run", 12, { instructions: 2 }),
    ev("os", "halt", 14),
  ];

  it("step starts as traceSteps numbers the steps: step N's events begin at entry N - 1", () => {
    const steps = traceSteps(events, { steps: 100 });
    const starts = traceStepStarts(events);
    expect(starts).toEqual([1, 3, 4, 5, 6, 7]);
    steps.forEach((s, i) => expect(events[starts[i]!]!.at).toBe(s.at));
  });

  it("after step N: its events and no more; by default after the last process event; past the end, a reason", () => {
    expect(memoryMomentLimit(events, { step: 2 })).toEqual({ limit: 4, description: "after step 2" });
    expect(memoryMomentLimit(events, {})).toEqual({ limit: 6, description: "after the last step of a user process" });
    expect(memoryMomentLimit(events, { step: 9 })).toMatch(/step 9 is past the end of the run \(it has 5 steps/);
    expect(memoryMomentLimit([ev("os", "halt", 0)], {})).toBe("no user process ran in this run");
  });
});

describe("the moment a stopped run really shows", () => {
  const ev = (actor: TraceEvent["actor"], kind: TraceEvent["kind"], at: number): TraceEvent => ({ actor, kind, text: kind, at });
  // Step 1 process runs and traps; step 2 the monitor reflects it; step 3 the OS; step 4 the process.
  const events: TraceEvent[] = [ev("process", "run", 0), ev("process", "trap", 3), ev("vmm", "reflect", 3), ev("os", "run", 3), ev("process", "run", 9)];

  it("names the steps run past the one asked for, from how many events the stopped run emitted", () => {
    const at = memoryMomentLimit(events, { step: 1 });
    if (typeof at === "string") throw new Error(at);
    // Stopped as soon as step 1's events were logged: exactly what was asked.
    expect(momentReached(events, { step: 1 }, at, at.limit)).toBe("after step 1");
    // The monitor's reflect (step 2's one event) ran before the loop looked at the log.
    expect(momentReached(events, { step: 1 }, at, at.limit + 1)).toBe("after step 1, with step 2 done too (a run can stop only where the guest is resumed)");
    expect(momentReached(events, { step: 1 }, at, at.limit + 2)).toBe("after step 1, with steps 2 to 3 done too (a run can stop only where the guest is resumed)");
  });
});
