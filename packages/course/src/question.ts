// A quiz question as plain data: what is asked, the answer, and the runs that prove it.
import type { TraceStep } from "@vmlab/report";

export const QUIZ_TOPICS = ["traps-per-syscall", "sensitive-unprivileged", "nested-walk", "cheapest", "next-step"] as const;
export type QuizTopic = (typeof QUIZ_TOPICS)[number];

/** One figure a run (or a table) gave, and where it came from. */
export interface QuizProof {
  /** The configuration run ("mips-like/trap-emulate/software-tlb on p4-2006"), or the table read. */
  readonly source: string;
  /** The scenario run, when a run proves it. */
  readonly scenario?: string;
  /** The guest instruction budget, when the run was cut short. */
  readonly budget?: number;
  /** What was counted ("traps reaching the monitor in the region"). */
  readonly figure: string;
  readonly value: number | string;
}

export interface QuizQuestion {
  readonly number: number;
  readonly topic: QuizTopic;
  readonly question: string;
  /** The trace steps the question shows (next-step). */
  readonly shown?: readonly TraceStep[];
  /** Its columns: Process | Operating System, and VMM unless on bare metal. */
  readonly shownColumns?: 2 | 3;
  readonly answer: string;
  /** The answer as data, for a program to check (its shape depends on the topic). */
  readonly value: QuizValue;
  readonly proof: readonly QuizProof[];
}

/** Named figures: each topic's own (see its file). */
export type QuizValue = Readonly<Record<string, number | string | readonly string[]>>;

export interface Quiz {
  readonly seed: number;
  readonly topics: readonly QuizTopic[];
  readonly questions: readonly QuizQuestion[];
}

/** A question without its number (the quiz numbers them). */
export type Asked = Omit<QuizQuestion, "number" | "topic">;
