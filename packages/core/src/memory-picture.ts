// The three spaces of memory virtualization at one moment of a run, as the OSTEP VMM
// chapter draws them: a process's virtual pages (VPN), the guest page table's frames
// (PFN, guest-physical), the monitor's pmap into machine frames (MFN), and whatever real
// structure connects the first to the last: shadow or mirror tables (VPN -> MFN), nested
// paging's host tables (PFN -> MFN), or, on a software-managed TLB, the real TLB's
// entries (VPN -> MFN) beside the virtual TLB the guest believes it has (VPN -> PFN).
// Everything is read from the run's own state (the guest's memory through the pmap, the
// monitor's tables in machine memory); nothing is recomputed from a model.
import { readProcessTable, type GuestProcess } from "@vmlab/guest";
import {
  KSEG_BASE,
  PAGE_SHIFT,
  PAGE_SIZE,
  PTE_FRAME_MASK,
  PTE_LARGE,
  PTE_V,
  PTE_W,
  walk,
  walkShape,
  WALK_OK,
  type Image,
  type Machine,
  type Pmap,
  type Profile,
  type Tlb,
  type WalkResult,
} from "@vmlab/isa";
import type { Execution, RealTables } from "./strategy.js";

/** Virtual pages of the user half (below kseg0): a process's own. */
const USER_VPNS = KSEG_BASE >>> PAGE_SHIFT;

export type PictureConnection =
  /** Shadow page tables (VPN -> MFN), built lazily by hidden faults. */
  | "shadow"
  /** A paravirtual monitor's mirror tables (VPN -> MFN), copied from validated updates. */
  | "mirror"
  /** Nested paging's host tables (PFN -> MFN). */
  | "nested"
  /** A software TLB: the real TLB's entries (VPN -> MFN), installed from the virtual TLB. */
  | "software-tlb"
  /** Bare metal: no monitor, a PFN is a machine frame. */
  | "none";

export interface PicturePage {
  readonly vpn: number;
  /** Guest-physical frame the guest's page table maps it to. */
  readonly pfn: number;
  readonly writable: boolean;
  /** The pmap's machine frame for `pfn` (bare metal: `pfn` itself); -1 when `pfn` is past the guest's memory. */
  readonly mfn: number;
  /**
   * The connecting structure's answer, a machine frame: the shadow or mirror entry for
   * `vpn`, the host-table entry for `pfn`, the real TLB's entry for `vpn`; null where it
   * has none (not filled yet, or evicted). Absent on bare metal.
   */
  readonly connected?: number | null;
}

/** An entry of the virtual TLB (software-TLB profiles): what the guest installed, and the real TLB's entry beside it. */
export interface PictureTlbEntry {
  readonly vpn: number;
  readonly pfn: number;
  readonly writable: boolean;
  /** The real TLB's machine frame for `vpn`, or null when it has none. */
  readonly mfn: number | null;
}

export interface MemoryPicture {
  /** Guest instructions retired at this moment. */
  readonly at: number;
  /** Under a monitor (false: bare metal, guest-physical is machine memory). */
  readonly monitor: boolean;
  /** Machine frames of the guest's memory, and of the machine. */
  readonly guestFrames: number;
  readonly machineFrames: number;
  /** The guest kernel's live processes; `process` is the one pictured. */
  readonly processes: readonly GuestProcess[];
  readonly process: GuestProcess;
  /** "page table": the hardware walks it; "software TLB": the kernel's own table, refilled into the TLB by its handler. */
  readonly guestTables: "page table" | "software TLB";
  readonly levels: number;
  readonly connection: PictureConnection;
  /** The memory strategy's name ("shadow", "nested", ...), or "bare metal". */
  readonly memory: string;
  /** Machine address of the connecting tables' root (shadow, mirror, nested); -1 when none are built for this process. */
  readonly connectingRoot?: number;
  /** The process's mapped pages, by VPN. */
  readonly pages: readonly PicturePage[];
  /** Software TLB: the virtual TLB's entries for user pages, by VPN. */
  readonly virtualTlb?: readonly PictureTlbEntry[];
}

export class MemoryPictureError extends Error {}

export interface MemoryPictureInput {
  readonly profile: Profile;
  /** The guest's image (its symbols locate the kernel's process table). */
  readonly image: Image;
  /** The run, stopped at the moment to picture. */
  readonly execution: Execution;
  /** The process to picture (default: the current one, else the first live one). */
  readonly pid?: number;
}

/** Reads guest-physical words of the run: through the pmap under a monitor, straight from memory on bare metal. */
function guestReader(machine: Machine, pmap: Pmap | undefined): { read32: (gpa: number) => number; bytes: number } {
  const words = machine.memory.i32;
  if (!pmap) return { read32: (gpa) => words[gpa >>> 2]!, bytes: machine.memory.size };
  return { read32: (gpa) => words[(pmap[gpa >>> PAGE_SHIFT]! << 10) | ((gpa & 0xfff) >>> 2)]!, bytes: pmap.length * PAGE_SIZE };
}

/** The picture of `input.execution`'s memory at the moment its run stopped. */
export function memoryPicture(input: MemoryPictureInput): MemoryPicture {
  const { execution, profile } = input;
  const machine = execution.machine;
  if (!machine) throw new MemoryPictureError("this CPU strategy does not report its machine: no picture of its memory");
  const pmap = execution.pmap;
  const strategy = execution.memoryStrategy;
  const attached = execution.memoryAttached;
  const guest = guestReader(machine, pmap);
  const processes = readProcessTable(input.image.symbols, (gpa) => (gpa + 4 <= guest.bytes ? guest.read32(gpa) : 0));
  if (!processes) throw new MemoryPictureError("this guest's kernel has no process table vmlab can read (a scenario's own kernel)");
  const live = processes.filter((p) => p.state !== "zombie" && p.state !== "unknown");
  const process = input.pid !== undefined ? live.find((p) => p.pid === input.pid) : (live.find((p) => p.current) ?? live[0]);
  if (!process) {
    const pids = live.map((p) => p.pid).join(", ");
    throw new MemoryPictureError(
      input.pid !== undefined ? `no live process ${input.pid} at this moment (${pids ? `live: ${pids}` : "no live process"})` : "no live process at this moment: pick an earlier one with --at",
    );
  }
  const softwareTlb = profile.mmu.kind === "software-tlb";
  const levels = profile.mmu.kind === "walker" ? profile.mmu.levels : 2;
  const leaves = guestLeaves(guest, process.root, levels, softwareTlb);

  const monitor = pmap !== undefined;
  const mfnOf = (pfn: number): number => (!pmap ? pfn : pfn < pmap.length ? pmap[pfn]! : -1);
  const real = monitor && !softwareTlb ? attached?.realTables(process.root) : undefined;
  const connection: PictureConnection = !monitor
    ? "none"
    : softwareTlb
      ? "software-tlb"
      : real?.translates === "guest-physical" || strategy?.info.requires.nestedPaging
        ? "nested"
        : strategy?.info.requires.paravirtualGuest
          ? "mirror"
          : "shadow";
  const connect = connector(machine, connection, real);
  const pages = leaves.map(({ vpn, pfn, writable }): PicturePage => {
    const page = { vpn, pfn, writable, mfn: mfnOf(pfn) };
    return monitor ? { ...page, connected: connect(vpn, pfn) } : page;
  });
  const vtlb = connection === "software-tlb" ? attached?.virtualTlb() : undefined;
  return {
    at: execution.guestInstructions,
    monitor,
    guestFrames: guest.bytes / PAGE_SIZE,
    machineFrames: machine.memory.size / PAGE_SIZE,
    processes: live,
    process,
    guestTables: softwareTlb ? "software TLB" : "page table",
    levels,
    connection,
    memory: strategy?.info.name ?? "bare metal",
    ...(connection === "shadow" || connection === "mirror" || connection === "nested" ? { connectingRoot: real?.root ?? -1 } : {}),
    pages,
    ...(vtlb ? { virtualTlb: tlbEntries(vtlb, machine.cpu.tlb) } : {}),
  };
}

/** The valid leaves of the guest's table at `root`, user half only, by VPN. */
function guestLeaves(guest: { read32: (gpa: number) => number; bytes: number }, root: number, levels: number, softwareTlb: boolean) {
  const shape = walkShape(levels as 2 | 3 | 4);
  const last = levels - 1;
  const out: { vpn: number; pfn: number; writable: boolean }[] = [];
  const visit = (table: number, level: number, prefix: number): void => {
    if (table + PAGE_SIZE > guest.bytes) return; // a table past the guest's memory maps nothing it can reach
    for (let i = 0; i <= shape.masks[level]!; i++) {
      const pte = guest.read32(table + 4 * i);
      if ((pte & PTE_V) === 0) continue;
      const vpn = prefix | (i << shape.shifts[level]!);
      if (vpn >= USER_VPNS) continue;
      const frame = (pte & PTE_FRAME_MASK) >>> 0;
      if (level === last || (level === last - 1 && !softwareTlb && (pte & PTE_LARGE) !== 0)) {
        const pages = level === last ? 1 : shape.masks[last]! + 1;
        for (let k = 0; k < pages; k++) out.push({ vpn: vpn + k, pfn: (frame >>> PAGE_SHIFT) + k, writable: (pte & PTE_W) !== 0 });
        continue;
      }
      // The software-TLB kernel's directory holds its leaf tables' kseg0 addresses (KERNEL.md).
      visit(softwareTlb ? (frame & ~KSEG_BASE) >>> 0 : frame, level + 1, vpn);
    }
  };
  if (root !== 0) visit(root, 0, 0);
  return out;
}

/** How a page's connecting machine frame is found for `connection`. */
function connector(machine: Machine, connection: PictureConnection, real: RealTables | undefined): (vpn: number, pfn: number) => number | null {
  if (connection === "software-tlb") {
    const tlb = machine.cpu.tlb;
    return (vpn) => realTlbFrame(tlb, vpn);
  }
  if (!real) return () => null;
  const shape = walkShape(real.levels as 2 | 3 | 4);
  const out: WalkResult = { status: 0, pte: 0, references: 0 };
  return (vpn, pfn) => {
    const address = (real.translates === "virtual" ? vpn : pfn) << PAGE_SHIFT;
    const r = walk(machine.memory.i32, real.root, shape, address >>> 0, false, false, out);
    return r.status === WALK_OK ? (r.pte & PTE_FRAME_MASK) >>> PAGE_SHIFT : null;
  };
}

/** The real TLB's machine frame for `vpn`, any tag (a software-TLB machine has none), or null. */
function realTlbFrame(tlb: Tlb, vpn: number): number | null {
  for (let slot = 0; slot < tlb.size; slot++) if (tlb.vpn[slot] === vpn) return tlb.frame[slot]! >>> PAGE_SHIFT;
  return null;
}

function tlbEntries(virtual: Tlb, real: Tlb): PictureTlbEntry[] {
  const out: PictureTlbEntry[] = [];
  for (let slot = 0; slot < virtual.size; slot++) {
    const vpn = virtual.vpn[slot]!;
    if (vpn < 0 || vpn >= USER_VPNS) continue;
    out.push({ vpn, pfn: virtual.frame[slot]! >>> PAGE_SHIFT, writable: (virtual.flags[slot]! & PTE_W) !== 0, mfn: realTlbFrame(real, vpn) });
  }
  return out.sort((a, b) => a.vpn - b.vpn);
}
