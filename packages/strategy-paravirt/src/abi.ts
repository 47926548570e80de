// The paravirtual interface between the guest kernel's PARAVIRT build and the monitor
// (packages/guest/KERNEL.md, "The paravirtual build"; kernel.s has the same numbers).
//
// A hypercall is `hcall 0` with its number in r1 and arguments in r2..r4; the result
// comes back in r1 (and r2 for a refused page-table batch); every other register is
// kept. HC_IRET returns through the trap frame in the shared page instead.

export const HC = {
  SET_CALLBACKS: 0, // r2 = trap entry (virtual trap vector), r3 = kernel stack, r4 = shared block (guest-physical, word-aligned)
  IRET: 1, // return from trap: pc, flags, mode (and user r15) from the shared trap frame; r1 from its R1
  MMU_UPDATE: 2, // r2 = batch (guest-physical), r3 = entries -> 0, or -1 with r2 = index of the refused entry
  SET_PTBR: 3, // r2 = root table (guest-physical): a new address space
  TLB_WRITE: 4, // r2 = virtual address, r3 = entry-lo (software-TLB profiles)
  CONSOLE_WRITE: 5, // r2 = bytes (guest-physical), r3 = count -> count
  DISK_IO: 6, // r2 = command (1 read, 2 write), r3 = sector, r4 = 512-byte buffer (guest-physical) -> disk status
  SET_TIMER: 7, // r2 = period in guest instructions (0 = off)
  PORT_IN: 8, // r2 = port -> value (the monitor's virtual devices)
  PORT_OUT: 9, // r2 = port, r3 = value
  EVENT_CHECK: 10, // deliver a pending virtual interrupt now, if the virtual IF allows
  HALT: 11, // the virtual machine stops
  // r2 = trap cause (SYSCALL or BREAKPOINT), r3 = handler (a kernel-half virtual address):
  // on a profile with ring 1 the monitor sets the CPU's trap gate, and the guest's
  // system calls go straight to its handler at ring 1 (Xen's set_trap_table and its
  // fast system-call trap); refused (-1) where there is no ring 1.
  SET_TRAP_TABLE: 12,
} as const;
export type HypercallName = keyof typeof HC;
export const HYPERCALL_NAMES: readonly HypercallName[] = Object.keys(HC) as HypercallName[];

/** Page-table batch entries are (address, value) pairs; the address's low two bits say what to do. */
export const PT = {
  UPDATE: 0, // (guest-physical address of a page-table entry, its new value)
  INVLPG: 1, // (1, virtual address): drop that page's translation
  FLUSH: 2, // (2, ignored): drop every translation
  RELEASE: 3, // (3, root): the table tree rooted there is no longer in use
} as const;
/** At most this many entries in one HC_MMU_UPDATE (the kernel batches 32). */
export const MAX_BATCH = 1024;

/**
 * Byte offsets into the block the guest kernel shares with the monitor (Xen's
 * shared_info page; here any word-aligned SHARED_BYTES of the VM's memory the kernel
 * names, so it can sit among the kernel's other variables).
 */
export const SH = {
  IF: 0, // the virtual interrupt flag: 0x200 (FLAG_IF) enabled, 0 masked; the guest writes it freely
  PENDING: 4, // 1 while a virtual interrupt waits for the flag (Xen's evtchn_upcall_pending)
  EPC: 8, // the trap frame the monitor writes when it delivers a trap ...
  ESTATUS: 12,
  CAUSE: 16,
  BADADDR: 20,
  USP: 24,
  R1: 28, // ... with the interrupted r1, which HC_IRET restores
  TPR: 32, // the task priority: state with no effect, kept here so writing it costs no trap
  CONTEXT: 36, // software TLB: CONTEXT at a delivered TLB miss, the address of the page's directory entry (PTEBase from SET_PTBR)
  K1: 40, // two words the refill handler saves registers in (the monitor never touches them)
  K2: 44,
} as const;
/** Size of the shared block. */
export const SHARED_BYTES = 64;

/** Result of a refused hypercall. */
export const REFUSED = -1;
