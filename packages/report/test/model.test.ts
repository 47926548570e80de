import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { modelMarkdown } from "../src/index.js";

describe("MODEL.md", () => {
  it("is what `vmlab model` generates from the machine profiles (regenerate it with `pnpm vmlab model --out MODEL.md`)", () => {
    const committed = readFileSync(fileURLToPath(new URL("../../../MODEL.md", import.meta.url)), "utf8");
    expect(committed).toBe(modelMarkdown());
  });

  it("names every figure's use, and none is used for both calibration and validation", () => {
    const text = modelMarkdown();
    expect(text).toMatch(/\| aa06\.hw\.in \|[^\n]*\| calibration \|/);
    expect(text).toMatch(/\| aa06\.hw\.ptemod \|[^\n]*\| validation \|/);
    expect(text).not.toMatch(/BOTH \(a defect\)/);
  });
});
