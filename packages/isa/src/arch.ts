// Architectural constants: registers, flags, modes, control registers, trap causes,
// ports and memory layout. Everything here is visible to guest software and is
// documented in ISA.md.

export const WORD = 4;
export const PAGE_SIZE = 4096;
export const PAGE_SHIFT = 12;
export const PAGE_MASK = PAGE_SIZE - 1;

/** Sixteen 32-bit general registers r0..r15; r15 is the stack pointer. */
export const NUM_REGS = 16;
export const SP = 15;

/** Privilege modes, as read by RDMODE and stored in bit 31 of ESTATUS. */
export const MODE_KERNEL = 0;
export const MODE_USER = 1;
/**
 * Profiles with a deprivileged kernel level (`profile.ring1`, x86-like): ring 1, where a
 * real kernel runs a guest kernel. Privileged instructions trap as in user mode; pages
 * are reached as supervisor (PTE_U not needed); every address is translated. RDMODE
 * reads 2. Only the real kernel's RTE or trap gate enters it (see ISA.md).
 */
export const MODE_RING1 = 2;

/** Flags word bits (PUSHF/POPF). Condition codes are set only by CMP/CMPI. */
export const FLAG_C = 1 << 0; // borrow: unsigned a < b
export const FLAG_Z = 1 << 1;
export const FLAG_N = 1 << 2;
export const FLAG_V = 1 << 3;
export const FLAG_IF = 1 << 9; // interrupt flag
export const FLAGS_MASK = FLAG_C | FLAG_Z | FLAG_N | FLAG_V | FLAG_IF;
/** ESTATUS = flags | previous mode << 31 (user); ring 1 (profiles that have it) is bit 30. */
export const ESTATUS_MODE_SHIFT = 31;
export const ESTATUS_RING1 = 1 << 30;
/** The mode bits ESTATUS holds for `mode`. */
export function estatusMode(mode: number): number {
  return mode === MODE_USER ? 1 << ESTATUS_MODE_SHIFT : mode === MODE_RING1 ? ESTATUS_RING1 : 0;
}
/** The mode an ESTATUS value returns to (ring 1 only where `ring1`). */
export function modeOfEstatus(status: number, ring1: boolean): number {
  return status < 0 ? MODE_USER : ring1 && (status & ESTATUS_RING1) !== 0 ? MODE_RING1 : MODE_KERNEL;
}

/**
 * Kernel-mode addresses at or above KSEG_BASE are untranslated (kseg0): physical =
 * virtual - KSEG_BASE. Everything else, and every user-mode address, is translated.
 */
export const KSEG_BASE = 0x80000000;

/** Control registers, read by RDCR and written by WRCR (both privileged). */
export const CR = {
  EPC: 0, // PC saved on trap
  ESTATUS: 1, // flags | mode << 31 saved on trap
  CAUSE: 2, // trap cause (low 8 bits) | access kind << 8 | protection << 10
  BADADDR: 3, // faulting virtual address
  TVEC: 4, // trap vector (virtual address of the handler)
  PTBR: 5, // page-table base (physical address of the root table); 0 = paging off
  KSP: 6, // kernel stack pointer loaded into r15 on a trap from user mode
  USP: 7, // user r15 saved on a trap from user mode, restored by RTE to user mode
  SCRATCH: 8, // free for the kernel
  TPR: 9, // task-priority register (stored only; the cr8 analogue)
  COUNT: 10, // retired-instruction count, low 32 bits (read-only)
  // The trap gate (profiles with ring 1): a trap of this cause raised in user mode
  // goes straight to TGVEC at ring 1, on the ring-1 stack TGSP (x86's IDT gate of DPL 3
  // to a ring-1 code segment, and the TSS's ESP1). See ISA.md.
  TGATE: 11, // the cause the gate serves: SYSCALL or BREAKPOINT; 0 = no gate
  TGVEC: 12, // the ring-1 handler
  TGSP: 13, // the ring-1 stack pointer loaded at gate entry
  // The software-TLB refill (profiles with a software-managed TLB use them; they exist on all).
  CONTEXT: 14, // software TLB: PTEBase (bits 31..12, the kernel's) | directory index of the last TLB miss << 2 (bits 11..2, the hardware's)
  KSCRATCH: 15, // free for the kernel: with SCRATCH, the two registers a refill handler saves (MIPS's k0/k1, KScratch)
} as const;
export type CrName = keyof typeof CR;
export const NUM_CRS = 16;

/** Whether control register `n` exists on a profile: the trap gate's registers only where there is a ring 1. */
export function crExists(n: number, profile: { readonly ring1: boolean }): boolean {
  if (n < 0 || n >= NUM_CRS) return false;
  return profile.ring1 || (n !== CR.TGATE && n !== CR.TGVEC && n !== CR.TGSP);
}
export const CR_NAMES: readonly CrName[] = Object.keys(CR) as CrName[];

/**
 * Software-TLB refill (MIPS's UTLB vector): a TLB miss on a user address (below
 * KSEG_BASE, in either mode) enters at TVEC - REFILL_VECTOR_OFFSET instead of TVEC,
 * so a short handler can refill without the general trap path. CONTEXT's low 12 bits
 * then hold the byte offset of the page's entry in a two-level page table's root
 * (directory): the hardware half of MIPS's Context register.
 */
export const REFILL_VECTOR_OFFSET = 0x80;
export const CONTEXT_BASE_MASK = 0xfffff000;

/** CONTEXT after a TLB miss at `va`: the kernel's PTEBase kept, the directory entry's offset set. */
export function contextAfterMiss(context: number, va: number): number {
  return (context & CONTEXT_BASE_MASK) | ((va >>> 22) << 2) | 0;
}

/** Control register `n` after WRCR of `value`: CONTEXT keeps its hardware-set bits (COUNT is handled by the caller). */
export function crAfterWrite(n: number, old: number, value: number): number {
  return n === CR.CONTEXT ? (value & CONTEXT_BASE_MASK) | (old & ~CONTEXT_BASE_MASK) | 0 : value | 0;
}

/** Where a trap enters: the refill vector for a software-TLB miss on a user address, else TVEC. */
export function trapVector(refillVector: boolean, cause: number, address: number, tvec: number): number {
  return (refillVector && cause === CAUSE.TLB_MISS && address >>> 0 < KSEG_BASE ? tvec - REFILL_VECTOR_OFFSET : tvec) >>> 0;
}

/** Trap causes (low 8 bits of CAUSE). */
export const CAUSE = {
  NONE: 0,
  SYSCALL: 1, // SYSCALL; EPC = next instruction
  BREAKPOINT: 2, // BRK; EPC = next instruction
  PRIVILEGED: 3, // privileged instruction in user mode; EPC = the instruction
  ILLEGAL: 4, // undefined opcode, unknown control register, absent instruction
  DIVIDE: 5, // divide or remainder by zero; EPC = the instruction
  PAGE_FAULT: 6, // walker profiles: not present or protection; BADADDR = address
  TLB_MISS: 7, // software-TLB profile: no TLB entry; BADADDR = address
  TIMER: 8, // timer interrupt; EPC = next instruction to execute
  HYPERCALL: 9, // HCALL; EPC = next instruction
  ADDRESS_ERROR: 10, // misaligned word access, or physical address beyond memory
} as const;
export type CauseName = keyof typeof CAUSE;
export const CAUSE_NAMES: readonly CauseName[] = Object.keys(CAUSE) as CauseName[];

/** Access kinds, stored in CAUSE bits 8..9 for memory faults. */
export const ACCESS_READ = 0;
export const ACCESS_WRITE = 1;
export const ACCESS_FETCH = 2;
export const CAUSE_ACCESS_SHIFT = 8;
/** CAUSE bit 10: the page was present (a protection fault) rather than missing. */
export const CAUSE_PROTECTION = 1 << 10;

/** Page-table entry and software-TLB entry-lo bits. */
export const PTE_V = 1 << 0; // valid / present
export const PTE_W = 1 << 1; // writable
export const PTE_U = 1 << 2; // user-accessible (walker profiles)
/** In an entry one level above the leaves: a large-page leaf (x86's PS bit), mapping that entry's whole span. */
export const PTE_LARGE = 1 << 7;
export const PTE_FRAME_MASK = 0xfffff000;

/** I/O ports (IN/OUT). */
export const PORT = {
  CONSOLE_OUT: 0x10, // OUT: low byte written to the console
  TIMER_PERIOD: 0x20, // OUT: interrupt every N retired instructions (0 = off); IN: period
  TIMER_COUNT: 0x21, // IN: instructions left until the next interrupt
  DISK_SECTOR: 0x30, // OUT: sector number
  DISK_ADDR: 0x31, // OUT: physical address for the transfer (DMA)
  DISK_CMD: 0x32, // OUT: 1 = read sector into memory, 2 = write memory to sector
  DISK_STATUS: 0x33, // IN: 0 = ok, 1 = bad sector, 2 = bad address, 3 = bad command
  POST: 0x80, // diagnostic port: OUT ignored, IN reads 0 (Adams & Agesen's `in` benchmark)
  // Work marker, after gem5's m5 work_begin/work_end: OUT 1 begins the region of interest,
  // OUT 0 ends it. Not a device: no cost, no effect on the guest (IN reads 0); the
  // simulator tells whoever watches (Machine.onWorkMark, a monitor's session.region).
  WORK_MARK: 0x90,
} as const;

/**
 * The device behind each port, for the cost model: a port access costs what its device
 * costs (a legacy bus cycle natively, a device model under a monitor). Ports no device
 * answers are "none".
 */
export const DEVICE_NAMES = ["console", "timer", "disk", "post", "none"] as const;
export type DeviceName = (typeof DEVICE_NAMES)[number];
export const DEVICE_NONE = 4;

/** Index into DEVICE_NAMES of the device answering `port`. */
export function deviceOfPort(port: number): number {
  switch (port) {
    case PORT.CONSOLE_OUT:
      return 0;
    case PORT.TIMER_PERIOD:
    case PORT.TIMER_COUNT:
      return 1;
    case PORT.DISK_SECTOR:
    case PORT.DISK_ADDR:
    case PORT.DISK_CMD:
    case PORT.DISK_STATUS:
      return 2;
    case PORT.POST:
      return 3;
    default:
      return DEVICE_NONE;
  }
}

/** Whether a control register is a trap-frame, stack-pointer or scratch register (cheap to write: a store on x86, a move on MIPS). */
export function isTrapFrameRegister(cr: number): boolean {
  return cr === CR.EPC || cr === CR.ESTATUS || cr === CR.CAUSE || cr === CR.BADADDR || cr === CR.KSP || cr === CR.USP || cr === CR.SCRATCH || cr === CR.TGSP || cr === CR.KSCRATCH || cr === CR.CONTEXT;
}

/** Values written to PORT.WORK_MARK; anything else is ignored. */
export const WORK_BEGIN = 1;
export const WORK_END = 0;

export const DISK_SECTOR_SIZE = 512;
export const DISK_CMD_READ = 1;
export const DISK_CMD_WRITE = 2;
export const DISK_OK = 0;
export const DISK_BAD_SECTOR = 1;
export const DISK_BAD_ADDRESS = 2;
export const DISK_BAD_COMMAND = 3;
