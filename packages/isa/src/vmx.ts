// Hardware assist (VT-x / the RISC-V hypervisor extension): the control structure of a
// guest-mode CPU. A monitor fills in the exit controls, enters guest mode with
// `Cpu.vmEnter`, and gets control back at a VM exit with a reason and a
// qualification here. See ISA.md, "Hardware assist".
import { CAUSE, CR, NUM_CRS } from "./arch.js";
import type { Cpu, StopReason } from "./cpu/cpu.js";
import { GuestTranslation } from "./mmu/guest-translate.js";
import type { Levels } from "./mmu/walker.js";
import { OP } from "./opcodes.js";

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

/** A VT-x basic exit reason (Intel SDM Vol. 3C, Appendix C, Table C-1). */
export interface VtxExitReason {
  readonly number: number;
  readonly name: string;
}

/**
 * The VT-x basic exit reason each of ours models. NONE is no exit at all and has none.
 * CR_READ and CR_WRITE are both VT-x's control-register access (28), the qualification
 * telling read from write; RDTVEC's exit, counted as CR_READ of TVEC here, stands for
 * SIDT under descriptor-table exiting, which VT-x reports as 46 (access to GDTR or
 * IDTR). INVALIDATE models INVLPG (14); its TLBFLUSH form has no instruction of its own
 * on x86 (a CR3 write or INVPCID flushes everything) and is counted with TLBI here.
 */
export const VTX_EXIT_REASONS: Readonly<Record<ExitReasonName, VtxExitReason | undefined>> = {
  NONE: undefined,
  EXCEPTION: { number: 0, name: "EXCEPTION_NMI" },
  EXTERNAL_INTERRUPT: { number: 1, name: "EXTERNAL_INTERRUPT" },
  IO: { number: 30, name: "IO_INSTRUCTION" },
  HALT: { number: 12, name: "HLT" },
  CR_WRITE: { number: 28, name: "CR_ACCESS" },
  CR_READ: { number: 28, name: "CR_ACCESS" },
  INVALIDATE: { number: 14, name: "INVLPG" },
  EPT_VIOLATION: { number: 48, name: "EPT_VIOLATION" },
  HYPERCALL: { number: 18, name: "VMCALL" },
};

/** SIDT under descriptor-table exiting: RDTVEC's exit, which we count as CR_READ of TVEC. */
export const VTX_DESCRIPTOR_TABLE_EXIT: VtxExitReason = { number: 46, name: "GDTR_IDTR" };

/** "EPT_VIOLATION (48)": how traces and reports name a VT-x exit reason. */
export const vtxTitle = (v: VtxExitReason): string => `${v.name} (${v.number})`;

/** Our exit reason (EXIT.*) as VT-x names it, "IO_INSTRUCTION (30)"; "none" for NONE. */
export function vtxExitTitle(reason: number): string {
  const v = VTX_EXIT_REASONS[EXIT_NAMES[reason]!];
  return v ? vtxTitle(v) : "none";
}

/**
 * An exit-count label (Execution.vmExits keys: EXIT_LABELS, or "exception CAUSE" for
 * exceptions counted by their trap cause) with the VT-x reason it models, or undefined
 * for a label that is not one.
 */
export function vtxExitOfLabel(label: string): { reason: VtxExitReason; detail?: string } | undefined {
  if (label.startsWith("exception ")) return { reason: VTX_EXIT_REASONS.EXCEPTION!, detail: label.slice("exception ".length) };
  const name = EXIT_NAMES.find((n) => EXIT_LABELS[n] === label);
  const reason = name && VTX_EXIT_REASONS[name];
  if (!reason) return undefined;
  return name === "CR_READ" ? { reason, detail: "read" } : name === "CR_WRITE" ? { reason, detail: "write" } : { reason };
}

/** "IO_INSTRUCTION (30)", "EXCEPTION_NMI (0) PAGE_FAULT", "CR_ACCESS (28) write": an exit-count label as reports show it (unknown labels unchanged). */
export function exitLabelTitle(label: string): string {
  const v = vtxExitOfLabel(label);
  return v ? `${vtxTitle(v.reason)}${v.detail ? ` ${v.detail}` : ""}` : label;
}

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

/**
 * The CPU's guest mode: VM entry and exit, which instructions and traps exit under a
 * VmControl's controls, and the translation in guest mode. The CPU holds one and calls
 * it from its slow path only.
 */
export class VmxUnit {
  readonly translation = new GuestTranslation();
  /** The exit reason an instruction recorded in the slow path (IO, HALT, CR_*, INVALIDATE). */
  private instructionExit = 0;
  /** The trap mask a VM entry intercepts (kept, so an entry allocates nothing). */
  private readonly exitingTraps = new Uint8Array(16);

  /**
   * VM entry: runs the guest in guest mode under `vmcs` from the next `run` until a VM
   * exit. The guest's state is the CPU's own (registers, pc, flags, mode, control
   * registers); an event set in vmcs.inject* is delivered first, as the hardware takes
   * a trap (EPC = pc).
   */
  enter(cpu: Cpu, vmcs: VmControl): void {
    if (!cpu.profile.hardwareAssist.guestMode) throw new Error(`profile ${cpu.profile.name} has no hardware-assist guest mode`);
    if (!cpu.shape) throw new Error("guest mode needs a hardware page-table walker");
    if (vmcs.nestedPaging && !cpu.profile.hardwareAssist.nestedPaging) throw new Error(`profile ${cpu.profile.name} has no nested paging`);
    cpu.vmcs = vmcs;
    if (vmcs.nestedPaging) this.translation.useHostLevels(vmcs.hostLevels);
    // The causes that exit: the exception bitmap's, HCALL, EPT violations, and the timer under external-interrupt exiting.
    const exits = this.exitingTraps;
    exits.set(vmcs.exceptionBitmap);
    exits[CAUSE.HYPERCALL] = 1;
    exits[CAUSE.TIMER] = vmcs.externalInterruptExiting ? 1 : 0;
    exits[EPT_VIOLATION_CAUSE] = 1;
    cpu.intercept({ traps: exits });
    cpu.guestMode = true;
    this.instructionExit = 0;
    vmcs.entries++;
    // Tagged TLB: the VM's entries (VPID) become the visible ones. Without VPID the entry
    // flushes everything tagged 0, as VT-x does.
    cpu.tlb.setTag(vmcs.vpid);
    if (vmcs.vpid === 0) {
      cpu.tlb.flushTag(0);
      vmcs.tlbFlushesAtTransitions++;
    }
    if (vmcs.injectCause !== 0) {
      const cause = vmcs.injectCause;
      vmcs.injectCause = 0;
      vmcs.injections++;
      cpu.enterTrap(cause, cpu.pc, vmcs.injectAddress, vmcs.injectAccess, vmcs.injectProtection);
    }
    cpu.translationChanged();
  }

  /** Leaves guest mode with `reason`. */
  private exit(cpu: Cpu, reason: number): void {
    const v = cpu.vmcs!;
    v.exitReason = reason;
    v.exitPc = cpu.pc;
    v.exitsByReason[reason]!++;
    cpu.guestMode = false;
    // Without VPID an exit flushes the guest's entries (VT-x: VPID 0); with it they stay.
    if (v.vpid === 0) {
      cpu.tlb.flushTag(0);
      v.tlbFlushesAtTransitions++;
    }
    cpu.translationChanged();
  }

  /**
   * Guest mode: whether the instruction about to run (privileged, decoded `d` in slot
   * `di`) exits under the controls; if so its qualification is recorded. Slow path only; `a` is the instruction's register field, `imm` its immediate, `word` its encoding.
   */
  instructionExits(cpu: Cpu, op: number, a: number, imm: number, word: number): boolean {
    const v = cpu.vmcs!;
    let reason: number;
    switch (op) {
      case OP.IN:
      case OP.OUT:
        if (!v.ioExiting || v.ioPassThrough[imm & 0xffff] === 1) return false;
        reason = EXIT.IO;
        v.exitPort = imm;
        v.exitRegister = a;
        v.exitValue = op === OP.OUT ? cpu.regs[a]! : 0;
        break;
      case OP.HALT:
        if (!v.haltExiting) return false;
        reason = EXIT.HALT;
        break;
      case OP.WRCR:
        if (imm >= NUM_CRS || v.crWriteExiting[imm] === 0) return false;
        reason = EXIT.CR_WRITE;
        v.exitCr = imm;
        v.exitRegister = a;
        v.exitValue = cpu.regs[a]!;
        break;
      case OP.RDCR:
        if (imm >= NUM_CRS || v.crReadExiting[imm] === 0) return false;
        reason = EXIT.CR_READ;
        v.exitCr = imm;
        v.exitRegister = a;
        break;
      case OP.RDTVEC:
        if (!v.trapVectorReadExiting) return false;
        reason = EXIT.CR_READ;
        v.exitCr = CR.TVEC;
        v.exitRegister = a;
        break;
      case OP.TLBI:
      case OP.TLBFLUSH:
        if (!v.invalidateExiting) return false;
        reason = EXIT.INVALIDATE;
        v.exitAll = op === OP.TLBFLUSH;
        v.exitAddress = op === OP.TLBI ? cpu.regs[a]! >>> 0 : 0;
        break;
      default:
        return false;
    }
    v.exitInstruction = word;
    this.instructionExit = reason;
    return true;
  }

  /** After `execute` stopped with "intercept" in guest mode: the VM exit it was, or an observer's intercept. */
  exitFromIntercept(cpu: Cpu): StopReason {
    const v = cpu.vmcs!;
    if (this.instructionExit !== 0) {
      const reason = this.instructionExit;
      this.instructionExit = 0;
      this.exit(cpu, reason);
      return "vm-exit";
    }
    const cause = cpu.exitCause;
    let reason: number;
    if (cause === EPT_VIOLATION_CAUSE) reason = EXIT.EPT_VIOLATION;
    else if (cause === CAUSE.HYPERCALL) reason = EXIT.HYPERCALL;
    else if (cause === CAUSE.TIMER && v.externalInterruptExiting) reason = EXIT.EXTERNAL_INTERRUPT;
    else if (v.exceptionBitmap[cause] !== 0) reason = EXIT.EXCEPTION;
    else return "intercept"; // set by an observer (a trace), not by the exit controls: still in guest mode
    v.exitCause = cause;
    v.exitAddress = cpu.exitAddress;
    v.exitAccess = cpu.exitAccess;
    v.exitProtection = cpu.exitProtection;
    this.exit(cpu, reason);
    return "vm-exit";
  }
}
