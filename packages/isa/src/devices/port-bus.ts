// The port space: the console, the timer's ports, the disk controller and the work
// marker, as IN and OUT reach them. One model serves the bare CPU's own IN/OUT and a
// monitor's virtual devices; what differs between the two is given at construction:
// where the accesses are counted, which timer the timer ports program (and what else
// happens when it is set), and how a disk transfer reaches memory (machine memory, or
// guest-physical memory through a pmap).
import { DISK_BAD_ADDRESS, DISK_OK, deviceOfPort, PORT } from "../arch.js";
import type { Pmap } from "../pmap.js";
import type { Console } from "./console.js";
import type { Disk } from "./disk.js";

/** Where port accesses are counted (the CPU's counters have these two fields). */
export interface PortCounts {
  portReads: number;
  portWrites: number;
}

/** The timer the timer ports program: the CPU's (see Cpu.setTimer). */
export interface PortTimer {
  readonly retired: number;
  readonly timerPeriod: number;
  timerCount(): number;
  setTimer(period: number, start: number): void;
}

export interface PortBusWiring {
  readonly console: Console;
  readonly disk: Disk;
  readonly timer: PortTimer;
  /** Memory a disk transfer reads or writes: machine memory. */
  readonly memory: Uint8Array;
  /** With a pmap, the disk's address is guest-physical and a transfer goes a page at a time to the frames it names. */
  readonly pmap?: Pmap;
  /** A disk read wrote [start, end) (guest-physical with a pmap): decoded code there, and whatever else is built from it, is stale. */
  readonly dmaWritten: (start: number, end: number) => void;
  /** Counts reads and writes: the CPU's physical port counters or a monitor's virtual ones. */
  readonly counts: PortCounts;
  /** Accesses by device (DEVICE_NAMES order). */
  readonly byDevice: Float64Array;
  /** OUT to PORT.WORK_MARK: not a device, nothing is counted; `retired` counts the instructions before the OUT. */
  readonly workMark: (value: number, retired: number) => void;
  /** After the timer port was written (a monitor drops its virtual CPU's pending interrupt). */
  readonly timerSet?: () => void;
  /** A disk command named memory outside what the disk may reach (a monitor audits the attempt). */
  readonly dmaRefused?: (address: number) => void;
}

export class PortBus {
  /** Accesses that moved data to or from a device: console bytes, disk sectors transferred. */
  transfers = 0;

  constructor(private readonly w: PortBusWiring) {}

  /** IN from `port`. */
  read(port: number): number {
    const w = this.w;
    w.counts.portReads++;
    w.byDevice[deviceOfPort(port)]!++;
    switch (port) {
      case PORT.TIMER_PERIOD:
        return w.timer.timerPeriod | 0;
      case PORT.TIMER_COUNT:
        return w.timer.timerCount();
      case PORT.DISK_STATUS:
        return w.disk.status;
      default:
        return 0;
    }
  }

  /** OUT of `value` to `port`, before the OUT retires (the timer starts counting once it has). */
  write(port: number, value: number): void {
    const w = this.w;
    const retired = w.timer.retired;
    if (port === PORT.WORK_MARK) {
      w.workMark(value, retired);
      return;
    }
    w.counts.portWrites++;
    w.byDevice[deviceOfPort(port)]!++;
    switch (port) {
      case PORT.CONSOLE_OUT:
        w.console.write(value);
        this.transfers++;
        return;
      case PORT.TIMER_PERIOD:
        w.timer.setTimer(value, retired + 1);
        w.timerSet?.();
        return;
      case PORT.DISK_SECTOR:
        w.disk.sector = value >>> 0;
        return;
      case PORT.DISK_ADDR:
        w.disk.address = value >>> 0;
        return;
      case PORT.DISK_CMD:
        if (this.diskCommand(value) === DISK_OK) this.transfers++;
        return;
      default:
        return;
    }
  }

  /**
   * Runs disk command `command` on the sector and address the disk holds (set by its
   * ports, or by a paravirtual disk request): the transfer, a refused address told to
   * the wiring, the range written. Returns the disk's status.
   */
  diskCommand(command: number): number {
    const w = this.w;
    const disk = w.disk;
    const written = disk.command(command, w.memory, w.pmap);
    if (disk.status === DISK_BAD_ADDRESS) w.dmaRefused?.(disk.address);
    if (written) w.dmaWritten(written[0], written[1]);
    return disk.status;
  }
}
