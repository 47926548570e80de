// Coursework mode, after the OSTEP simulators: a seed gives the same questions every
// time, and each answer comes from a real run (or the real tables) made now, never stored.
import type { QuizLab } from "./lab.js";
import { type Asked, QUIZ_TOPICS, type Quiz, type QuizTopic } from "./question.js";
import { topicRandom, type Random } from "./random.js";
import { cheapest } from "./topics/cheapest.js";
import { nestedWalk } from "./topics/nested-walk.js";
import { nextStep } from "./topics/next-step.js";
import { sensitiveUnprivileged } from "./topics/sensitive-unprivileged.js";
import { trapsPerSyscall } from "./topics/traps-per-syscall.js";

const ASK: Record<QuizTopic, (lab: QuizLab, rng: Random) => Asked> = {
  "traps-per-syscall": trapsPerSyscall,
  "sensitive-unprivileged": (_lab, rng) => sensitiveUnprivileged(rng),
  "nested-walk": nestedWalk,
  cheapest,
  "next-step": nextStep,
};

/** The largest seed (seeds are 32-bit, as the PRNG's state). */
export const MAX_QUIZ_SEED = 0xffff_ffff;

/** A seed or topic the quiz cannot take. */
export class QuizError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "QuizError";
  }
}

export function checkQuizSeed(seed: number): void {
  if (!Number.isSafeInteger(seed) || seed < 0 || seed > MAX_QUIZ_SEED) throw new QuizError(`quiz seed must be an integer from 0 to ${MAX_QUIZ_SEED} (got ${seed})`);
}

export function checkQuizTopics(topics: readonly string[]): asserts topics is readonly QuizTopic[] {
  for (const t of topics) if (!(QUIZ_TOPICS as readonly string[]).includes(t)) throw new QuizError(`unknown quiz topic '${t}' (valid: ${QUIZ_TOPICS.join(", ")})`);
}

/** One question per topic asked (default: every topic), in QUIZ_TOPICS order. */
export function generateQuiz(lab: QuizLab, seed: number, topics: readonly string[] = QUIZ_TOPICS): Quiz {
  checkQuizSeed(seed);
  checkQuizTopics(topics);
  const asked = QUIZ_TOPICS.filter((t) => topics.includes(t));
  return {
    seed,
    topics: asked,
    questions: asked.map((topic, i) => ({ number: i + 1, topic, ...ASK[topic](lab, topicRandom(seed, topic)) })),
  };
}
