// The image builder: the kernel assembled for a profile, plus a scenario's user programs
// (each assembled at the user code address) linked behind it with a table the kernel
// reads at spawn time.
import { assemble, type Image, type Profile, type Segment } from "@vmlab/isa";
// The vmlab kernel and the user runtime: read from disk, or bundled into a page (package.json "imports").
import { KERNEL_FILE, kernelSource, readGuestInclude } from "#guest-files";

export { KERNEL_DIR, KERNEL_FILE, RUNTIME_DIR } from "#guest-files";

/** Where the builder links the program table (kseg0; physical 0x80000). */
export const PROGRAM_TABLE = 0x80080000;
const PROGRAM_AREA_END = 0x80100000; // frames start at physical 0x100000
export const USER_CODE = 0x00400000;
/**
 * Guest instructions between timer interrupts. A Linux guest of the era ticked at
 * 100-1,000 Hz; at about 10^9 guest instructions a second (a ~1 GHz machine at roughly
 * one instruction a cycle) a 1 kHz tick is about 10^6 instructions, so the tick is a
 * small share of the work, as on a real machine. Scenarios about preemption set their own.
 */
export const DEFAULT_TIMER_PERIOD = 1_000_000;

export interface ProgramSource {
  readonly name: string;
  readonly source: string;
  /** Path used in diagnostics and to resolve includes. */
  readonly file: string;
}

export interface BuildOptions {
  readonly profile: Profile;
  readonly programs: readonly ProgramSource[];
  readonly timerPeriod?: number;
  readonly defines?: Record<string, number>;
  /** The paravirtual build of the kernel (PARAVIRT): hypercalls instead of privileged instructions. */
  readonly paravirt?: boolean;
  /** A kernel of its own instead of kernel/kernel.s (then user programs are optional). */
  readonly kernel?: ProgramSource;
}

export class BuildError extends Error {}

/** The defines the kernel and programs see for a profile (and PARAVIRT for the paravirtual build). */
export function guestDefines(profile: Profile, timerPeriod = DEFAULT_TIMER_PERIOD, paravirt = false): Record<string, number> {
  const d: Record<string, number> = {
    [`${profile.name.replace("-like", "").toUpperCase()}_LIKE`]: 1,
    TIMER_PERIOD: timerPeriod,
    LEVELS: profile.mmu.kind === "walker" ? profile.mmu.levels : 2,
  };
  if (profile.mmu.kind === "walker") d.WALKER = 1;
  else d.SOFTWARE_TLB = 1;
  if (paravirt) d.PARAVIRT = 1;
  // Ring 1 (x86-like): system calls reach the paravirtual kernel through a trap gate.
  if (paravirt && profile.ring1) d.TRAP_GATE = 1;
  return d;
}

export function assembleProgram(program: ProgramSource, defines: Record<string, number>): { entry: number; bytes: Uint8Array } {
  const image = assemble(program.source, { file: program.file, defines, origin: USER_CODE, readInclude: readGuestInclude });
  if (image.segments.length !== 1 || image.segments[0]!.address !== USER_CODE) {
    throw new BuildError(`${program.file}: a user program must be one block starting at 0x${USER_CODE.toString(16)} (no .org)`);
  }
  return { entry: image.entry, bytes: image.segments[0]!.bytes };
}

export function buildImage(options: BuildOptions): Image {
  if (options.programs.length === 0 && !options.kernel) throw new BuildError("a guest needs at least one user program");
  const period = options.timerPeriod;
  if (period !== undefined && !(Number.isInteger(period) && period >= 0 && period <= 0x7fffffff)) {
    throw new BuildError(`timer period must be a whole number of instructions from 0 (off) to 2147483647, got ${period}`);
  }
  const defines = { ...guestDefines(options.profile, options.timerPeriod, options.paravirt === true), ...options.defines };
  const kernel = assemble(options.kernel?.source ?? kernelSource(), {
    file: options.kernel?.file ?? KERNEL_FILE,
    defines: { ...defines, PROGRAM_TABLE, NPROGRAMS: options.programs.length },
    readInclude: readGuestInclude,
  });
  const programs = options.programs.map((p) => assembleProgram(p, defines));
  // Table: count, then (entry, kseg0 address, size) per program; bytes word-aligned.
  const tableBytes = 4 + 12 * programs.length;
  let at = PROGRAM_TABLE + ((tableBytes + 15) & ~15);
  const placed = programs.map((p) => {
    const address = at;
    at += (p.bytes.length + 15) & ~15;
    return address;
  });
  if (at > PROGRAM_AREA_END) {
    throw new BuildError(`the programs take ${at - PROGRAM_TABLE} bytes; at most ${PROGRAM_AREA_END - PROGRAM_TABLE} fit`);
  }
  const area = new Uint8Array(at - PROGRAM_TABLE);
  const view = new DataView(area.buffer);
  view.setUint32(0, programs.length, true);
  programs.forEach((p, i) => {
    view.setUint32(4 + 12 * i, p.entry, true);
    view.setUint32(8 + 12 * i, placed[i]!, true);
    view.setUint32(12 + 12 * i, (p.bytes.length + 3) & ~3, true);
    area.set(p.bytes, placed[i]! - PROGRAM_TABLE);
  });
  for (const s of kernel.segments) {
    if (s.address + s.bytes.length > PROGRAM_TABLE) throw new BuildError("the kernel image overlaps the program table");
  }
  const segments: Segment[] = [...kernel.segments, { address: PROGRAM_TABLE, bytes: area }];
  return { entry: kernel.entry, segments, symbols: kernel.symbols };
}
