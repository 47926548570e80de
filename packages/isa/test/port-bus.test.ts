// The port bus as a device model: one bus with a monitor's wiring (DMA through a
// scattered pmap, its own counters) and the bare CPU's (machine memory, the CPU's
// counters). Expected values are worked out by hand from ISA.md's port map.
import { describe, expect, it } from "vitest";
import { Console, Disk, DISK_BAD_ADDRESS, DISK_OK, getProfile, Machine, PORT, PortBus, type PortTimer } from "../src/index.js";

const DISK_INDEX = 2; // DEVICE_NAMES: console, timer, disk, post, none

/** A disk whose sector s holds the byte (s * 16 + i) & 0xff at offset i. */
function patternedDisk(): Disk {
  const contents = new Uint8Array(4 * 512);
  for (let i = 0; i < contents.length; i++) contents[i] = ((i >>> 9) * 16 + (i & 511)) & 0xff;
  return new Disk(4, contents);
}

function monitorWiring(memory: Uint8Array, pmap: Int32Array) {
  const log = { dma: [] as [number, number][], refused: [] as number[], marks: [] as [number, number][], timerSets: 0, timer: [] as [number, number][] };
  const timer: PortTimer = {
    retired: 100,
    timerPeriod: 0,
    timerCount: () => 0,
    setTimer: (period, start) => void log.timer.push([period, start]),
  };
  const counts = { portReads: 0, portWrites: 0 };
  const byDevice = new Float64Array(5);
  const bus = new PortBus({
    console: new Console(),
    disk: patternedDisk(),
    timer,
    memory,
    pmap,
    dmaWritten: (start, end) => void log.dma.push([start, end]),
    counts,
    byDevice,
    workMark: (value, retired) => void log.marks.push([value, retired]),
    timerSet: () => void log.timerSets++,
    dmaRefused: (address) => void log.refused.push(address),
  });
  return { bus, log, counts, byDevice };
}

describe("the port bus", () => {
  it("lands a disk read at the machine frames a scattered pmap gives, a page at a time", () => {
    // Guest frames 0..3 live in machine frames 5, 2, 9, 0 of a 16-page memory.
    const memory = new Uint8Array(16 * 4096);
    const { bus, log, counts, byDevice } = monitorWiring(memory, Int32Array.of(5, 2, 9, 0));
    // Sector 1 to guest-physical 0x1f00: 0x1f00..0x1fff is in guest frame 1 (machine frame 2),
    // 0x2000..0x20ff in guest frame 2 (machine frame 9).
    bus.write(PORT.DISK_SECTOR, 1);
    bus.write(PORT.DISK_ADDR, 0x1f00);
    bus.write(PORT.DISK_CMD, 1);
    expect(bus.read(PORT.DISK_STATUS)).toBe(DISK_OK);
    // Sector 1's byte i is (16 + i) & 0xff.
    expect([memory[0x2f00], memory[0x2fff], memory[0x9000], memory[0x90ff]]).toEqual([16, (16 + 255) & 0xff, (16 + 256) & 0xff, (16 + 511) & 0xff]);
    // Nothing lands at the guest-physical addresses read as machine ones.
    expect([memory[0x1f00], memory[0x2000]]).toEqual([0, 0]);
    expect(log.dma).toEqual([[0x1f00, 0x2100]]);
    expect([counts.portWrites, counts.portReads, byDevice[DISK_INDEX], bus.transfers]).toEqual([3, 1, 4, 1]);
  });

  it("refuses a transfer past the VM's memory and tells the wiring, moving nothing", () => {
    const memory = new Uint8Array(16 * 4096);
    const { bus, log } = monitorWiring(memory, Int32Array.of(5, 2, 9, 0));
    // The pmap covers 4 pages = 0x4000 bytes: a sector at 0x3f00 would end at 0x4100.
    bus.write(PORT.DISK_ADDR, 0x3f00);
    bus.write(PORT.DISK_CMD, 1);
    expect(bus.read(PORT.DISK_STATUS)).toBe(DISK_BAD_ADDRESS);
    expect([log.refused, log.dma, bus.transfers]).toEqual([[0x3f00], [], 0]);
    expect(memory.every((b) => b === 0)).toBe(true);
  });

  it("starts the timer once the OUT retires, runs the wiring's timer hook, and passes the work marker uncounted", () => {
    const { bus, log, counts } = monitorWiring(new Uint8Array(4096), Int32Array.of(0));
    bus.write(PORT.TIMER_PERIOD, 50);
    bus.write(PORT.WORK_MARK, 1);
    // 100 retired before the OUT: counting starts at 101.
    expect([log.timer, log.timerSets, log.marks]).toEqual([[[50, 101]], 1, [[1, 100]]]);
    expect(counts.portWrites).toBe(1); // the timer write; the marker is no device
  });

  it("on the bare CPU: the timer ports read back the period and the instructions left, and the CPU's counters count", () => {
    const m = new Machine({ profile: getProfile("riscv-like"), memoryBytes: 1 << 20 });
    const cpu = m.cpu;
    cpu.retired = 1000;
    cpu.ports.write(PORT.TIMER_PERIOD, 300);
    // Deadline 1001 + 300 = 1301; after 200 more retired, 1301 - 1200 = 101 left.
    cpu.retired = 1200;
    expect([cpu.ports.read(PORT.TIMER_PERIOD), cpu.ports.read(PORT.TIMER_COUNT), cpu.ports.read(PORT.POST)]).toEqual([300, 101, 0]);
    cpu.ports.write(PORT.CONSOLE_OUT, 0x41);
    expect([m.console.text(), cpu.counters.portWrites, cpu.counters.portReads, Array.from(cpu.detail.deviceAccesses)]).toEqual(["A", 2, 3, [1, 3, 0, 1, 0]]);
  });
});
