// A whole bare machine: memory, devices and the CPU of one profile.
import { CAUSE_NAMES, MODE_KERNEL, type CauseName } from "./arch.js";
import { Cpu, type StopReason } from "./cpu/cpu.js";
import { Console } from "./devices/console.js";
import { Disk } from "./devices/disk.js";
import { loadAddress, type Image } from "./image.js";
import { giveBack } from "./buffer-pool.js";
import { PhysicalMemory } from "./memory.js";
import { forEachMachineRange, pmapBytes, type Pmap } from "./pmap.js";
import type { Profile } from "./profiles.js";

export interface MachineOptions {
  readonly profile: Profile;
  readonly memoryBytes?: number;
  readonly tlbEntries?: number;
  readonly diskSectors?: number;
  readonly diskContents?: Uint8Array;
}

export interface StopInfo {
  readonly reason: StopReason;
  /** Instructions retired during this call. */
  readonly retired: number;
  /** The intercepted cause (reason "intercept"). */
  readonly cause?: number;
}

export interface MachineStats {
  readonly retired: number;
  readonly trapsByCause: Record<CauseName, number>;
  readonly tlbHits: number;
  readonly tlbMisses: number;
  readonly walks: number;
  readonly walkReferences: number;
  readonly codeInvalidations: number;
  readonly portReads: number;
  readonly portWrites: number;
  readonly trapReturns: number;
  readonly tlbWrites: number;
  readonly tlbInvalidations: number;
  readonly tlbFlushes: number;
  readonly crWrites: number;
  /** Walks that the page-walk cache shortened, and walks that consulted it and started at the root. */
  readonly pageWalkCacheHits: number;
  readonly pageWalkCacheMisses: number;
  readonly gateEntries: number;
  readonly ring1Returns: number;
  readonly refills: number;
  readonly diskReads: number;
  readonly diskWrites: number;
  /** Port accesses by device (DEVICE_NAMES order). */
  readonly deviceAccesses: readonly number[];
  /** WRCR by control register number. */
  readonly crWritesByRegister: readonly number[];
}

export class ImageLoadError extends Error {}

export class Machine {
  readonly profile: Profile;
  readonly memory: PhysicalMemory;
  readonly console = new Console();
  readonly disk: Disk;
  readonly cpu: Cpu;
  private released = false;

  constructor(options: MachineOptions) {
    this.profile = options.profile;
    this.memory = new PhysicalMemory(options.memoryBytes);
    this.disk = new Disk(options.diskSectors, options.diskContents);
    this.cpu = new Cpu(options.profile, this.memory, this.console, this.disk, options.tlbEntries);
  }

  /**
   * Copies the image into physical memory and resets the CPU to its entry point. With
   * `pmap` (a monitor's guest), segment addresses are guest-physical and each page goes
   * to the machine frame the pmap gives it.
   */
  load(image: Image, pmap?: Pmap): void {
    const size = pmap === undefined ? this.memory.size : pmapBytes(pmap);
    for (const seg of image.segments) {
      const pa = loadAddress(seg.address);
      if (pa + seg.bytes.length > size) {
        throw new ImageLoadError(`segment at 0x${seg.address.toString(16)} (${seg.bytes.length} bytes) does not fit in ${size} bytes of memory`);
      }
      if (pmap === undefined) {
        this.memory.u8.set(seg.bytes, pa);
        this.cpu.invalidateCode(pa, pa + seg.bytes.length);
      } else {
        forEachMachineRange(pmap, pa, pa + seg.bytes.length, (ma, offset, length) => {
          this.memory.u8.set(seg.bytes.subarray(offset, offset + length), ma);
          this.cpu.invalidateCode(ma, ma + length);
        });
      }
    }
    const cpu = this.cpu;
    cpu.pc = image.entry >>> 0;
    cpu.mode = MODE_KERNEL;
    cpu.flags = 0;
    cpu.halted = false;
    cpu.translationChanged();
  }

  /**
   * Calls `hook` each time the guest writes the work-marker port (PORT.WORK_MARK), with
   * the value and the instructions retired before that OUT; undefined stops it.
   */
  onWorkMark(hook: ((value: number, retired: number) => void) | undefined): void {
    this.cpu.intercept({ workMark: hook });
  }

  /**
   * Gives the machine's memory and the CPU's decoded instructions back to the pool, to be
   * zeroed and reused by a later machine: call when nothing will read this machine's
   * memory or registers again (its counters and console stay readable).
   */
  release(): void {
    if (this.released) return;
    this.released = true;
    giveBack(this.memory.buffer);
    this.cpu.release();
  }

  /** Runs at most `budget` more retired instructions. */
  run(budget: number): StopInfo {
    const before = this.cpu.retired;
    if (this.cpu.halted) return { reason: "halt", retired: 0 };
    const reason = this.cpu.run(budget);
    const retired = this.cpu.retired - before;
    return reason === "intercept" ? { reason, retired, cause: this.cpu.exitCause } : { reason, retired };
  }

  stats(): MachineStats {
    const trapsByCause = {} as Record<CauseName, number>;
    CAUSE_NAMES.forEach((name, i) => {
      if (name !== "NONE") trapsByCause[name] = this.cpu.trapsByCause[i]!;
    });
    return {
      retired: this.cpu.retired,
      trapsByCause,
      ...this.cpu.counters,
      diskReads: this.disk.reads,
      diskWrites: this.disk.writes,
      deviceAccesses: Array.from(this.cpu.detail.deviceAccesses),
      crWritesByRegister: Array.from(this.cpu.detail.crWritesByRegister),
    };
  }
}
