// The web app in a real headless Chromium, served by `vmlab serve`'s static server: each
// test drives the page as a person would and checks what it shows against what the
// simulator says in this process (a native run of the scenario, core's runs) or what
// the `vmlab` command prints for the same experiment.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Browser, Page } from "playwright-core";
import { BUILTIN_STRATEGY_PACKAGES, importStrategyModules, isReference, resolveConfiguration, resolveStrategyPackage, runConfiguration, catalogOf, REFERENCE } from "@vmlab/core";
import { generateQuiz, proofText } from "@vmlab/course";
import { findScenario, runOnBareMetal } from "@vmlab/guest";
import { getProfile } from "@vmlab/isa";
import { strategyModule as native } from "@vmlab/strategy-native";
import { strategyModule as trapEmulate } from "@vmlab/strategy-trap-emulate";
import { strategyModule as softwareTlb } from "@vmlab/paging-software-tlb";
import { strategyModule as shadow } from "@vmlab/paging-shadow";
import { strategyModule as nested } from "@vmlab/paging-nested";
import { serveStatic, type StaticServer } from "../../cli/src/static-server.js";
import { quizLab } from "../../cli/src/quiz-lab.js";
import { repoRoot, vmlab } from "../../cli/test/run-cli.js";
import { launchChromium } from "../../report/test/chromium.js";
import { strategyLab } from "@vmlab/test-support";

const DIST = new URL("../dist/", import.meta.url).pathname;
const MODULES = [native, trapEmulate, softwareTlb, shadow, nested];
const CATALOG = catalogOf(MODULES);

let server: StaticServer;
let browser: Browser;

beforeAll(async () => {
  [server, browser] = await Promise.all([serveStatic(DIST), launchChromium()]);
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

/** A fresh page at the app with `hash`, once the lab has loaded its catalog. */
async function open(hash = ""): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: 1300, height: 900 } });
  const problems: string[] = [];
  page.on("pageerror", (e) => problems.push(e.message));
  await page.goto(`${server.url}${hash}`);
  await page.waitForSelector("[data-testid=pick-scenario] option", { state: "attached" });
  expect(problems).toEqual([]);
  return page;
}

const text = async (page: Page, selector: string): Promise<string> => (await page.locator(selector).first().textContent()) ?? "";

describe("the web app", () => {
  it("picks a scenario and runs it: the native run's output, the verdict 'equivalent' and the slowdown core computes", async () => {
    const page = await open("#tab=run&scenario=compute&profile=riscv-like&cpu=native&machine=p4-2006&host=bare-metal");
    await page.selectOption("[data-testid=pick-profile]", "mips-like");
    await page.selectOption("[data-testid=pick-cpu]", "trap-emulate");
    await page.selectOption("[data-testid=pick-scenario]", "syscall");
    await page.click("[data-testid=run]");
    const spec = { profile: "mips-like", machine: "p4-2006" };
    const label = resolveConfiguration({ ...spec, cpu: "trap-emulate" }, CATALOG).label;
    await page.waitForSelector(`[data-testid=run-result] h3:has-text("${label}")`);
    const scenario = findScenario("syscall");
    expect(await text(page, "[data-testid=output]")).toBe(runOnBareMetal(scenario, getProfile("mips-like")).output);
    expect(await text(page, "[data-testid=verdict]")).toBe("equivalent");
    const base = runConfiguration(resolveConfiguration({ ...spec, ...REFERENCE }, CATALOG), scenario, MODULES);
    const run = runConfiguration(resolveConfiguration({ ...spec, cpu: "trap-emulate" }, CATALOG), scenario, MODULES);
    expect(await text(page, "[data-testid=slowdown]")).toBe(`${(run.cycles!.total / base.cycles!.total).toFixed(2)}× native`);
    // An impossible combination is refused with the reason the configuration gives.
    await page.selectOption("[data-testid=pick-memory]", "nested");
    await page.waitForSelector("[data-testid=refused]");
    let reason = "";
    try {
      resolveConfiguration({ ...spec, cpu: "trap-emulate", memory: "nested" }, CATALOG);
    } catch (e) {
      reason = (e as Error).message;
    }
    expect(reason).not.toBe("");
    expect(await text(page, "[data-testid=refused]")).toBe(`Refused: ${reason}`);
    await page.close();
  });

  it("names each VM exit by the VT-x basic exit reason it models, with the counts core's run gives", async () => {
    const page = await open("#tab=run&scenario=port-io&profile=riscv-like&cpu=hardware-assist&machine=skylake-2015&host=bare-metal");
    await page.click("[data-testid=run]");
    await page.waitForSelector("[data-testid=vm-exits]");
    const lab = await strategyLab();
    const run = lab.run({ profile: "riscv-like", cpu: "hardware-assist", machine: "skylake-2015" }, "port-io");
    const io = run.metrics!.vmExits["I/O instruction"]!;
    expect(io).toBeGreaterThanOrEqual(1000);
    // Intel SDM Vol. 3C, Appendix C: basic exit reason 30 is I/O instruction.
    expect(await text(page, "[data-testid=vm-exits]")).toContain(`IO_INSTRUCTION (30) ${io.toLocaleString("en-US")}`);
    await page.close();
  });

  it("compares one toggle side by side and marks the rows that differ", async () => {
    const page = await open("#tab=compare&scenario=syscall&profile=mips-like&cpu=trap-emulate&machine=p4-2006&host=bare-metal&toggle=cpu");
    expect(await page.isChecked("[data-testid=toggle-cpu]")).toBe(true);
    await page.check("[data-testid=toggle-machine]");
    await page.waitForSelector("[data-testid=compare-table] th:has-text('skylake-2015')");
    const row = (label: string) => page.locator("[data-testid=compare-table] tbody tr", { has: page.locator(`th:text-is("${label}")`) });
    // Same guest, two machines: the same instructions, different cycles.
    const scenario = findScenario("syscall");
    const cycles = ["p4-2006", "skylake-2015"].map(
      (machine) => runConfiguration(resolveConfiguration({ profile: "mips-like", machine, cpu: "trap-emulate" }, CATALOG), scenario, MODULES).cycles!.total,
    );
    const cells = await row("modeled cycles").locator("td").allTextContents();
    expect(cells).toEqual(cycles.map((c) => c.toLocaleString("en-US")));
    expect(await row("modeled cycles").getAttribute("class")).toBe("differs");
    expect(await row("guest instructions").getAttribute("class")).toBeNull();
    expect(page.url()).toContain("toggle=machine");
    await page.close();
  });

  it("steps a trace forward and back, with the machine's state as `vmlab memory --at` gives it", async () => {
    const page = await open("#tab=step&scenario=syscall&profile=riscv-like&cpu=trap-emulate&machine=p4-2006&host=bare-metal&step=2");
    const args = ["syscall", "--profile", "riscv-like", "--cpu", "trap-emulate"];
    await page.waitForSelector("[data-testid=moment]:has-text('After step 2')");
    const atTwo = await text(page, "[data-testid=memory]");
    const pcTwo = await text(page, "[data-testid=pc]");
    await page.click("[data-testid=step-forward]");
    await page.waitForSelector("[data-testid=moment]:has-text('After step 3')");
    expect(await text(page, "[data-testid=step-counter]")).toMatch(/^step 3 of /);
    const cli = vmlab(["memory", ...args, "--at", "3"]);
    expect(cli.status).toBe(0);
    expect(`${await text(page, "[data-testid=memory]")}`.trimEnd()).toBe(cli.stdout.trimEnd());
    expect(await text(page, "[data-testid=pc]")).not.toBe(pcTwo);
    // Step 3's row is the one `vmlab trace` numbers 3, and it is marked current.
    const steps = JSON.parse(vmlab(["trace", ...args, "--events", "3", "--json"]).stdout).steps as { step: number; text: string }[];
    expect(await text(page, "[data-testid=trace-table] tr.current")).toContain(steps[2]!.text);
    await page.keyboard.press("ArrowLeft");
    await page.waitForSelector("[data-testid=moment]:has-text('After step 2')");
    expect(await text(page, "[data-testid=memory]")).toBe(atTwo);
    expect(await text(page, "[data-testid=pc]")).toBe(pcTwo);
    expect(page.url()).toContain("step=2");
    await page.close();
  });

  it("edits a program: an assembly error is shown at its line", async () => {
    const page = await open("#tab=edit&scenario=syscall&profile=mips-like&cpu=trap-emulate&machine=p4-2006&host=bare-metal");
    const source = await page.inputValue("[data-testid=source]");
    expect(source).toBe(findScenario("syscall").sources[0]!.source);
    const lines = source.split("\n");
    const at = lines.findIndex((l) => /^\s+syscall\b/.test(l));
    lines[at] = lines[at]!.replace("syscall", "syscal");
    await page.fill("[data-testid=source]", lines.join("\n"));
    await page.click("[data-testid=assemble-run]");
    await page.waitForSelector("[data-testid=assembly-errors]");
    expect(await text(page, "[data-testid=assembly-errors] li")).toMatch(new RegExp(`^main\\.s:${at + 1}:\\d+: `));
    expect(await page.locator(`[data-testid=error-line-${at + 1}]`).count()).toBe(1);
    // Put right, it runs again and matches native.
    await page.click("[data-testid=reset]");
    await page.click("[data-testid=assemble-run]");
    await page.waitForSelector("[data-testid=edit-result] [data-testid=verdict]");
    expect(await text(page, "[data-testid=verdict]")).toBe("equivalent");
    await page.close();
  });

  it("reopens a shared link with its configuration", async () => {
    const hash = "#tab=run&scenario=compute&profile=riscv-like&levels=3&cpu=trap-emulate&memory=shadow&machine=skylake-2015&host=bare-metal";
    const page = await open(hash);
    for (const [picker, value] of [
      ["scenario", "compute"],
      ["profile", "riscv-like"],
      ["levels", "3"],
      ["cpu", "trap-emulate"],
      ["memory", "shadow"],
      ["machine", "skylake-2015"],
    ]) {
      expect(await page.inputValue(`[data-testid=pick-${picker}]`), picker).toBe(value);
    }
    const config = resolveConfiguration({ profile: "riscv-like", levels: 3, cpu: "trap-emulate", memory: "shadow", machine: "skylake-2015" }, CATALOG);
    expect(isReference(config)).toBe(false);
    await page.waitForSelector("[data-testid=run-result]");
    expect(await text(page, "[data-testid=label]")).toBe(config.label);
    expect(await text(page, "[data-testid=run-result] h3")).toContain(config.label);
    await page.close();
  });

  it("asks `vmlab quiz --seed 7`'s questions, checks an answer in place right or wrong, and shows all answers with their proofs", async () => {
    const page = await open("#tab=quiz&seed=7");
    // The quiz as the command generates it, through its binding of the runs (made here while the page makes its own).
    const modules = await importStrategyModules(BUILTIN_STRATEGY_PACKAGES.map((p) => resolveStrategyPackage(p, repoRoot)));
    const quiz = generateQuiz(quizLab(modules, catalogOf(modules)), 7);
    await page.waitForSelector("[data-testid=question-1]", { timeout: 60_000 });
    expect(await page.inputValue("[data-testid=quiz-seed]")).toBe("7");
    expect(await page.locator("[data-testid=questions] [data-testid=question-text]").allTextContents()).toEqual(quiz.questions.map((q) => q.question));
    const question = (topic: string) => {
      const q = quiz.questions.find((x) => x.topic === topic)!;
      return { q, at: page.locator(`[data-testid=question-${q.number}]`) };
    };
    const next = question("next-step");
    expect(await next.at.locator("[data-testid=trace-table] tbody tr").count()).toBe(next.q.shown!.length);
    expect(await page.locator("[data-testid=answer]:visible").count()).toBe(0);
    // Right: the mnemonics in another order and case.
    const sensitive = question("sensitive-unprivileged");
    const mnemonics = sensitive.q.value.instructions as readonly string[];
    await sensitive.at.locator("[data-testid=answer-instructions]").fill(mnemonics.length ? [...mnemonics].reverse().join(" ").toLowerCase() : "none");
    await sensitive.at.locator("[data-testid=check]").click();
    expect(await sensitive.at.locator("[data-testid=quiz-verdict]").textContent()).toBe("Right.");
    expect(await sensitive.at.locator("[data-testid=answer] p").textContent()).toBe(`Answer: ${sensitive.q.answer}`);
    // Wrong: another configuration than the cheapest, with the right ratio.
    const cheapest = question("cheapest");
    const other = cheapest.q.proof.map((p) => p.source.replace(/ on .*$/, "")).find((l) => l !== cheapest.q.value.configuration)!;
    await cheapest.at.locator("[data-testid=answer-configuration]").selectOption(other);
    await cheapest.at.locator("[data-testid=answer-ratio]").fill(String(cheapest.q.value.ratio));
    await cheapest.at.locator("[data-testid=check]").click();
    expect(await cheapest.at.locator("[data-testid=quiz-verdict]").textContent()).toBe("Wrong. the cheapest: wrong. times fewer cycles than the next cheapest: right.");
    // Every answer, each with the runs that prove it, as `vmlab quiz -c` prints them.
    await page.click("[data-testid=show-all]");
    expect(await page.locator("[data-testid=answer] p").allTextContents()).toEqual(quiz.questions.map((q) => `Answer: ${q.answer}`));
    expect(await page.locator("[data-testid=proof]").allTextContents()).toEqual(quiz.questions.flatMap((q) => q.proof.map((p) => `Proof: ${proofText(p)}`)));
    await page.close();
  });
});
