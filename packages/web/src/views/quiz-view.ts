// One quiz question, answered in place: the question (and the trace it shows), a field
// per part of the answer, "Check" saying right or wrong, then the answer with the runs
// that prove it, as `vmlab quiz -c` prints them.
import { answerFields, checkAnswer, proofText, type AnswerField, type QuizQuestion } from "@vmlab/course";
import { el, fill } from "../dom.js";
import { traceTable } from "./step-view.js";

function input(f: AnswerField): HTMLInputElement | HTMLSelectElement {
  const attrs = { name: f.name, "data-testid": `answer-${f.name}` };
  if (f.kind === "choice") return el("select", attrs, el("option", { value: "" }, "—"), ...(f.choices ?? []).map((c) => el("option", { value: c.value }, c.text)));
  return el("input", { ...attrs, type: "text", inputmode: f.kind === "number" ? "decimal" : undefined, size: f.kind === "number" ? "8" : "40", autocomplete: "off" });
}

/** The answer and its proofs (hidden until checked or shown). */
function answerBlock(q: QuizQuestion): HTMLElement {
  return el(
    "div",
    { class: "quiz-answer", "data-testid": "answer", hidden: true },
    el("p", {}, el("strong", {}, "Answer: "), q.answer),
    el("ul", { class: "proofs" }, ...q.proof.map((p) => el("li", { "data-testid": "proof" }, el("span", { class: "muted" }, "Proof: "), proofText(p)))),
  );
}

export interface QuestionView {
  readonly element: HTMLElement;
  showAnswer(): void;
}

export function questionView(q: QuizQuestion): QuestionView {
  const fields = answerFields(q);
  const inputs = fields.map(input);
  const verdict = el("div", { class: "quiz-verdict", "data-testid": "quiz-verdict", "aria-live": "polite" });
  const answer = answerBlock(q);
  const form = el("form", { class: "quiz-form" }, ...fields.map((f, i) => el("label", {}, el("span", {}, f.label), inputs[i])), el("button", { type: "submit", "data-testid": "check" }, "Check"));
  form.addEventListener("submit", (e) => {
    e.preventDefault();
    const given = Object.fromEntries(fields.map((f, i) => [f.name, inputs[i]!.value]));
    const checked = checkAnswer(q, given);
    const label = (name: string) => fields.find((f) => f.name === name)?.label ?? name;
    verdict.className = `quiz-verdict ${checked.right ? "right" : "wrong"}`;
    fill(
      verdict,
      el("strong", {}, checked.right ? "Right." : "Wrong."),
      // One field: its note, if any; several: which are right.
      ...(fields.length > 1
        ? checked.parts.map((p) => el("span", { class: p.right ? "part right" : "part wrong" }, ` ${label(p.name)}: ${p.right ? "right" : "wrong"}${p.note ? ` (${p.note})` : ""}.`))
        : checked.parts.filter((p) => p.note).map((p) => ` (${p.note})`)),
    );
    answer.hidden = false;
  });
  const element = el(
    "section",
    { class: "question", "data-testid": `question-${q.number}`, "data-topic": q.topic },
    el("h3", {}, `${q.number}. `, el("span", { class: "muted" }, `[${q.topic}]`)),
    el("p", { "data-testid": "question-text" }, q.question),
    q.shown ? el("div", { class: "trace-panel" }, traceTable({ columns: q.shownColumns ?? 3, steps: q.shown }, 0)) : null,
    form,
    verdict,
    answer,
  );
  return { element, showAnswer: () => (answer.hidden = false) };
}
