// The quiz as a module: bad seeds and topics refused before any run, and nothing in it
// that needs Node (a web page builds the same quiz through its own QuizLab).
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { generateQuiz, QuizError, type QuizLab } from "../src/index.js";

const untouched: QuizLab = {
  run: () => {
    throw new Error("no run expected");
  },
  traceSteps: () => {
    throw new Error("no trace expected");
  },
};

describe("generateQuiz", () => {
  it("refuses a bad seed or topic, naming the valid ones, before running anything", () => {
    expect(() => generateQuiz(untouched, -1)).toThrow(new QuizError("quiz seed must be an integer from 0 to 4294967295 (got -1)"));
    expect(() => generateQuiz(untouched, 2 ** 32)).toThrow(QuizError);
    expect(() => generateQuiz(untouched, 1, ["walks"])).toThrow(new QuizError("unknown quiz topic 'walks' (valid: traps-per-syscall, sensitive-unprivileged, nested-walk, cheapest, next-step)"));
  });

  it("a topic answered from the tables alone needs no run, and the seed decides it", () => {
    const profiles = new Set(Array.from({ length: 12 }, (_, seed) => (generateQuiz(untouched, seed, ["sensitive-unprivileged"]).questions[0]!.value as { profile: string }).profile));
    expect([...profiles].sort()).toEqual(["mips-like", "riscv-like", "x86-like"]);
    expect(generateQuiz(untouched, 5, ["sensitive-unprivileged"])).toEqual(generateQuiz(untouched, 5, ["sensitive-unprivileged"]));
  });

  it("imports nothing from Node: values from the packages that have Node parts only in the lab binding, and only from their browser entries", async () => {
    const src = fileURLToPath(new URL("../src", import.meta.url));
    const files = readdirSync(src, { recursive: true, encoding: "utf8" }).filter((f) => f.endsWith(".ts"));
    expect(files.length).toBeGreaterThan(5);
    const browserEntry: Record<string, string> = { "@vmlab/core": "../../core/src/browser.ts", "@vmlab/report": "../../report/src/browser.ts", "@vmlab/guest": "../../guest/src/browser.ts" };
    for (const f of files) {
      const imports = [...readFileSync(join(src, f), "utf8").matchAll(/^import (type )?([^;]*?) from "([^"]+)";/gms)];
      for (const [, typeOnly, names, from] of imports) {
        expect(from!.startsWith("node:"), `${f} imports ${from}`).toBe(false);
        if (!(from! in browserEntry) || typeOnly) continue;
        expect(f, `${f} imports values from ${from}`).toBe("lab-binding.ts");
        const values = names!
          .replace(/[{}]/g, "")
          .split(",")
          .map((n) => n.trim())
          .filter((n) => n !== "" && !n.startsWith("type "));
        const entry = Object.keys(await import(browserEntry[from!]!));
        for (const v of values) expect(entry, `${v} from ${from}'s browser entry`).toContain(v);
      }
    }
  });
});
