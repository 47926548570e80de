import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { findScenario } from "@vmlab/guest";
import {
  enumerateConfigurations,
  catalogOf,
  ConfigurationError,
  firstDivergence,
  getMachineProfile,
  importStrategyModules,
  Ledger,
  MachineProfileError,
  readConfigFile,
  resolveConfiguration,
  runConfiguration,
  MACHINE_PROFILES,
  runContainer,
  strategiesFor,
  guestImage,
  digestOf,
  TOKENS,
  type MemoryStrategy,
} from "../src/index.js";
import { CORE_DIR } from "./helpers.js";
import { getProfile } from "@vmlab/isa";
import { strategyLab, thrown } from "@vmlab/test-support";

describe("ledger", () => {
  it("every charged cycle lands in a category and the categories sum to the total", () => {
    const l = new Ledger();
    l.charge("guest execution", "instruction", 1000, 1);
    l.charge("traps", "trap entry", 3, 400);
    l.charge("device I/O", "port I/O", 2, 3209);
    l.charge("traps", "trap entry", 1, 400);
    const by = l.byCategory();
    expect(l.total()).toBe(1000 + 4 * 400 + 2 * 3209);
    expect(Object.values(by).reduce((a, b) => a + b, 0)).toBe(l.total());
    expect(by.traps).toBe(1600);
  });
});

describe("machine profiles", () => {
  it("the 2006 profile carries Adams & Agesen's native port 0x80 cost", () => {
    expect(MACHINE_PROFILES["p4-2006"]!.costs.devicePost).toBe(3209);
  });
  it("a user-defined profile with a bad field is refused, naming the field", () => {
    const dir = mkdtempSync(join(tmpdir(), "vmlab-mp-"));
    const f = join(dir, "m.json");
    writeFileSync(f, JSON.stringify({ ...MACHINE_PROFILES["skylake-2015"], name: "mine", costs: { ...MACHINE_PROFILES["skylake-2015"]!.costs, vmExit: "fast" } }));
    expect(() => getMachineProfile(f)).toThrow(MachineProfileError);
    expect(() => getMachineProfile(f)).toThrow(/field 'costs\.vmExit'/);
    writeFileSync(f, JSON.stringify({ ...MACHINE_PROFILES["skylake-2015"], name: "mine" }));
    expect(getMachineProfile(f).name).toBe("mine");
    expect(() => getMachineProfile("p5-1993")).toThrow(/valid: p4-2006, penryn-2008, nehalem-2009, skylake-2015/);
  });
});

describe("configurations", async () => {
  const lab = await strategyLab();
  const { modules } = lab;

  it("names unknown strategies, profiles and machines with the valid lists", () => {
    expect(() => lab.config({ profile: "x86-like", cpu: "vmware", machine: "p4-2006" })).toThrow(/valid: native, interpret/);
    // isa's refusal of the profile's name, passed on as an unknown name.
    expect(() => lab.config({ profile: "arm-like", cpu: "native", machine: "p4-2006" })).toThrow(expect.objectContaining({ kind: "unknown", message: thrown(() => getProfile("arm-like")).message }));
    expect(() => lab.config({ profile: "x86-like", cpu: "native", memory: "shadowy", machine: "p4-2006" })).toThrow(/valid: direct/);
  });

  it("a plugin strategy package loaded from vmlab.config.json joins the catalog, and its requirement refuses other profiles", async () => {
    const dir = mkdtempSync(join(tmpdir(), "vmlab-cfg-"));
    const cfg = join(dir, "vmlab.config.json");
    writeFileSync(cfg, JSON.stringify({ strategies: [join(CORE_DIR, "test/fixtures/tlb-only-strategy")] }));
    const all = [...modules, ...(await importStrategyModules(readConfigFile(cfg)))];
    const cat = catalogOf(all);
    expect(cat.map((s) => s.name)).toContain("tlb-only");
    let error: unknown;
    try {
      resolveConfiguration({ profile: "riscv-like", cpu: "tlb-only", machine: "p4-2006" }, cat);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigurationError);
    expect((error as ConfigurationError).kind).toBe("impossible");
    expect((error as Error).message).toBe("impossible configuration: cpu strategy 'tlb-only' cannot run on riscv-like: riscv-like has no software-managed TLB");
    // A name nothing answers to is another kind of refusal: enumerating passes it on rather than listing it as skipped.
    expect(() => resolveConfiguration({ profile: "riscv-like", cpu: "no-such-cpu", machine: "p4-2006" }, cat)).toThrow(expect.objectContaining({ kind: "unknown" }));
    expect(() => enumerateConfigurations(cat, { profiles: ["riscv-like"], cpus: ["no-such-cpu"], machines: ["p4-2006"] })).toThrow(/unknown CPU strategy 'no-such-cpu'/);
    const config = resolveConfiguration({ profile: "mips-like", cpu: "tlb-only", machine: "p4-2006" }, cat);
    const r = runConfiguration(config, findScenario("syscall"), all);
    expect(r.output).toBe("syscall: 1000 done\n");
  });

  it("a memory strategy package of its own serves a monitor through the contract: trap-and-emulate on it is equivalent to native", async () => {
    const dir = mkdtempSync(join(tmpdir(), "vmlab-cfg-"));
    const cfg = join(dir, "vmlab.config.json");
    writeFileSync(cfg, JSON.stringify({ strategies: [join(CORE_DIR, "test/fixtures/tlb-memory-strategy")] }));
    const all = [...modules, ...(await importStrategyModules(readConfigFile(cfg)))];
    const cat = catalogOf(all);
    const s = findScenario("forkwait");
    const native = runConfiguration(resolveConfiguration({ profile: "mips-like", cpu: "native", machine: "p4-2006" }, cat), s, all);
    // trap-and-emulate names the memory strategies it was built with; this one is handed to it directly.
    const config = resolveConfiguration({ profile: "mips-like", cpu: "trap-emulate", memory: "software-tlb", machine: "p4-2006" }, cat);
    const container = runContainer(config, all);
    const memory = container.get<MemoryStrategy>(TOKENS.MemoryStrategy, { name: "tlb-memory" });
    const e = strategiesFor(container, config).cpu.execute({
      scenario: s,
      profile: config.profile,
      image: guestImage(s, config.profile),
      budget: s.budget,
      machineProfile: config.machine,
      memory,
    });
    expect(e.output).toBe(native.output);
    expect(firstDivergence(native.digest!, digestOf(e))).toBeUndefined();
  });

  it("a malformed config file is named with its field", () => {
    const dir = mkdtempSync(join(tmpdir(), "vmlab-cfg-"));
    const cfg = join(dir, "vmlab.config.json");
    writeFileSync(cfg, JSON.stringify({ strategies: "all of them" }));
    expect(() => readConfigFile(cfg)).toThrow(/field 'strategies'/);
    writeFileSync(cfg, "{ nope");
    expect(() => readConfigFile(cfg)).toThrow(/malformed JSON/);
  });
});

describe("equivalence", () => {
  it("the first divergence names the console byte and both lines", () => {
    const base = { outcome: "halt" as const, guestInstructions: 10, registers: [1, 2], memoryHash: "00" };
    const d = firstDivergence({ ...base, output: "hello\nworld\n" }, { ...base, output: "hello\nwarld\n" });
    expect(d?.what).toBe("console");
    expect(d?.offset).toBe(7);
    expect(d?.detail).toContain('"world"');
    expect(d?.detail).toContain('"warld"');
    expect(firstDivergence({ ...base, output: "x" }, { ...base, output: "x", registers: [1, 3] })?.what).toBe("registers");
  });
});
