// The strategy contracts. A CPU strategy decides how guest code executes (directly,
// emulated, translated) and handles what the hardware hands the monitor; a memory
// strategy maps guest-physical to machine memory and handles the guest's MMU events.
import type { Image, Machine, Pmap, Profile, Tlb, VmControl } from "@vmlab/isa";
import type { Scenario } from "@vmlab/guest";
import type { EventCounts, HostCrossing } from "./costs/events.js";
import type { MachineProfile } from "./machine-profiles.js";
import type { FaultDisposition, VmContext } from "./monitor/vm-context.js";
import type { TraceSink } from "./monitor/trace-events.js";
import type { VirtualCpu } from "./monitor/virtual-cpu.js";
import type { RegionInstructions, RegionRecorder } from "./region.js";

/** What a strategy needs from the profile and the guest build. */
export interface Requirements {
  /** Every sensitive instruction privileged (Popek & Goldberg's Theorem 1 holds). */
  readonly strictProfile?: boolean;
  readonly softwareTlb?: boolean;
  readonly walker?: boolean;
  /** A guest mode with VM exits. */
  readonly hardwareAssist?: boolean;
  readonly nestedPaging?: boolean;
  readonly paravirtualGuest?: boolean;
}

export interface StrategyInfo {
  readonly name: string;
  readonly kind: "cpu" | "memory";
  readonly description: string;
  readonly requires: Requirements;
  /** CPU strategies: the memory strategies they work with. */
  readonly memories?: readonly string[];
  /**
   * What equivalence with the native run means for this CPU strategy: "full" (the
   * default) compares console output, outcome, instruction count, registers and memory;
   * "output" only console output and outcome, for a strategy that runs a modified
   * guest (the paravirtual kernel retires other instructions and keeps other data).
   */
  readonly equivalence?: EquivalenceBasis;
  /**
   * CPU strategies: the Popek & Goldberg theorem whose condition this strategy's
   * exactness rests on. 1: it runs the guest kernel directly, deprivileged, so it is
   * exact only where every sensitive instruction is privileged. 3: it runs only the
   * guest's user code directly (a hybrid monitor), so it is exact for user code only
   * where every user-sensitive instruction is privileged. Absent when no guest code runs
   * directly outside a hardware guest mode (see prediction.ts).
   */
  readonly theorem?: 1 | 3;
  /**
   * CPU strategies: how a hosted (Type 2) build of its monitor reaches the user-level
   * process that emulates devices, or why there is no such build (the reason a refusal
   * of `hosted` gives). Absent: it cannot be hosted, for no reason given.
   */
  readonly hosting?: { readonly crossing: HostCrossing } | { readonly refused: string };
}

/**
 * "output-by-writer": the scenario's lines interleave by timer preemption (it says so
 * with `interleavedOutput`), so a modified guest, whose paths take other numbers of
 * instructions, is held to printing the same lines, each writer's in the same order
 * (a line's first character names its writer).
 */
export type EquivalenceBasis = "full" | "output" | "output-by-writer";

/** One guest, ready to run. */
export interface GuestSession {
  readonly scenario: Scenario;
  readonly profile: Profile;
  readonly image: Image;
  readonly budget: number;
  readonly diskContents?: Uint8Array;
  readonly machineProfile: MachineProfile;
  readonly memory: MemoryStrategy;
  /** Events for `vmlab trace`; undefined unless asked. */
  readonly trace?: TraceSink;
  /** Told when the guest marks the beginning or end of its measured region. */
  readonly region?: RegionRecorder;
  /**
   * A hosted (Type 2) monitor: its devices are emulated by a process of a host OS, which
   * it reaches so. Undefined: bare metal (Type 1), the monitor's own device models.
   */
  readonly hosted?: HostCrossing;
}

export interface SensitiveUntrapped {
  readonly mnemonic: string;
  /** Who ran it: the deprivileged guest kernel, or one of the guest's processes. */
  readonly mode: "kernel" | "user";
  readonly count: number;
  /** Guest pc and guest-instruction count of the first one. */
  readonly firstPc: number;
  readonly firstAt: number;
}

/** What a CPU strategy reports after running a guest. */
export interface Execution {
  readonly outcome: "halt" | "budget";
  /** The guest's console output. */
  readonly output: string;
  /** Guest-visible state at the end, for the equivalence digest. */
  readonly guestRegisters: readonly number[];
  readonly guestMemory: Uint8Array;
  readonly guestInstructions: number;
  readonly executedDirectly: number;
  readonly emulated: number;
  readonly translated: number;
  readonly traps: Record<string, number>;
  readonly vmExits: Record<string, number>;
  readonly tlbMisses: number;
  readonly walkReferences: number;
  readonly pageFaultsHidden: number;
  readonly pageFaultsReflected: number;
  /** Resource-control audit: each access outside the VM or real privileged effect. */
  readonly audit: readonly string[];
  /**
   * Sensitive instructions that ran without trapping under the monitor, per instruction
   * and mode: in the deprivileged guest kernel (why trap-and-emulate fails on x86-like,
   * Theorem 1) or in the guest's processes, which every monitor that runs user code
   * directly runs so (why it cannot be exact for them there, Theorem 3).
   */
  readonly sensitiveUntrapped?: readonly SensitiveUntrapped[];
  /** Monitor events by name (emulations, reflections, traced writes, ...), for reports. */
  readonly events?: Record<string, number>;
  /** What happened, counted: core prices these (costs/events.ts), strategies never do. */
  readonly counts: EventCounts;
  /** Guest instructions retired before the work markers, when the guest wrote both (RegionMarks). */
  readonly region?: RegionInstructions;
  /** The machine the guest ran on (for traces and tests; not serialized). */
  readonly machine?: Machine;
  /** Under a monitor: its pmap of the guest (PFN -> MFN), for pictures of memory and tests; not serialized. */
  readonly pmap?: Pmap;
  /** Under a monitor: the memory strategy that served it, for pictures of memory; not serialized. */
  readonly memoryStrategy?: MemoryStrategy;
  /** Under a monitor: what that strategy attached to the VM (its tables, its virtual TLB); not serialized. */
  readonly memoryAttached?: AttachedMemory;
  /** Under a deprivileging monitor: the virtual CPU it keeps for the guest (mode, interrupt flag, control registers), for pictures of a moment; not serialized. */
  readonly virtualCpu?: VirtualCpu;
}

export interface CpuStrategy {
  readonly info: StrategyInfo;
  execute(session: GuestSession): Execution;
  /**
   * Several virtual machines on one machine, time-sliced by a VmScheduler (each switch
   * between them a machine switch, charged under "machine switch"). A strategy without
   * it runs each VM alone, on a machine of its own.
   */
  executeVms?(sessions: readonly GuestSession[]): MultiExecution;
}

/** What a CPU strategy reports after running several VMs on one machine. */
export interface MultiExecution {
  /** One per session, in order. */
  readonly vms: readonly Execution[];
  readonly machineSwitches: number;
}

/** Real page tables in the monitor's memory, in the walker's format. */
export interface RealTables {
  /** What they translate: guest-virtual pages (shadow, mirror) or guest-physical frames (nested paging's host tables). */
  readonly translates: "virtual" | "guest-physical";
  /** Machine address of the root, and the depth. */
  readonly root: number;
  readonly levels: number;
}

/** Counters a memory strategy reports at the end of a run. */
export interface MemoryCounters {
  readonly pageFaultsHidden: number;
  readonly pageFaultsReflected: number;
  /** Named events for reports ("traced page-table write", "shadow root switch", ...). */
  readonly events: Record<string, number>;
  /** Its events for the cost model. */
  readonly counts: EventCounts;
}

/**
 * A memory strategy: a factory of what serves one VM. Each attachment it offers is a
 * capability (a strategy that has none for a kind of monitor leaves it out, and the
 * monitor refuses it by name); what an attachment returns has every method.
 */
export interface MemoryStrategy {
  readonly info: StrategyInfo;
  /**
   * Ring compression: on a profile with ring 1 the monitor runs the guest kernel there,
   * which page protection treats as supervisor, so one set of tables (carrying the
   * guest's U bit) serves guest kernel and processes alike and a mode change reaches
   * nothing real. Strategies that can serve it so say true.
   */
  readonly ringCompression: boolean;
  /** Bare metal: prepares the machine's own MMU before the guest runs. */
  attachBareMetal?(machine: Machine): void;
  /** Under a monitor (the guest kernel deprivileged): takes charge of the real MMU for `vm`, before the guest's first instruction. */
  attachMonitor?(vm: VmContext): MonitorMemory;
  /**
   * Under a hardware-assist monitor: sets the exit controls and nested-paging fields it
   * needs in `vmcs` (see ISA.md, "Hardware assist") and takes charge of the MMU for `vm`.
   */
  attachGuestMode?(vm: VmContext, vmcs: VmControl): GuestModeMemory;
}

/** What every attachment answers: its counters and, for a picture of memory, what it keeps. */
export interface AttachedMemory {
  /** Its counters so far; no side effects (read at the end and at the guest's work markers). */
  finish(): MemoryCounters;
  /**
   * Guest-virtual to guest-physical as the guest's own MMU state has it, for the
   * monitor's own accesses (emulation, fetching a trapped instruction): -1 with
   * vm.fault set when the guest's MMU would fault. Touches nothing real.
   */
  guestTranslate(virtualAddress: number, access: number): number;
  /**
   * Guest-physical bytes [start, end) were written behind the MMU's back (DMA, the
   * monitor). Returns true when they were part of a traced guest page table.
   */
  guestPhysicalWritten(start: number, end: number): boolean;
  // For a picture of the guest's memory (memoryPicture): reads only, after or between steps.
  /**
   * The real tables kept for the guest's tables at guest-physical `guestRoot`, as the
   * guest's processes run on them: shadow or mirror tables (VPN -> MFN), or nested
   * paging's host tables (PFN -> MFN, whatever the root); undefined when none are built.
   */
  realTables(guestRoot: number): RealTables | undefined;
  /** Software TLB: what the guest believes its TLB holds (VPN -> guest frame), the monitor's virtual TLB. */
  virtualTlb(): Tlb | undefined;
}

/** The guest's MMU events that reach a monitor, whether it deprivileges the kernel or runs it in guest mode. */
export interface MmuEvents {
  /** The guest wrote its page-table base (virtual PTBR). */
  pageTableBaseWritten(value: number): void;
  /** The guest invalidated one translation, or all (address undefined). */
  invalidated(virtualAddress?: number): void;
  /** A real page fault or TLB miss while the guest ran: hidden, reflected (vm.fault), or traced. */
  realFault(virtualAddress: number, access: number, cause: number, protection: boolean): FaultDisposition;
  /** Around a traced write (FAULT_TRACED) that the monitor lets the CPU carry out. */
  beginTracedWrite(virtualAddress: number): void;
  endTracedWrite(virtualAddress: number): void;
}

/** A memory strategy serving a deprivileged guest kernel: it owns the real MMU. */
export interface MonitorMemory extends AttachedMemory, MmuEvents {
  /** The virtual mode changed (the real mode follows: user, or ring 1 / user under ring compression). */
  modeChanged(mode: number): void;
  /** The guest installed a software-TLB entry (virtual page -> guest frame). */
  tlbWritten(virtualAddress: number, entryLo: number): void;
  /**
   * A paravirtual guest declared that the page-table tree rooted at guest-physical
   * `root` is no longer in use (its frames may be reused for anything).
   */
  pageTableReleased(root: number): void;
}

/**
 * A memory strategy serving a guest in the CPU's guest mode, at its own privilege: its
 * mode changes (and whatever the exit controls leave alone) never reach the monitor.
 */
export interface GuestModeMemory extends AttachedMemory, MmuEvents {
  /**
   * Nested paging: the host tables did not allow guest-physical `guestPhysical` (an EPT
   * violation at guest-virtual `virtualAddress`): hidden (mapped now) or reflected (vm.fault).
   */
  hostFault(guestPhysical: number, virtualAddress: number, access: number): FaultDisposition;
}
