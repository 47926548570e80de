// A student's answer checked per question kind: numbers within the tolerance of a
// measured average, mnemonics in any order, a configuration or a column picked.
import { describe, expect, it } from "vitest";
import { answerFields, checkAnswer, parseAnswerNumber, parseMnemonics, type QuizQuestion } from "../src/index.js";

const question = (topic: QuizQuestion["topic"], value: QuizQuestion["value"], extra: Partial<QuizQuestion> = {}): QuizQuestion => ({
  number: 1,
  topic,
  question: "?",
  answer: "!",
  value,
  proof: [],
  ...extra,
});
const right = (q: QuizQuestion, given: Record<string, string>) => checkAnswer(q, given).right;

describe("checkAnswer", () => {
  it("takes a measured average within 5%, or the rounded count the answer prints", () => {
    const q = question("traps-per-syscall", { perCall: 12, exact: 12.4 });
    expect(right(q, { perCall: "12" })).toBe(true);
    expect(right(q, { perCall: "12.4" })).toBe(true);
    expect(right(q, { perCall: "13" })).toBe(true); // |13 - 12.4| = 0.6 <= 5% of 12.4 = 0.62
    expect(right(q, { perCall: "13.1" })).toBe(false);
    expect(checkAnswer(q, { perCall: "a dozen" }).parts).toEqual([{ name: "perCall", right: false, note: "'a dozen' is not a number" }]);
    expect(parseAnswerNumber("1,234")).toBe(1234);
    expect(parseAnswerNumber("1.79×")).toBe(1.79);
    expect(parseAnswerNumber("1.2.3")).toBeUndefined();
  });

  it("takes a set of mnemonics in any order and case; none for the empty set", () => {
    const q = question("sensitive-unprivileged", { profile: "x86-like", instructions: ["PUSHF", "POPF"] });
    expect(right(q, { instructions: "popf, pushf" })).toBe(true);
    expect(checkAnswer(q, { instructions: "POPF MOV" }).parts[0]).toEqual({ name: "instructions", right: false, note: "missing 1; not among them: MOV" });
    expect(right(question("sensitive-unprivileged", { instructions: [] }), { instructions: "none" })).toBe(true);
    expect(parseMnemonics(" rdmode,  RDMODE;tlbw ")).toEqual(["RDMODE", "TLBW"]);
  });

  it("judges each part: the formula's count and the average with walk caches; the cheapest and its ratio", () => {
    const walk = question("nested-walk", { withoutCaches: 15, measuredWithoutCaches: 14.9, withCaches: 3.14 });
    expect(checkAnswer(walk, { withoutCaches: "15", withCaches: "3.2" }).right).toBe(true);
    expect(checkAnswer(walk, { withoutCaches: "16", withCaches: "3.5" }).parts.map((p) => p.right)).toEqual([false, false]);
    const proof = ["riscv-like/trap-emulate/shadow", "riscv-like/paravirt/paravirt-mmu"].map((l) => ({ source: `${l} on p4-2006`, figure: "modeled cycles", value: 1 }));
    const cheap = question("cheapest", { machine: "p4-2006", configuration: "riscv-like/paravirt/paravirt-mmu", ratio: 1.79 }, { proof });
    // The choices in the question's order (trap-emulate first), not the runs' (cheapest first).
    expect(answerFields(cheap)[0]!.choices!.map((c) => c.value)).toEqual(["riscv-like/trap-emulate/shadow", "riscv-like/paravirt/paravirt-mmu"]);
    expect(right(cheap, { configuration: "riscv-like/paravirt/paravirt-mmu", ratio: "1.8x" })).toBe(true);
    expect(checkAnswer(cheap, { configuration: "riscv-like/trap-emulate/shadow", ratio: "" }).parts).toEqual([
      { name: "configuration", right: false },
      { name: "ratio", right: false, note: "no answer" },
    ]);
  });

  it("offers the trace's columns for the next step: two on bare metal", () => {
    const next = question("next-step", { actor: "vmm" }, { shownColumns: 3 });
    expect(answerFields(next)[0]!.choices!.map((c) => c.text)).toEqual(["Process", "Operating System", "VMM"]);
    expect(right(next, { actor: "vmm" })).toBe(true);
    expect(right(next, { actor: "os" })).toBe(false);
    expect(answerFields(question("next-step", { actor: "os" }, { shownColumns: 2 }))[0]!.choices).toHaveLength(2);
  });
});
