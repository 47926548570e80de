import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { listScenarios } from "@vmlab/guest";
import { BUILTIN_URLS, strategyLab } from "@vmlab/test-support";
import { CATEGORIES, importStrategyModules } from "../src/index.js";

export { BUILTIN_URLS };
export const CORE_DIR = fileURLToPath(new URL("..", import.meta.url));
export const builtinModules = () => importStrategyModules(BUILTIN_URLS);

/**
 * Native and interpret on every scenario of one profile: interpret must be equivalent
 * to native (console, outcome, instruction count, registers, memory), efficiency 100%
 * and 0%, every ledger's categories summing to its total; and a run cut short by its
 * budget in the middle of the scenario must stop at the same guest state under both.
 */
export function equivalenceSuite(profile: string): void {
  describe(`native and interpret on ${profile}`, async () => {
    const lab = await strategyLab();
    const interpret = lab.config({ profile, cpu: "interpret" });

    for (const s of listScenarios()) {
      it(s.name, () => {
        const { native: n, run: i } = lab.againstNative(interpret, s);
        expect(n.outcome).toBe("halt");
        expect(i.properties!.equivalent, i.properties!.divergence?.detail).toBe(true);
        expect(n.properties!.efficiency).toBe(1);
        expect(i.properties!.efficiency).toBe(0);
        for (const r of [n, i]) {
          expect(CATEGORIES.reduce((a, c) => a + r.cycles!.byCategory[c], 0)).toBe(r.cycles!.total);
          expect(r.properties!.resourceControl.violations).toEqual([]);
        }
        expect(i.cycles!.total).toBeGreaterThan(n.cycles!.total);
      });
    }

    it("a budget that ends mid-run stops both at the same guest state", () => {
      for (const name of ["page-fault", "divide-by-zero", "context-switch"]) {
        const { native: n, run: i } = lab.againstNative(interpret, name, { budget: 20_011 });
        expect(n.outcome).toBe("budget");
        expect(i.properties!.equivalent, `${name}: ${i.properties!.divergence?.detail}`).toBe(true);
      }
    });
  });
}
