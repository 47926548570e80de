// `vmlab quiz --seed 7 -c`: every answer it prints checked against runs of the simulator
// made here (or a hand calculation), never against a stored value.
import { describe, expect, it } from "vitest";
import {
  BUILTIN_STRATEGY_PACKAGES,
  catalogOf,
  guestImage,
  importStrategyModules,
  resolveConfiguration,
  resolveStrategyPackage,
  runConfiguration,
  symbolize,
  TraceLog,
  type ConfigurationSpec,
} from "@vmlab/core";
import { findScenario } from "@vmlab/guest";
import { NEXT_STEP_EVENTS } from "@vmlab/course";
import { classifyProfile, getProfile } from "@vmlab/isa";
import { traceSteps, type TraceStart } from "@vmlab/report";
import { hasStackTrace, repoRoot, vmlab, vmlabInProcess } from "./run-cli.js";

const modules = await importStrategyModules(BUILTIN_STRATEGY_PACKAGES.map((p) => resolveStrategyPackage(p, repoRoot)));
const catalog = catalogOf(modules);
const run = (spec: ConfigurationSpec, scenario: string) => runConfiguration(resolveConfiguration(spec, catalog), findScenario(scenario), modules);

interface Question {
  number: number;
  topic: string;
  question: string;
  answer?: string;
  shown?: { step: number; at: number; actor: string; text: string }[];
  value?: Record<string, never>;
}
const json = vmlab(["quiz", "--seed", "7", "-c", "--json"]);
const quiz = JSON.parse(json.stdout) as { seed: number; questions: Question[] };
// biome-ignore lint/suspicious/noExplicitAny: each topic's value has its own shape
const asked = (topic: string): any => quiz.questions.find((q) => q.topic === topic)!.value;

describe("vmlab quiz --seed 7 -c", () => {
  it("prints every topic's question with its answer and proofs, the same answers as --json", () => {
    const text = vmlab(["quiz", "--seed", "7", "-c"]);
    expect(json.status).toBe(0);
    expect(text.status).toBe(0);
    expect(quiz.questions.map((q) => q.topic)).toEqual(["traps-per-syscall", "sensitive-unprivileged", "nested-walk", "cheapest", "next-step"]);
    for (const q of quiz.questions) {
      expect(text.stdout).toContain(`${q.number}. [${q.topic}] ${q.question}`);
      expect(text.stdout).toContain(`   Answer: ${q.answer}`);
    }
    expect(text.stdout.match(/^ {3}Proof: /gm)!.length).toBeGreaterThanOrEqual(quiz.questions.length);
    // The same seed, the same questions and answers, whichever topics are asked with them.
    const again = vmlab(["quiz", "--seed", "7", "-c", "--topic", "cheapest,sensitive-unprivileged"]);
    const block = (out: string, topic: string) =>
      out
        .split("\n\n")
        .find((b) => new RegExp(`^\\d+\\. \\[${topic}\\]`).test(b))!
        .replace(/^\d+\. /, "")
        .trimEnd();
    for (const topic of ["sensitive-unprivileged", "cheapest"]) expect(block(again.stdout, topic)).toBe(block(text.stdout, topic));
  });

  it("traps per system call: the monitor's count in the syscall region over bare metal's system calls there", () => {
    const v = asked("traps-per-syscall");
    const monitored = run({ profile: "mips-like", cpu: "trap-emulate", memory: "software-tlb", machine: v.machine }, "syscall");
    const native = run({ profile: "mips-like", cpu: "native", machine: v.machine }, "syscall");
    // The region holds the 1,000 getpid calls and the end marker's own: bare metal traps for nothing else there.
    expect(native.region!.counts.trapEntry).toBe(1001);
    expect(v.perCall).toBe(Math.round(monitored.region!.counts[v.event as "trapEntry"]! / 1001));
  });

  it("sensitive but unprivileged: what the classifier finds by running every instruction in both modes", () => {
    const v = asked("sensitive-unprivileged");
    expect(v.instructions).toEqual(classifyProfile(getProfile(v.profile), { states: 4 }).theorem1.offenders);
    expect(v.instructions).toEqual(v.profile === "x86-like" ? ["PUSHF", "POPF", "RDMODE", "RDTVEC"] : []);
  });

  it("references per TLB miss under n x n nested paging: (n+1)(n+1)-1 without walk caches, and what a run with them on counts", () => {
    const v = asked("nested-walk");
    const n = v.levels as number;
    expect(v.withoutCaches).toBe((n + 1) * (n + 1) - 1);
    const perMiss = (switches: string) => {
      const m = run({ profile: v.profile, levels: n, cpu: "hardware-assist", memory: "nested", machine: `${v.machine}${switches}` }, "tlb-pressure").metrics!;
      return m.walkReferences / m.tlbMisses;
    };
    const off = perMiss(":pageWalkCache=off:nestedTlb=off:largePages=off");
    expect(Math.round(off)).toBe(v.withoutCaches);
    expect(v.measuredWithoutCaches).toBeCloseTo(off, 2);
    const on = perMiss(":pageWalkCache=on:nestedTlb=on:largePages=off");
    expect(v.withCaches).toBeCloseTo(on, 2);
    expect(on).toBeLessThan(off);
  });

  it("the cheapest configuration: each CPU strategy run on the scenario, the fewest cycles and the ratio to the next", () => {
    const v = asked("cheapest");
    const cycles = ["trap-emulate", "binary-translation", "hardware-assist", "paravirt"]
      .map((cpu) => run({ profile: "riscv-like", cpu, machine: v.machine }, v.scenario))
      .map((r) => ({ label: r.configuration.label, total: r.cycles!.total }))
      .sort((a, b) => a.total - b.total);
    expect([v.configuration, v.cycles, v.next, v.nextCycles]).toEqual([cycles[0]!.label, cycles[0]!.total, cycles[1]!.label, cycles[1]!.total]);
    expect(v.ratio).toBeCloseTo(cycles[1]!.total / cycles[0]!.total, 2);
  });

  it("the next step of a trace: the steps shown and the one asked are the trace's own", () => {
    const q = quiz.questions.find((x) => x.topic === "next-step")!;
    const v = asked("next-step");
    const config = resolveConfiguration({ profile: v.profile, cpu: v.cpu, machine: v.machine, ...(v.memory ? { memory: v.memory } : {}) }, catalog);
    const scenario = findScenario(v.scenario);
    const log = new TraceLog(NEXT_STEP_EVENTS);
    runConfiguration(config, scenario, modules, { trace: log });
    const image = guestImage(scenario, config.profile, { paravirt: v.cpu === "paravirt" });
    const steps = traceSteps(log.events, { start: v.start as TraceStart, steps: v.step, symbolize: (pc) => symbolize(image, pc) });
    expect(q.shown).toEqual(steps.slice(0, v.step - 1));
    expect({ actor: v.actor, text: v.text }).toEqual({ actor: steps[v.step - 1]!.actor, text: steps[v.step - 1]!.text });
  });
});

describe("vmlab quiz: seeds and topics", () => {
  it("another seed asks other questions; without -c no answers", () => {
    const other = vmlab(["quiz", "--seed", "8"]);
    expect(other.status).toBe(0);
    expect(other.stdout).not.toContain("Answer:");
    expect(other.stdout).toContain("vmlab quiz --seed 8 -c");
    const questions = (out: string) => out.split("\n").filter((l) => /^\d+\. \[/.test(l));
    expect(questions(other.stdout)).not.toEqual(quiz.questions.map((q) => `${q.number}. [${q.topic}] ${q.question}`));
  });

  it("--format plain: the trace a question shows as tab-separated lines, those of the --json quiz", () => {
    const plain = vmlab(["quiz", "--seed", "7", "--topic", "next-step", "--format", "plain"], { env: { COLUMNS: "40" } });
    expect(plain.status).toBe(0);
    const shown = quiz.questions.find((q) => q.topic === "next-step")!.shown!;
    const lines = plain.stdout.split("\n").filter((l) => /^ {3}\d+\t/.test(l));
    expect(lines).toEqual(shown.map((s) => `   ${s.step}\t${s.at}\t${s.actor}\t${s.text}`));
    expect(plain.stdout).not.toMatch(/[║│╔\u001b]/);
  });

  it("bad --topic and --seed: one line naming the valid values, exit 2", async () => {
    const topic = await vmlabInProcess(["quiz", "--topic", "nested-walks"]);
    expect(topic.status).toBe(2);
    expect(topic.stderr.trim()).toBe("vmlab: unknown quiz topic 'nested-walks' (valid: traps-per-syscall, sensitive-unprivileged, nested-walk, cheapest, next-step); did you mean 'nested-walk'?");
    for (const seed of ["-1", "x", "4294967296", "1.5"]) {
      const r = await vmlabInProcess(["quiz", "--seed", seed]);
      expect(r.status).toBe(2);
      expect(r.stderr.trim()).toBe(`vmlab: --seed must be an integer from 0 to 4294967295 (got '${seed}')`);
      expect(hasStackTrace(r.stderr)).toBe(false);
    }
  });
});
