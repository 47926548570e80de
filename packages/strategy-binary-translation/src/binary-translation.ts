// Binary translation, after Adams & Agesen (ASPLOS 2006) and VMware's monitor: user
// code runs directly, deprivileged, as under trap-and-emulate; the guest kernel runs
// from a translation cache, its sensitive instructions (including x86-like's PUSHF,
// POPF, RDMODE and RDTVEC, which do not trap) turned into callouts. So it is faithful
// where trap-and-emulate is not.
import { inject, injectable } from "inversify";
import {
  chargeHardwareEvents, Monitor, TOKENS, executeOnOneMachine, type CpuStrategy, type Execution, type GuestSession, type Ledger, type MachineProfile,
  type MultiExecution, type SchedulableVm, type StrategyInfo,
} from "@vmlab/core";
import { CAUSE_NAMES, MODE_USER } from "@vmlab/isa";
import { TranslationEngine } from "./translation-engine.js";

/** One guest under binary translation: user code direct, kernel code from its translation cache. */
class TranslatedVm implements SchedulableVm {
  engine: TranslationEngine | undefined;

  constructor(
    readonly monitor: Monitor,
    private readonly adaptive: boolean,
  ) {}

  boot(): void {
    this.monitor.boot();
    this.engine = new TranslationEngine(this.monitor, { adaptive: this.adaptive });
  }

  get used(): number {
    return this.monitor.used;
  }

  run(budget: number): "halt" | "budget" {
    const { monitor } = this;
    const engine = this.engine!;
    const { cpu, vcpu } = monitor;
    // Another VM may have run since: the cached page translations are not this VM's.
    engine.state.rk = engine.state.wk = engine.state.sk = -1;
    for (;;) {
      if (vcpu.halted) return "halt";
      const left = budget - monitor.used;
      if (left <= 0 || (monitor.trace as { full?: boolean } | undefined)?.full === true) return "budget";
      if (vcpu.mode === MODE_USER) {
        monitor.beginDirect();
        const stop = monitor.machine.run(left);
        monitor.endDirect();
        if (stop.reason !== "intercept") return "budget";
        monitor.handleTrap(cpu.exitCause);
        if (!vcpu.halted) monitor.monitorReturns++;
        cpu.translationChanged();
      } else {
        engine.runKernel(budget);
      }
    }
  }
}

export const BINARY_TRANSLATION_INFO: StrategyInfo = {
  name: "binary-translation",
  kind: "cpu",
  description:
    "VMware-style: user code runs directly; kernel code runs from a translation cache of compiled blocks, sensitive instructions become callouts (no trap), stores that keep trapping are retranslated",
  requires: {},
  memories: ["software-tlb", "shadow"],
};

@injectable()
export class BinaryTranslationCpu implements CpuStrategy {
  readonly info = BINARY_TRANSLATION_INFO;
  /** The last run's engine (for tests and the bench). */
  engine: TranslationEngine | undefined;
  /** Retranslate stores that keep trapping (off only to measure what it saves). */
  adaptive = true;

  constructor(
    @inject(TOKENS.Ledger) private readonly ledger: Ledger,
    @inject(TOKENS.MachineProfile) private readonly machineProfile: MachineProfile,
  ) {}

  execute(session: GuestSession): Execution {
    const vm = new TranslatedVm(new Monitor(session), this.adaptive);
    vm.boot();
    this.engine = vm.engine;
    const outcome = vm.run(session.budget);
    return this.account(vm.monitor, vm.engine!, outcome);
  }

  /** Several guests on one machine, time-sliced by the scheduler, each with its own translation cache. */
  executeVms(sessions: readonly GuestSession[]): MultiExecution {
    return executeOnOneMachine(
      sessions,
      (s, placement) => new TranslatedVm(new Monitor(s, { placement }), this.adaptive),
      this.ledger,
      this.machineProfile.costs,
      (vm, outcome) => this.account(vm.monitor, vm.engine!, outcome),
    );
  }

  private account(monitor: Monitor, engine: TranslationEngine, outcome: "halt" | "budget"): Execution {
    const costs = this.machineProfile.costs;
    const ledger = this.ledger;
    const s = monitor.machine.stats();
    let emulated = 0;
    for (const n of monitor.emulatedByOpcode) emulated += n;
    let reflected = 0;
    for (const n of monitor.reflectedByCause) reflected += n;
    // From the translation cache: compiled code, and the callouts it makes.
    const translated = engine.translationRetired + engine.callouts;
    // Emulated after a trap (instructions single-stepped outside any translation).
    const byTrap = emulated - engine.callouts;
    const direct = s.retired - translated - byTrap;
    let btTraps = 0;
    for (const n of engine.traps) btTraps += n;
    ledger.charge("guest execution", "instruction", direct + engine.translationRetired, costs.instruction);
    chargeHardwareEvents(ledger, costs, s);
    ledger.charge("traps", "trap from translated code to the monitor", btTraps, costs.trapEntry);
    ledger.charge("traps", "monitor's return to the guest", monitor.monitorReturns + btTraps, costs.trapReturn);
    ledger.charge("VMM emulation", "privileged instruction emulated after a trap", byTrap, costs.vmmEmulatePrivileged);
    ledger.charge("VMM emulation", "trap reflected to the guest kernel", reflected, costs.reflectTrap);
    ledger.charge("VMM emulation", "virtual device access by callout", engine.portCallouts, costs.vmmEmulatePrivileged);
    ledger.charge("translation", "guest instruction translated", engine.translatedInstructions, costs.translatePerInstruction);
    ledger.charge("translation", "translation-cache lookup (unchained exit)", engine.lookups, costs.translationCacheLookup);
    ledger.charge("translation", "callout", engine.callouts + engine.adaptiveStores, costs.callout);
    ledger.charge("translation", "indirect control transfer (lookup)", engine.state.indirect, costs.callout);
    ledger.charge("translation", "block chained", engine.chains, costs.chaining);
    ledger.charge("translation", "translations invalidated", engine.invalidations, costs.translatePerInstruction);
    ledger.charge("memory and walks", "page-table write by adaptive callout", engine.adaptivePageTableStores, costs.tracedPageTableWrite);
    const memory = monitor.memory.finish?.(ledger, costs);
    // Traps taken by translated code are real traps to the monitor: report them with the rest.
    const traps: Record<string, number> = {};
    for (const [k, v] of Object.entries(s.trapsByCause)) if (v > 0) traps[k] = v;
    engine.traps.forEach((n, c) => {
      if (n > 0) traps[CAUSE_NAMES[c]!] = (traps[CAUSE_NAMES[c]!] ?? 0) + n;
    });
    return monitor.execution(outcome, {
      executedDirectly: direct,
      emulated: byTrap,
      translated,
      traps,
      pageFaultsHidden: memory?.pageFaultsHidden ?? 0,
      events: {
        ...monitor.events(),
        ...(memory?.events ?? {}),
        "instructions translated": engine.translatedInstructions,
        "regions compiled": engine.regionsCompiled,
        "translation-cache lookups": engine.lookups,
        "translation-cache hits": engine.cacheHits,
        "blocks chained": engine.chains,
        callouts: engine.callouts,
        "translations invalidated": engine.invalidations,
        "adaptive retranslations": engine.adaptiveRetranslations,
        "stores done by adaptive callout": engine.adaptiveStores,
        "page-table writes by adaptive callout": engine.adaptivePageTableStores,
        "traced writes from translated code": engine.tracedWrites,
        "single-stepped kernel instructions": engine.singleSteps,
      },
    });
  }
}
