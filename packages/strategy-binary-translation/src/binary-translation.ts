// Binary translation, after Adams & Agesen (ASPLOS 2006) and VMware's monitor: user
// code runs directly, deprivileged, as under trap-and-emulate; the guest kernel runs
// from a translation cache, its sensitive instructions (including x86-like's PUSHF,
// POPF, RDMODE and RDTVEC, which do not trap) turned into callouts. So it is faithful
// where trap-and-emulate is not.
import { injectable } from "inversify";
import { count, Monitor, executeOnOneMachine, type CpuStrategy, type EventCounts, type Execution, type GuestSession, type MultiExecution, type SchedulableVm, type StrategyInfo } from "@vmlab/core";
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
  theorem: 3,
  // VMware Workstation: the monitor in a world of its own, devices in VMApp on the host.
  hosting: { crossing: "world-switch" },
};

@injectable()
export class BinaryTranslationCpu implements CpuStrategy {
  readonly info = BINARY_TRANSLATION_INFO;
  /** The last run's engine (for tests and the bench). */
  engine: TranslationEngine | undefined;
  /** Retranslate stores that keep trapping (off only to measure what it saves). */
  adaptive = true;

  execute(session: GuestSession): Execution {
    const vm = new TranslatedVm(new Monitor(session), this.adaptive);
    session.region?.countWith?.(() => (vm.engine ? counts(vm.monitor, vm.engine) : vm.monitor.monitorCounts()));
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
      (vm, outcome) => this.account(vm.monitor, vm.engine!, outcome),
    );
  }

  private account(monitor: Monitor, engine: TranslationEngine, outcome: "halt" | "budget"): Execution {
    const s = monitor.machine.stats();
    const { translated, byTrap, direct } = split(monitor, engine);
    const memory = monitor.memory.finish();
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
      counts: counts(monitor, engine),
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

/** Guest instructions by how they ran: from the translation cache (callouts included), emulated after a trap, directly. */
function split(monitor: Monitor, engine: TranslationEngine): { translated: number; byTrap: number; direct: number } {
  const translated = engine.translationRetired + engine.callouts;
  const byTrap = monitor.emulatedCount - engine.callouts;
  return { translated, byTrap, direct: monitor.machine.cpu.retired - translated - byTrap };
}

/** The monitor's events, and the translation cache's. */
function counts(monitor: Monitor, engine: TranslationEngine): EventCounts {
  const c = monitor.monitorCounts();
  const { byTrap, direct } = split(monitor, engine);
  let btTraps = 0;
  for (const n of engine.traps) btTraps += n;
  count(c, "instruction", direct + engine.translationRetired);
  count(c, "monitorTrap", btTraps);
  count(c, "monitorReturn", btTraps);
  count(c, "privilegedEmulated", byTrap);
  count(c, "translated", engine.translatedInstructions);
  count(c, "translationCacheLookup", engine.lookups);
  count(c, "callout", engine.callouts + engine.adaptiveStores);
  count(c, "indirectTransfer", engine.state.indirect);
  count(c, "blockChained", engine.chains);
  count(c, "translationInvalidated", engine.invalidations);
  count(c, "adaptivePageTableWrite", engine.adaptivePageTableStores);
  return c;
}
