import type { Command } from "commander";
import type { QuizQuestion } from "@vmlab/course";
import { NAMES } from "../names.js";
import { checkNames, choiceOption, commaList, printJson } from "../options.js";
import { CliError } from "../errors.js";
import { terminalWidth } from "../terminal.js";
import { TRACE_FORMATS } from "./trace.js";

export function register(program: Command): void {
  program
    .command("quiz")
    .description("generate questions whose answers come from real runs (after the OSTEP simulators): a seed gives the same questions; -c shows the answers")
    .option("--seed <n>", `the quiz's seed (an integer from 0 to ${NAMES.maxQuizSeed})`, parseSeed, 0)
    .option("--topic <topics>", `only these topics (comma-separated: ${NAMES.quizTopics.join(", ")})`, (v: string) => {
      const topics = commaList("--topic", "quiz topic")(v);
      checkNames("quiz topic", topics, NAMES.quizTopics);
      return topics;
    })
    .option("-c, --compute", "show each answer with the run that proves it")
    .addOption(choiceOption("--format <format>", "how a trace a question shows is printed: table, or plain (tab-separated lines)", "format", TRACE_FORMATS).default("table"))
    .option("--json", "print the quiz as JSON (answers and proofs with -c)")
    .action(async (o: { seed: number; topic?: string[]; compute?: boolean; format: (typeof TRACE_FORMATS)[number]; json?: boolean }) => {
      const { generateQuiz, proofText } = await import("@vmlab/course");
      const { loadStrategies } = await import("../strategies.js");
      const { quizLab } = await import("../quiz-lab.js");
      const { modules, catalog } = await loadStrategies();
      const quiz = generateQuiz(quizLab(modules, catalog), o.seed, o.topic);
      const hide = ({ answer: _a, value: _v, proof: _p, ...q }: QuizQuestion) => q;
      if (o.json) {
        printJson({ ...quiz, questions: o.compute ? quiz.questions : quiz.questions.map(hide) });
        return;
      }
      const { tracePlain, traceTable } = await import("@vmlab/report");
      const out: string[] = [`vmlab quiz --seed ${quiz.seed}${o.topic ? ` --topic ${quiz.topics.join(",")}` : ""}: ${quiz.questions.length} question${quiz.questions.length === 1 ? "" : "s"}`, ""];
      for (const q of quiz.questions) {
        out.push(`${q.number}. [${q.topic}] ${q.question}`);
        if (q.shown) {
          const shown = o.format === "plain" ? tracePlain(q.shown) : traceTable(q.shown, q.shownColumns ?? 3, terminalWidth());
          out.push(
            ...shown
              .trimEnd()
              .split("\n")
              .map((l) => `   ${l}`),
          );
        }
        if (o.compute) {
          out.push(`   Answer: ${q.answer}`);
          for (const p of q.proof) out.push(`   Proof: ${proofText(p)}`);
        }
        out.push("");
      }
      if (!o.compute) out.push(`Answers, each with the run that proves it: vmlab quiz --seed ${quiz.seed}${o.topic ? ` --topic ${quiz.topics.join(",")}` : ""} -c`);
      process.stdout.write(`${out.join("\n").trimEnd()}\n`);
    });
}

function parseSeed(v: string): number {
  const n = Number(v.replace(/_/g, ""));
  if (v.trim() === "" || !Number.isSafeInteger(n) || n < 0 || n > NAMES.maxQuizSeed) throw new CliError(`--seed must be an integer from 0 to ${NAMES.maxQuizSeed} (got '${v}')`);
  return n;
}
