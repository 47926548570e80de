// The package's exports that run anywhere, a browser included (package.json's "browser"
// export): runs and their pictures. index.ts adds what needs Node.js.
export { TOKENS } from "./tokens.js";
export * from "./machine-profiles.js";
export { Ledger, CATEGORIES, type Category, type LedgerLine } from "./ledger.js";
export type {
  Requirements,
  StrategyInfo,
  EquivalenceBasis,
  GuestSession,
  Execution,
  MultiExecution,
  CpuStrategy,
  MemoryStrategy,
  AttachedMemory,
  MonitorMemory,
  GuestModeMemory,
  MmuEvents,
  MemoryCounters,
  SensitiveUntrapped,
  RealTables,
} from "./strategy.js";
export type { FaultDisposition } from "./monitor/vm-context.js";
export {
  resolveConfiguration,
  enumerateConfigurations,
  unmetRequirement,
  unmetFeature,
  unhostable,
  isStrict,
  ConfigurationError,
  IMPOSSIBLE_PREFIX,
  impossibleReason,
  HOSTS,
  DEFAULT_HOST,
  REFERENCE,
  isReference,
  machineName,
  configurationLabel,
  Configuration,
  type ConfigurationErrorKind,
  type ConfigurationRecord,
  type Host,
  type ConfigurationSpec,
} from "./configuration.js";
export { digestOf, firstDivergence, fnv1a, fnv1aFrames, type GuestDigest, type Divergence, type PredictedDivergence } from "./equivalence.js";
export { classificationOf, inexactFor, predictionFor, theoremReason } from "./prediction.js";
export type { RunResult, RunMetrics, VmRunResult } from "./run-result.js";
export { catalogOf, runContainer, strategiesFor, type StrategyPackage } from "./container.js";
export { runConfiguration, judgeEquivalence, combineExecutions, vmOutputs, cyclesOf, type RunOptions } from "./run.js";
export { newGuestMachine, watchWorkMarks, trapsOf, wholeMachineExecution } from "./bare-metal.js";
export { COST_KEYS, COST_KEY_NAMES, DERIVED_PARAMETERS, parameterValue, withParameter, type CostKey, type Provenance } from "./costs/cost-keys.js";
export { EVENTS, count, addCounts, subtractCounts, hardwareEvents, virtualDeviceEvents, hostedDeviceEvents, type EventName, type EventCounts, type HostCrossing } from "./costs/events.js";
export { priceEvents } from "./costs/pricing.js";
export { PUBLISHED, type PublishedFigure } from "./costs/published.js";
export { Monitor, MONITOR_BYTES, GUEST_BYTES, MONITOR_VECTOR, type VmPlacement } from "./monitor/monitor.js";
export { VirtualCpu } from "./monitor/virtual-cpu.js";
export { containedAttempt, AS_ON_BARE_METAL, DISK_AS_ON_BARE_METAL, type ContainedAttempt } from "./monitor/contained-attempts.js";
export { GuestMemory, MonitorFrames } from "./monitor/guest-memory.js";
export {
  memoryPicture,
  MemoryPictureError,
  type MemoryPicture,
  type MemoryPictureInput,
  type PicturePage,
  type PictureTlbEntry,
  type PictureConnection,
} from "./memory-picture.js";
export { MachineFrameAllocator, chunkFramesFor, frameLayoutFor, frameSeed, guestFrameAllocator, type FrameLayout } from "./monitor/frame-allocator.js";
export { VirtualTlb, KSEG_VPN, MISS_REFLECTED, MISS_KSEG0, MISS_REFILLED } from "./monitor/virtual-tlb.js";
export { VirtualTlbMemory } from "./monitor/virtual-tlb-memory.js";
export { TableCopies, type CopiedTable } from "./monitor/table-copies.js";
export { GuestWalk } from "./monitor/guest-walk.js";
export { invalidateRealTlb } from "./monitor/real-tlb.js";
export { FAULT_HIDDEN, FAULT_REFLECT, FAULT_TRACED, setFault, type VmContext, type GuestFault } from "./monitor/vm-context.js";
export { TraceLog, TRACE_KINDS, type TraceEvent, type TraceSink, type TraceActor, type TraceKind, type TraceSampling } from "./monitor/trace-events.js";
export { symbolize } from "./symbols.js";
export { guestImage } from "./images.js";
export { VmScheduler, DEFAULT_QUANTUM, executeOnOneMachine, type SchedulableVm, type VmSchedulerOptions } from "./monitor/vm-scheduler.js";
export { RegionMarks, type RegionMark, type RegionRecorder, type RegionInstructions } from "./region.js";
