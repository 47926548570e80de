import { describe, expect, it } from "vitest";
import {
  calibrationFigures,
  COST_KEY_NAMES,
  EVENTS,
  Ledger,
  MACHINE_PROFILES,
  priceEvents,
  PUBLISHED,
  VALIDATION,
  withParameter,
  parameterValue,
  CATEGORIES,
  ConfigurationError,
} from "../src/index.js";
import { strategyLab } from "@vmlab/test-support";

const profiles = Object.values(MACHINE_PROFILES);
const p4 = MACHINE_PROFILES["p4-2006"]!;
const fig = (id: string): number => PUBLISHED[id]!.value;

describe("the cost model's provenance", () => {
  it("every cost of every machine generation has a provenance, naming only published figures that exist", () => {
    for (const p of profiles) {
      for (const k of COST_KEY_NAMES) {
        const prov = p.provenance?.[k];
        expect(prov, `${p.name}.${k}`).toBeDefined();
        if (prov!.kind !== "assumed") {
          expect(prov!.figures.length, `${p.name}.${k}`).toBeGreaterThan(0);
          for (const f of prov!.figures) expect(PUBLISHED[f], `${p.name}.${k} names ${f}`).toBeDefined();
        } else expect(prov!.why.length).toBeGreaterThan(10);
      }
    }
  });

  it("no published figure both sets a cost and validates the model", () => {
    const calibration = calibrationFigures(profiles);
    const both = VALIDATION.map((r) => r.figure).filter((f) => calibration.has(f));
    expect(both).toEqual([]);
    for (const r of VALIDATION) expect(PUBLISHED[r.figure], r.figure).toBeDefined();
  });

  it("p4-2006's derived costs are the arithmetic their provenance states, from Adams & Agesen's figures", () => {
    const c = p4.costs;
    // BT cr8 write = one callout + the instruction's own cycle.
    expect(c.callout + c.instruction).toBe(fig("aa06.bt.cr8wr"));
    // BT call/ret = native call/ret + one indirect lookup.
    expect(c.indirectLookup + fig("aa06.native.callret")).toBe(fig("aa06.bt.callret"));
    // BT `in` = callout + device model + the IN.
    expect(c.callout + c.deviceEmulation + c.instruction).toBe(fig("aa06.bt.in"));
    // Adaptive BT ptemod = callout + the traced write's emulation + the store.
    expect(c.callout + c.tracedWriteEmulation + c.instruction).toBe(fig("aa06.bt.ptemod"));
    // Hardware VMM `in` = exit + handling + emulation + device model + entry + the IN.
    expect(c.vmExit + c.exitHandling + c.vmmEmulatePrivileged + c.deviceEmulation + c.vmEntry + c.instruction).toBe(fig("aa06.hw.in"));
    // BT divzero = native + reflection + the handler's two callouts.
    expect(fig("aa06.native.divzero") + c.reflectTrap + 2 * c.callout).toBe(fig("aa06.bt.divzero"));
    expect(c.devicePost).toBe(fig("aa06.native.in"));
    expect(c.controlRegisterWrite).toBe(fig("aa06.native.cr8wr"));
  });

  it("each generation's bare exit round trip is its vmlatency median where one was measured", () => {
    const rt = (name: string) => MACHINE_PROFILES[name]!.costs.vmExit + MACHINE_PROFILES[name]!.costs.vmEntry;
    expect(rt("penryn-2008")).toBe(fig("vmlatency.penryn"));
    expect(rt("nehalem-2009")).toBe(fig("vmlatency.nehalem"));
    expect(rt("skylake-2015")).toBe(fig("vmlatency.skylake"));
    // Falling across generations, Prescott's assumed above Merom's measured 1,681.
    expect(rt("p4-2006")).toBeGreaterThan(fig("vmlatency.merom"));
    const handled = MACHINE_PROFILES["nehalem-2009"]!.costs;
    expect(handled.vmExit + handled.exitHandling + handled.vmEntry).toBe(fig("splitx.nehalem.exit"));
  });

  it("every event is priced by a cost that exists, under a category of the breakdown", () => {
    for (const [name, e] of Object.entries(EVENTS)) {
      expect(COST_KEY_NAMES, name).toContain(e.cost);
      expect(CATEGORIES, name).toContain(e.category);
    }
  });
});

describe("pricing counted events", () => {
  it("charges each event at its cost under its category (hand calculation on p4-2006)", () => {
    const l = priceEvents(new Ledger(), p4.costs, { instruction: 10, postAccess: 2, trapEntry: 1, trapReturn: 1, vmExit: 3, vmEntry: 3 });
    expect(l.total()).toBe(10 + 2 * 3209 + 400 + 300 + 3 * 1500 + 3 * 1000);
    expect(l.byCategory()["device I/O"]).toBe(6418);
    expect(l.byCategory()["VM exits/entries"]).toBe(7500);
  });

  it("a combination of costs is swept as one, its parts kept in proportion", () => {
    const c = withParameter(p4.costs, "vmRoundTrip", 1000);
    expect(c.vmExit).toBe(600);
    expect(c.vmEntry).toBe(400);
    expect(parameterValue(c, "vmRoundTrip")).toBe(1000);
    expect(c.exitHandling).toBe(p4.costs.exitHandling);
    expect(parameterValue(p4.costs, "handledExit")).toBe(fig("aa06.hw.in") - p4.costs.vmmEmulatePrivileged - p4.costs.deviceEmulation - 1);
  });
});

describe("machine generations", () => {
  it("a configuration needing nested paging is refused on a machine that did not have it, with the reason", async () => {
    const lab = await strategyLab();
    for (const machine of ["p4-2006", "penryn-2008"]) {
      expect(() => lab.config({ profile: "x86-like", cpu: "hardware-assist", memory: "nested", machine })).toThrow(ConfigurationError);
      expect(() => lab.config({ profile: "x86-like", cpu: "hardware-assist", memory: "nested", machine })).toThrow(/no nested paging \(EPT arrived with Nehalem/);
    }
    for (const machine of ["nehalem-2009", "skylake-2015"]) {
      expect(lab.config({ profile: "x86-like", cpu: "hardware-assist", memory: "nested", machine }).memory).toBe("nested");
    }
    // Shadow paging under VT-x existed from the first generation.
    expect(lab.config({ profile: "x86-like", cpu: "hardware-assist", memory: "shadow", machine: "p4-2006" }).memory).toBe("shadow");
  });

  it("tagged TLBs and nested paging arrive together with Nehalem; the Pentium 4 had neither", () => {
    expect(p4.features.nestedPaging || p4.features.taggedTlb).toBe(false);
    expect(MACHINE_PROFILES["penryn-2008"]!.features.nestedPaging).toBe(false);
    expect(MACHINE_PROFILES["nehalem-2009"]!.features).toMatchObject({ nestedPaging: true, taggedTlb: true });
    expect(profiles.map((p) => p.year)).toEqual([...profiles.map((p) => p.year)].sort());
  });
});
