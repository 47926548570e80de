/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
// report.html of the default matrix (from the committed results.json) in a real headless
// Chromium: legibility checked through the page's DOM, and a screenshot of each section
// saved beside the report (reports/default/report-*.png) for a reader to see.
import { mkdtempSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Browser, Page } from "playwright-core";
import { machineName, type RunResult, type ValidationResult } from "@vmlab/core";
import { sweepHtml, toHtml, type ReportMeta, type Sweep } from "../src/index.js";
import { launchChromium } from "./chromium.js";

const ROOT = fileURLToPath(new URL("../../..", import.meta.url));
const DIR = join(ROOT, "reports/default");
const { meta, validation, results } = JSON.parse(readFileSync(join(DIR, "results.json"), "utf8")) as {
  meta: ReportMeta;
  validation: ValidationResult[];
  results: RunResult[];
};
// Today: p4-2006, penryn-2008, nehalem-2009, skylake-2015, and 16 scenarios.
const MACHINES = [...new Set(results.map((r) => machineName(r.configuration)))];
const SCENARIOS = new Set(results.map((r) => r.scenario)).size;
/** Configurations but native: today mips-like 4, riscv-like and x86-like 6 each (hardware assist and nested paging). */
const COLUMNS = new Set(results.filter((r) => r.configuration.cpu !== "native").map((r) => r.configuration.label)).size;
/** The bars of a scenario's cycle chart: its runs that ran to the end as native did. */
const drawn = (scenario: string, machine?: string) =>
  results.filter((r) => r.scenario === scenario && (!machine || r.configuration.machine === machine) && r.outcome === "halt" && r.properties?.equivalent !== false).length;

/** Slowdowns computed here, independently of the report code: cycles over the native run's. */
function slowdown(r: RunResult): number | undefined {
  const n = results.find(
    (x) =>
      x.configuration.cpu === "native" &&
      x.scenario === r.scenario &&
      x.configuration.label.split("/")[0] === r.configuration.label.split("/")[0] &&
      x.configuration.machine === r.configuration.machine,
  );
  return r.cycles && n?.cycles ? r.cycles.total / n.cycles.total : undefined;
}

/** Elements whose text overflows its box, or one of whose words the layout broke across two lines. */
async function illegibleText(page: Page, selector: string): Promise<string[]> {
  return page.$$eval(selector, (els) => {
    const bad: string[] = [];
    for (const el of els as HTMLElement[]) {
      if (el.offsetParent === null) continue;
      if (el.scrollWidth > el.clientWidth + 1) bad.push(`overflows: ${el.textContent}`);
      const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
      for (let n = walker.nextNode(); n; n = walker.nextNode()) {
        // A run of letters and digits is one word; the layout may break at spaces, '/' and '-' only.
        for (const m of (n.textContent ?? "").matchAll(/[A-Za-z0-9.,%]{2,}/g)) {
          const range = document.createRange();
          range.setStart(n, m.index!);
          range.setEnd(n, m.index! + m[0].length);
          const lines = new Set([...range.getClientRects()].map((r) => Math.round(r.top)));
          if (lines.size > 1) bad.push(`word broken: ${m[0]} in ${el.textContent}`);
        }
      }
      const size = parseFloat(getComputedStyle(el).fontSize);
      if (size < 10) bad.push(`font ${size}px: ${el.textContent}`);
    }
    return bad;
  });
}

/** Table boxes that need a horizontal scroll bar, and legend ticks outside their legend. */
async function overflowingBoxes(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const bad: string[] = [];
    for (const el of document.querySelectorAll<HTMLElement>(".scroll, .noscroll, .hmwrap")) {
      if (el.offsetParent !== null && el.scrollWidth > el.clientWidth + 1) bad.push(`${el.closest("section")?.id}: ${el.scrollWidth} > ${el.clientWidth}`);
    }
    for (const t of document.querySelectorAll<HTMLElement>(".legend .tick")) {
      if (t.offsetParent === null) continue;
      const box = t.closest(".scalebox")!.getBoundingClientRect();
      const r = t.getBoundingClientRect();
      if (r.left < box.left || r.right > box.right) bad.push(`tick ${t.textContent} outside its legend`);
    }
    return bad;
  });
}

const shot = async (page: Page, selector: string, name: string) => {
  const path = join(DIR, `report-${name}.png`);
  await page.locator(selector).screenshot({ path });
  return path;
};

describe("report.html of the default matrix in headless Chromium", () => {
  let browser: Browser;
  let page: Page;
  const requests: string[] = [];
  const errors: string[] = [];

  beforeAll(async () => {
    const file = join(mkdtempSync(join(tmpdir(), "vmlab-html-")), "report.html");
    writeFileSync(file, toHtml(results, meta, validation));
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1280, height: 1700 } });
    page.on("request", (r) => requests.push(r.url()));
    page.on("pageerror", (e) => errors.push(String(e)));
    page.on("console", (m) => (m.type() === "error" ? errors.push(m.text()) : undefined));
    await page.goto(pathToFileURL(file).href);
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
  });

  it("loads offline, without a script error, and stays within bounds", async () => {
    expect(requests.filter((u) => !u.startsWith("file:") && !u.startsWith("data:"))).toEqual([]);
    expect(errors).toEqual([]);
    const { height, width } = await page.evaluate(() => ({ height: document.documentElement.scrollHeight, width: document.documentElement.scrollWidth }));
    // The old page was 58,000 px tall; long tables now scroll inside their own box.
    expect(height).toBeLessThan(15_000);
    expect(width).toBeLessThanOrEqual(1280);
    await shot(page, "header", "summary");
  });

  it("has every section report.md has, with as many rows", async () => {
    const ids = await page.$$eval("section[id]", (s) => s.map((x) => x.id));
    expect(ids).toEqual(["strategies", "slowdown", "cycles", "divergences", "vm-exits", "validation", "micro", "faster", "vms", "impossible", "runs"]);
    const rows = (id: string) => page.$$eval(`#${id} tbody tr`, (r) => r.length);
    expect(await rows("runs")).toBe(results.length);
    expect(await rows("impossible")).toBe(meta.skipped.length);
    expect(await rows("validation")).toBe(validation.length);
    expect(await rows("vm-exits")).toBe(results.filter((r) => Object.values(r.metrics?.vmExits ?? {}).some((n) => n > 0)).length);
    expect(await rows("vms")).toBe(results.reduce((n, r) => n + (r.vms?.length ?? 0), 0));
    // The divergences, once per configuration and scenario (the machines listed in the row).
    const diverging = results.filter((r) => r.properties?.equivalent === false);
    expect(await page.$$eval("#predicted tbody tr, #failures tbody tr", (r) => r.length)).toBe(new Set(diverging.map((r) => `${r.scenario} ${r.configuration.label}`)).size);
    for (const s of ["strategies", "divergences", "vm-exits", "validation", "vms", "impossible"]) await shot(page, `#${s}`, s);
  });

  it("draws one heatmap per machine, every cell legible, diverging runs marked and out of the colour scale", async () => {
    const maps = await page.$$eval("#slowdown .mode[data-mode=run] table.heatmap", (ts) =>
      ts.map((t) => ({
        machine: t.getAttribute("data-machine"),
        rows: t.querySelectorAll("tbody tr").length,
        columns: t.querySelectorAll("thead th.vh").length,
        cells: [...t.querySelectorAll("td")].map((c) => ({ w: c.getBoundingClientRect().width, h: c.getBoundingClientRect().height })),
      })),
    );
    expect(maps.map((m) => m.machine)).toEqual(MACHINES);
    for (const m of maps) {
      // The scenarios and their geometric mean; every configuration but native.
      expect([m.rows, m.columns]).toEqual([SCENARIOS + 1, COLUMNS]);
      for (const c of m.cells) expect(Math.min(c.w, c.h)).toBeGreaterThanOrEqual(16);
    }
    // Trap-and-emulate on x86-like diverges in every scenario on every machine: Theorem 1, marked so.
    const te = await page.$$eval("#slowdown .mode[data-mode=run] table.heatmap tbody tr:not(.meanrow)", (rows) =>
      rows.map((tr) => {
        const heads = [...tr.closest("table")!.querySelectorAll("thead th.vh")].map((h) => h.getAttribute("title"));
        const td = tr.querySelectorAll("td")[heads.indexOf("x86-like(2)/trap-emulate/shadow")]!;
        return `${td.className
          .split(/\s+/)
          .filter((c) => c && c !== "sep")
          .join(" ")} ${td.textContent}`;
      }),
    );
    expect(te).toEqual(Array(SCENARIOS * MACHINES.length).fill("pred T1"));
    // The scale spans the faithful runs only: the diverging ones (up to 83x) would stretch it.
    const faithful = results
      .filter((r) => r.properties?.equivalent === true && r.configuration.cpu !== "native")
      .map(slowdown)
      .filter((x) => x !== undefined);
    const legend = await page.$eval("#slowdown-run-p4-2006 .legend", (l) => Number(l.getAttribute("data-max")));
    expect(legend).toBeCloseTo(Math.max(...faithful), 6);
    expect(
      Math.max(
        ...results
          .filter((r) => r.properties?.equivalent === false)
          .map(slowdown)
          .filter((x) => x !== undefined),
      ),
    ).toBeGreaterThan(legend);
    expect(await illegibleText(page, "#slowdown .mode[data-mode=run] td, #slowdown .mode[data-mode=run] th, #slowdown .legend")).toEqual([]);
    for (const m of MACHINES) await shot(page, `#slowdown-run-${m}`, `slowdown-${m}`);

    // The measured region instead: its own maps and scale, from the regions' cycles.
    await page.check("input[name=slowmode][value=region]");
    expect(await page.$$eval("#slowdown .mode", (ms) => ms.map((m) => `${m.getAttribute("data-mode")} ${(m as HTMLElement).hidden}`))).toEqual(["run true", "region false"]);
    const regionSlowdown = (r: RunResult) => {
      const n = results.find(
        (x) =>
          x.configuration.cpu === "native" &&
          x.scenario === r.scenario &&
          x.configuration.label.split("/")[0] === r.configuration.label.split("/")[0] &&
          x.configuration.machine === r.configuration.machine,
      );
      return r.region && n?.region ? r.region.cycles.total / n.region.cycles.total : undefined;
    };
    const regions = results
      .filter((r) => r.properties?.equivalent === true && r.configuration.cpu !== "native")
      .map(regionSlowdown)
      .filter((x) => x !== undefined);
    expect(await page.$eval("#slowdown-region-skylake-2015 .legend", (l) => Number(l.getAttribute("data-max")))).toBeCloseTo(Math.max(...regions), 6);
    await page.check("input[name=slowmode][value=run]");
  });

  it("charts the cycles as shares of each run: legend clear of the plot, every bar visible, the machine in every label", async () => {
    const chartState = () =>
      page.evaluate(() => {
        // biome-ignore lint/suspicious/noExplicitAny: Chart.js's chart object, read in the page
        const chart = (window as unknown as { vmlabCharts: { breakdown: any } }).vmlabCharts.breakdown;
        const l = chart.legend;
        const a = chart.chartArea;
        const bars = chart.data.datasets.flatMap((_: unknown, i: number) => chart.getDatasetMeta(i).data.map((b: { height: number }) => b.height));
        return {
          labels: chart.data.labels as string[],
          ticks: chart.scales.y.ticks.length as number,
          legendOverlaps: l.left < a.right && l.right > a.left && l.top < a.bottom && l.bottom > a.top,
          minBar: Math.min(...bars) as number,
          // Each run's shares add up to the whole run.
          sums: (chart.data.labels as string[]).map((_, j) => chart.data.datasets.reduce((s: number, d: { data: number[] }) => s + d.data[j]!, 0) as number),
        };
      });
    // call-return on p4-2006: today 17 configurations (nested paging needs a later machine),
    // less trap-and-emulate on x86-like, which diverges: 16 bars.
    let s = await chartState();
    expect(s.labels).toHaveLength(drawn("call-return", MACHINES[0]));
    expect(s.labels.every((l) => l.endsWith(` @ ${MACHINES[0]}`))).toBe(true);
    expect(s.ticks).toBe(s.labels.length);
    expect(s.legendOverlaps).toBe(false);
    expect(s.minBar).toBeGreaterThanOrEqual(8);
    for (const x of s.sums) expect(x).toBeCloseTo(100, 6);
    expect(await illegibleText(page, "#cycles p, #cycles label")).toEqual([]);
    await shot(page, "#cycles", "cycles");

    // All machines side by side: today 17 + 17 + 19 + 19 runs, less the 4 that diverge: 68 bars.
    await page.selectOption("#bd-scenario", { label: "pte-modify" });
    await page.selectOption("#bd-machine", "-1");
    s = await chartState();
    expect(s.labels).toHaveLength(drawn("pte-modify"));
    for (const m of MACHINES) expect(s.labels.filter((l) => l.endsWith(` @ ${m}`))).toHaveLength(drawn("pte-modify", m));
    expect(s.ticks).toBe(s.labels.length);
    expect(s.legendOverlaps).toBe(false);
    expect(s.minBar).toBeGreaterThanOrEqual(8);
    await shot(page, "#cycles", "cycles-all-machines");
  });

  it("sorts and filters the table of all runs", async () => {
    expect(await illegibleText(page, "#runs .controls, #all-runs thead th, #all-runs tbody tr:nth-child(-n+40) td")).toEqual([]);
    await shot(page, "#runs", "runs");
    const visible = () => page.$$eval("#all-runs tbody tr:not([hidden])", (rows) => (rows as HTMLTableRowElement[]).map((tr) => [...tr.cells].map((c) => c.textContent ?? "")));
    // Trap-and-emulate on x86-like: every scenario on every machine, on bare metal and hosted
    // (the default matrix hosts x86-like's monitors), each diverging as predicted.
    const hosts = new Set(results.filter((r) => r.configuration.profile === "x86-like").map((r) => r.configuration.host ?? "bare-metal")).size;
    expect(hosts).toBe(2);
    await page.selectOption("select.runfilter[data-key=profile]", "x86-like(2)");
    await page.selectOption("select.runfilter[data-key=cpu]", "trap-emulate");
    let rows = await visible();
    expect(rows).toHaveLength(SCENARIOS * MACHINES.length * hosts);
    expect(rows.every((r) => r[3]!.startsWith("diverges as predicted (Theorem 1"))).toBe(true);
    await page.selectOption("select.runfilter[data-key=host]", "hosted");
    rows = await visible();
    expect(rows).toHaveLength(SCENARIOS * MACHINES.length);
    expect(rows.every((r) => r[1]!.endsWith("@hosted"))).toBe(true);
    await page.selectOption("select.runfilter[data-key=host]", "bare-metal");
    await page.fill('input.filter[data-for="all-runs"]', "hostile");
    expect(await visible()).toHaveLength(MACHINES.length);
    await page.fill('input.filter[data-for="all-runs"]', "");
    await page.selectOption("select.runfilter[data-key=profile]", "");
    await page.selectOption("select.runfilter[data-key=cpu]", "");
    await page.selectOption("select.runfilter[data-key=host]", "");
    expect(await page.textContent('[data-count-for="all-runs"]')).toBe(`${results.length} rows`);

    // Sorted by slowdown: the first row is the matrix's slowest run or its fastest.
    const head = page.locator("#all-runs thead th", { hasText: /^slowdown$/ });
    await head.click();
    const descending = (await head.getAttribute("aria-sort")) === "descending";
    rows = await visible();
    const shown = rows.map((r) => parseFloat(r[6]!)).filter((x) => !Number.isNaN(x));
    for (let i = 1; i < shown.length; i++) expect(descending ? shown[i]! <= shown[i - 1]! : shown[i]! >= shown[i - 1]!).toBe(true);
    const all = results.map(slowdown).filter((x) => x !== undefined);
    expect(shown[0]!.toFixed(2)).toBe((descending ? Math.max(...all) : Math.min(...all)).toFixed(2));
    expect(shown).toHaveLength(all.length);
  });

  it("leaves no table text overflowing or broken inside a word in the other sections", async () => {
    const sections = ["strategies", "divergences", "vm-exits", "validation", "micro", "faster", "vms", "impossible"];
    const sel = sections.map((s) => `#${s} th, #${s} tbody tr:nth-child(-n+30) td, #${s} p`).join(", ");
    expect(await illegibleText(page, sel)).toEqual([]);
    expect(await overflowingBoxes(page)).toEqual([]);
    for (const s of ["micro", "faster"]) await shot(page, `#${s}`, s);
    for (const f of ["summary", "cycles", "runs", ...MACHINES.map((m) => `slowdown-${m}`)]) {
      expect(statSync(join(DIR, `report-${f}.png`)).size).toBeGreaterThan(5_000);
    }
  });

  it("sweep.html still draws its charts", async () => {
    // Two configurations crossing between the second and third cost values.
    const points = [10, 20, 40].flatMap((value, i) => [
      { value, scenario: "syscall", configuration: "a", slowdown: [1, 2, 4][i]!, status: "equivalent", equivalent: true },
      { value, scenario: "syscall", configuration: "b", slowdown: [3, 3, 3][i]!, status: "equivalent", equivalent: true },
    ]);
    const sweep: Sweep = { param: "vmExit", machine: "p4-2006", values: [10, 20, 40], metric: "slowdown", scenarios: ["syscall"], configurations: ["a", "b"], points };
    const file = join(mkdtempSync(join(tmpdir(), "vmlab-sweep-")), "sweep.html");
    writeFileSync(file, sweepHtml(sweep));
    const p = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const errs: string[] = [];
    p.on("pageerror", (e) => errs.push(String(e)));
    await p.goto(pathToFileURL(file).href);
    const drawn = await p.evaluate(() =>
      [...document.querySelectorAll("canvas")].map(
        (c) => (window as unknown as { Chart: { getChart(c: HTMLCanvasElement): { data: { datasets: unknown[] } } | undefined } }).Chart.getChart(c)?.data.datasets.length,
      ),
    );
    expect(errs).toEqual([]);
    expect(drawn).toEqual([2]);
    expect(await p.textContent("body")).toContain("syscall: a is cheaper below vmExit ≈ 30, b above");
    await p.close();
  });
});
