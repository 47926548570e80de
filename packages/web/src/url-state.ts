// The experiment in the URL's fragment (#tab=compare&scenario=syscall&cpu=...), so that a
// shared link reopens it: configuration, tab, compare toggle, step, edited file, quiz.
import { MAX_QUIZ_SEED, QUIZ_TOPICS, type QuizTopic } from "@vmlab/course";
import { TRACE_STARTS, type TraceStart } from "@vmlab/report";
import type { Pick } from "./protocol.js";

export const TABS = ["run", "compare", "step", "edit", "quiz"] as const;
export type Tab = (typeof TABS)[number];

/** What the compare tab switches, each between two values (the rest of the configuration as picked). */
export const TOGGLES = {
  cpu: { field: "cpu", values: ["trap-emulate", "binary-translation"], label: "trap-and-emulate ↔ binary translation" },
  memory: { field: "memory", values: ["shadow", "nested"], label: "shadow ↔ nested paging" },
  machine: { field: "machine", values: ["p4-2006", "skylake-2015"], label: "p4-2006 ↔ skylake-2015" },
} as const;
export type Toggle = keyof typeof TOGGLES;

export interface AppState {
  readonly tab: Tab;
  readonly pick: Pick;
  readonly toggle: Toggle;
  /** Step tab: after which step, counted from the first event of kind `from` (as `vmlab trace --start`). */
  readonly step: number;
  readonly from: TraceStart;
  /** Edit tab: which of the scenario's programs. */
  readonly file?: string;
  /** Quiz tab: the seed (as `vmlab quiz --seed`) and the topics asked (as --topic; all when every one). */
  readonly seed: number;
  readonly topics: readonly QuizTopic[];
}

export const DEFAULT_STATE: AppState = {
  tab: "run",
  pick: { scenario: "syscall", profile: "mips-like", cpu: "trap-emulate", machine: "p4-2006", host: "bare-metal" },
  toggle: "cpu",
  step: 1,
  from: "user",
  seed: 0,
  topics: QUIZ_TOPICS,
};

export function stateToHash(s: AppState): string {
  const p = new URLSearchParams();
  p.set("tab", s.tab);
  p.set("scenario", s.pick.scenario);
  p.set("profile", s.pick.profile);
  if (s.pick.levels !== undefined) p.set("levels", String(s.pick.levels));
  p.set("cpu", s.pick.cpu);
  if (s.pick.memory !== undefined) p.set("memory", s.pick.memory);
  p.set("machine", s.pick.machine);
  p.set("host", s.pick.host);
  if (s.tab === "compare") p.set("toggle", s.toggle);
  if (s.tab === "step") {
    if (s.from !== DEFAULT_STATE.from) p.set("from", s.from);
    p.set("step", String(s.step));
  }
  if (s.tab === "edit" && s.file !== undefined) p.set("file", s.file);
  if (s.tab === "quiz") {
    p.set("seed", String(s.seed));
    if (s.topics.length !== QUIZ_TOPICS.length) p.set("topics", QUIZ_TOPICS.filter((t) => s.topics.includes(t)).join(","));
  }
  return `#${p.toString()}`;
}

/** The state a fragment names; what it leaves out (or names wrongly) is the default's. */
export function hashToState(hash: string): AppState {
  const p = new URLSearchParams(hash.replace(/^#/, ""));
  const d = DEFAULT_STATE;
  const tab = (TABS as readonly string[]).includes(p.get("tab") ?? "") ? (p.get("tab") as Tab) : d.tab;
  const toggle = (p.get("toggle") ?? "") in TOGGLES ? (p.get("toggle") as Toggle) : d.toggle;
  const levels = Number(p.get("levels"));
  const step = Number(p.get("step"));
  const file = p.get("file");
  const seed = Number(p.get("seed") ?? "");
  const topics = QUIZ_TOPICS.filter((t) => (p.get("topics") ?? QUIZ_TOPICS.join(",")).split(",").includes(t));
  const from = (TRACE_STARTS as readonly string[]).includes(p.get("from") ?? "") ? (p.get("from") as TraceStart) : d.from;
  return {
    tab,
    toggle,
    from,
    step: Number.isInteger(step) && step >= 1 ? step : d.step,
    ...(file ? { file } : {}),
    seed: p.get("seed") !== null && Number.isSafeInteger(seed) && seed >= 0 && seed <= MAX_QUIZ_SEED ? seed : d.seed,
    topics: topics.length > 0 ? topics : d.topics,
    pick: {
      scenario: p.get("scenario") || d.pick.scenario,
      profile: p.get("profile") || d.pick.profile,
      ...(Number.isInteger(levels) && levels >= 2 && levels <= 4 ? { levels } : {}),
      cpu: p.get("cpu") || d.pick.cpu,
      ...(p.get("memory") ? { memory: p.get("memory")! } : {}),
      machine: p.get("machine") || d.pick.machine,
      host: p.get("host") || d.pick.host,
    },
  };
}
