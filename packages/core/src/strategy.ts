// The strategy contracts. A CPU strategy decides how guest code executes (directly,
// emulated, translated) and handles what the hardware hands the monitor; a memory
// strategy maps guest-physical to machine memory and handles the guest's MMU events.
import type { Image, Machine, Profile } from "@vmlab/isa";
import type { Scenario } from "@vmlab/guest";
import type { Ledger } from "./ledger.js";
import type { MachineProfile } from "./machine-profiles.js";

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
}

/** One guest, ready to run. */
export interface GuestSession {
  readonly scenario: Scenario;
  readonly profile: Profile;
  readonly image: Image;
  readonly budget: number;
  readonly diskContents?: Uint8Array;
  readonly machineProfile: MachineProfile;
  readonly ledger: Ledger;
  readonly memory: MemoryStrategy;
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
  /** The machine the guest ran on (for traces and tests; not serialized). */
  readonly machine?: Machine;
}

export interface CpuStrategy {
  readonly info: StrategyInfo;
  execute(session: GuestSession): Execution;
}

/** Outcome of a guest page fault seen by the monitor. */
export type FaultDisposition = "hidden" | "reflect";

export interface MemoryStrategy {
  readonly info: StrategyInfo;
  /** Prepares machine memory and MMU for the guest before it runs. */
  attach(machine: Machine): void;
  /** The guest wrote its page-table base (virtual PTBR). */
  pageTableBaseWritten?(value: number): void;
  /** The guest installed a software-TLB entry (virtual page → guest frame). */
  tlbWritten?(virtualAddress: number, entryLo: number): void;
  /** The guest wrote a word inside one of its page tables. */
  pageTableWritten?(guestPhysical: number, value: number): void;
  /** The guest invalidated one translation, or all (address undefined). */
  invalidated?(virtualAddress?: number): void;
  /** A page fault reached the monitor: fill it (hidden) or give it to the guest. */
  pageFault?(virtualAddress: number, access: number): FaultDisposition;
}
