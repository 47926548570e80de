// Random kernels nobody wrote by hand: tiny kernels, written from scratch for each
// profile, that run in kernel mode what a real kernel runs and worse: PUSHF/POPF,
// CLI/STI, RDMODE/RDTVEC, control-register reads and writes, TLB operations,
// page-table edits (TLB writes on the software-TLB profile), page-table-base writes,
// port I/O and disk DMA (over the code about to run too), trips into user mode and
// back, SYSCALL, BRK and HCALL, faults (illegal and unassigned opcodes, division by
// zero, page faults, misaligned accesses) caught by their own trap handler,
// self-modifying code, calls through low aliases of the kernel's own code (code at
// page 0, a `ret` to address 0), and code, data and stack on one page.
//
// A kernel is a *plan* (fast-check values, so a failing one shrinks: actions drop out,
// numbers get smaller) rendered into assembly for one profile and page-table depth.
// Every plan terminates: loops are counted, branches go forward, the trap handler
// skips a faulting kernel instruction, returns to the kernel from a process that
// faults or exits, and the timer period leaves the handler room to finish.
//
// A page-table entry that changes is invalidated (TLBI of its page, or TLBFLUSH for a
// non-leaf entry) before anything can use it: ISA.md leaves the translation
// unpredictable until then.
import fc from "fast-check";
import { OP, PTE_LARGE, PTE_U, PTE_V, PTE_W, type Profile, hex } from "@vmlab/isa";

// ---------------------------------------------------------------------------- layout
// Guest-physical addresses (the kernel reaches them at KSEG + address).
const KSEG = 0x80000000;
/** The second trap vector (the kernel may switch TVEC between the two). */
const VECTOR2 = 0x1c000;
const KDATA = 0x20000; // kernel data page (unless code, data and stack share a page)
const KSTACK_TOP = 0x22000;
const TABLES = 0x28000; // page tables: frames from here to 0x3ffff
const UCODE = 0x40000; // user code, 4 pages, identity-mapped
const USTACK_TOP = 0x45000; // user stack page 0x44000
const D0 = 0x46000; // data frames the user/kernel windows map
const D1 = 0x47000;
const D2 = 0x48000;
const DMA = 0x49000; // scratch for disk transfers
/** Virtual windows below kseg0. */
const VA = {
  udata: 0x00050000, // user data: D0 in root 0, D1 in root 1 (U, W)
  kwin: 0x00060000, // kernel-only window on D2
  unmapped: 0x00070000, // never mapped
  foreign: 0x00080000, // mapped to a frame past the end of memory (when the plan says so)
  ptwin: 0x00090000, // the leaf table holding udata's entry (walker), or its frame in the software table
  low: KDATA, // the kernel data page at its physical address
  zero: 0x00000000, // page 0
  large: 0x01000000, // a large page over physical 0 (when the plan says so)
} as const;
type VaName = keyof typeof VA;
const FOREIGN_FRAME = 0x00401000;

/** Registers a generated instruction may write: r1..r4 are scratch for prints, r13 counts loops, r15 is the stack. */
const REGS = [5, 6, 7, 8, 9, 10, 11, 12, 14] as const;

const ALU = ["add", "sub", "and", "or", "xor", "shl", "shr", "sar", "mul", "slt", "sltu"] as const;
const ALUI = ["addi", "muli", "slti", "andi", "ori", "xori", "shli", "shri", "sari"] as const;
const BRANCHES = ["beq", "bne", "blt", "bge", "ble", "bgt", "bltu", "bgeu", "bleu", "bgtu"] as const;

// ---------------------------------------------------------------------------- plans
export type UserOp =
  | { readonly k: "alu"; readonly op: (typeof ALU)[number]; readonly d: number; readonly a: number; readonly b: number }
  | { readonly k: "alui"; readonly op: (typeof ALUI)[number]; readonly d: number; readonly a: number; readonly imm: number }
  | { readonly k: "mem"; readonly op: "lw" | "sw" | "lb" | "sb"; readonly r: number; readonly off: number }
  | { readonly k: "stack"; readonly a: number; readonly b: number }
  | { readonly k: "print"; readonly r: number }
  | { readonly k: "trap"; readonly which: "brk" | "hcall" | "syscall" }
  | { readonly k: "fault"; readonly which: "div0" | "word0" | "priv" | "kseg" | "unmapped" | "rocode" | "foreign" }
  | { readonly k: "smc"; readonly d: number; readonly imm: number }
  | { readonly k: "sensitive"; readonly which: "pushf" | "popf" | "rdmode" | "rdtvec"; readonly r: number };

export type KernelOp =
  | { readonly k: "alu"; readonly op: (typeof ALU)[number]; readonly d: number; readonly a: number; readonly b: number }
  | { readonly k: "alui"; readonly op: (typeof ALUI)[number]; readonly d: number; readonly a: number; readonly imm: number }
  | { readonly k: "branch"; readonly op: (typeof BRANCHES)[number]; readonly a: number; readonly b: number; readonly d: number }
  | { readonly k: "print"; readonly r: number }
  | { readonly k: "kmem"; readonly op: "lw" | "sw" | "lb" | "lbu" | "sb"; readonly r: number; readonly off: number; readonly code: boolean }
  | { readonly k: "vmem"; readonly op: "lw" | "sw" | "lbu" | "sb"; readonly r: number; readonly va: VaName; readonly off: number }
  | { readonly k: "stack"; readonly a: number; readonly b: number }
  | { readonly k: "flags"; readonly r: number; readonly mask: number }
  | { readonly k: "cli" }
  | { readonly k: "sti" }
  | { readonly k: "rdmode"; readonly r: number }
  | { readonly k: "rdtvec"; readonly r: number }
  | { readonly k: "rdcr"; readonly r: number; readonly cr: number }
  | { readonly k: "wrcr"; readonly r: number; readonly cr: number }
  | { readonly k: "tvec"; readonly second: boolean }
  | { readonly k: "tlbi"; readonly va: VaName }
  | { readonly k: "tlbflush" }
  | { readonly k: "tlbw"; readonly va: VaName; readonly frame: "d0" | "d1" | "d2" | "foreign" | "identity" | "invalid"; readonly writable: boolean }
  | {
      readonly k: "pte";
      readonly entry: "udata0" | "udata1" | "kwin" | "unmapped" | "ucode" | "nonleaf";
      readonly frame: number;
      readonly flags: number;
      readonly alias: boolean;
      readonly invalidate: boolean;
    }
  | { readonly k: "ptbr"; readonly root: "root0" | "root1" | "off" | "garbage" | "outside" }
  | { readonly k: "in"; readonly r: number; readonly port: number }
  | { readonly k: "out"; readonly port: number; readonly value: number }
  | { readonly k: "disk"; readonly cmd: number; readonly sector: number; readonly addr: "data" | "d0" | "dma" | "code" | "outside" }
  | { readonly k: "dmaCode"; readonly sector: number; readonly zero: boolean }
  | { readonly k: "smc"; readonly d: number; readonly imm: number; readonly twice: boolean }
  | { readonly k: "trap"; readonly which: "syscall" | "brk" | "hcall"; readonly imm: number }
  | { readonly k: "fault"; readonly which: "word0" | "unassigned" | "div0" | "misaligned" | "badcr" | "tlbw" }
  | { readonly k: "user"; readonly ops: readonly UserOp[]; readonly interrupts: boolean; readonly map: boolean }
  | { readonly k: "alias"; readonly ret0: boolean; readonly map: boolean }
  | { readonly k: "sub"; readonly d: number }
  | { readonly k: "misaligned"; readonly by: number }
  | { readonly k: "low"; readonly body: readonly KernelOp[] }
  | { readonly k: "loop"; readonly n: number; readonly body: readonly KernelOp[] };

export interface KernelPlan {
  /** The page the kernel's code starts at (0: page 0, where a `ret` to 0 lands in it). */
  readonly codePage: number;
  /** Code, data and stack on one page. */
  readonly shared: boolean;
  /** Timer period (0: off) and whether interrupts start enabled. */
  readonly timer: number;
  readonly interrupts: boolean;
  /** Walker profiles: the page-table base at start. */
  readonly paging: "off" | "root0" | "root1";
  /** A large page at VA.large; a mapping of a frame past the end of memory at VA.foreign. */
  readonly large: boolean;
  readonly foreign: boolean;
  /**
   * Walker profiles: the trap vector is the handler's low alias (its physical address,
   * translated: identity with paging off, and in both roots); on page 0 the handler is
   * at 0 and TVEC is never written, as a kernel that keeps the reset value.
   */
  readonly lowVector: boolean;
  readonly regs: readonly number[];
  readonly ops: readonly KernelOp[];
}

export interface KernelOptions {
  /** Let user segments run x86-like's unprivileged sensitive instructions (PUSHF, POPF, RDMODE, RDTVEC). */
  readonly userSensitive?: boolean;
}

// ---------------------------------------------------------------------------- arbitraries
const reg = fc.constantFrom(...REGS);
const anyReg = fc.constantFrom(...REGS, 13, 15);
const imm16 = fc.integer({ min: -32768, max: 32767 });

function aluOp() {
  return fc.record({ k: fc.constant("alu" as const), op: fc.constantFrom(...ALU), d: reg, a: anyReg, b: anyReg });
}
function aluiOp() {
  return fc.record({ k: fc.constant("alui" as const), op: fc.constantFrom(...ALUI), d: reg, a: anyReg, imm: imm16 });
}

const userOp: fc.Arbitrary<UserOp> = fc.oneof(
  { weight: 4, arbitrary: aluOp() },
  { weight: 2, arbitrary: aluiOp() },
  {
    weight: 3,
    arbitrary: fc.record({ k: fc.constant("mem" as const), op: fc.constantFrom("lw" as const, "sw" as const, "lb" as const, "sb" as const), r: reg, off: fc.integer({ min: 0, max: 1023 }) }),
  },
  { weight: 1, arbitrary: fc.record({ k: fc.constant("stack" as const), a: reg, b: reg }) },
  { weight: 2, arbitrary: fc.record({ k: fc.constant("print" as const), r: reg }) },
  { weight: 1, arbitrary: fc.record({ k: fc.constant("trap" as const), which: fc.constantFrom("brk" as const, "hcall" as const, "syscall" as const) }) },
  {
    weight: 1,
    arbitrary: fc.record({
      k: fc.constant("fault" as const),
      which: fc.constantFrom("div0" as const, "word0" as const, "priv" as const, "kseg" as const, "unmapped" as const, "rocode" as const, "foreign" as const),
    }),
  },
  { weight: 1, arbitrary: fc.record({ k: fc.constant("smc" as const), d: reg, imm: imm16 }) },
  { weight: 1, arbitrary: fc.record({ k: fc.constant("sensitive" as const), which: fc.constantFrom("pushf" as const, "popf" as const, "rdmode" as const, "rdtvec" as const), r: reg }) },
);

const VA_NAMES = Object.keys(VA) as VaName[];

function kernelOp(depth: number): fc.Arbitrary<KernelOp> {
  const simple: fc.WeightedArbitrary<KernelOp>[] = [
    { weight: 6, arbitrary: aluOp() },
    { weight: 3, arbitrary: aluiOp() },
    { weight: 2, arbitrary: fc.record({ k: fc.constant("branch" as const), op: fc.constantFrom(...BRANCHES), a: anyReg, b: anyReg, d: reg }) },
    { weight: 3, arbitrary: fc.record({ k: fc.constant("print" as const), r: fc.constantFrom(...REGS, 13) }) },
    {
      weight: 3,
      arbitrary: fc.record({
        k: fc.constant("kmem" as const),
        op: fc.constantFrom("lw" as const, "sw" as const, "lb" as const, "lbu" as const, "sb" as const),
        r: reg,
        off: fc.integer({ min: 0, max: 255 }),
        code: fc.boolean(),
      }),
    },
    {
      weight: 3,
      arbitrary: fc.record({
        k: fc.constant("vmem" as const),
        op: fc.constantFrom("lw" as const, "sw" as const, "lbu" as const, "sb" as const),
        r: reg,
        va: fc.constantFrom(...VA_NAMES),
        off: fc.integer({ min: 0, max: 1023 }),
      }),
    },
    { weight: 1, arbitrary: fc.record({ k: fc.constant("stack" as const), a: anyReg, b: reg }) },
    { weight: 2, arbitrary: fc.record({ k: fc.constant("flags" as const), r: reg, mask: fc.integer({ min: 0, max: 0x20f }) }) },
    { weight: 1, arbitrary: fc.constant({ k: "cli" as const }) },
    { weight: 2, arbitrary: fc.constant({ k: "sti" as const }) },
    { weight: 1, arbitrary: fc.record({ k: fc.constant("rdmode" as const), r: reg }) },
    { weight: 1, arbitrary: fc.record({ k: fc.constant("rdtvec" as const), r: reg }) },
    { weight: 2, arbitrary: fc.record({ k: fc.constant("rdcr" as const), r: reg, cr: fc.constantFrom(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 999) }) },
    { weight: 2, arbitrary: fc.record({ k: fc.constant("wrcr" as const), r: anyReg, cr: fc.constantFrom(0, 1, 2, 3, 6, 7, 8, 9, 10, 12, 13, 15, 17) }) },
    { weight: 1, arbitrary: fc.record({ k: fc.constant("tvec" as const), second: fc.boolean() }) },
    { weight: 2, arbitrary: fc.record({ k: fc.constant("tlbi" as const), va: fc.constantFrom(...VA_NAMES) }) },
    { weight: 1, arbitrary: fc.constant({ k: "tlbflush" as const }) },
    {
      weight: 2,
      arbitrary: fc.record({
        k: fc.constant("tlbw" as const),
        va: fc.constantFrom(...VA_NAMES),
        frame: fc.constantFrom("d0" as const, "d1" as const, "d2" as const, "foreign" as const, "identity" as const, "invalid" as const),
        writable: fc.boolean(),
      }),
    },
    {
      weight: 3,
      arbitrary: fc.record({
        k: fc.constant("pte" as const),
        entry: fc.constantFrom("udata0" as const, "udata1" as const, "kwin" as const, "unmapped" as const, "ucode" as const, "nonleaf" as const),
        frame: fc.integer({ min: 0, max: 4 }),
        flags: fc.constantFrom(PTE_V | PTE_W | PTE_U, PTE_V | PTE_U, PTE_V | PTE_W, PTE_V, 0),
        alias: fc.boolean(),
        invalidate: fc.boolean(),
      }),
    },
    { weight: 2, arbitrary: fc.record({ k: fc.constant("ptbr" as const), root: fc.constantFrom("root0" as const, "root1" as const, "off" as const, "garbage" as const, "outside" as const) }) },
    { weight: 2, arbitrary: fc.record({ k: fc.constant("in" as const), r: reg, port: fc.constantFrom(0x20, 0x21, 0x33, 0x80, 0x90, 0x10, 0x1234) }) },
    { weight: 2, arbitrary: fc.record({ k: fc.constant("out" as const), port: fc.constantFrom(0x10, 0x20, 0x80, 0x90, 0x31, 0x4321), value: fc.integer({ min: 0, max: 3000 }) }) },
    {
      weight: 2,
      arbitrary: fc.record({
        k: fc.constant("disk" as const),
        cmd: fc.constantFrom(1, 2, 2, 7),
        sector: fc.constantFrom(0, 1, 2, 255, 256, 100000),
        addr: fc.constantFrom("data" as const, "d0" as const, "dma" as const, "code" as const, "outside" as const),
      }),
    },
    { weight: 1, arbitrary: fc.record({ k: fc.constant("dmaCode" as const), sector: fc.integer({ min: 3, max: 10 }), zero: fc.constantFrom(false, false, false, true) }) },
    { weight: 2, arbitrary: fc.record({ k: fc.constant("smc" as const), d: reg, imm: imm16, twice: fc.boolean() }) },
    { weight: 2, arbitrary: fc.record({ k: fc.constant("trap" as const), which: fc.constantFrom("syscall" as const, "brk" as const, "hcall" as const), imm: fc.integer({ min: 0, max: 65535 }) }) },
    {
      weight: 2,
      arbitrary: fc.record({
        k: fc.constant("fault" as const),
        which: fc.constantFrom("word0" as const, "unassigned" as const, "div0" as const, "misaligned" as const, "badcr" as const, "tlbw" as const),
      }),
    },
    {
      weight: 3,
      arbitrary: fc.record({ k: fc.constant("user" as const), ops: fc.array(userOp, { minLength: 0, maxLength: 14, size: "max" }), interrupts: fc.boolean(), map: fc.boolean() }),
    },
    { weight: 2, arbitrary: fc.record({ k: fc.constant("alias" as const), ret0: fc.boolean(), map: fc.boolean() }) },
    { weight: 1, arbitrary: fc.record({ k: fc.constant("sub" as const), d: reg }) },
    { weight: 1, arbitrary: fc.record({ k: fc.constant("misaligned" as const), by: fc.integer({ min: 1, max: 3 }) }) },
  ];
  if (depth > 0) {
    simple.push({
      weight: 3,
      arbitrary: fc.record({ k: fc.constant("loop" as const), n: fc.integer({ min: 1, max: 6 }), body: fc.array(kernelOp(depth - 1), { minLength: 1, maxLength: 8 }) }),
    });
    simple.push({ weight: 2, arbitrary: fc.record({ k: fc.constant("low" as const), body: fc.array(kernelOp(depth - 1), { minLength: 1, maxLength: 8 }) }) });
  }
  return fc.oneof(...simple);
}

/** Random kernel plans; `fc.sample(kernelPlans(), { seed, numRuns: 1 })[0]` is kernel number `seed`. */
export function kernelPlans(): fc.Arbitrary<KernelPlan> {
  return fc.record({
    codePage: fc.constantFrom(0, 1, 2, 5),
    shared: fc.boolean(),
    timer: fc.oneof(fc.constant(0), fc.integer({ min: 150, max: 1200 })),
    interrupts: fc.boolean(),
    paging: fc.constantFrom("off" as const, "root0" as const, "root1" as const),
    large: fc.boolean(),
    foreign: fc.boolean(),
    lowVector: fc.boolean(),
    regs: fc.array(fc.integer({ min: -0x80000000, max: 0x7fffffff }), { minLength: REGS.length, maxLength: REGS.length }),
    ops: fc.array(kernelOp(1), { minLength: 1, maxLength: 80, size: "max" }),
  });
}

// ---------------------------------------------------------------------------- page tables
/** The walker's tables for one depth, built here and emitted as data; entry addresses are physical. */
class Tables {
  readonly pages = new Map<number, Int32Array>();
  private next = TABLES;
  readonly shifts: number[];
  readonly masks: number[];

  constructor(readonly levels: 2 | 3 | 4) {
    const bits = levels === 2 ? [10, 10] : levels === 3 ? [6, 7, 7] : [5, 5, 5, 5];
    let remaining = 20;
    this.shifts = bits.map((b) => (remaining -= b));
    this.masks = bits.map((b) => (1 << b) - 1);
  }

  table(): number {
    const frame = this.next;
    this.next += 0x1000;
    if (this.next > 0x40000) throw new Error("random kernel: page tables overflow their area");
    this.pages.set(frame, new Int32Array(1024));
    return frame;
  }

  /** Physical address of the entry for `va` at `level` (building tables above it). */
  entry(root: number, va: number, level: number): number {
    const vpn = va >>> 12;
    let table = root;
    for (let l = 0; l < level; l++) {
      const i = (vpn >>> this.shifts[l]!) & this.masks[l]!;
      const words = this.pages.get(table)!;
      if ((words[i]! & PTE_V) === 0) words[i] = this.table() | PTE_V;
      table = (words[i]! & ~0xfff) >>> 0;
    }
    return table + (((vpn >>> this.shifts[level]!) & this.masks[level]!) << 2);
  }

  set(addr: number, value: number): void {
    this.pages.get(addr & ~0xfff)![(addr & 0xfff) >>> 2] = value;
  }

  map(root: number, va: number, pte: number): number {
    const e = this.entry(root, va, this.levels - 1);
    this.set(e, pte);
    return e;
  }

  emit(): string[] {
    const out: string[] = [];
    for (const [frame, words] of this.pages) {
      out.push(`        .org    ${hex(KSEG + frame)}`);
      let zeros = 0;
      for (let i = 0; i < 1024; i++) {
        if (words[i] === 0) {
          zeros++;
          continue;
        }
        if (zeros) out.push(`        .space  ${zeros * 4}`);
        zeros = 0;
        out.push(`        .word   ${hex(words[i]!)}`);
      }
      if (zeros) out.push(`        .space  ${zeros * 4}`);
    }
    return out;
  }
}

// ---------------------------------------------------------------------------- rendering
interface Ctx {
  readonly profile: Profile;
  readonly walker: boolean;
  readonly x86: boolean;
  readonly options: KernelOptions;
  readonly plan: KernelPlan;
  /** Walker: the two roots and the entries the plan edits (physical). */
  readonly roots: [number, number];
  readonly entries: Record<string, number>;
  label: number;
  /** Code emitted elsewhere: user segments, subroutines, DMA templates. */
  readonly user: string[];
  readonly extra: string[];
  /** The trap vectors are the handlers' low aliases. */
  readonly low: boolean;
}

const FRAMES = [D0, D1, D2, FOREIGN_FRAME, KDATA];

/** The kernel for `plan` on `profile` (its levels), as assembly. */
export function renderKernel(plan: KernelPlan, profile: Profile, options: KernelOptions = {}): string {
  const walker = profile.mmu.kind === "walker";
  const levels = walker && profile.mmu.kind === "walker" ? profile.mmu.levels : 2;
  const t = new Tables(levels);
  const entries: Record<string, number> = {};
  let roots: [number, number] = [0, 0];
  if (walker) {
    roots = [t.table(), t.table()];
    roots.forEach((root, r) => {
      for (let pa = 0; pa < 0x20000; pa += 0x1000) t.map(root, pa, pa | PTE_V | PTE_W);
      t.map(root, KDATA, KDATA | PTE_V | PTE_W);
      t.map(root, KDATA + 0x1000, (KDATA + 0x1000) | PTE_V | PTE_W);
      for (let pa = UCODE; pa < UCODE + 0x4000; pa += 0x1000) entries[`ucode${r}_${pa}`] = t.map(root, pa, pa | PTE_V | PTE_U | (r === 0 ? PTE_W : 0));
      t.map(root, USTACK_TOP - 0x1000, (USTACK_TOP - 0x1000) | PTE_V | PTE_W | PTE_U);
      entries[`udata${r}`] = t.map(root, VA.udata, (r === 0 ? D0 : D1) | PTE_V | PTE_W | PTE_U);
      entries[`kwin${r}`] = t.map(root, VA.kwin, D2 | PTE_V | PTE_W);
      entries[`unmapped${r}`] = t.entry(root, VA.unmapped, levels - 1);
      if (plan.foreign) t.map(root, VA.foreign, FOREIGN_FRAME | PTE_V | PTE_W | PTE_U);
      if (plan.large) t.set(t.entry(root, VA.large, levels - 2), 0 | PTE_V | PTE_W | PTE_LARGE);
      entries[`nonleaf${r}`] = t.entry(root, VA.udata, 0);
      entries[`nonleafValue${r}`] = t.pages.get(root)![(entries[`nonleaf${r}`]! & 0xfff) >>> 2]!;
    });
    // The window on the leaf table that holds udata's entry (so a plain store through it is a page-table write).
    roots.forEach((root, r) => t.map(root, VA.ptwin, (entries[`udata${r}`]! & ~0xfff) | PTE_V | PTE_W));
  } else {
    // The software-TLB profile's refill handler reads a two-level table at CONTEXT: directory, one leaf table.
    const dir = t.table();
    const leaf = t.table();
    t.set(dir, (KSEG + leaf) | PTE_V);
    const put = (va: number, pte: number) => {
      const a = leaf + ((va >>> 12) & 1023) * 4;
      t.set(a, pte);
      return a;
    };
    for (let pa = 0; pa < 0x20000; pa += 0x1000) put(pa, pa | PTE_V | PTE_W);
    put(KDATA, KDATA | PTE_V | PTE_W);
    for (let pa = UCODE; pa < UCODE + 0x4000; pa += 0x1000) entries[`ucode0_${pa}`] = put(pa, pa | PTE_V | PTE_W);
    put(USTACK_TOP - 0x1000, (USTACK_TOP - 0x1000) | PTE_V | PTE_W);
    entries.udata0 = entries.udata1 = put(VA.udata, D0 | PTE_V | PTE_W);
    entries.kwin0 = put(VA.kwin, D2 | PTE_V | PTE_W);
    entries.unmapped0 = leaf + ((VA.unmapped >>> 12) & 1023) * 4;
    if (plan.foreign) put(VA.foreign, FOREIGN_FRAME | PTE_V | PTE_W);
    put(VA.ptwin, leaf | PTE_V | PTE_W);
    entries.nonleaf0 = dir;
    entries.nonleafValue0 = (KSEG + leaf) | PTE_V;
    entries.nonleafValue1 = 0;
    roots = [dir, dir];
  }
  const low = walker && plan.lowVector;
  const ctx: Ctx = { profile, walker, x86: profile.name === "x86-like", options, plan, roots, entries, label: 0, user: [], extra: [], low };
  const base = KSEG + plan.codePage * 0x1000;
  const lines: string[] = [];
  const emit = (...xs: string[]) => lines.push(...xs);
  emit(`; random kernel for ${profile.name}${walker ? ` (${levels} levels)` : ""}`, `        .org    ${hex(base)}`, `        .entry  main`);
  // At the page's first word: a subroutine reached through low aliases (and by a `ret` to 0 when this is page 0).
  const atZero = low && plan.codePage === 0;
  if (atZero) emit(...vector("v1", ctx, false));
  emit("stub0:  addi    r14, r14, 1", "        ret");
  if (!atZero) emit(`        .space  stub0 + 0x80 - .`, ...vector("v1", ctx, true));
  if (plan.shared) emit("        .align  4", ...dataArea(), "        .space  512", "kstack_top:");
  emit("main:   la      sp, kstack_top");
  if (!atZero) emit(...setVector("v1", ctx));
  if (!walker) emit(`        li      r1, ${hex(KSEG + roots[0])}`, "        wrcr    r1, CONTEXT");
  else if (plan.paging !== "off") emit(`        li      r1, ${hex(plan.paging === "root0" ? roots[0] : roots[1])}`, "        wrcr    r1, PTBR");
  REGS.forEach((r, i) => emit(`        li      r${r}, ${plan.regs[i] ?? 0}`));
  emit("        li      r13, 0");
  if (plan.timer) emit(`        li      r1, ${plan.timer}`, "        out     r1, 0x20");
  if (plan.interrupts) emit("        sti");
  for (const op of plan.ops) emit(...renderOp(op, ctx, false));
  emit("        mov     r2, r5");
  for (const r of REGS.slice(1)) emit(`        xor     r2, r2, r${r}`);
  emit("        call    puthex", "        li      r1, 10", "        out     r1, 0x10", "        halt");
  emit(...library(), ...ctx.extra);
  if (!plan.shared) emit(`        .org    ${hex(KSEG + KDATA)}`, ...dataArea(), `        .org    ${hex(KSEG + KSTACK_TOP - 4)}`, "        .word   0", "kstack_top:");
  emit(`        .org    ${hex(KSEG + VECTOR2)}`, "        .space  0x80", ...vector("v2", ctx, true));
  emit(`        .org    ${hex(KSEG + UCODE)}`, "ucode:", ...ctx.user, "        li      r1, 0", "        syscall 0");
  emit(...t.emit());
  return `${lines.join("\n")}\n`;
}

function dataArea(): string[] {
  return ["save:   .space  16", "resume: .word   0", "kdata:  .space  256", "        .align  4"];
}

/** Prints r2 as 8 hex digits and a space; clobbers r1..r4. */
function library(): string[] {
  return [
    "puthex: li      r4, 28",
    ".nib:   shr     r1, r2, r4",
    "        andi    r1, r1, 15",
    "        cmpi    r1, 10",
    "        blt     .dec",
    "        addi    r1, r1, 39",
    ".dec:   addi    r1, r1, 48",
    "        out     r1, 0x10",
    "        addi    r4, r4, -4",
    "        cmpi    r4, 0",
    "        bge     .nib",
    "        li      r1, 32",
    "        out     r1, 0x10",
    "        ret",
  ];
}

/**
 * The refill vector (TVEC - 0x80) and the trap handler. The handler prints 'a' + cause;
 * a timer interrupt, a trap from the kernel (SYSCALL, BRK, HCALL) and BRK or HCALL from
 * user mode return; SYSCALL from user mode with r1 = 1 prints r2 and returns; a fault in
 * the kernel skips the instruction, except a fetch fault, which goes on at `resume`;
 * anything else from user mode (SYSCALL with r1 = 0, a fault) goes on in the kernel at
 * `resume`, with interrupts off.
 */
function setVector(p: string, ctx: Ctx): string[] {
  return [ctx.low ? `        li      r1, ${p}_handler - ${hex(KSEG)}` : `        la      r1, ${p}_handler`, "        wrcr    r1, TVEC"];
}

function vector(p: string, ctx: Ctx, refill: boolean): string[] {
  const out: string[] = [];
  if (!refill) {
    // Nothing below the handler: the walker profiles have no refill vector.
  } else if (!ctx.walker) {
    out.push(
      `${p}_refill:`,
      "        wrcr    r1, SCRATCH",
      "        wrcr    r2, KSCRATCH",
      "        rdcr    r1, CONTEXT",
      "        lw      r1, 0(r1)",
      "        cmpi    r1, 0",
      `        beq     ${p}_slow`,
      "        rdcr    r2, BADADDR",
      "        shri    r2, r2, 10",
      "        andi    r2, r2, 0xffc",
      "        add     r1, r1, r2",
      "        lw      r2, -1(r1)",
      "        andi    r1, r2, 1",
      "        cmpi    r1, 0",
      `        beq     ${p}_slow`,
      "        rdcr    r1, BADADDR",
      "        tlbw    r1, r2",
      "        rdcr    r1, SCRATCH",
      "        rdcr    r2, KSCRATCH",
      "        rte",
      `${p}_slow:`,
      "        rdcr    r1, SCRATCH",
      "        rdcr    r2, KSCRATCH",
      `        jmp     ${p}_handler`,
    );
  } else out.push(`${p}_refill:`, `        jmp     ${p}_handler`);
  if (refill) out.push(`        .space  ${p}_refill + 0x80 - .`);
  out.push(
    `${p}_handler:`,
    "        wrcr    r1, SCRATCH",
    "        wrcr    r2, KSCRATCH",
    "        la      r1, save",
    "        sw      r3, 0(r1)",
    "        sw      r4, 4(r1)",
    "        rdcr    r2, CAUSE",
    "        andi    r3, r2, 0xff",
    "        addi    r4, r3, 'a'",
    "        out     r4, 0x10",
    "        cmpi    r3, 8",
    `        beq     ${p}_ret`,
    "        rdcr    r4, ESTATUS",
    "        cmpi    r4, 0",
    `        blt     ${p}_user`,
    "        cmpi    r3, 1",
    `        beq     ${p}_ret`,
    "        cmpi    r3, 2",
    `        beq     ${p}_ret`,
    "        cmpi    r3, 9",
    `        beq     ${p}_ret`,
    "        shri    r4, r2, 8",
    "        andi    r4, r4, 3",
    "        cmpi    r4, 2",
    `        beq     ${p}_resume`,
    `${p}_skip:`,
    "        rdcr    r4, EPC",
    "        addi    r4, r4, 4",
    "        wrcr    r4, EPC",
    `        jmp     ${p}_ret`,
    `${p}_user:`,
    "        cmpi    r3, 2",
    `        beq     ${p}_ret`,
    "        cmpi    r3, 9",
    `        beq     ${p}_ret`,
    "        cmpi    r3, 1",
    `        bne     ${p}_resume`,
    "        rdcr    r4, SCRATCH",
    "        cmpi    r4, 1",
    `        bne     ${p}_resume`,
    "        rdcr    r4, KSCRATCH",
    "        out     r4, 0x10",
    `        jmp     ${p}_ret`,
    `${p}_resume:`,
    "        la      r1, resume",
    "        lw      r4, 0(r1)",
    "        cmpi    r4, 0",
    `        beq     ${p}_skip`,
    "        li      r3, 0",
    "        sw      r3, 0(r1)",
    "        wrcr    r4, EPC",
    "        wrcr    r3, ESTATUS",
    `${p}_ret:`,
    "        la      r1, save",
    "        lw      r3, 0(r1)",
    "        lw      r4, 4(r1)",
    "        rdcr    r1, SCRATCH",
    "        rdcr    r2, KSCRATCH",
    "        rte",
  );
  return out;
}

const enc = (op: number, a: number, b: number, imm: number): number => ((op << 24) | (a << 20) | (b << 16) | (imm & 0xffff)) >>> 0;

function setResume(label: string): string[] {
  return [`        la      r1, ${label}`, "        la      r2, resume", "        sw      r1, 0(r2)"];
}
const clearResume = ["        li      r1, 0", "        la      r2, resume", "        sw      r1, 0(r2)"];

function vaOf(name: VaName): number {
  return VA[name];
}

function renderOp(op: KernelOp, ctx: Ctx, inLoop: boolean): string[] {
  const L = () => `k${ctx.label++}`;
  const { walker } = ctx;
  switch (op.k) {
    case "alu":
      return [`        ${op.op}     r${op.d}, r${op.a}, r${op.b}`];
    case "alui": {
      const unsigned = op.op === "andi" || op.op === "ori" || op.op === "xori";
      const shift = op.op === "shli" || op.op === "shri" || op.op === "sari";
      const imm = shift ? op.imm & 31 : unsigned ? op.imm & 0xffff : op.imm;
      return [`        ${op.op}    r${op.d}, r${op.a}, ${imm}`];
    }
    case "branch": {
      const l = L();
      return [`        cmp     r${op.a}, r${op.b}`, `        ${op.op}     ${l}`, `        addi    r${op.d}, r${op.d}, 1`, `${l}:`];
    }
    case "print":
      return [`        mov     r2, r${op.r}`, "        call    puthex"];
    case "kmem": {
      const word = op.op === "lw" || op.op === "sw";
      const off = word ? op.off & ~3 : op.off;
      if (op.code && (op.op === "sw" || op.op === "sb")) return [`        la      r1, kdata`, `        ${op.op}      r${op.r}, ${off}(r1)`];
      return [`        la      r1, ${op.code ? "main" : "kdata"}`, `        ${op.op}      r${op.r}, ${off}(r1)`];
    }
    case "vmem": {
      const word = op.op === "lw" || op.op === "sw";
      const store = op.op === "sw" || op.op === "sb";
      // Stores only where they cannot hit code or page tables (those are other actions).
      if (store && !["udata", "kwin", "unmapped", "foreign", "low"].includes(op.va)) return [];
      const off = (op.va === "low" && store ? 0x40 + (op.off & 0xff) : op.off) & (word ? ~3 : ~0);
      return [`        li      r1, ${hex(vaOf(op.va) + off)}`, `        ${op.op}      r${op.r}, 0(r1)`];
    }
    case "stack":
      return [`        push    r${op.a}`, `        pop     r${op.b}`];
    case "flags":
      return ["        pushf", `        pop     r${op.r}`, `        xori    r${op.r}, r${op.r}, ${op.mask}`, `        push    r${op.r}`, "        popf", "        pushf", `        pop     r${op.r}`];
    case "cli":
      return ["        cli"];
    case "sti":
      return ["        sti"];
    case "rdmode":
      return [`        rdmode  r${op.r}`, `        mov     r2, r${op.r}`, "        call    puthex"];
    case "rdtvec":
      return [`        rdtvec  r${op.r}`, `        mov     r2, r${op.r}`, "        call    puthex"];
    case "rdcr":
      return [`        rdcr    r${op.r}, ${op.cr}`];
    case "wrcr":
      // KSP, USP and the gate's registers take anything; TVEC, PTBR and CONTEXT have actions of their own.
      return [`        wrcr    r${op.r}, ${op.cr}`];
    case "tvec":
      return setVector(op.second ? "v2" : "v1", ctx);
    case "tlbi":
      return [`        li      r1, ${hex(vaOf(op.va))}`, "        tlbi    r1"];
    case "tlbflush":
      return ["        tlbflush"];
    case "tlbw": {
      const frame = { d0: D0, d1: D1, d2: D2, foreign: FOREIGN_FRAME, identity: vaOf(op.va) & ~0xfff, invalid: 0 }[op.frame];
      const lo = op.frame === "invalid" ? D1 : frame | PTE_V | (op.writable ? PTE_W : 0);
      // Not the code pages' entries: a wrong one there is a fetch fault loop.
      if (op.va === "zero" && op.frame !== "identity") return [];
      return [`        li      r1, ${hex(vaOf(op.va))}`, `        li      r2, ${hex(lo)}`, "        tlbw    r1, r2"];
    }
    case "pte":
      return renderPte(op, ctx);
    case "ptbr": {
      if (!walker) return ["        li      r1, 0", "        wrcr    r1, PTBR"];
      // A low trap vector needs the kernel's code mapped: no garbage root then.
      const value = { root0: ctx.roots[0], root1: ctx.roots[1], off: 0, garbage: ctx.low ? 0 : KDATA, outside: ctx.low ? ctx.roots[1] : 0x00800000 }[op.root];
      return [`        li      r1, ${hex(value)}`, "        wrcr    r1, PTBR"];
    }
    case "in":
      return [`        in      r${op.r}, ${op.port}`, `        mov     r2, r${op.r}`, "        call    puthex"];
    case "out": {
      // A timer period short enough to starve the handler is raised.
      const value = op.port === 0x20 && op.value !== 0 && op.value < 150 ? op.value + 150 : op.port === 0x90 ? op.value & 1 : op.value;
      return [`        li      r1, ${value}`, `        out     r1, ${op.port}`];
    }
    case "disk": {
      const addr = { data: KDATA + 0x200, d0: D0, dma: DMA, code: ctx.plan.codePage * 0x1000, outside: 0x003fff00 }[op.addr];
      // Reading a sector over the kernel's code is dmaCode's business.
      const cmd = op.addr === "code" && op.cmd === 1 ? 2 : op.cmd;
      return [
        `        li      r1, ${op.sector}`,
        "        out     r1, 0x30",
        `        li      r1, ${hex(addr)}`,
        "        out     r1, 0x31",
        `        li      r1, ${cmd}`,
        "        out     r1, 0x32",
        "        in      r2, 0x33",
        "        call    puthex",
      ];
    }
    case "dmaCode":
      return renderDmaCode(op, ctx);
    case "smc": {
      const word = enc(OP.ADDI, op.d, op.d, op.imm);
      if (!op.twice) {
        // The next instruction, rewritten just before it runs.
        const l = L();
        return [`        la      r1, ${l}`, `        li      r2, ${hex(word)}`, "        sw      r2, 0(r1)", `${l}:     xori    r${op.d}, r${op.d}, 0x5a5a`];
      }
      // A subroutine run, rewritten, and run again.
      const s = `smc${ctx.label++}`;
      ctx.extra.push(`${s}:  xori    r${op.d}, r${op.d}, 0x5a5a`, "        ret");
      return [
        `        la      r1, ${s}`,
        `        li      r2, ${hex(word)}`,
        "        sw      r2, 0(r1)",
        `        call    ${s}`,
        `        la      r1, ${s}`,
        `        li      r2, ${hex(enc(OP.XORI, op.d, op.d, 0x1234))}`,
        "        sw      r2, 0(r1)",
        `        call    ${s}`,
      ];
    }
    case "trap":
      return [`        ${op.which}  ${op.which === "hcall" ? op.imm & 0xff : op.imm}`];
    case "fault":
      switch (op.which) {
        case "word0":
          return ["        .word   0"];
        case "unassigned":
          return ["        .word   0xff000000"];
        case "div0":
          return ["        li      r1, 0", "        div     r2, r5, r1"];
        case "misaligned":
          return ["        la      r1, kdata", "        lw      r2, 2(r1)"];
        case "badcr":
          return ["        rdcr    r2, 16"];
        case "tlbw":
          return walker ? ["        tlbw    r1, r2"] : [];
      }
      return [];
    case "user":
      return renderUser(op, ctx);
    case "alias":
      return renderAlias(op, ctx);
    case "sub": {
      const l = `sub${ctx.label++}`;
      ctx.extra.push(
        `${l}:  push    r${op.d}`,
        `        addi    r${op.d}, r${op.d}, 7`,
        `        la      r1, kdata`,
        `        sw      r${op.d}, 8(r1)`,
        `        lw      r${op.d}, 8(r1)`,
        `        pop     r1`,
        `        add     r${op.d}, r${op.d}, r1`,
        "        ret",
      );
      return [`        call    ${l}`];
    }
    case "misaligned": {
      // A jump to an address that is not a multiple of 4: the fetch faults, the handler resumes after it.
      const l = L();
      return [...setResume(l), `        la      r1, ${l}`, `        ori     r1, r1, ${op.by}`, "        jr      r1", `${l}:`, ...clearResume];
    }
    case "low": {
      // Run a stretch of the kernel at its low alias (its physical address, translated): a
      // fetch fault there (the alias unmapped) goes on at the end, in kseg0.
      if (inLoop) return [];
      const l = L();
      return [
        ...setResume(`${l}_end`),
        `        la      r1, ${l}_low`,
        `        li      r2, ${hex(KSEG)}`,
        "        sub     r1, r1, r2",
        "        jr      r1",
        `${l}_low:`,
        // An action of the body that uses `resume` itself clears it: set it again after each.
        ...op.body.flatMap((b) => {
          const lines = renderOp(b, ctx, true);
          return lines.some((x) => x.includes("resume")) ? [...lines, ...setResume(`${l}_end`)] : lines;
        }),
        `        la      r1, ${l}_end`,
        "        jr      r1",
        `${l}_end:`,
        ...clearResume,
      ];
    }
    case "loop": {
      if (inLoop) return [];
      const l = L();
      return [
        `        li      r13, ${op.n}`,
        `${l}:`,
        ...op.body.flatMap((b) => renderOp(b, ctx, true)),
        "        addi    r13, r13, -1",
        "        cmpi    r13, 0",
        `        bgt     ${l}`,
        "        li      r13, 0",
      ];
    }
  }
}

function renderPte(op: Extract<KernelOp, { k: "pte" }>, ctx: Ctx): string[] {
  const { walker, entries } = ctx;
  const frame = FRAMES[op.frame % FRAMES.length]!;
  let addr: number;
  let value: number;
  let va: number;
  switch (op.entry) {
    case "nonleaf":
      // The root entry over the low region: root 1's table below it (a remap), or its own back
      // (software TLB: the directory entry removed or put back).
      addr = entries.nonleaf0!;
      value = op.frame & 1 ? entries.nonleafValue1! : entries.nonleafValue0!;
      va = -1;
      break;
    case "ucode":
      addr = entries[`ucode0_${UCODE}`]!;
      value = UCODE | PTE_V | PTE_U | (op.flags & PTE_W);
      va = UCODE;
      break;
    default:
      addr = entries[op.entry === "udata0" || op.entry === "udata1" ? op.entry : `${op.entry}0`]!;
      value = frame | op.flags;
      va = VA[op.entry === "udata0" || op.entry === "udata1" ? "udata" : op.entry];
  }
  const out: string[] = [`        li      r2, ${hex(value)}`];
  if (op.alias && (op.entry === "udata0" || op.entry === "udata1")) {
    // Through the window: a plain store into whichever leaf table the current root shows there.
    out.push(`        li      r1, ${hex(VA.ptwin + (addr & 0xfff))}`);
  } else out.push(`        li      r1, ${hex(KSEG + addr)}`);
  out.push("        sw      r2, 0(r1)");
  // The walker's TLB may keep the old translation until it is invalidated (ISA.md); the
  // software TLB is the kernel's own, so there a stale entry is architectural.
  if (walker || op.invalidate) {
    if (va < 0) out.push("        tlbflush");
    else out.push(`        li      r1, ${hex(va)}`, "        tlbi    r1");
  }
  return out;
}

function renderDmaCode(op: Extract<KernelOp, { k: "dmaCode" }>, ctx: Ctx): string[] {
  // 128 words of code, replaced by the disk's sector before they run: the sector holds
  // the template (written from it first), or zeros (an untouched sector: every word traps ILLEGAL).
  const l = `dma${ctx.label++}`;
  const words = 128;
  const template = Array.from({ length: words - 1 }, (_, i) => `        addi    r14, r14, ${i + 3}`);
  ctx.extra.push("        .align  4", `${l}_t:`, ...template, "        xori    r14, r14, 0x77");
  const sector = op.zero ? 200 + op.sector : op.sector;
  const out: string[] = [];
  if (!op.zero) {
    out.push(`        li      r1, ${sector}`, "        out     r1, 0x30", `        la      r1, ${l}_t - ${hex(KSEG)}`, "        out     r1, 0x31", "        li      r1, 2", "        out     r1, 0x32");
  }
  out.push(
    `        li      r1, ${sector}`,
    "        out     r1, 0x30",
    `        la      r1, ${l}_c - ${hex(KSEG)}`,
    "        out     r1, 0x31",
    "        li      r1, 1",
    "        out     r1, 0x32",
    `${l}_c:`,
    ...Array.from({ length: words }, () => "        addi    r14, r14, -1"),
  );
  return out;
}

function renderUser(op: Extract<KernelOp, { k: "user" }>, ctx: Ctx): string[] {
  const l = `u${ctx.label++}`;
  const back = `${l}_back`;
  const body: string[] = [`${l}:`];
  const sensitiveOk = !ctx.x86 || ctx.options.userSensitive === true;
  for (const u of op.ops) {
    switch (u.k) {
      case "alu":
        body.push(`        ${u.op}     r${u.d}, r${u.a === 13 ? 12 : u.a}, r${u.b === 13 ? 12 : u.b}`);
        break;
      case "alui": {
        const unsigned = u.op === "andi" || u.op === "ori" || u.op === "xori";
        const shift = u.op === "shli" || u.op === "shri" || u.op === "sari";
        body.push(`        ${u.op}    r${u.d}, r${u.a === 13 ? 12 : u.a}, ${shift ? u.imm & 31 : unsigned ? u.imm & 0xffff : u.imm}`);
        break;
      }
      case "mem": {
        const off = u.op === "lw" || u.op === "sw" ? u.off & ~3 : u.off;
        body.push(`        li      r1, ${hex(VA.udata + off)}`, `        ${u.op}      r${u.r}, 0(r1)`);
        break;
      }
      case "stack":
        body.push(`        push    r${u.a}`, `        pop     r${u.b}`);
        break;
      case "print":
        body.push("        li      r1, 1", `        mov     r2, r${u.r}`, "        syscall 0");
        break;
      case "trap":
        body.push(u.which === "syscall" ? "        li      r1, 1\n        li      r2, 64\n        syscall 3" : `        ${u.which}     ${u.which === "brk" ? 5 : 1}`);
        break;
      case "fault":
        body.push(
          ...{
            div0: ["        li      r1, 0", "        divu    r2, r5, r1"],
            word0: ["        .word   0"],
            priv: ["        cli"],
            kseg: ["        li      r1, 0x80020000", "        lw      r2, 0(r1)"],
            unmapped: [`        li      r1, ${hex(VA.unmapped)}`, "        lw      r2, 0(r1)"],
            rocode: [`        li      r1, ${hex(UCODE + 0x3ffc)}`, "        sw      r2, 0(r1)"],
            foreign: [`        li      r1, ${hex(VA.foreign)}`, "        lw      r2, 0(r1)"],
          }[u.which],
        );
        break;
      case "smc": {
        const t = `${l}_m${body.length}`;
        body.push(`        li      r1, ${t} - ${hex(KSEG)}`, `        li      r2, ${hex(enc(OP.ADDI, u.d, u.d, u.imm))}`, "        sw      r2, 0(r1)", `${t}:     xori    r${u.d}, r${u.d}, 0x33`);
        break;
      }
      case "sensitive":
        if (!sensitiveOk) break;
        body.push(u.which === "pushf" ? `        pushf\n        pop     r${u.r}` : u.which === "popf" ? `        push    r${u.r}\n        popf` : `        ${u.which}  r${u.r}`);
        break;
    }
  }
  body.push("        li      r1, 0", "        syscall 0");
  ctx.user.push(...body);
  const out: string[] = [];
  if (!ctx.walker && op.map) {
    // Install the process's pages rather than let the refill handler do it.
    for (const [va, lo] of [
      [UCODE, UCODE | 3],
      [USTACK_TOP - 0x1000, (USTACK_TOP - 0x1000) | 3],
      [VA.udata, D0 | 3],
    ] as const) {
      out.push(`        li      r1, ${hex(va)}`, `        li      r2, ${hex(lo)}`, "        tlbw    r1, r2");
    }
  }
  out.push(
    ...setResume(back),
    // No interrupt between here and RTE: its handler would overwrite EPC and ESTATUS.
    "        cli",
    "        wrcr    sp, KSP",
    `        li      r1, ${l} - ${hex(KSEG)}`,
    "        wrcr    r1, EPC",
    `        li      r1, ${hex(0x80000000 | (op.interrupts ? 0x200 : 0))}`,
    "        wrcr    r1, ESTATUS",
    `        li      r1, ${hex(USTACK_TOP)}`,
    "        wrcr    r1, USP",
    "        rte",
    `${back}:`,
    ...clearResume,
  );
  return out;
}

function renderAlias(op: Extract<KernelOp, { k: "alias" }>, ctx: Ctx): string[] {
  const l = `a${ctx.label++}`;
  // stub0's low alias: address 0 when the code starts at page 0 (and the handler is not there).
  const lowStub = `stub0 - ${hex(KSEG)}`;
  const out: string[] = [];
  if (!ctx.walker && op.map) out.push(`        li      r1, ${lowStub}`, `        li      r2, ${hex((ctx.plan.codePage * 0x1000) | 3)}`, "        tlbw    r1, r2");
  out.push(...setResume(l));
  if (op.ret0) out.push(`        la      r1, ${l}`, "        push    r1", `        li      r1, ${lowStub}`, "        push    r1", "        ret");
  else out.push(`        li      r1, ${lowStub}`, "        callr   r1");
  out.push(`${l}:`, ...clearResume);
  return out;
}
