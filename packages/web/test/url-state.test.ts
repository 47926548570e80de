// A shared link: the fragment names the experiment, and names nothing else.
import { describe, expect, it } from "vitest";
import { DEFAULT_STATE, hashToState, stateToHash, type AppState } from "../src/url-state.js";

describe("the experiment in the URL", () => {
  it("reads back what it wrote: configuration, tab, compare toggle, step and where steps count from", () => {
    const s: AppState = {
      tab: "step",
      pick: { scenario: "tlb-pressure", profile: "x86-like", levels: 4, cpu: "hardware-assist", memory: "nested", machine: "nehalem-2009", host: "hosted" },
      toggle: "memory",
      step: 17,
      from: "boot",
      seed: 7,
      topics: ["cheapest", "next-step"],
    };
    const hash = stateToHash(s);
    expect(hash).toBe("#tab=step&scenario=tlb-pressure&profile=x86-like&levels=4&cpu=hardware-assist&memory=nested&machine=nehalem-2009&host=hosted&from=boot&step=17");
    expect(hashToState(hash)).toEqual({ ...s, toggle: DEFAULT_STATE.toggle, seed: DEFAULT_STATE.seed, topics: DEFAULT_STATE.topics });
    expect(hashToState(stateToHash({ ...s, tab: "compare" }))).toEqual({
      ...s,
      tab: "compare",
      step: DEFAULT_STATE.step,
      from: DEFAULT_STATE.from,
      seed: DEFAULT_STATE.seed,
      topics: DEFAULT_STATE.topics,
    });
    // The quiz: its seed, and its topics when not every one (in the quiz's order, as `vmlab quiz --topic` asks them).
    const quiz = stateToHash({ ...s, tab: "quiz", topics: ["next-step", "cheapest"] });
    expect(quiz).toMatch(/&seed=7&topics=cheapest%2Cnext-step$/);
    expect(hashToState(quiz)).toEqual({ ...s, tab: "quiz", step: DEFAULT_STATE.step, from: DEFAULT_STATE.from, toggle: DEFAULT_STATE.toggle });
    expect(stateToHash({ ...s, tab: "quiz", topics: DEFAULT_STATE.topics })).toMatch(/&seed=7$/);
  });

  it("falls back to the default for what a link leaves out or names wrongly", () => {
    expect(hashToState("")).toEqual(DEFAULT_STATE);
    const s = hashToState("#tab=nonsense&levels=9&step=-3&toggle=everything&from=nowhere&cpu=binary-translation&seed=-1&topics=walks");
    expect(s.tab).toBe("run");
    expect(s.pick.levels).toBeUndefined();
    expect(s.step).toBe(1);
    expect(s.toggle).toBe("cpu");
    expect(s.from).toBe("user");
    expect(s.pick.cpu).toBe("binary-translation");
    expect(s.seed).toBe(0);
    expect(s.topics).toEqual(DEFAULT_STATE.topics);
    expect(hashToState("#tab=quiz&seed=4294967296").seed).toBe(0);
  });
});
