// The monitor side of paravirtualization (after Xen, SOSP 2003). The guest kernel runs
// deprivileged, in real user mode, as under trap-and-emulate, but it was built to know:
// it reaches the monitor only through hypercalls (HCALL, intercepted as cause
// HYPERCALL), keeps its interrupt flag in a page it shares with the monitor (changing it
// costs no trap), reads the trap frame the monitor leaves there instead of control
// registers, and sends page-table updates in validated batches. A privileged
// instruction from the paravirtual kernel is an error, delivered to it as on a user
// process; nothing is emulated.
//
// On x86-like (ring 1) the kernel runs at ring 1 and shares its page tables with its
// processes, as Xen's 32-bit guests did: a system call goes through the CPU's trap gate
// straight to the kernel's handler, which returns with RTE (IRET from ring 1), so the
// monitor sees neither; it learns the guest's mode from the real CPU's at each trap.
import { Monitor, type GuestSession, type VmPlacement } from "@vmlab/core";
import {
  ACCESS_FETCH,
  BY_OPCODE,
  CAUSE,
  CR,
  crAfterWrite,
  DISK_BAD_ADDRESS,
  FLAG_IF,
  KSEG_BASE,
  MODE_KERNEL,
  MODE_RING1,
  MODE_USER,
  PAGE_SIZE,
  PORT,
  PTE_FRAME_MASK,
  PTE_V,
  returnFromTrap,
  hex,
} from "@vmlab/isa";
import { HC, HYPERCALL_NAMES, MAX_BATCH, PT, REFUSED, SH, SHARED_BYTES } from "./abi.js";

export class ParavirtMonitor extends Monitor {
  /**
   * The split driver's back end (Xen's blkback, the console daemon): requests handled, and
   * the real device work behind them. Each console byte still reaches the real console,
   * and each transfer programs the real disk's registers (sector, address, command,
   * status) as the native driver does: paravirtual I/O saves traps, not the device.
   */
  backendRequests = 0;
  backendConsoleBytes = 0;
  backendDiskTransfers = 0;
  /** Guest-physical address of the shared block, or -1 before HC_SET_CALLBACKS. */
  shared = -1;
  readonly hypercalls = new Float64Array(HYPERCALL_NAMES.length + 1);
  /** Entries of HC_MMU_UPDATE batches carried out (updates and invalidations). */
  batchedEntries = 0;
  /** Page-table entries written through HC_MMU_UPDATE. */
  pageTableUpdates = 0;
  /** Hypercalls refused (a frame or buffer outside the VM, a bad argument). */
  refused = 0;
  /** Privileged instructions the paravirtual kernel ran anyway (delivered to it as faults). */
  privilegedInKernel = 0;

  constructor(session: GuestSession, options: { readonly memoryBytes?: number; readonly placement?: VmPlacement } = {}) {
    super(session, options);
  }

  // --- the shared page ------------------------------------------------------------

  private sharedWord(offset: number): number {
    return this.guest.read32(this.shared + offset);
  }

  private setSharedWord(offset: number, value: number): void {
    if (this.sharedWord(offset) !== (value | 0)) this.writeGuestWord(this.shared + offset, value);
  }

  /**
   * The virtual IF and the pending flag as the guest left them in the shared page: a
   * guest that took a pending interrupt itself cleared PENDING (Xen's guests clear
   * evtchn_upcall_pending), and it is no longer the monitor's to deliver.
   */
  private syncIn(): void {
    if (this.shared < 0) return;
    this.vcpu.interruptFlag = this.sharedWord(SH.IF) & FLAG_IF;
    if (this.sharedWord(SH.PENDING) === 0) this.vcpu.interruptPending = false;
  }

  /** The virtual IF and the pending flag back into the shared page. */
  private syncOut(): void {
    if (this.shared < 0) return;
    this.setSharedWord(SH.IF, this.vcpu.interruptFlag);
    this.setSharedWord(SH.PENDING, this.vcpu.interruptPending ? 1 : 0);
  }

  // --- tracing the direct path ----------------------------------------------------

  /**
   * Under a trace on x86-like: the trap gate and RTE from ring 1 never reach the monitor,
   * so it steps the guest one instruction at a time to see them (as the hardware-assist
   * monitor watches guest-mode traps), recording stretches of execution between them.
   */
  override run(budget: number): "halt" | "budget" {
    if (!this.trace || !this.kernelAtRing1) return super.run(budget);
    const { cpu, vcpu } = this;
    const c = cpu.counters;
    let stretch: { pc: number; retired: number; actor: "process" | "os" } | undefined;
    const flush = (): void => {
      if (stretch && cpu.retired > stretch.retired) {
        const n = cpu.retired - stretch.retired;
        this.note(stretch.actor, "run", `runs ${n} instruction${n === 1 ? "" : "s"} directly`, { pc: stretch.pc, instructions: n, at: stretch.retired });
      }
      stretch = undefined;
    };
    for (;;) {
      if (vcpu.halted) return "halt";
      const left = budget - this.used;
      if (left <= 0 || (this.trace as { full?: boolean }).full === true) {
        flush();
        this.auditSensitive();
        return "budget";
      }
      const actor = cpu.mode === MODE_USER ? "process" : "os";
      if (stretch?.actor !== actor) {
        flush();
        stretch = { pc: cpu.pc, retired: cpu.retired, actor };
      }
      const pc = cpu.pc;
      const gate = c.gateEntries;
      const back = c.ring1Returns;
      const stop = this.machine.run(1);
      if (c.gateEntries !== gate) {
        flush();
        this.note("process", "trap", "system call: trap through the trap gate, straight to the OS at ring 1 (no VMM)", { pc, cause: CAUSE.SYSCALL });
      } else if (c.ring1Returns !== back) {
        flush();
        this.note("os", "return", `return-from-trap (rte) from ring 1 to ${hex(cpu.pc)} in user mode (no VMM)`, { pc });
      } else if (stop.reason === "intercept") {
        flush();
        this.auditSensitive();
        this.handleTrap(cpu.exitCause);
        if (!vcpu.halted) {
          this.monitorReturns++;
          cpu.translationChanged();
        }
      }
    }
  }

  // --- traps ----------------------------------------------------------------------

  override handleTrap(cause: number): void {
    // Ring 1: the gate and RTE change the guest's mode without the monitor.
    if (this.kernelAtRing1) this.vcpu.mode = this.cpu.mode === MODE_RING1 ? MODE_KERNEL : MODE_USER;
    this.syncIn();
    const epc = this.cpu.pc;
    if (cause === CAUSE.HYPERCALL && this.vcpu.mode === MODE_KERNEL) this.hypercall(epc);
    else if (cause === CAUSE.PRIVILEGED) {
      // Not emulated: the paravirtual kernel has no business running one.
      if (this.vcpu.mode === MODE_KERNEL) {
        this.privilegedInKernel++;
        const gpa = this.memory.guestTranslate(epc, ACCESS_FETCH);
        const name = gpa >= 0 ? (BY_OPCODE[this.guest.read8(gpa + 3)]?.mnemonic ?? "?") : "?";
        this.audit(`privileged instruction ${name} at ${hex(epc)} in the paravirtual kernel: not carried out, delivered to it as a fault`);
      }
      this.reflectFault(CAUSE.PRIVILEGED, epc, 0, 0, false);
    } else super.handleTrap(cause);
    this.syncOut();
  }

  /** Delivery also leaves the trap frame (and the interrupted r1) in the shared page. */
  override reflect(cause: number, epc: number, address: number, access: number, protection: boolean): void {
    const r1 = this.cpu.regs[1]!;
    super.reflect(cause, epc, address, access, protection);
    if (this.shared < 0) return;
    const crs = this.vcpu.crs;
    this.setSharedWord(SH.EPC, crs[CR.EPC]!);
    this.setSharedWord(SH.ESTATUS, crs[CR.ESTATUS]!);
    this.setSharedWord(SH.CAUSE, crs[CR.CAUSE]!);
    this.setSharedWord(SH.BADADDR, crs[CR.BADADDR]!);
    this.setSharedWord(SH.USP, crs[CR.USP]!);
    this.setSharedWord(SH.R1, r1);
    // The refill vector's CONTEXT (cause TLB_MISS), which the kernel cannot read with RDCR.
    if (cause === CAUSE.TLB_MISS) this.setSharedWord(SH.CONTEXT, crs[CR.CONTEXT]!);
  }

  // --- hypercalls -----------------------------------------------------------------

  private refuse(why: string): number {
    this.refused++;
    this.audit(why);
    return REFUSED;
  }

  /** A guest-physical range the monitor may touch on the guest's behalf. */
  private inGuest(gpa: number, length: number): boolean {
    return gpa >= 0 && length >= 0 && gpa + length <= this.guest.bytes;
  }

  /** Carries out hypercall r1 of the virtual kernel; the real pc is already past the HCALL. */
  private hypercall(epc: number): void {
    const { cpu, vcpu } = this;
    const regs = cpu.regs;
    const nr = regs[1]!;
    const a = regs[2]! >>> 0;
    const b = regs[3]! >>> 0;
    const c = regs[4]! >>> 0;
    this.hypercalls[nr >= 0 && nr < HYPERCALL_NAMES.length ? nr : HYPERCALL_NAMES.length]!++;
    const name = HYPERCALL_NAMES[nr] ?? `#${nr}`;
    if (this.trace) this.note("os", "trap", `hypercall ${name.toLowerCase()}`, { pc: epc - 4, cause: CAUSE.HYPERCALL });
    let result = 0;
    let text = "";
    switch (nr) {
      case HC.SET_CALLBACKS:
        if ((c & 3) !== 0 || !this.inGuest(c, SHARED_BYTES)) {
          result = this.refuse(`shared block at guest-physical ${hex(c)} refused: outside the VM's memory`);
          break;
        }
        vcpu.crs[CR.TVEC] = a;
        vcpu.crs[CR.KSP] = b;
        cpu.crs[CR.TGSP] = b; // the ring-1 stack a trap gate switches to
        this.shared = c;
        if (this.trace) text = `trap entry ${hex(a)}, kernel stack ${hex(b)}, shared block at guest-physical ${hex(c)}`;
        break;
      case HC.IRET: {
        if (this.shared < 0) {
          result = REFUSED;
          break;
        }
        // RTE's semantics, with the trap frame (and r1) from the shared page.
        regs[1] = this.sharedWord(SH.R1);
        returnFromTrap(this.system, this.sharedWord(SH.ESTATUS), this.sharedWord(SH.USP));
        cpu.pc = this.sharedWord(SH.EPC) >>> 0;
        if (this.trace) this.note("vmm", "emulate", `return from trap to ${hex(cpu.pc)} (${vcpu.mode === MODE_USER ? "user" : "kernel"} mode)`, { pc: epc - 4 });
        this.afterRetire();
        return;
      }
      case HC.MMU_UPDATE:
        result = this.mmuUpdate(a, b);
        if (this.trace) text = `${b} page-table batch entr${b === 1 ? "y" : "ies"} validated and applied${result === REFUSED ? ` up to entry ${regs[2]}: refused there` : ""}`;
        break;
      case HC.SET_PTBR:
        if ((a & (PAGE_SIZE - 1)) !== 0 || !this.inGuest(a, PAGE_SIZE)) {
          result = this.refuse(`page-table root at guest-physical ${hex(a)} refused: outside the VM's memory`);
          break;
        }
        vcpu.crs[CR.PTBR] = a;
        // CONTEXT's PTEBase: the new root, as the kernel sees it (kseg0).
        vcpu.crs[CR.CONTEXT] = crAfterWrite(CR.CONTEXT, vcpu.crs[CR.CONTEXT]!, (a + KSEG_BASE) | 0);
        this.mmu.pageTableBaseWritten(a);
        if (this.trace) text = `new address space: root at guest-physical ${hex(a)}`;
        break;
      case HC.TLB_WRITE:
        if (cpu.profile.mmu.kind !== "software-tlb") {
          result = REFUSED;
          break;
        }
        if ((b & PTE_V) !== 0 && (b & PTE_FRAME_MASK) >>> 0 >= this.guest.bytes) {
          result = this.refuse(`TLB write mapping ${hex(a & PTE_FRAME_MASK)} to guest frame ${hex((b & PTE_FRAME_MASK) >>> 12)} refused: not the VM's`);
          break;
        }
        this.mmu.tlbWritten(a, b);
        break;
      case HC.CONSOLE_WRITE:
        if (!this.inGuest(a, b)) {
          result = this.refuse(`console write from guest-physical ${hex(a)} (${b} bytes) refused: outside the VM's memory`);
          break;
        }
        for (let i = 0; i < b; i++) this.console.write(this.guest.read8(a + i));
        this.backendRequests++;
        this.backendConsoleBytes += b;
        result = b;
        if (this.trace) text = `${b} byte${b === 1 ? "" : "s"} to the virtual console`;
        break;
      case HC.DISK_IO:
        result = this.diskIo(a, b, c);
        if (this.trace) text = `disk ${a === 1 ? "read" : a === 2 ? "write" : "command"} of sector ${b}: status ${result}`;
        break;
      case HC.SET_TIMER:
        // The HCALL has retired: counting starts with the next instruction, as after OUT.
        cpu.setTimer(a);
        vcpu.interruptPending = false;
        if (this.trace) text = `virtual timer every ${a} instructions`;
        break;
      case HC.PORT_IN:
        result = this.ports.read(a);
        if (this.trace) text = `port ${hex(a)} read on the virtual device`;
        break;
      case HC.PORT_OUT:
        if (a === PORT.TIMER_PERIOD) {
          // The HCALL has retired, as for SET_TIMER.
          cpu.setTimer(b);
          vcpu.interruptPending = false;
        } else this.ports.write(a, b);
        if (this.trace)
          text =
            a === PORT.WORK_MARK
              ? `the work marker (${b === 1 ? "begin" : b === 0 ? "end" : "a value it ignores"}): the region of interest, no device`
              : `port ${hex(a)} written on the virtual device`;
        break;
      case HC.EVENT_CHECK:
        if (this.trace) text = vcpu.interruptPending && vcpu.interruptsEnabled ? "a virtual interrupt was pending: delivered" : "nothing to deliver";
        break;
      case HC.SET_TRAP_TABLE:
        if (!this.kernelAtRing1 || (a !== CAUSE.SYSCALL && a !== CAUSE.BREAKPOINT) || b < KSEG_BASE || (b & 3) !== 0) {
          result = REFUSED;
          break;
        }
        // Like Xen's check of the gate's code selector: the handler is the kernel's, and
        // it runs at ring 1, where it can do nothing the kernel could not.
        cpu.crs[CR.TGATE] = a;
        cpu.crs[CR.TGVEC] = b;
        if (this.trace) text = `trap gate: ${a === CAUSE.SYSCALL ? "system calls" : "breakpoints"} go straight to ${hex(b)} at ring 1`;
        break;
      case HC.HALT:
        vcpu.halted = true;
        if (this.trace) this.note("vmm", "emulate", "OS halts: the virtual machine stops", { pc: epc - 4 });
        return;
      default:
        result = REFUSED;
        text = `no hypercall ${nr}`;
    }
    regs[1] = result;
    if (this.trace && text) this.note("vmm", "emulate", text, { pc: epc - 4 });
    this.afterRetire();
  }

  /**
   * HC_MMU_UPDATE: carries out the batch in order. A page-table entry may map only the
   * VM's own frames; the first entry that does not is refused (r2 = its index) and the
   * rest are dropped.
   */
  private mmuUpdate(batch: number, count: number): number {
    const regs = this.cpu.regs;
    if (count > MAX_BATCH || !this.inGuest(batch, count * 8) || (batch & 3) !== 0) {
      regs[2] = 0;
      return this.refuse(`page-table batch at guest-physical ${hex(batch)} (${count} entries) refused: outside the VM's memory or too long`);
    }
    const g = this.guest;
    for (let i = 0; i < count; i++) {
      const ptr = g.read32(batch + 8 * i) >>> 0;
      const value = g.read32(batch + 8 * i + 4);
      const address = ptr & ~3;
      switch (ptr & 3) {
        case PT.UPDATE:
          if (!this.inGuest(address, 4)) {
            regs[2] = i;
            return this.refuse(`page-table update at guest-physical ${hex(address)} refused: outside the VM's memory`);
          }
          if ((value & PTE_V) !== 0 && (value & PTE_FRAME_MASK) >>> 0 >= this.guest.bytes) {
            regs[2] = i;
            return this.refuse(`page-table update mapping guest frame ${hex((value & PTE_FRAME_MASK) >>> 12)} refused: not the VM's`);
          }
          this.writeGuestWord(address, value);
          this.pageTableUpdates++;
          break;
        case PT.INVLPG:
          this.mmu.invalidated(value >>> 0);
          break;
        case PT.FLUSH:
          this.mmu.invalidated();
          break;
        case PT.RELEASE:
          this.mmu.pageTableReleased(value >>> 0);
          break;
      }
      this.batchedEntries++;
    }
    return 0;
  }

  /** HC_DISK_IO: one transfer on the VM's virtual disk, its buffer checked to lie in the VM. */
  private diskIo(command: number, sector: number, buffer: number): number {
    const disk = this.disk;
    this.backendRequests++;
    this.backendDiskTransfers++;
    disk.sector = sector;
    disk.address = buffer;
    // The virtual disk's DMA, as its command port runs it (a refusal is audited there).
    const status = this.ports.diskCommand(command);
    if (status === DISK_BAD_ADDRESS) this.refused++;
    return status;
  }

  /** Hypercalls by name, with the batch and refusal counts, for reports. */
  override events(): Record<string, number> {
    const out = super.events();
    this.hypercalls.forEach((n, i) => {
      if (n > 0) out[`hypercall ${HYPERCALL_NAMES[i] ?? "unknown"}`] = n;
    });
    if (this.batchedEntries) out["page-table batch entries"] = this.batchedEntries;
    if (this.pageTableUpdates) out["page-table updates validated"] = this.pageTableUpdates;
    if (this.refused) out["hypercalls refused"] = this.refused;
    if (this.privilegedInKernel) out["privileged instructions in the paravirtual kernel"] = this.privilegedInKernel;
    const c = this.cpu.counters;
    if (c.gateEntries) out["system calls through the trap gate (no monitor)"] = c.gateEntries;
    if (c.ring1Returns) out["returns to user mode from ring 1 (no monitor)"] = c.ring1Returns;
    return out;
  }

  /** Total hypercalls handled. */
  get hypercallCount(): number {
    let n = 0;
    for (const k of this.hypercalls) n += k;
    return n;
  }
}
