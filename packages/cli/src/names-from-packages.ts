// The names the commands' options offer (choices, defaults, limits), read from the
// packages that define them. The prebuilt command has them built in (build.mjs), so
// that listing options does not load the packages.
import { COST_KEY_NAMES, TRACE_KINDS, DEFAULT_HOST, DEFAULT_MACHINE_PROFILE, HOSTS, DERIVED_PARAMETERS, MACHINE_PROFILE_NAMES, MAX_COST_CYCLES, MAX_WORKERS } from "@vmlab/core";
import { MAX_QUIZ_SEED, QUIZ_TOPICS } from "@vmlab/course";
import { MAX_BUDGET } from "@vmlab/guest";
import { PROFILE_NAMES } from "@vmlab/isa";
import { TRACE_STARTS } from "@vmlab/report";

export const names = {
  profiles: [...PROFILE_NAMES] as string[],
  machines: [...MACHINE_PROFILE_NAMES],
  defaultMachine: DEFAULT_MACHINE_PROFILE,
  /** Where a monitor runs: bare metal (Type 1) or hosted (Type 2). */
  hosts: [...HOSTS] as string[],
  defaultHost: DEFAULT_HOST as string,
  maxBudget: MAX_BUDGET,
  maxWorkers: MAX_WORKERS,
  maxCostCycles: MAX_COST_CYCLES,
  traceStarts: [...TRACE_STARTS] as string[],
  /** The kinds of trace events (`vmlab trace --only`). */
  traceKinds: [...TRACE_KINDS] as string[],
  quizTopics: [...QUIZ_TOPICS] as string[],
  maxQuizSeed: MAX_QUIZ_SEED,
  costKeys: [...COST_KEY_NAMES] as string[],
  /** A combination of costs: the costs it adds up. */
  derivedParameters: Object.fromEntries(Object.entries(DERIVED_PARAMETERS).map(([k, d]) => [k, [...d.of] as string[]])),
};

export type Names = typeof names;
