// A small disk of 512-byte sectors, driven by port I/O with DMA to physical memory.
import { DISK_BAD_ADDRESS, DISK_BAD_COMMAND, DISK_BAD_SECTOR, DISK_CMD_READ, DISK_CMD_WRITE, DISK_OK, DISK_SECTOR_SIZE } from "../arch.js";
import { pmapBytes, pmapRead, pmapWrite, type Pmap } from "../pmap.js";

/** Sectors of a machine's disk unless it says otherwise (128 KiB). */
export const DEFAULT_DISK_SECTORS = 256;

export class Disk {
  readonly data: Uint8Array;
  readonly sectors: number;
  sector = 0;
  address = 0;
  status = DISK_OK;
  reads = 0;
  writes = 0;

  constructor(sectors = DEFAULT_DISK_SECTORS, contents?: Uint8Array) {
    if (!Number.isInteger(sectors) || sectors < 1) throw new RangeError(`disk size ${sectors} must be at least one sector`);
    this.sectors = sectors;
    this.data = new Uint8Array(sectors * DISK_SECTOR_SIZE);
    if (contents) {
      if (contents.length > this.data.length) throw new RangeError(`disk contents (${contents.length} bytes) exceed the disk (${this.data.length} bytes)`);
      this.data.set(contents);
    }
  }

  /**
   * Runs a command against physical memory `mem`. Returns the physical range written
   * in memory (for code-cache invalidation) as [start, end), or undefined. With `pmap`
   * (a monitor's virtual disk), the address and the range are guest-physical and the
   * transfer goes a page at a time to the machine frames the pmap gives.
   */
  command(cmd: number, mem: Uint8Array, pmap?: Pmap): [number, number] | undefined {
    if (cmd !== DISK_CMD_READ && cmd !== DISK_CMD_WRITE) {
      this.status = DISK_BAD_COMMAND;
      return undefined;
    }
    const sector = this.sector >>> 0;
    const addr = this.address >>> 0;
    if (sector >= this.sectors) {
      this.status = DISK_BAD_SECTOR;
      return undefined;
    }
    if (addr + DISK_SECTOR_SIZE > (pmap === undefined ? mem.length : pmapBytes(pmap))) {
      this.status = DISK_BAD_ADDRESS;
      return undefined;
    }
    const off = sector * DISK_SECTOR_SIZE;
    this.status = DISK_OK;
    if (cmd === DISK_CMD_READ) {
      const sector = this.data.subarray(off, off + DISK_SECTOR_SIZE);
      if (pmap === undefined) mem.set(sector, addr);
      else pmapWrite(mem, pmap, addr, sector);
      this.reads++;
      return [addr, addr + DISK_SECTOR_SIZE];
    }
    this.data.set(pmap === undefined ? mem.subarray(addr, addr + DISK_SECTOR_SIZE) : pmapRead(mem, pmap, addr, DISK_SECTOR_SIZE), off);
    this.writes++;
    return undefined;
  }
}
