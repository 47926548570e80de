// Popek & Goldberg's classification of the instruction set, found by execution: every
// instruction runs for exactly one step on fresh machines, from many seeded starting
// states, in kernel and in user mode, and what changed is compared. Nothing here reads
// the instruction table's `sensitivity` column or a profile's `privileged` set: the
// result is what those are checked against.
//
// Privileged state: the mode, IF, the control registers, the TLB and the devices
// (console, timer, disk), and whether the machine has halted. Unprivileged state: the
// sixteen registers, the condition codes, pc and memory.
import { CAUSE, CAUSE_NAMES, CR, CR_NAMES, FLAG_IF, type CrName, KSEG_BASE, MODE_KERNEL, MODE_USER, NUM_CRS, NUM_REGS, PAGE_SHIFT, PAGE_SIZE, PORT, PTE_U, PTE_W, SP } from "./arch.js";
import { encode, encodeJump } from "./encoding.js";
import { Machine } from "./machine.js";
import { PageTableBuilder } from "./mmu/page-table-builder.js";
import { INSTRUCTIONS, type OpInfo } from "./opcodes.js";
import type { Profile, ProfileName } from "./profiles.js";
import { hex } from "./hex.js";

export interface InstructionClass {
  readonly mnemonic: string;
  /** Traps PRIVILEGED in user mode from every state, never in kernel mode. */
  readonly privileged: boolean;
  /** Traps ILLEGAL in both modes from every state: the profile lacks it. */
  readonly absent: boolean;
  /** Traps with the same cause in both modes from every state (SYSCALL, BRK, HCALL). */
  readonly trapsByDesign: boolean;
  /** Changes privileged state when it runs without trapping. */
  readonly controlSensitive: boolean;
  /** Its effect depends on privileged state: the mode, IF, a control register, a device. */
  readonly behaviourSensitive: boolean;
  /** Runs in user mode without trapping and there reads or changes privileged state. */
  readonly userSensitive: boolean;
  /** The observations that showed each property. */
  readonly evidence: readonly string[];
}

export interface TheoremVerdict {
  readonly holds: boolean;
  /** Mnemonics of the instructions that break it, in table order. */
  readonly offenders: readonly string[];
}

export interface Classification {
  readonly profile: ProfileName;
  /** Starting states tried per instruction. */
  readonly states: number;
  readonly instructions: readonly InstructionClass[];
  /** Every sensitive instruction is privileged (or absent): a trap-and-emulate monitor can be built. */
  readonly theorem1: TheoremVerdict;
  /** Every user-sensitive instruction is privileged (or absent): a hybrid monitor can be built. */
  readonly theorem3: TheoremVerdict;
}

export interface ClassifyOptions {
  /** Starting states per instruction (default 12). */
  readonly states?: number;
  readonly seed?: number;
}

export const isSensitiveClass = (c: InstructionClass): boolean => c.controlSensitive || c.behaviourSensitive;

// Physical layout of every test machine. The same pages are mapped at the same virtual
// addresses in both modes (kseg0 in kernel mode, page table or TLB entries in user mode),
// so an instruction whose operands point into them sees one address space.
const MEMORY_BYTES = 64 * 1024;
const CODE_PA = 0x1000;
const INSTRUCTION_PA = 0x1100;
const DATA_PA = 0x2000; // two pages
const STACK_PA = 0x4000;
const OBSERVED_END = 0x5000; // code, data and stack: compared word by word
const TABLES_PA = 0x8000; // page tables, walker profiles
const MAPPED_PAGES = [CODE_PA, DATA_PA, DATA_PA + PAGE_SIZE, STACK_PA];
const DISK_SECTORS = 4;
const kseg = (pa: number): number => (KSEG_BASE + pa) >>> 0;

/** 16-bit immediates tried for the register+uimm16 form: every assigned port, then any. */
const PORT_IMMEDIATES = [PORT.CONSOLE_OUT, PORT.TIMER_PERIOD, PORT.TIMER_COUNT, PORT.DISK_SECTOR, PORT.DISK_ADDR, PORT.DISK_CMD, PORT.DISK_STATUS, PORT.POST];

/** Seeded pseudo-random numbers in [0, 1) (mulberry32): the classifier's machine states, the tests' random programs. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Rng = () => number;
const below = (rng: Rng, n: number): number => Math.floor(rng() * n);
const word32 = (rng: Rng): number => (rng() * 4294967296) | 0;
const dataPointer = (rng: Rng): number => kseg(DATA_PA + 64 + below(rng, (2 * PAGE_SIZE - 128) / 4) * 4) | 0;
const codePointer = (rng: Rng): number => kseg(CODE_PA + below(rng, PAGE_SIZE / 4) * 4) | 0;

/** Everything a run starts from, apart from memory and the disk's contents. */
interface Start {
  readonly regs: Int32Array;
  readonly cc: number;
  readonly intFlag: boolean;
  /** Control registers (PTBR is set by the layout; COUNT comes from `retired`). */
  readonly crs: Int32Array;
  readonly retired: number;
  readonly timerPeriod: number;
  readonly diskSector: number;
  readonly diskAddress: number;
  readonly diskStatus: number;
}

/** One starting state of one instruction. */
interface Trial {
  readonly start: Start;
  /** Physical bytes 0..OBSERVED_END. */
  readonly memory: Uint8Array;
  readonly disk: Uint8Array;
}

function register(rng: Rng): number {
  switch (below(rng, 3)) {
    case 0:
      return dataPointer(rng);
    case 1:
      return word32(rng);
    default:
      return below(rng, 4);
  }
}

function makeTrial(info: OpInfo, index: number, states: number, rng: Rng): Trial {
  const regs = new Int32Array(NUM_REGS);
  for (let r = 0; r < NUM_REGS; r++) regs[r] = register(rng);
  regs[SP] = kseg(STACK_PA + 0x100 + below(rng, 0xe00 / 4) * 4) | 0;
  const a = below(rng, NUM_REGS);
  const b = below(rng, NUM_REGS);
  const c = below(rng, NUM_REGS);
  let word: number;
  switch (info.form) {
    case "none":
      word = encode({ opcode: info.opcode });
      break;
    case "rrr":
      word = encode({ opcode: info.opcode, a, b, c });
      break;
    case "rri":
    case "rru":
    case "ri":
      word = encode({ opcode: info.opcode, a, b, imm: below(rng, 0x10000) });
      break;
    case "ru": {
      // Every port once, written with 1 (a console byte, a read command, ...), then any.
      const imm = index < PORT_IMMEDIATES.length ? PORT_IMMEDIATES[index]! : below(rng, 0x10000);
      if (index < PORT_IMMEDIATES.length) regs[a] = 1;
      word = encode({ opcode: info.opcode, a, imm });
      break;
    }
    case "rc":
      // Every control-register number, and one past the last.
      word = encode({ opcode: info.opcode, a, imm: index % (NUM_CRS + 1) });
      break;
    case "rr":
    case "r":
      word = encode({ opcode: info.opcode, a, b });
      break;
    case "m": {
      // The base register points into the data pages; one state is misaligned.
      if (b !== SP) regs[b] = dataPointer(rng);
      const imm = (below(rng, 32) - 16) * 4 + (index === states - 1 ? 2 : 0);
      word = encode({ opcode: info.opcode, a, b, imm });
      break;
    }
    case "j":
      word = encodeJump(info.opcode, below(rng, 2000) - 1000);
      break;
    case "u":
      word = encode({ opcode: info.opcode, imm: below(rng, 0x10000) });
      break;
  }
  const crs = new Int32Array(NUM_CRS);
  for (let n = 0; n < NUM_CRS; n++) crs[n] = word32(rng);
  crs[CR.EPC] = rng() < 0.5 ? codePointer(rng) : word32(rng);
  crs[CR.TVEC] = codePointer(rng);
  crs[CR.COUNT] = 0;
  const memory = new Uint8Array(OBSERVED_END);
  const words = new Int32Array(memory.buffer);
  for (let w = DATA_PA / 4; w < OBSERVED_END / 4; w++) words[w] = word32(rng);
  words[INSTRUCTION_PA / 4] = word;
  const disk = new Uint8Array(DISK_SECTORS * 512);
  for (let i = 0; i < disk.length; i++) disk[i] = below(rng, 256);
  return {
    memory,
    disk,
    start: {
      regs,
      cc: below(rng, 16),
      intFlag: rng() < 0.5,
      crs,
      retired: below(rng, 1_000_000),
      timerPeriod: rng() < 0.5 ? 0 : 100 + below(rng, 10_000),
      diskSector: below(rng, DISK_SECTORS + 2),
      diskAddress: rng() < 0.8 ? DATA_PA + below(rng, 2 * PAGE_SIZE) : MEMORY_BYTES + below(rng, MEMORY_BYTES),
      diskStatus: below(rng, 4),
    },
  };
}

/**
 * One part of the starting privileged state. The behaviour comparisons change all of
 * them at once; when that changes the outcome, they are changed one at a time to find
 * which one the instruction depends on.
 */
interface Group {
  /** The snapshot components it sets: ignored when the two outcomes are compared. */
  readonly components: readonly Component[];
  /** `base` with this group's part taken from `changed`. */
  take(base: Start, changed: Start): Start;
  describe(s: Start): string;
}

const crGroup = (name: CrName): Group => ({
  components: [name],
  take: (base, changed) => {
    const crs = base.crs.slice();
    crs[CR[name]] = changed.crs[CR[name]]!;
    return { ...base, crs };
  },
  describe: (s) => `${name} = ${hex(s.crs[CR[name]]!)}`,
});

const GROUPS: readonly Group[] = [
  { components: ["IF"], take: (base, changed) => ({ ...base, intFlag: changed.intFlag }), describe: (s) => `IF = ${s.intFlag ? 1 : 0}` },
  ...CR_NAMES.filter((n) => n !== "PTBR" && n !== "COUNT").map(crGroup),
  { components: ["COUNT"], take: (base, changed) => ({ ...base, retired: changed.retired }), describe: (s) => `COUNT = ${s.retired}` },
  {
    components: ["timer period", "timer left", "timer pending"],
    take: (base, changed) => ({ ...base, timerPeriod: changed.timerPeriod }),
    describe: (s) => `timer period ${s.timerPeriod}`,
  },
  {
    components: ["disk sector", "disk address", "disk status"],
    take: (base, changed) => ({ ...base, diskSector: changed.diskSector, diskAddress: changed.diskAddress, diskStatus: changed.diskStatus }),
    describe: (s) => `disk sector ${s.diskSector}, address ${hex(s.diskAddress)}, status ${s.diskStatus}`,
  },
];
const ALL_GROUPS: ReadonlySet<Component> = new Set(GROUPS.flatMap((g) => g.components));

/** `s` with every part of the privileged state (but PTBR: the address space) changed. */
function changeEverything(s: Start, rng: Rng): Start {
  const crs = s.crs.slice();
  for (const name of CR_NAMES) {
    if (name === "PTBR" || name === "COUNT") continue;
    let v = name === "TVEC" || name === "EPC" ? codePointer(rng) : word32(rng);
    if (v === crs[CR[name]]) v = ~v;
    crs[CR[name]] = v;
  }
  return {
    ...s,
    intFlag: !s.intFlag,
    crs,
    retired: s.retired + 1 + below(rng, 100_000),
    timerPeriod: s.timerPeriod === 0 ? 100 + below(rng, 10_000) : 0,
    diskSector: (s.diskSector + 1 + below(rng, DISK_SECTORS - 1)) % DISK_SECTORS,
    diskAddress: DATA_PA + ((s.diskAddress + 4 + below(rng, 1000)) % (2 * PAGE_SIZE - 512)),
    diskStatus: (s.diskStatus + 1) % 4,
  };
}

/**
 * Privileged state as components, in a fixed order. "timer due" (absolute) is compared
 * within one run, "timer left" and COUNT across runs that may start at different counts.
 */
const COMPONENTS = [
  "mode",
  "IF",
  ...CR_NAMES,
  "TLB",
  "console",
  "timer period",
  "timer due",
  "timer left",
  "timer pending",
  "disk sector",
  "disk address",
  "disk status",
  "disk contents",
  "halted",
] as const;
type Component = (typeof COMPONENTS)[number];
const ACROSS_RUNS_ONLY: ReadonlySet<Component> = new Set(["COUNT", "timer left"]);
const WITHIN_RUN_ONLY: ReadonlySet<Component> = new Set(["timer due"]);

function privileged(m: Machine): (number | string)[] {
  const cpu = m.cpu;
  const v: (number | string)[] = [cpu.mode, (cpu.flags & FLAG_IF) !== 0 ? 1 : 0];
  for (let n = 0; n < NUM_CRS; n++) v.push(cpu.readCr(n) >>> 0);
  let tlb = "";
  for (let s = 0; s < cpu.tlb.size; s++) {
    const vpn = cpu.tlb.vpn[s]!;
    if (vpn >= 0) tlb += `${vpn}:${cpu.tlb.frame[s]}:${cpu.tlb.flags[s]} `;
  }
  v.push(tlb);
  v.push(m.console.size === 0 ? "" : String.fromCharCode(...m.console.output()));
  v.push(cpu.timerPeriod, cpu.timerDeadline, cpu.timerPeriod === 0 ? 0 : cpu.timerDeadline - cpu.retired, cpu.timerPending ? 1 : 0);
  v.push(m.disk.sector >>> 0, m.disk.address >>> 0, m.disk.status, m.disk.writes === 0 ? 0 : checksum(m.disk.data), cpu.halted ? 1 : 0);
  return v;
}

function checksum(bytes: Uint8Array): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < bytes.length; i++) h = Math.imul(h ^ bytes[i]!, 0x01000193);
  return h >>> 0;
}

/** A component's value as evidence text. */
function show(c: Component, v: number | string): string {
  switch (c) {
    case "mode":
      return v === MODE_USER ? "user" : "kernel";
    case "TLB":
      return `${String(v).split(" ").length - 1} entries`;
    case "console":
      return JSON.stringify(v);
    case "timer pending":
    case "halted":
      return v ? "yes" : "no";
    case "disk contents":
      return v === 0 ? "as loaded" : "written";
    default:
      return typeof v === "number" && (CR_NAMES as readonly string[]).includes(c) && c !== "COUNT" ? hex(v) : String(v);
  }
}

interface Run {
  readonly machine: Machine;
  /** Trap cause taken by the step, 0 if none. */
  readonly trap: number;
  /** Privileged state changes made by the step (empty if it trapped). */
  readonly changes: readonly string[];
}

function runOnce(profile: Profile, trial: Trial, start: Start, mode: number): Run {
  const m = new Machine({ profile, memoryBytes: MEMORY_BYTES, diskSectors: DISK_SECTORS, diskContents: trial.disk });
  const cpu = m.cpu;
  m.memory.u8.set(trial.memory);
  let root = 0;
  if (profile.mmu.kind === "walker") {
    let next = TABLES_PA;
    const tables = new PageTableBuilder(m.memory.i32, profile.mmu.levels, () => (next += PAGE_SIZE) - PAGE_SIZE);
    for (const pa of MAPPED_PAGES) tables.map(kseg(pa), pa, PTE_W | PTE_U);
    root = tables.root;
  }
  // The TLB holds the mapped pages already (on walker profiles as a walk would fill it).
  for (const pa of MAPPED_PAGES) cpu.tlb.insert(kseg(pa) >>> PAGE_SHIFT, pa, PTE_W | PTE_U);
  cpu.regs.set(start.regs);
  cpu.crs.set(start.crs);
  cpu.crs[CR.PTBR] = root;
  cpu.pc = kseg(INSTRUCTION_PA);
  cpu.mode = mode;
  cpu.flags = start.cc | (start.intFlag ? FLAG_IF : 0);
  cpu.retired = start.retired;
  cpu.setTimer(start.timerPeriod);
  m.disk.sector = start.diskSector;
  m.disk.address = start.diskAddress;
  m.disk.status = start.diskStatus;
  cpu.translationChanged();

  const before = privileged(m);
  const trapsBefore = cpu.trapsByCause.slice();
  m.run(1);
  const trap = trapsBefore.findIndex((n, cause) => cpu.trapsByCause[cause] !== n);
  const changes: string[] = [];
  if (trap < 0) {
    const after = privileged(m);
    COMPONENTS.forEach((c, i) => {
      if (ACROSS_RUNS_ONLY.has(c) || after[i] === before[i]) return;
      if (c === "halted") changes.push("halts");
      else if (c === "disk contents") changes.push("disk contents written");
      else changes.push(`${c} ${show(c, before[i]!)} -> ${show(c, after[i]!)}`);
    });
  }
  return { machine: m, trap: Math.max(trap, 0), changes };
}

const modeName = (mode: number): string => (mode === MODE_USER ? "user mode" : "kernel mode");
const trapText = (cause: number): string => (cause === 0 ? "runs" : `traps ${CAUSE_NAMES[cause]}`);

/**
 * The first difference between two runs' outcomes outside `ignore` (the components
 * their starting states differ in), as "what = A <labelA>, B <labelB>"; undefined if none.
 */
function difference(x: Run, y: Run, ignore: ReadonlySet<Component>, lx: string, ly: string): string | undefined {
  if (x.trap !== 0 || y.trap !== 0) {
    return x.trap === y.trap ? undefined : `${trapText(x.trap)} ${lx}, ${trapText(y.trap)} ${ly}`;
  }
  const a = x.machine.cpu;
  const b = y.machine.cpu;
  for (let r = 0; r < NUM_REGS; r++) {
    if (a.regs[r] !== b.regs[r]) return `r${r} = ${hex(a.regs[r]!)} ${lx}, ${hex(b.regs[r]!)} ${ly}`;
  }
  if (a.pc !== b.pc) return `pc = ${hex(a.pc)} ${lx}, ${hex(b.pc)} ${ly}`;
  if ((a.flags & 0xf) !== (b.flags & 0xf)) return `condition codes = ${a.flags & 0xf} ${lx}, ${b.flags & 0xf} ${ly}`;
  const ma = x.machine.memory.i32;
  const mb = y.machine.memory.i32;
  for (let w = 0; w < OBSERVED_END / 4; w++) {
    if (ma[w] !== mb[w]) return `word at ${hex(kseg(w * 4))} = ${hex(ma[w]!)} ${lx}, ${hex(mb[w]!)} ${ly}`;
  }
  const pa = privileged(x.machine);
  const pb = privileged(y.machine);
  for (const [i, c] of COMPONENTS.entries()) {
    if (ignore.has(c) || WITHIN_RUN_ONLY.has(c) || pa[i] === pb[i]) continue;
    return `${c} afterwards = ${show(c, pa[i]!)} ${lx}, ${show(c, pb[i]!)} ${ly}`;
  }
  return undefined;
}

/**
 * Which single part of the privileged state changes the outcome of `base`'s run, as
 * evidence ("r1 = 0x... with TVEC = 0x..., 0x... with TVEC = 0x..."), or undefined.
 */
function culprit(profile: Profile, trial: Trial, base: Run, changed: Start, mode: number): string | undefined {
  for (const g of GROUPS) {
    const start = g.take(trial.start, changed);
    const d = difference(base, runOnce(profile, trial, start, mode), new Set(g.components), `with ${g.describe(trial.start)}`, `with ${g.describe(start)}`);
    if (d !== undefined) return d;
  }
  return undefined;
}

/** Evidence kinds, in the order they are reported. */
const EVIDENCE_ORDER = [`control ${MODE_KERNEL}`, `control ${MODE_USER}`, "mode", `state ${MODE_KERNEL}`, `state ${MODE_USER}`];

class Findings {
  control = false;
  behaviour = false;
  user = false;
  private readonly notes = new Map<string, string>();

  has(kind: string): boolean {
    return this.notes.has(kind);
  }

  /** Keeps the first observation of each kind. */
  note(kind: string, text: string): void {
    if (!this.notes.has(kind)) this.notes.set(kind, text);
  }

  get evidence(): string[] {
    return EVIDENCE_ORDER.filter((k) => this.notes.has(k)).map((k) => this.notes.get(k)!);
  }
}

function classifyInstruction(profile: Profile, open: Profile, info: OpInfo, states: number, seed: number): InstructionClass {
  const f = new Findings();
  let privilegedEverywhere = true;
  let illegalEverywhere = true;
  let sameTrapEverywhere = true;
  let trapCause = -1;
  let userRuns = 0;
  const modeIgnored = new Set<Component>(["mode"]);

  for (let i = 0; i < states; i++) {
    const rng = seededRandom(seed ^ Math.imul(info.opcode, 0x9e3779b1) ^ Math.imul(i + 1, 0x85ebca6b));
    const trial = makeTrial(info, i, states, rng);
    const kernel = runOnce(profile, trial, trial.start, MODE_KERNEL);
    const user = runOnce(profile, trial, trial.start, MODE_USER);

    if (!(user.trap === CAUSE.PRIVILEGED && kernel.trap !== CAUSE.PRIVILEGED)) privilegedEverywhere = false;
    if (!(user.trap === CAUSE.ILLEGAL && kernel.trap === CAUSE.ILLEGAL)) illegalEverywhere = false;
    if (kernel.trap === 0 || kernel.trap !== user.trap || (trapCause >= 0 && trapCause !== kernel.trap)) sameTrapEverywhere = false;
    trapCause = kernel.trap;
    if (user.trap === 0) userRuns++;
    if (kernel.trap === CAUSE.ILLEGAL && user.trap === CAUSE.ILLEGAL) continue; // nothing ran

    // Control: privileged state changed by a step that did not trap.
    const control = (run: Run, mode: number) => {
      if (run.changes.length === 0) return;
      f.control = true;
      if (mode === MODE_USER) f.user = true;
      f.note(`control ${mode}`, `${modeName(mode)}: ${run.changes.join(", ")}`);
    };
    control(kernel, MODE_KERNEL);

    // Behaviour across modes: on the profile itself when user mode runs it; when it traps
    // PRIVILEGED there, on a copy of the profile where nothing is privileged, to see what
    // it would do in user mode.
    if (user.trap === CAUSE.PRIVILEGED) {
      const untrapped = runOnce(open, trial, trial.start, MODE_USER);
      const d = difference(kernel, untrapped, modeIgnored, "in kernel mode", "in user mode (were it not privileged)");
      if (d) {
        f.behaviour = true;
        f.note("mode", d);
      }
    } else {
      control(user, MODE_USER);
      const d = difference(kernel, user, modeIgnored, "in kernel mode", "in user mode");
      if (d) {
        f.behaviour = true;
        f.user = true;
        f.note("mode", d);
      }
    }

    // Behaviour across privileged states: the same mode, the privileged state changed.
    const changed = changeEverything(trial.start, seededRandom(seed ^ Math.imul(info.opcode + 1, 0x27d4eb2f) ^ Math.imul(i + 1, 0x165667b1)));
    const across = (base: Run, mode: number): boolean => {
      const run = runOnce(profile, trial, changed, mode);
      control(run, mode);
      const d = difference(base, run, ALL_GROUPS, "as started", "with every privileged register and device changed");
      if (d === undefined) return false;
      const kind = `state ${mode}`;
      if (!f.has(kind)) f.note(kind, `${modeName(mode)}: ${culprit(profile, trial, base, changed, mode) ?? d}`);
      return true;
    };
    if (across(kernel, MODE_KERNEL)) f.behaviour = true;
    if (user.trap !== CAUSE.PRIVILEGED && user.trap !== CAUSE.ILLEGAL && across(user, MODE_USER)) f.behaviour = f.user = true;
  }

  const absent = illegalEverywhere;
  const privileged = privilegedEverywhere && !absent;
  const trapsByDesign = sameTrapEverywhere && !absent && trapCause > 0 && trapCause !== CAUSE.PRIVILEGED;
  const evidence: string[] = [];
  if (absent) evidence.push(`traps ILLEGAL in both modes from all ${states} states: not on this profile`);
  if (privileged) evidence.push(`traps PRIVILEGED in user mode from all ${states} states, never in kernel mode`);
  if (trapsByDesign) {
    evidence.push(`traps ${CAUSE_NAMES[trapCause]} in both modes by design (not because of the mode): innocuous`);
  }
  if (!absent && !privileged && (f.control || f.behaviour) && userRuns > 0) {
    evidence.push(`runs in user mode without trapping (from ${userRuns} of ${states} states)`);
  }
  evidence.push(...f.evidence);
  if (!absent && !privileged && !trapsByDesign && !f.control && !f.behaviour) {
    evidence.push(`same outcome in both modes and under every privileged-state change, from all ${states} states`);
  }
  return {
    mnemonic: info.mnemonic,
    privileged,
    absent,
    trapsByDesign,
    controlSensitive: !absent && f.control,
    behaviourSensitive: !absent && f.behaviour,
    userSensitive: !absent && !privileged && f.user,
    evidence,
  };
}

/** Classifies every instruction of `profile` by running it (see the header comment). */
export function classifyProfile(profile: Profile, options: ClassifyOptions = {}): Classification {
  const states = options.states ?? 12;
  const seed = options.seed ?? 0x5eed;
  if (!Number.isInteger(states) || states < 1) throw new RangeError(`states must be a positive integer (got ${states})`);
  const open: Profile = { ...profile, privileged: new Set() };
  const instructions = INSTRUCTIONS.map((info) => classifyInstruction(profile, open, info, states, seed));
  const escapes = (c: InstructionClass) => !c.privileged && !c.absent;
  const offenders1 = instructions.filter((c) => isSensitiveClass(c) && escapes(c)).map((c) => c.mnemonic);
  const offenders3 = instructions.filter((c) => c.userSensitive && escapes(c)).map((c) => c.mnemonic);
  return {
    profile: profile.name,
    states,
    instructions,
    theorem1: { holds: offenders1.length === 0, offenders: offenders1 },
    theorem3: { holds: offenders3.length === 0, offenders: offenders3 },
  };
}
