// The virtual CPU a monitor keeps for a deprivileged guest: the privileged state the
// guest believes it has. General registers and condition codes stay on the real CPU
// while the guest runs directly; everything here is what the real CPU must not hold.
import { CR, FLAG_IF, MODE_KERNEL, NUM_CRS } from "@vmlab/isa";

export class VirtualCpu {
  /** Virtual mode: MODE_KERNEL while the guest kernel runs (really in user mode). */
  mode = MODE_KERNEL;
  /** Virtual interrupt flag (FLAG_IF or 0). */
  interruptFlag = 0;
  /** Virtual control registers (EPC, ESTATUS, CAUSE, BADADDR, TVEC, PTBR, KSP, USP, ...). */
  readonly crs = new Int32Array(NUM_CRS);
  /** A virtual timer interrupt arrived while the virtual IF was clear. */
  interruptPending = false;
  halted = false;

  get pageTableBase(): number {
    return this.crs[CR.PTBR]! >>> 0;
  }

  get interruptsEnabled(): boolean {
    return (this.interruptFlag & FLAG_IF) !== 0;
  }
}
