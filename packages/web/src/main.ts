// The page: pickers for the configuration, and five tabs over the lab worker. Each tab
// is a name and a view that shows the experiment the state names; the state lives in
// the URL's fragment, so a shared link reopens the same experiment.
import { MAX_QUIZ_SEED, QUIZ_TOPICS } from "@vmlab/course";
import { Lab } from "./client.js";
import { el, fill } from "./dom.js";
import type { TraceStart } from "@vmlab/report";
import type { Catalog, Pick, Traced } from "./protocol.js";
import { DEFAULT_STATE, hashToState, stateToHash, TABS, TOGGLES, type AppState, type Tab, type Toggle } from "./url-state.js";
import { compareView } from "./views/compare-view.js";
import { ProgramEditor } from "./views/edit-view.js";
import { notRunView } from "./views/not-run.js";
import { questionView } from "./views/quiz-view.js";
import { runView } from "./views/run-view.js";
import { stateView, traceTable } from "./views/step-view.js";

const TAB_TITLES: Record<Tab, string> = { run: "Run", compare: "Compare", step: "Step", edit: "Edit", quiz: "Quiz" };

const lab = new Lab();
let catalog: Catalog;
let state: AppState = hashToState(location.hash);
/** Edited programs, by scenario and file. */
const edits = new Map<string, string>();
/** Each view's work is numbered: an answer to an older request is dropped. */
let generation = 0;

const app = document.getElementById("app")!;
const pickers = el("form", { class: "pickers", "data-testid": "pickers" });
const refusal = el("div", { class: "refusal", "aria-live": "polite" });
const tabs = el("nav", { class: "tabs", role: "tablist" });
const panel = el("main", { class: "panel" });
const busy = el("span", { class: "busy", "data-testid": "busy" });

function setState(next: Partial<AppState>, options: { pick?: Partial<Pick>; show?: boolean } = {}): void {
  const pick: Pick = { ...state.pick, ...options.pick };
  // Fields set to undefined fall back to their defaults (the profile's depth, the CPU strategy's memory).
  state = { ...state, ...next, pick: JSON.parse(JSON.stringify(pick)) as Pick };
  history.replaceState(null, "", stateToHash(state));
  // The quiz names its own configurations.
  pickers.hidden = refusal.hidden = state.tab === "quiz";
  renderPickers();
  renderTabs();
  if (options.show !== false) void show();
}

function select(name: string, label: string, values: readonly { value: string; text: string }[], current: string, onChange: (v: string) => void): HTMLElement {
  const s = el("select", { name, "data-testid": `pick-${name}` }, ...values.map((v) => el("option", { value: v.value, selected: v.value === current }, v.text)));
  s.addEventListener("change", () => onChange(s.value));
  return el("label", {}, el("span", {}, label), s);
}

function renderPickers(): void {
  const p = state.pick;
  const profile = catalog.profiles.find((x) => x.name === p.profile);
  fill(
    pickers,
    select(
      "scenario",
      "scenario",
      catalog.scenarios.map((s) => ({ value: s.name, text: s.vms > 1 ? `${s.name} (${s.vms} VMs)` : s.name })),
      p.scenario,
      (v) => setState({ step: 1 }, { pick: { scenario: v } }),
    ),
    select(
      "profile",
      "ISA profile",
      catalog.profiles.map((x) => ({ value: x.name, text: x.name })),
      p.profile,
      (v) => setState({ step: 1 }, { pick: { profile: v, levels: undefined } }),
    ),
    profile?.walker
      ? select(
          "levels",
          "walker levels",
          [2, 3, 4].map((n) => ({ value: String(n), text: n === profile.levels ? `${n} (the profile's)` : String(n) })),
          String(p.levels ?? profile.levels),
          (v) => setState({ step: 1 }, { pick: { levels: Number(v) === profile.levels ? undefined : Number(v) } }),
        )
      : null,
    select(
      "cpu",
      "CPU strategy",
      catalog.cpus.map((x) => ({ value: x.name, text: x.name })),
      p.cpu,
      (v) => setState({ step: 1 }, { pick: { cpu: v, memory: undefined } }),
    ),
    select("memory", "memory strategy", [{ value: "", text: "the CPU strategy's first that fits" }, ...catalog.memories.map((x) => ({ value: x.name, text: x.name }))], p.memory ?? "", (v) =>
      setState({ step: 1 }, { pick: { memory: v === "" ? undefined : v } }),
    ),
    select(
      "machine",
      "machine",
      catalog.machines.map((x) => ({ value: x, text: x })),
      p.machine,
      (v) => setState({ step: 1 }, { pick: { machine: v } }),
    ),
    select(
      "host",
      "host",
      catalog.hosts.map((x) => ({ value: x, text: x })),
      p.host,
      (v) => setState({ step: 1 }, { pick: { host: v } }),
    ),
  );
  void lab.ask({ op: "check", pick: p }).then((c) => {
    fill(refusal, c.kind === "refused" ? notRunView({ kind: "refused", reason: c.reason }) : el("span", { class: "label", "data-testid": "label" }, c.label));
  });
}

function renderTabs(): void {
  fill(
    tabs,
    ...TABS.map((t) => {
      const b = el("button", { type: "button", role: "tab", "aria-selected": t === state.tab ? "true" : "false", "data-testid": `tab-${t}` }, TAB_TITLES[t]);
      b.addEventListener("click", () => setState({ tab: t }));
      return b;
    }),
    busy,
  );
}

async function working<T>(p: Promise<T>): Promise<T> {
  busy.textContent = "running…";
  try {
    return await p;
  } finally {
    busy.textContent = "";
  }
}

async function showRun(g: number): Promise<void> {
  const again = el("button", { type: "button", "data-testid": "run" }, "Run");
  const result = el("div", {});
  again.addEventListener("click", () => void runInto(result, g));
  fill(panel, el("div", { class: "actions" }, again), result);
  await runInto(result, g);
}

async function runInto(result: HTMLElement, g: number): Promise<void> {
  const reply = await working(lab.ask({ op: "run", pick: state.pick }));
  if (g === generation) fill(result, runView(reply, catalog.categories));
}

function toggledPicks(toggle: Toggle): [Pick, Pick] {
  const t = TOGGLES[toggle];
  const [a, b] = t.values.map((v) => JSON.parse(JSON.stringify({ ...state.pick, [t.field]: v })) as Pick) as [Pick, Pick];
  return [a, b];
}

async function showCompare(g: number): Promise<void> {
  const toggles = el(
    "fieldset",
    { class: "toggle", "data-testid": "toggle" },
    el("legend", {}, "compare"),
    ...(Object.keys(TOGGLES) as Toggle[]).map((k) => {
      const input = el("input", { type: "radio", name: "toggle", value: k, checked: k === state.toggle, "data-testid": `toggle-${k}` });
      input.addEventListener("change", () => setState({ toggle: k }));
      return el("label", {}, input, ` ${TOGGLES[k].label}`);
    }),
  );
  const table = el("div", {});
  fill(panel, toggles, el("p", { class: "muted" }, "The same scenario and configuration, but for the one toggle; rows whose values differ are marked."), table);
  const [pa, pb] = toggledPicks(state.toggle);
  const [a, b] = await working(Promise.all([lab.ask({ op: "run", pick: pa }), lab.ask({ op: "run", pick: pb })]));
  const [ta, tb] = TOGGLES[state.toggle].values;
  if (g === generation) fill(table, compareView(a, b, [ta, tb], catalog.categories));
}

async function showStep(g: number): Promise<void> {
  const traced = await working(lab.ask({ op: "trace", pick: state.pick, from: state.from }));
  if (g !== generation) return;
  if (traced.kind !== "traced") {
    fill(panel, notRunView(traced));
    return;
  }
  if (traced.steps.length === 0) {
    fill(panel, el("div", { class: "actions" }, fromPicker()), el("p", {}, `No ${state.from} event in this run: no steps to show from there (try from boot).`));
    return;
  }
  await showStepAt(traced, Math.min(state.step, traced.steps.length), g);
}

let currentTrace: Traced | undefined;

/** Where the trace's steps are counted from, as `vmlab trace --start`. */
function fromPicker(): HTMLElement {
  return select(
    "from",
    "from the first",
    catalog.traceStarts.map((s) => ({ value: s, text: s === "user" ? "user step" : s })),
    state.from,
    (v) => setState({ from: v as TraceStart, step: 1 }),
  );
}

async function showStepAt(traced: Traced, step: number, g: number): Promise<void> {
  currentTrace = traced;
  if (step !== state.step) setState({ step }, { show: false });
  const back = el("button", { type: "button", "data-testid": "step-back", disabled: step <= 1 }, "◀ back");
  const forward = el("button", { type: "button", "data-testid": "step-forward", disabled: step >= traced.steps.length }, "forward ▶");
  back.addEventListener("click", () => void move(-1));
  forward.addEventListener("click", () => void move(1));
  const counter = el(
    "span",
    { class: "counter", "data-testid": "step-counter" },
    `step ${step} of ${traced.steps.length}${traced.total > traced.steps.length ? ` (the run has ${traced.total.toLocaleString("en-US")})` : ""}`,
  );
  const side = el("aside", { class: "state-panel" }, el("p", { class: "muted" }, "reading the machine…"));
  fill(
    panel,
    el("div", { class: "actions" }, fromPicker(), back, forward, counter, el("span", { class: "muted" }, " (or the ← and → keys)")),
    el("div", { class: "step-layout" }, el("div", { class: "trace-panel" }, el("p", { class: "muted" }, traced.label), traceTable(traced, step)), side),
  );
  panel.querySelector("tr.current")?.scrollIntoView({ block: "nearest" });
  const reply = await working(lab.ask({ op: "state", pick: state.pick, from: state.from, step }));
  if (g === generation && state.step === step) fill(side, stateView(reply));
}

async function move(delta: number): Promise<void> {
  if (state.tab !== "step" || !currentTrace) return;
  const step = state.step + delta;
  if (step < 1 || step > currentTrace.steps.length) return;
  await showStepAt(currentTrace, step, ++generation);
}

document.addEventListener("keydown", (e) => {
  const target = e.target as HTMLElement | null;
  if (target && ["TEXTAREA", "INPUT", "SELECT"].includes(target.tagName)) return;
  if (e.key === "ArrowRight") void move(1);
  else if (e.key === "ArrowLeft") void move(-1);
});

const editor = new ProgramEditor();

async function showEdit(g: number): Promise<void> {
  const scenario = catalog.scenarios.find((s) => s.name === state.pick.scenario);
  if (!scenario) return;
  const file = scenario.programs.some((p) => p.name === state.file) ? state.file! : scenario.programs[0]!.name;
  const key = `${scenario.name}/${file}`;
  editor.text = edits.get(key) ?? scenario.programs.find((p) => p.name === file)!.source;
  const files = select(
    "file",
    "program",
    scenario.programs.map((p) => ({ value: p.name, text: p.name })),
    file,
    (v) => setState({ file: v }),
  );
  const run = el("button", { type: "button", "data-testid": "assemble-run" }, "Assemble and run");
  const reset = el("button", { type: "button", "data-testid": "reset" }, "Back to the scenario's");
  const result = el("div", { "data-testid": "edit-result" });
  run.addEventListener("click", async () => {
    edits.set(key, editor.text);
    const mine = ++generation;
    const reply = await working(lab.ask({ op: "run", pick: state.pick, edit: { name: file, source: editor.text } }));
    if (mine !== generation) return;
    editor.mark(reply.kind === "assembly" ? reply.errors : [], file);
    fill(result, runView(reply, catalog.categories));
  });
  reset.addEventListener("click", () => {
    edits.delete(key);
    void show();
  });
  fill(panel, el("div", { class: "actions" }, files, run, reset), editor.element, result);
  void g;
}

/** `vmlab quiz --seed N --topic …`'s questions, each answered in place (the configuration pickers play no part). */
async function showQuiz(g: number): Promise<void> {
  const seed = el("input", { type: "number", min: "0", max: String(MAX_QUIZ_SEED), step: "1", value: String(state.seed), "data-testid": "quiz-seed" });
  seed.addEventListener("change", () => {
    const n = Number(seed.value);
    if (Number.isSafeInteger(n) && n >= 0 && n <= MAX_QUIZ_SEED) setState({ seed: n });
    else seed.value = String(state.seed);
  });
  const topics = QUIZ_TOPICS.map((t) => {
    const box = el("input", { type: "checkbox", value: t, checked: state.topics.includes(t), "data-testid": `quiz-topic-${t}` });
    box.addEventListener("change", () => {
      const asked = QUIZ_TOPICS.filter((x) => (x === t ? box.checked : state.topics.includes(x)));
      if (asked.length === 0) box.checked = true;
      else setState({ topics: asked });
    });
    return el("label", {}, box, ` ${t}`);
  });
  const showAll = el("button", { type: "button", "data-testid": "show-all", disabled: true }, "Show all answers");
  const questions = el("div", { "data-testid": "questions" }, el("p", { class: "muted" }, "running the quiz's experiments…"));
  const command = `vmlab quiz --seed ${state.seed}${state.topics.length < QUIZ_TOPICS.length ? ` --topic ${state.topics.join(",")}` : ""}`;
  fill(
    panel,
    el("div", { class: "quiz-controls" }, el("label", {}, "seed ", seed), ...topics, showAll),
    el("p", { class: "muted" }, "The same questions as ", el("code", {}, command), ": each answer comes from runs made now. Answer, press Check, and see the answer with the runs that prove it."),
    questions,
  );
  const reply = await working(lab.ask({ op: "quiz", seed: state.seed, topics: state.topics }));
  if (g !== generation) return;
  if (reply.kind !== "quiz") {
    fill(questions, notRunView(reply));
    return;
  }
  const views = reply.quiz.questions.map(questionView);
  fill(questions, ...views.map((v) => v.element));
  showAll.disabled = false;
  showAll.addEventListener("click", () => {
    for (const v of views) v.showAnswer();
  });
}

async function show(): Promise<void> {
  const g = ++generation;
  const views: Record<Tab, (g: number) => Promise<void>> = { run: showRun, compare: showCompare, step: showStep, edit: showEdit, quiz: showQuiz };
  try {
    await views[state.tab](g);
  } catch (e) {
    if (g === generation) fill(panel, notRunView({ kind: "error", message: (e as Error).message }));
  }
}

async function start(): Promise<void> {
  fill(app, el("header", {}, el("h1", {}, "vmlab"), el("p", { class: "muted" }, "virtualization strategies on a simulated machine, run in this page")), pickers, refusal, tabs, panel);
  fill(panel, el("p", { class: "muted" }, "loading the lab…"));
  catalog = await lab.ask({ op: "catalog" });
  if (!catalog.scenarios.some((s) => s.name === state.pick.scenario)) state = { ...state, pick: { ...state.pick, scenario: DEFAULT_STATE.pick.scenario } };
  setState({});
  window.addEventListener("hashchange", () => {
    state = hashToState(location.hash);
    setState({});
  });
}

void start();
