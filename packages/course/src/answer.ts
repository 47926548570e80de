// A student's answer to a question, checked against the answer its runs gave: what to
// ask for (fields a page or a prompt shows) and whether each given part is right.
// Measured averages are taken within a tolerance; sets of mnemonics in any order.
import type { QuizQuestion, QuizTopic } from "./question.js";
import { CHEAPEST_CPUS } from "./topics/cheapest.js";
import { ACTOR_NAMES } from "./topics/next-step.js";

export interface AnswerField {
  /** The key of the given answer's record. */
  readonly name: string;
  readonly label: string;
  readonly kind: "number" | "text" | "choice";
  /** A choice's values and how they are shown. */
  readonly choices?: readonly { readonly value: string; readonly text: string }[];
}

/** One field's verdict; `note` says what was wrong with it. */
export interface AnswerPart {
  readonly name: string;
  readonly right: boolean;
  readonly note?: string;
}

export interface AnswerCheck {
  readonly right: boolean;
  readonly parts: readonly AnswerPart[];
}

/** A measured average is right within 5% (and 0.05 for small ones): the student estimates it, the run measures it. */
export const ANSWER_TOLERANCE = 0.05;

const near = (given: number, expected: number): boolean => Math.abs(given - expected) <= Math.max(ANSWER_TOLERANCE, ANSWER_TOLERANCE * Math.abs(expected));

/** "1,234", "11.5", "1.79x", "1.79×": the number, or undefined. */
export function parseAnswerNumber(text: string): number | undefined {
  const t = text
    .trim()
    .replace(/[,_\s]/g, "")
    .replace(/[x×]$/i, "");
  if (t === "" || !/^[+-]?(\d+\.?\d*|\.\d+)$/.test(t)) return undefined;
  return Number(t);
}

/** Mnemonics separated by commas or spaces, any case; "none" (or nothing) is the empty set. */
export function parseMnemonics(text: string): string[] {
  const words = text
    .split(/[\s,;]+/)
    .map((w) => w.toUpperCase())
    .filter((w) => w !== "" && w !== "NONE" && w !== "AND");
  return [...new Set(words)];
}

const cheapestLabel = (source: string, machine: string): string => source.replace(new RegExp(` on ${machine.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}$`), "");
const cpuOf = (label: string): number => (CHEAPEST_CPUS as readonly string[]).indexOf(label.split("/")[1] ?? "");

const FIELDS: Record<QuizTopic, (q: QuizQuestion) => AnswerField[]> = {
  "traps-per-syscall": () => [{ name: "perCall", label: "per system call", kind: "number" }],
  "sensitive-unprivileged": () => [{ name: "instructions", label: "mnemonics (any order; none if none)", kind: "text" }],
  "nested-walk": () => [
    { name: "withoutCaches", label: "references per miss without walk caches", kind: "number" },
    { name: "withCaches", label: "with the walk caches, on average", kind: "number" },
  ],
  cheapest: (q) => {
    const machine = String(q.value.machine);
    const labels = q.proof.map((p) => cheapestLabel(p.source, machine)).sort((a, b) => cpuOf(a) - cpuOf(b));
    return [
      { name: "configuration", label: "the cheapest", kind: "choice", choices: labels.map((l) => ({ value: l, text: l })) },
      { name: "ratio", label: "times fewer cycles than the next cheapest", kind: "number" },
    ];
  },
  "next-step": (q) => [
    {
      name: "actor",
      label: "the next step's column",
      kind: "choice",
      choices: (q.shownColumns === 2 ? (["process", "os"] as const) : (["process", "os", "vmm"] as const)).map((a) => ({ value: a, text: ACTOR_NAMES[a] })),
    },
  ],
};

/** What a question asks the student to give. */
export function answerFields(q: QuizQuestion): AnswerField[] {
  return FIELDS[q.topic](q);
}

function numberPart(name: string, given: string | undefined, right: (n: number) => boolean): AnswerPart {
  const n = parseAnswerNumber(given ?? "");
  if (n === undefined) return { name, right: false, note: given?.trim() ? `'${given.trim()}' is not a number` : "no answer" };
  return right(n) ? { name, right: true } : { name, right: false };
}

/** Each field of `given` (by AnswerField name) against the question's answer. */
export function checkAnswer(q: QuizQuestion, given: Readonly<Record<string, string>>): AnswerCheck {
  const v = q.value;
  let parts: AnswerPart[];
  switch (q.topic) {
    case "traps-per-syscall":
      // The answer is printed rounded; either the rounded count or the measured average is right.
      parts = [numberPart("perCall", given.perCall, (n) => n === v.perCall || near(n, Number(v.exact)))];
      break;
    case "sensitive-unprivileged": {
      const want = new Set(v.instructions as readonly string[]);
      const got = parseMnemonics(given.instructions ?? "");
      const missing = [...want].filter((m) => !got.includes(m));
      const extra = got.filter((m) => !want.has(m));
      const note = [missing.length ? `missing ${missing.length}` : "", extra.length ? `not among them: ${extra.join(", ")}` : ""].filter(Boolean).join("; ");
      parts = [{ name: "instructions", right: note === "", ...(note ? { note } : {}) }];
      break;
    }
    case "nested-walk":
      parts = [
        // The formula's count, or the measured average (a little below it).
        numberPart("withoutCaches", given.withoutCaches, (n) => n === v.withoutCaches || near(n, Number(v.measuredWithoutCaches))),
        numberPart("withCaches", given.withCaches, (n) => near(n, Number(v.withCaches))),
      ];
      break;
    case "cheapest":
      parts = [
        given.configuration ? { name: "configuration", right: given.configuration === v.configuration } : { name: "configuration", right: false, note: "no answer" },
        numberPart("ratio", given.ratio, (n) => near(n, Number(v.ratio))),
      ];
      break;
    case "next-step":
      parts = [given.actor ? { name: "actor", right: given.actor === v.actor } : { name: "actor", right: false, note: "no answer" }];
      break;
  }
  return { right: parts.every((p) => p.right), parts };
}
