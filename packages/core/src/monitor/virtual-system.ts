// The virtual CPU as the ISA's system instructions see it (isa's SystemCpu): the guest's
// general registers and condition codes are the real CPU's, its interrupt flag, mode and
// control registers the virtual CPU's; devices are the VM's virtual ones and the TLB
// is the memory strategy's. With it a monitor carries out privileged instructions and
// trap entry with the same code the CPU runs.
import { CR, crExists, FLAG_IF, FLAGS_MASK, type SystemCpu } from "@vmlab/isa";
import type { Monitor } from "./monitor.js";

const CC_MASK = FLAGS_MASK & ~FLAG_IF;

export class VirtualSystem implements SystemCpu {
  /** A deprivileged guest's ESTATUS returns to its kernel or its user mode only. */
  readonly returnsToRing1 = false;

  constructor(private readonly m: Monitor) {}

  get regs(): Int32Array {
    return this.m.cpu.regs;
  }

  get crs(): Int32Array {
    return this.m.vcpu.crs;
  }

  /** The real condition codes and the virtual IF; the real IF stays on (the monitor never gives it up). */
  get flags(): number {
    return (this.m.cpu.flags & CC_MASK) | this.m.vcpu.interruptFlag;
  }

  set flags(value: number) {
    this.m.cpu.flags = (value & CC_MASK) | FLAG_IF;
    this.m.vcpu.interruptFlag = value & FLAG_IF;
  }

  get mode(): number {
    return this.m.vcpu.mode;
  }

  set mode(mode: number) {
    this.m.setMode(mode);
  }

  get retired(): number {
    return this.m.cpu.retired;
  }

  controlRegisterExists(n: number): boolean {
    return crExists(n, this.m.machine.profile);
  }

  controlRegisterWritten(n: number, value: number): void {
    if (n === CR.PTBR) this.m.mmu.pageTableBaseWritten(value >>> 0);
  }

  portIn(port: number): number {
    return this.m.ports.read(port);
  }

  portOut(port: number, value: number): void {
    this.m.ports.write(port, value);
  }

  tlbWrite(va: number, entryLo: number): void {
    // The memory strategy traces what it installs.
    this.m.mmu.tlbWritten(va, entryLo);
  }

  tlbInvalidate(va: number | undefined): void {
    if (va === undefined) this.m.mmu.invalidated();
    else this.m.mmu.invalidated(va);
  }

  trapReturned(): void {}

  halt(): void {
    this.m.vcpu.halted = true;
  }
}
