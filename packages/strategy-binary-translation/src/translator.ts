// The translator: reads guest kernel code (the real encoded words in guest memory),
// finds its basic blocks, and compiles each guest page's known blocks into one
// JavaScript function, a *region*. Inside a region, guest registers live in locals,
// direct branches between its blocks are chained (a jump to the next case of a loop
// over a switch, so guest loops become JavaScript loops), and innocuous instructions
// translate one-to-one. Privileged and sensitive instructions, and system calls, end a
// block and leave the region as a callout for the monitor to carry out on the
// virtual CPU without any trap. Guest pcs stay the guest's: a fault names the pc of
// the instruction that faulted.
import { BRANCH_TAKEN_MASK, BY_OPCODE, CAUSE, compareFlags, hex, immediateOf, PAGE_SIZE, TRAP_CAUSE, type Profile } from "@vmlab/isa";

/** Why a region returned (BtState.exit). */
export const EXIT_DISPATCH = 0; // continue at S.pc (outside the region, or not enough budget for the next block)
export const EXIT_FAULT = 1; // the instruction at S.pc faulted (S.fault* set); it did not retire
export const EXIT_CALLOUT = 2; // the instruction at S.pc is for the monitor to emulate (not yet retired)
export const EXIT_TRAP = 3; // SYSCALL/BRK/HCALL at S.pc retired: trap with S.trapCause, EPC = S.pc + 4
export const EXIT_CODE_WRITTEN = 4; // a store changed translated code; continue at S.pc
export const EXIT_AFTER_CALLOUT = 5; // a callout changed the course (a trap return, an interrupt, a fault): continue at S.pc

/** Largest block, in instructions. */
const MAX_BLOCK = 64;

export interface Block {
  /** Index of the first instruction within the page (pc = page + 4 * index). */
  readonly start: number;
  /** Instructions compiled inline (the terminating callout, if any, excluded). */
  readonly length: number;
  /** The block ends with an instruction for the monitor (callout or trap). */
  readonly endsInCallout: boolean;
}

export interface RegionCode {
  readonly blocks: Block[];
  /** Direct branches between blocks compiled into the same function (chained). */
  readonly chains: number;
  readonly instructions: number;
  readonly callouts: number;
  /**
   * The page's blocks, compiled as a few functions of neighbouring blocks (small
   * enough for the JavaScript engine to optimize); `fnOf[i]` is the function whose
   * switch has the block starting at word i, -1 where none starts.
   */
  readonly fns: RegionFunction[];
  readonly fnOf: Int16Array;
}

/** Instructions per compiled function, about (a function the engine will still optimize). */
const CHUNK = 160;

export type RegionFunction = (S: BtStateLike, r: Int32Array) => void;

/** What generated code reads and writes (see BtState). */
export interface BtStateLike {
  pc: number;
  left: number;
  flags: number;
  exit: number;
  trapCause: number;
  rk: number;
  rb: number;
  wk: number;
  wb: number;
  sk: number;
  sb: number;
  indirect: number;
  readonly m: Int32Array;
  readonly u8: Uint8Array;
  readonly cp: Uint8Array;
  /** Adaptive flags of the region being run (word index -> store runs as a callout). */
  ad: Uint8Array;
  /** Slow paths: return the value, or set exit = EXIT_FAULT. */
  lw(va: number, pc: number): number;
  lb(va: number, pc: number): number;
  /** Slow path of a store: 0 done, 1 faulted, 2 done but translated code changed. */
  sw(va: number, value: number, size: number, pc: number): number;
  /**
   * A callout for instruction `word` at `pc`, with `left` instructions allowed: sets
   * S.left to what is left after it, and returns 1 to go on at pc + 4, 0 to leave the
   * region at S.pc.
   */
  co(word: number, pc: number, left: number): number;
  /** An adaptively retranslated store: done by the monitor, without a trap. */
  swCallout(va: number, value: number, size: number, pc: number): number;
}

const COMPILED = new Map<string, RegionCode>();

function fnv(words: Int32Array): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < words.length; i++) h = Math.imul(h ^ words[i]!, 0x01000193);
  return (h >>> 0).toString(16);
}

export class Translator {
  /** What decides the translation besides the code: which instructions are callouts. */
  private readonly profileKey: string;
  /** Opcodes the monitor must carry out (privileged, sensitive, traps, absent, unassigned). */
  private readonly callout = new Uint8Array(256);
  private readonly trapOp = new Uint8Array(256);
  private readonly absent: Profile["absent"];

  constructor(profile: Profile) {
    this.profileKey = `${profile.name}`;
    this.absent = profile.absent;
    for (let op = 0; op < 256; op++) {
      const info = BY_OPCODE[op];
      if (!info || profile.absent.has(info.mnemonic) || info.sensitivity !== "innocuous" || profile.privileged.has(info.mnemonic)) {
        this.callout[op] = 1;
      }
      // SYSCALL, BRK, HCALL: retire, then trap (reflected by the monitor).
      if (TRAP_CAUSE[op] !== 0) this.callout[op] = this.trapOp[op] = 1;
    }
  }

  /** True when this opcode traps ILLEGAL on the profile (unassigned or absent). */
  illegal(op: number): boolean {
    const info = BY_OPCODE[op];
    return !info || this.absent.has(info.mnemonic);
  }

  /** True when the monitor must carry out this opcode. */
  needsMonitor(op: number): boolean {
    return this.callout[op] === 1;
  }

  /** Block starts found by reading the page from its first word to its last. */
  private sweep(words: Int32Array): number[] {
    const starts: number[] = [];
    let start = 0;
    // Stop where the code ends: a word that is no instruction starts the page's data.
    while (start < words.length && BY_OPCODE[words[start]! >>> 24] !== undefined) {
      starts.push(start);
      const b = this.block(words, start);
      start = b.start + b.length + (b.endsInCallout ? 1 : 0);
      if (b.length === 0 && !b.endsInCallout) start++;
    }
    return starts;
  }

  /** Finds the basic block at word index `start` of a page. */
  private block(words: Int32Array, start: number): Block & { targets: number[]; fallthrough: boolean } {
    const targets: number[] = [];
    let i = start;
    let n = 0;
    for (;;) {
      const w = words[i]!;
      const op = w >>> 24;
      const info = BY_OPCODE[op];
      // After a callout the guest usually goes on with the next instruction: translate it too.
      if (this.callout[op]) {
        if (i + 1 < words.length && info !== undefined && info.flow !== "leave") targets.push(i + 1);
        return { start, length: n, endsInCallout: true, targets, fallthrough: false };
      }
      n++;
      if (info!.flow !== "next") {
        // A direct target within the page is a block; a conditional branch falls through,
        // and a call returns to the next instruction.
        if (info!.immediate === "offset") {
          const t = i + 1 + ((w << 8) >> 8);
          if (t >= 0 && t < words.length) targets.push(t);
        }
        if ((info!.flow === "branch" || info!.flow === "call") && i + 1 < words.length) targets.push(i + 1);
        return { start, length: n, endsInCallout: false, targets, fallthrough: false };
      }
      i++;
      if (i >= words.length || n >= MAX_BLOCK) return { start, length: n, endsInCallout: false, targets, fallthrough: i < words.length };
    }
  }

  /**
   * Compiles the blocks of one guest page reachable from the given entry points by
   * direct branches within the page. `words` are the page's instruction words,
   * `base` its guest virtual address; a store whose word index is set in `adaptive`
   * runs as a monitor callout (it kept trapping): setting or clearing a flag there
   * retranslates that one store without compiling the page again.
   */
  compile(words: Int32Array, base: number, entries: Iterable<number>): RegionCode {
    // Generated code depends only on the words, their address and the entry points, so
    // the host compiles it once per process (every run still counts its own translation).
    const entryList = [...new Set([...entries])].sort((a, b) => a - b);
    const key = `${this.profileKey}:${base}:${fnv(words)}:${entryList.join(",")}`;
    const cached = COMPILED.get(key);
    if (cached) return cached;
    const code = this.compileUncached(words, base, entryList);
    if (COMPILED.size > 4096) COMPILED.clear();
    COMPILED.set(key, code);
    return code;
  }

  private compileUncached(words: Int32Array, base: number, entries: readonly number[]): RegionCode {
    const blocks = new Map<number, Block>();
    const edges: [number, number][] = [];
    // Translate the whole page at once (a linear sweep: every instruction after a block's
    // end starts one), so a page is compiled once rather than once per new entry point.
    const work = [...entries, ...this.sweep(words)];
    while (work.length > 0) {
      const start = work.pop()!;
      if (blocks.has(start)) continue;
      const b = this.block(words, start);
      blocks.set(start, { start: b.start, length: b.length, endsInCallout: b.endsInCallout });
      for (const t of b.targets) {
        edges.push([start, t]);
        if (!blocks.has(t)) work.push(t);
      }
      if (b.fallthrough) {
        edges.push([start, b.start + b.length]);
        work.push(b.start + b.length);
      }
    }
    const list = [...blocks.values()].sort((a, b) => a.start - b.start);
    const fnOf = new Int16Array(words.length).fill(-1);
    const fns: RegionFunction[] = [];
    let chunk: Block[] = [];
    let size = 0;
    const flush = () => {
      if (chunk.length === 0) return;
      for (const b of chunk) fnOf[b.start] = fns.length;
      fns.push(this.generate(words, base, chunk));
      chunk = [];
      size = 0;
    };
    for (const b of list) {
      if (size >= CHUNK) flush();
      chunk.push(b);
      size += b.length + 1;
    }
    flush();
    let instructions = 0;
    let callouts = 0;
    for (const b of list) {
      instructions += b.length;
      if (b.endsInCallout) callouts++;
    }
    const chains = edges.filter(([from, to]) => fnOf[from] === fnOf[to]).length;
    return { blocks: list, chains, instructions, callouts, fns, fnOf };
  }

  private generate(words: Int32Array, base: number, blocks: readonly Block[]): RegionFunction {
    const pageWords = PAGE_SIZE / 4;
    const out: string[] = [];
    const emit = (s: string) => out.push(s);
    const R = (n: number) => `r${n}`;
    emit(`const m = S.m, u8 = S.u8, cp = S.cp, ad = S.ad;`);
    emit(`let ${Array.from({ length: 16 }, (_, k) => `r${k} = r[${k}]`).join(", ")};`);
    // Page translations cached for the region: loads (rk), stores (wk) and the stack (sk,
    // filled by a store, so good for both), so stack traffic does not evict the data's.
    emit(`let f = S.flags, left = S.left, pc = S.pc | 0, rk = S.rk, rb = S.rb, wk = S.wk, wb = S.wb, sk = S.sk, sb = S.sb, va = 0, pa = 0, v = 0, x = 0;`);
    emit(`run: for (;;) {`);
    emit(`switch ((pc & 3) === 0 ? ((pc - ${base | 0}) | 0) >> 2 : -1) {`);
    for (const b of blocks) {
      emit(`case ${b.start}: {`);
      if (b.length > 0) {
        emit(`if (left < ${b.length}) { pc = ${(base + 4 * b.start) | 0}; S.exit = 0; break run; }`);
        emit(`left = (left - ${b.length}) | 0;`);
      }
      for (let k = 0; k < b.length; k++) {
        const i = b.start + k;
        const pcHere = (base + 4 * i) | 0;
        const next = (pcHere + 4) | 0;
        const w = words[i]!;
        const op = w >>> 24;
        const a = (w >>> 20) & 15;
        const bb = (w >>> 16) & 15;
        const c = (w >>> 12) & 15;
        // Undo the retirement of this and the block's later instructions, then leave.
        const fault = `{ left = (left + ${b.length - k}) | 0; pc = ${pcHere}; S.exit = 1; break run; }`;
        const last = k === b.length - 1;
        // A slow path hands the engine every cached page translation, keys and bases both: it
        // changes some and hands them all back, so a base it never saw must not come back stale.
        const loadSlow = (fnName: string) =>
          `{ S.rk = rk; S.rb = rb; S.wk = wk; S.wb = wb; S.sk = sk; S.sb = sb; x = S.${fnName}(va, ${pcHere}); if (S.exit === 1) ${fault} rk = S.rk; rb = S.rb; wk = S.wk; wb = S.wb; sk = S.sk; sb = S.sb; }`;
        // A store; if it changed translated code, the region ends after it (at `then`).
        const store = (valueExpr: string, size: number, after = "", then = `${next}`, stack = false) => {
          const viaCallout = `S.rk = rk; S.rb = rb; S.wk = wk; S.wb = wb; S.sk = sk; S.sb = sb; x = S.swCallout(va, ${valueExpr}, ${size}, ${pcHere}); if (x === 1) ${fault} rk = S.rk; rb = S.rb; wk = S.wk; wb = S.wb; sk = S.sk; sb = S.sb;`;
          const key = size === 4 ? `((va & 0xfffff003) | 0)` : `((va & 0xfffff000) | 0)`;
          const [ck, cb] = stack ? ["sk", "sb"] : ["wk", "wb"];
          emit(`if (${key} === ${ck} && cp[(pa = ${cb} + (va & 0xfff)) >>> 12] === 0 && ad[${i}] === 0) { ${size === 4 ? `m[pa >> 2] = ${valueExpr};` : `u8[pa] = ${valueExpr};`} x = 0; }`);
          emit(`else if (ad[${i}] !== 0) { ${viaCallout} }`);
          emit(
            `else { S.rk = rk; S.rb = rb; S.wk = wk; S.wb = wb; S.sk = sk; S.sb = sb; x = S.sw(va, ${valueExpr}, ${size}, ${pcHere}); if (x === 1) ${fault} rk = S.rk; rb = S.rb; wk = S.wk; wb = S.wb; sk = S.sk; sb = S.sb;${stack ? " if (wk !== -1) { sk = wk; sb = wb; }" : ""} }`,
          );
          emit(`if (x === 2) { ${after} left = (left + ${b.length - k - 1}) | 0; pc = ${then}; S.exit = 4; break run; }`);
        };
        const info = BY_OPCODE[op]!;
        const e = info.effect;
        // The table's expressions over this word's operands: registers are locals, the
        // immediate a constant.
        const imm = immediateOf(info, w);
        const expr = (x: string) =>
          x
            .replaceAll("$B", R(bb))
            .replaceAll("$C", R(c))
            .replaceAll("$I", imm < 0 ? `(${imm})` : `${imm}`);
        const target = (pcHere + 4 + imm) | 0;
        switch (e.kind) {
          case "alu":
            emit(`${R(a)} = ${expr(e.value)};`);
            break;
          case "divide":
            emit(`if (${R(c)} === 0) { S.faultCause = ${CAUSE.DIVIDE}; S.faultAddress = 0; S.faultAccess = 0; S.faultProtection = false; S.exit = 1; ${fault} }`);
            emit(`${R(a)} = ${expr(e.value)};`);
            break;
          case "compare":
            emit(`f = cmp(${R(a)}, ${expr(e.right)}, f);`);
            break;
          case "load":
            emit(`va = (${R(bb)} + ${imm}) | 0;`);
            if (e.size === 4) {
              emit(`if (((va & 0xfffff003) | 0) === rk) x = m[(rb + (va & 0xfff)) >> 2]; else ${loadSlow("lw")}`);
              emit(`${R(a)} = x;`);
            } else {
              emit(`if (((va & 0xfffff000) | 0) === rk) x = u8[rb + (va & 0xfff)]; else ${loadSlow("lb")}`);
              emit(e.extend === "sign" ? `${R(a)} = (x << 24) >> 24;` : `${R(a)} = x;`);
            }
            break;
          case "store":
            emit(`va = (${R(bb)} + ${imm}) | 0;`);
            store(e.size === 4 ? R(a) : `${R(a)} & 255`, e.size);
            break;
          case "push":
            emit(`va = (r15 - 4) | 0; v = ${R(a)};`);
            store("v", 4, "r15 = va;", `${next}`, true);
            emit(`r15 = va;`);
            break;
          case "pop":
            emit(`va = r15;`);
            emit(`if (((va & 0xfffff003) | 0) === sk) x = m[(sb + (va & 0xfff)) >> 2]; else if (((va & 0xfffff003) | 0) === rk) x = m[(rb + (va & 0xfff)) >> 2]; else ${loadSlow("lw")}`);
            emit(`r15 = (va + 4) | 0; ${R(a)} = x;`);
            break;
          case "jump":
            emit(`pc = ${target}; continue run;`);
            break;
          case "call":
            emit(`va = (r15 - 4) | 0;`);
            store(`${next}`, 4, `r15 = va;`, `${target}`, true);
            emit(`r15 = va;`);
            emit(`pc = ${target}; continue run;`);
            break;
          case "jump-register":
            emit(`pc = ${R(a)}; S.indirect++; continue run;`);
            break;
          case "call-register":
            emit(`va = (r15 - 4) | 0; v = ${R(a)};`);
            store(`${next}`, 4, `r15 = va;`, "v", true);
            emit(`r15 = va; pc = v; S.indirect++; continue run;`);
            break;
          case "return":
            emit(`va = r15;`);
            emit(`if (((va & 0xfffff003) | 0) === sk) x = m[(sb + (va & 0xfff)) >> 2]; else if (((va & 0xfffff003) | 0) === rk) x = m[(rb + (va & 0xfff)) >> 2]; else ${loadSlow("lw")}`);
            emit(`r15 = (va + 4) | 0; pc = x; S.indirect++; continue run;`);
            break;
          case "branch":
            emit(`pc = ((${BRANCH_TAKEN_MASK[op]!} >>> (f & 15)) & 1) !== 0 ? ${target} : ${next}; continue run;`);
            break;
          default:
            throw new Error(`translator: no translation for ${info.mnemonic} (${hex(op)}): it is for the monitor`);
        }
        if (last && !b.endsInCallout && i + 1 < pageWords && info.flow === "next") {
          // A block cut at its size limit: fall through to the next one.
          emit(`pc = ${next}; continue run;`);
        } else if (last && !b.endsInCallout && info.flow === "next") {
          emit(`pc = ${next}; S.exit = 0; break run;`);
        }
      }
      if (b.endsInCallout) {
        const i = b.start + b.length;
        const op = words[i]! >>> 24;
        const pcHere = (base + 4 * i) | 0;
        if (this.trapOp[op]) {
          // A system call (or BRK, HCALL) retires, then traps.
          emit(`if (left < 1) { pc = ${pcHere}; S.exit = 0; break run; }`);
          emit(`left = (left - 1) | 0; pc = ${pcHere}; S.trapCause = ${TRAP_CAUSE[op]!}; S.exit = 3; break run;`);
        } else {
          // A callout: the monitor emulates it on the virtual CPU, with the guest's
          // registers and flags spilled to the real ones; the region goes on when the guest
          // simply continues at the next instruction.
          emit(`if (left < 1) { pc = ${pcHere}; S.exit = 0; break run; }`);
          emit(`${Array.from({ length: 16 }, (_, k) => `r[${k}] = r${k};`).join(" ")} S.flags = f; S.rk = rk; S.rb = rb; S.wk = wk; S.wb = wb; S.sk = sk; S.sb = sb;`);
          emit(`x = S.co(${words[i]! | 0}, ${pcHere}, left);`);
          emit(`${Array.from({ length: 16 }, (_, k) => `r${k} = r[${k}];`).join(" ")} f = S.flags; left = S.left; rk = S.rk; wk = S.wk; sk = S.sk;`);
          emit(`if (x === 0) { pc = S.pc; S.exit = 5; break run; }`);
          emit(`pc = ${(pcHere + 4) | 0}; continue run;`);
        }
      }
      emit(`}`);
    }
    emit(`default: S.exit = 0; break run;`);
    emit(`}`);
    emit(`}`);
    emit(`${Array.from({ length: 16 }, (_, k) => `r[${k}] = r${k};`).join(" ")}`);
    emit(`S.flags = f; S.left = left; S.pc = pc; S.rk = rk; S.rb = rb; S.wk = wk; S.wb = wb; S.sk = sk; S.sb = sb;`);
    const factory = new Function("cmp", `return function region(S, r) {\n${out.join("\n")}\n};`) as (cmp: typeof compareFlags) => RegionFunction;
    return factory(compareFlags);
  }
}
