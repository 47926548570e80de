// Sampled traces (vmlab trace --every/--only): the log keeps, while the run records,
// exactly what a filter of the whole log would keep, and a long run keeps a bounded log.
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { findScenario } from "@vmlab/guest";
import { BUILTIN_STRATEGY_PACKAGES, catalogOf, importStrategyModules, resolveConfiguration, resolveStrategyPackage, runConfiguration, TraceLog, type TraceKind } from "@vmlab/core";
import { sampledSteps, tracePlain } from "../src/index.js";

const ROOT = fileURLToPath(new URL("../../..", import.meta.url));
const modules = await importStrategyModules(BUILTIN_STRATEGY_PACKAGES.map((p) => resolveStrategyPackage(p, ROOT)));
const catalog = catalogOf(modules);
const config = resolveConfiguration({ profile: "mips-like", cpu: "trap-emulate", machine: "p4-2006" }, catalog);

function record(scenario: string, log: TraceLog) {
  return runConfiguration(config, findScenario(scenario), modules, { trace: log });
}

describe("sampled traces", () => {
  it("--only trap,reflect --every 7 keeps exactly the events a filter of the whole log keeps, numbered by their place in it", () => {
    const whole = new TraceLog();
    record("syscall", whole);
    const only: TraceKind[] = ["trap", "reflect"];
    const sample = new TraceLog(Infinity, { only, every: 7 });
    record("syscall", sample);
    const places = whole.events.map((e, i) => ({ e, i })).filter(({ e }) => only.includes(e.kind));
    const kept = places.filter((_, k) => k % 7 === 0);
    expect(kept.length).toBeGreaterThan(100);
    expect(sample.events).toEqual(kept.map(({ e }) => e));
    expect(sample.ordinals).toEqual(kept.map(({ i }) => i));
    expect(sample.emitted).toBe(whole.events.length);
    // Each row is its event, numbered from 1 in the whole log.
    const rows = sampledSteps(sample.events, sample.ordinals, { steps: 3 });
    expect(rows.map((r) => r.step)).toEqual(kept.slice(0, 3).map(({ i }) => i + 1));
    expect(rows[0]!.text.startsWith(`${kept[0]!.e.kind}: ${kept[0]!.e.text}`)).toBe(true);
  });

  it("kernel-build sampled 1 in 1,000 runs to its end with a log of at most 1,000 events", () => {
    const log = new TraceLog(1000, { every: 1000 });
    const run = record("kernel-build", log);
    expect(run.outcome).toBe("halt");
    expect(log.full).toBe(false);
    // More events than the unsampled trace's limit of 200,000: a whole log would have stopped the run.
    expect(log.emitted).toBeGreaterThan(200_000);
    expect(log.events.length).toBe(Math.ceil(log.emitted / 1000));
  });

  it("a bad sampling is refused, naming the valid kinds", () => {
    expect(() => new TraceLog(10, { every: 0 })).toThrow(/every must be a positive integer/);
    expect(() => new TraceLog(10, { only: ["trp" as TraceKind] })).toThrow(/unknown event kind 'trp' \(valid: run, trap,/);
  });

  it("plain lines: step, at, actor, text separated by tabs, one per step", () => {
    const text = tracePlain([
      { step: 1, at: 0, actor: "process", text: "runs 6 instructions" },
      { step: 12, at: 4_096, actor: "vmm", text: "a\tb" },
    ]);
    expect(text).toBe("1\t0\tprocess\truns 6 instructions\n12\t4096\tvmm\ta b\n");
  });
});
