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

/** Flags word bits (PUSHF/POPF). Condition codes are set only by CMP/CMPI. */
export const FLAG_C = 1 << 0; // borrow: unsigned a < b
export const FLAG_Z = 1 << 1;
export const FLAG_N = 1 << 2;
export const FLAG_V = 1 << 3;
export const FLAG_IF = 1 << 9; // interrupt flag
export const FLAGS_MASK = FLAG_C | FLAG_Z | FLAG_N | FLAG_V | FLAG_IF;
/** ESTATUS = flags | previous mode << 31. */
export const ESTATUS_MODE_SHIFT = 31;

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
} as const;
export type CrName = keyof typeof CR;
export const NUM_CRS = 11;
export const CR_NAMES: readonly CrName[] = Object.keys(CR) as CrName[];

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
