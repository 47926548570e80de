// Hardware assist (VT-x / the RISC-V hypervisor extension): the control structure of a
// guest-mode CPU. A monitor fills in the exit controls, enters guest mode with
// `Cpu.vmEnter`, and gets control back at a VM exit with a reason and a
// qualification here. See ISA.md, "Hardware assist".
import { NUM_CRS } from "./arch.js";
import type { Levels } from "./mmu/walker.js";

/** Why the CPU left guest mode. */
export const EXIT = {
  NONE: 0,
  /** A trap whose cause is set in the exception bitmap (exitCause, exitAddress, exitAccess, exitProtection). */
  EXCEPTION: 1,
  /** The timer interrupt, at the instruction where the guest would take it (IF = 1). */
  EXTERNAL_INTERRUPT: 2,
  /** IN or OUT (exitPort, exitRegister; exitValue for OUT). */
  IO: 3,
  HALT: 4,
  /** WRCR of a control register set in crWriteExiting (exitCr, exitRegister, exitValue). */
  CR_WRITE: 5,
  /** RDCR of a control register set in crReadExiting (exitCr, exitRegister). */
  CR_READ: 6,
  /** TLBI (exitAddress) or TLBFLUSH (exitAll). */
  INVALIDATE: 7,
  /** A guest-physical address the host (extended) tables do not map or forbid (exitGuestPhysical, exitAddress, exitAccess). */
  EPT_VIOLATION: 8,
  /** HCALL: always exits, after it retired (exitPc is the next instruction). */
  HYPERCALL: 9,
} as const;
export type ExitReasonName = keyof typeof EXIT;
export const EXIT_NAMES: readonly ExitReasonName[] = Object.keys(EXIT) as ExitReasonName[];
export const NUM_EXIT_REASONS = EXIT_NAMES.length;

/** How reports name each exit reason (Execution.vmExits keys). */
export const EXIT_LABELS: Readonly<Record<ExitReasonName, string>> = {
  NONE: "none",
  EXCEPTION: "exception",
  EXTERNAL_INTERRUPT: "external interrupt",
  IO: "I/O instruction",
  HALT: "halt",
  CR_WRITE: "control-register write",
  CR_READ: "control-register read",
  INVALIDATE: "TLB invalidation",
  EPT_VIOLATION: "EPT violation",
  HYPERCALL: "hypercall",
};

/**
 * The trap-cause slot the CPU uses internally for an EPT violation. It is never an
 * architectural cause: the guest cannot see it, only the monitor (as EXIT.EPT_VIOLATION).
 */
export const EPT_VIOLATION_CAUSE = 15;

export class VmControl {
  // ---- exit controls -------------------------------------------------------------
  /** Trap causes (CAUSE.*) that exit instead of entering the guest's own TVEC. */
  readonly exceptionBitmap = new Uint8Array(16);
  /** The timer interrupt exits (the monitor injects the guest's virtual interrupt). */
  externalInterruptExiting = true;
  /** IN and OUT exit (every port: the guest's devices are the monitor's virtual ones)... */
  ioExiting = true;
  /** ... but those whose I/O-bitmap bit is clear here (1 = the port runs in guest mode without exiting, VT-x's I/O bitmaps). */
  readonly ioPassThrough = new Uint8Array(65536);
  haltExiting = true;
  /** WRCR n exits where crWriteExiting[n] = 1 (PTBR under shadow paging). */
  readonly crWriteExiting = new Uint8Array(NUM_CRS);
  /** RDCR n exits where crReadExiting[n] = 1 (PTBR under shadow paging: the guest reads its own value). */
  readonly crReadExiting = new Uint8Array(NUM_CRS);
  /** TLBI and TLBFLUSH exit. */
  invalidateExiting = false;
  /**
   * RDTVEC exits (as CR_READ of TVEC: exitCr = CR.TVEC), as VT-x's descriptor-table
   * exiting makes SIDT exit: the monitor learns that the guest looked for its trap vector.
   */
  trapVectorReadExiting = false;

  // ---- nested paging (extended page tables) --------------------------------------
  /**
   * On: PTBR holds the guest's own root (a guest-physical address); every guest-physical
   * address (its tables' entries, kseg0 = va - KSEG_BASE, the final one) is translated
   * through the host tables at hostRoot. Off: PTBR is the monitor's (shadow) root and
   * every address, kseg0 included, is translated through it.
   */
  nestedPaging = false;
  /** Machine address of the host table root. */
  hostRoot = 0;
  hostLevels: Levels = 2;

  // ---- tagged TLB ----------------------------------------------------------------
  /**
   * The VM's VPID (VT-x; AMD's ASID): its TLB, page-walk-cache and nested-TLB entries
   * carry it, so VM entries and exits and machine switches leave them in place. 0 =
   * VPID off: every VM entry and exit flushes what is tagged 0 (the guest's entries
   * then, the host's own). The monitor's TLB maintenance between an exit and the next
   * entry acts on this VPID (INVVPID): the monitor never translates through the
   * simulated TLB itself.
   */
  vpid = 0;

  // ---- VM entry: event injection ------------------------------------------------
  /** A trap to deliver into the guest's TVEC on the next entry (0 = none), as the hardware would take it. */
  injectCause = 0;
  injectAddress = 0;
  injectAccess = 0;
  injectProtection = false;

  // ---- VM exit: reason and qualification (written by the CPU) ---------------------
  exitReason: number = EXIT.NONE;
  /** Guest pc at the exit: the instruction that exited (not retired), or the next one (HCALL, interrupts). */
  exitPc = 0;
  /** EXCEPTION: the trap cause. */
  exitCause = 0;
  /** Instruction exits: the instruction word. */
  exitInstruction = 0;
  /** IO: the port; IN's destination or OUT's source register, and OUT's value. */
  exitPort = 0;
  exitRegister = 0;
  exitValue = 0;
  /** CR_WRITE / CR_READ: the control register. */
  exitCr = 0;
  /** EXCEPTION (memory faults), INVALIDATE (TLBI), EPT_VIOLATION: the guest-virtual address. */
  exitAddress = 0;
  /** INVALIDATE: TLBFLUSH rather than TLBI. */
  exitAll = false;
  exitAccess = 0;
  exitProtection = false;
  /** EPT_VIOLATION: the guest-physical address the host tables did not allow. */
  exitGuestPhysical = 0;

  // ---- counters -----------------------------------------------------------------
  readonly exitsByReason = new Float64Array(NUM_EXIT_REASONS);
  entries = 0;
  /** Events delivered into the guest on entry. */
  injections = 0;
  /** Nested paging: TLB misses walked in two dimensions, and their host-table references. */
  nestedWalks = 0;
  hostWalkReferences = 0;
  /** Nested paging with the nested TLB on: host translations it answered, and those that walked. */
  nestedTlbHits = 0;
  nestedTlbMisses = 0;
  /** VPID off: VM entries and exits that flushed the TLB (each one does). */
  tlbFlushesAtTransitions = 0;

  /** Exits counted by reason label, reasons that never happened left out. */
  exitCounts(): Record<string, number> {
    const out: Record<string, number> = {};
    this.exitsByReason.forEach((n, r) => {
      if (n > 0) out[EXIT_LABELS[EXIT_NAMES[r]!]] = n;
    });
    return out;
  }

  get totalExits(): number {
    let n = 0;
    for (const x of this.exitsByReason) n += x;
    return n;
  }
}
