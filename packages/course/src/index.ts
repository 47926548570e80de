export type { QuizLab } from "./lab.js";
export { QUIZ_TOPICS, type Quiz, type QuizQuestion, type QuizProof, type QuizTopic, type QuizValue } from "./question.js";
export { generateQuiz, checkQuizSeed, checkQuizTopics, QuizError, MAX_QUIZ_SEED } from "./quiz.js";
export { NEXT_STEP_EVENTS } from "./topics/next-step.js";
export { bindQuizLab } from "./lab-binding.js";
export { answerFields, checkAnswer, parseAnswerNumber, parseMnemonics, ANSWER_TOLERANCE, type AnswerField, type AnswerPart, type AnswerCheck } from "./answer.js";
export { proofText } from "./format.js";
