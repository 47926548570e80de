// The page's scenarios are the repository's: bundled as text, parsed as loadScenario parses a folder.
import { describe, expect, it } from "vitest";
import { listScenarios } from "@vmlab/guest";
import { bundledScenarios } from "../src/bundled-scenarios.js";

describe("the bundled scenarios", () => {
  it("are every scenario folder, with the same settings and program sources", () => {
    const onDisk = listScenarios(undefined, { multiVm: true });
    const bundled = bundledScenarios();
    expect(bundled.map((s) => s.name)).toEqual(onDisk.map((s) => s.name));
    bundled.forEach((b, i) => {
      const d = onDisk[i]!;
      const { dir: _b, sources: bs, vmGuests: bg, ...bSpec } = b;
      const { dir: _d, sources: ds, vmGuests: dg, ...dSpec } = d;
      expect(bSpec, b.name).toEqual(dSpec);
      expect(bs.map((f) => [f.name, f.source])).toEqual(ds.map((f) => [f.name, f.source]));
      expect(bg.map((g) => [g.name, g.kernel?.source, g.sources.map((f) => f.source)])).toEqual(dg.map((g) => [g.name, g.kernel?.source, g.sources.map((f) => f.source)]));
    });
  });
});
