// The translator: reads guest kernel code (the real encoded words in guest memory),
// finds its basic blocks, and compiles each guest page's known blocks into one
// JavaScript function, a *region*. Inside a region, guest registers live in locals,
// direct branches between its blocks are chained (a jump to the next case of a loop
// over a switch, so guest loops become JavaScript loops), and innocuous instructions
// translate one-to-one. Privileged and sensitive instructions, and system calls, end a
// block and leave the region as a callout for the monitor to carry out on the
// virtual CPU without any trap. Guest pcs stay the guest's: a fault names the pc of
// the instruction that faulted.
import { BY_OPCODE, OP, PAGE_SIZE, type Profile } from "@vmlab/isa";

/** Why a region returned (BtState.exit). */
export const EXIT_DISPATCH = 0; // continue at S.pc (outside the region, or not enough budget for the next block)
export const EXIT_FAULT = 1; // the instruction at S.pc faulted (S.fault* set); it did not retire
export const EXIT_CALLOUT = 2; // the instruction at S.pc is for the monitor to emulate (not yet retired)
export const EXIT_TRAP = 3; // SYSCALL/BRK/HCALL at S.pc retired: trap with S.trapCause, EPC = S.pc + 4
export const EXIT_CODE_WRITTEN = 4; // a store changed translated code; continue at S.pc

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
  /** Direct branches between blocks of the region (chained). */
  readonly chains: number;
  readonly instructions: number;
  readonly callouts: number;
  readonly fn: RegionFunction;
}

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
  indirect: number;
  readonly m: Int32Array;
  readonly u8: Uint8Array;
  readonly cp: Uint8Array;
  /** Slow paths: return the value, or set exit = EXIT_FAULT. */
  lw(va: number, pc: number): number;
  lb(va: number, pc: number): number;
  /** Slow path of a store: 0 done, 1 faulted, 2 done but translated code changed. */
  sw(va: number, value: number, size: number, pc: number): number;
  /** An adaptively retranslated store: done by the monitor, without a trap. */
  swCallout(va: number, value: number, size: number, pc: number): number;
}

/** FLAGS after CMP a, b (IF kept): the CPU's compareFlags. */
export function compareFlags(a: number, b: number, flags: number): number {
  const r = (a - b) | 0;
  return (flags & 0x200) | (((~a & b) | (~(a ^ b) & r)) >>> 31) | (r === 0 ? 2 : 0) | ((r >>> 31) << 2) | ((((a ^ b) & (a ^ r)) >>> 31) << 3);
}

const BRANCH_TAKEN: Record<number, (c: boolean, z: boolean, n: boolean, v: boolean) => boolean> = {
  [OP.BEQ]: (_c, z) => z,
  [OP.BNE]: (_c, z) => !z,
  [OP.BLT]: (_c, _z, n, v) => n !== v,
  [OP.BGE]: (_c, _z, n, v) => n === v,
  [OP.BLE]: (_c, z, n, v) => z || n !== v,
  [OP.BGT]: (_c, z, n, v) => !z && n === v,
  [OP.BLTU]: (c) => c,
  [OP.BGEU]: (c) => !c,
  [OP.BLEU]: (c, z) => c || z,
  [OP.BGTU]: (c, z) => !c && !z,
};

/** 16-bit mask over the C|Z|N|V nibble: bit f set when the branch is taken with flags f. */
function takenMask(op: number): number {
  const t = BRANCH_TAKEN[op]!;
  let mask = 0;
  for (let f = 0; f < 16; f++) if (t((f & 1) !== 0, (f & 2) !== 0, (f & 4) !== 0, (f & 8) !== 0)) mask |= 1 << f;
  return mask;
}

export class Translator {
  /** Opcodes the monitor must carry out (privileged, sensitive, traps, absent, unassigned). */
  private readonly callout = new Uint8Array(256);
  private readonly trapOp = new Uint8Array(256);

  constructor(profile: Profile) {
    for (let op = 0; op < 256; op++) {
      const info = BY_OPCODE[op];
      if (!info || profile.absent.has(info.mnemonic as never) || info.sensitivity !== "innocuous" || profile.privileged.has(info.mnemonic as never)) {
        this.callout[op] = 1;
      }
    }
    for (const op of [OP.SYSCALL, OP.BRK, OP.HCALL]) {
      this.callout[op] = 1;
      this.trapOp[op] = 1;
    }
  }

  /** True when the monitor must carry out this opcode. */
  needsMonitor(op: number): boolean {
    return this.callout[op] === 1;
  }

  /** Finds the basic block at word index `start` of a page. */
  private block(words: Int32Array, start: number): Block & { targets: number[]; fallthrough: boolean } {
    const targets: number[] = [];
    let i = start;
    let n = 0;
    for (;;) {
      const w = words[i]!;
      const op = w >>> 24;
      if (this.callout[op]) return { start, length: n, endsInCallout: true, targets, fallthrough: false };
      n++;
      if (op === OP.JMP || op === OP.CALL || BRANCH_TAKEN[op]) {
        const t = i + 1 + ((w << 8) >> 8);
        if (t >= 0 && t < words.length) targets.push(t);
        if (BRANCH_TAKEN[op] && i + 1 < words.length) targets.push(i + 1);
        return { start, length: n, endsInCallout: false, targets, fallthrough: false };
      }
      if (op === OP.JR || op === OP.CALLR || op === OP.RET) return { start, length: n, endsInCallout: false, targets, fallthrough: false };
      i++;
      if (i >= words.length || n >= MAX_BLOCK) return { start, length: n, endsInCallout: false, targets, fallthrough: i < words.length };
    }
  }

  /**
   * Compiles the blocks of one guest page reachable from the given entry points by
   * direct branches within the page. `words` are the page's instruction words,
   * `base` its guest virtual address; `adaptive` holds pcs of stores to compile as
   * monitor callouts (they kept trapping).
   */
  compile(words: Int32Array, base: number, entries: Iterable<number>, adaptive: ReadonlySet<number>): RegionCode {
    const blocks = new Map<number, Block>();
    const work = [...entries];
    let chains = 0;
    while (work.length > 0) {
      const start = work.pop()!;
      if (blocks.has(start)) continue;
      const b = this.block(words, start);
      blocks.set(start, { start: b.start, length: b.length, endsInCallout: b.endsInCallout });
      for (const t of b.targets) {
        chains++;
        if (!blocks.has(t)) work.push(t);
      }
      if (b.fallthrough) {
        chains++;
        work.push(b.start + b.length);
      }
    }
    const list = [...blocks.values()].sort((a, b) => a.start - b.start);
    const fn = this.generate(words, base, list, adaptive);
    let instructions = 0;
    let callouts = 0;
    for (const b of list) {
      instructions += b.length;
      if (b.endsInCallout) callouts++;
    }
    return { blocks: list, chains, instructions, callouts, fn };
  }

  private generate(words: Int32Array, base: number, blocks: readonly Block[], adaptive: ReadonlySet<number>): RegionFunction {
    const pageWords = PAGE_SIZE / 4;
    const out: string[] = [];
    const emit = (s: string) => out.push(s);
    const R = (n: number) => `r${n}`;
    const hex = (n: number) => `0x${(n >>> 0).toString(16)}`;
    emit(`const m = S.m, u8 = S.u8, cp = S.cp;`);
    emit(`let ${Array.from({ length: 16 }, (_, k) => `r${k} = r[${k}]`).join(", ")};`);
    emit(`let f = S.flags, left = S.left, pc = S.pc | 0, rk = S.rk, rb = S.rb, wk = S.wk, wb = S.wb, va = 0, pa = 0, v = 0, x = 0;`);
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
        const simm = (w << 16) >> 16;
        const uimm = w & 0xffff;
        // Undo the retirement of this and the block's later instructions, then leave.
        const fault = `{ left = (left + ${b.length - k}) | 0; pc = ${pcHere}; S.exit = 1; break run; }`;
        const last = k === b.length - 1;
        const loadSlow = (fnName: string) =>
          `{ S.rk = rk; S.wk = wk; x = S.${fnName}(va, ${pcHere}); if (S.exit === 1) ${fault} rk = S.rk; rb = S.rb; wk = S.wk; wb = S.wb; }`;
        // A store; if it changed translated code, the region ends after it (at `then`).
        const store = (valueExpr: string, size: number, after = "", then = `${next}`) => {
          if (adaptive.has(pcHere >>> 0)) {
            emit(`x = S.swCallout(va, ${valueExpr}, ${size}, ${pcHere}); if (x === 1) ${fault} rk = S.rk; rb = S.rb; wk = S.wk; wb = S.wb;`);
            emit(`if (x === 2) { ${after} left = (left + ${b.length - k - 1}) | 0; pc = ${then}; S.exit = 4; break run; }`);
            return;
          }
          const key = size === 4 ? `((va & 0xfffff003) | 0)` : `((va & 0xfffff000) | 0)`;
          emit(`if (${key} === wk && cp[(pa = wb + (va & 0xfff)) >>> 12] === 0) { ${size === 4 ? `m[pa >> 2] = ${valueExpr};` : `u8[pa] = ${valueExpr};`} x = 0; }`);
          emit(`else { S.rk = rk; S.wk = wk; x = S.sw(va, ${valueExpr}, ${size}, ${pcHere}); if (x === 1) ${fault} rk = S.rk; rb = S.rb; wk = S.wk; wb = S.wb; }`);
          emit(`if (x === 2) { ${after} left = (left + ${b.length - k - 1}) | 0; pc = ${then}; S.exit = 4; break run; }`);
        };
        switch (op) {
          case OP.ADD: emit(`${R(a)} = (${R(bb)} + ${R(c)}) | 0;`); break;
          case OP.SUB: emit(`${R(a)} = (${R(bb)} - ${R(c)}) | 0;`); break;
          case OP.AND: emit(`${R(a)} = ${R(bb)} & ${R(c)};`); break;
          case OP.OR: emit(`${R(a)} = ${R(bb)} | ${R(c)};`); break;
          case OP.XOR: emit(`${R(a)} = ${R(bb)} ^ ${R(c)};`); break;
          case OP.SHL: emit(`${R(a)} = ${R(bb)} << (${R(c)} & 31);`); break;
          case OP.SHR: emit(`${R(a)} = (${R(bb)} >>> (${R(c)} & 31)) | 0;`); break;
          case OP.SAR: emit(`${R(a)} = ${R(bb)} >> (${R(c)} & 31);`); break;
          case OP.MUL: emit(`${R(a)} = Math.imul(${R(bb)}, ${R(c)});`); break;
          case OP.DIV:
          case OP.DIVU:
          case OP.REM:
          case OP.REMU: {
            emit(`if (${R(c)} === 0) { S.faultCause = 5; S.faultAddress = 0; S.faultAccess = 0; S.faultProtection = false; S.exit = 1; ${fault} }`);
            const expr =
              op === OP.DIV ? `(${R(bb)} / ${R(c)}) | 0` :
              op === OP.DIVU ? `((${R(bb)} >>> 0) / (${R(c)} >>> 0)) | 0` :
              op === OP.REM ? `(${R(bb)} % ${R(c)}) | 0` :
              `((${R(bb)} >>> 0) % (${R(c)} >>> 0)) | 0`;
            emit(`${R(a)} = ${expr};`);
            break;
          }
          case OP.SLT: emit(`${R(a)} = ${R(bb)} < ${R(c)} ? 1 : 0;`); break;
          case OP.SLTU: emit(`${R(a)} = (${R(bb)} >>> 0) < (${R(c)} >>> 0) ? 1 : 0;`); break;
          case OP.ADDI: emit(`${R(a)} = (${R(bb)} + ${simm}) | 0;`); break;
          case OP.ANDI: emit(`${R(a)} = ${R(bb)} & ${uimm};`); break;
          case OP.ORI: emit(`${R(a)} = ${R(bb)} | ${uimm};`); break;
          case OP.XORI: emit(`${R(a)} = ${R(bb)} ^ ${uimm};`); break;
          case OP.SHLI: emit(`${R(a)} = ${R(bb)} << ${w & 31};`); break;
          case OP.SHRI: emit(`${R(a)} = (${R(bb)} >>> ${w & 31}) | 0;`); break;
          case OP.SARI: emit(`${R(a)} = ${R(bb)} >> ${w & 31};`); break;
          case OP.MULI: emit(`${R(a)} = Math.imul(${R(bb)}, ${simm});`); break;
          case OP.LUI: emit(`${R(a)} = ${(uimm << 16) | 0};`); break;
          case OP.SLTI: emit(`${R(a)} = ${R(bb)} < ${simm} ? 1 : 0;`); break;
          case OP.CMP: emit(`f = cmp(${R(a)}, ${R(bb)}, f);`); break;
          case OP.CMPI: emit(`f = cmp(${R(a)}, ${simm}, f);`); break;
          case OP.LW:
            emit(`va = (${R(bb)} + ${simm}) | 0;`);
            emit(`if (((va & 0xfffff003) | 0) === rk) x = m[(rb + (va & 0xfff)) >> 2]; else ${loadSlow("lw")}`);
            emit(`${R(a)} = x;`);
            break;
          case OP.LB:
          case OP.LBU:
            emit(`va = (${R(bb)} + ${simm}) | 0;`);
            emit(`if (((va & 0xfffff000) | 0) === rk) x = u8[rb + (va & 0xfff)]; else ${loadSlow("lb")}`);
            emit(op === OP.LB ? `${R(a)} = (x << 24) >> 24;` : `${R(a)} = x;`);
            break;
          case OP.SW:
          case OP.SB:
            emit(`va = (${R(bb)} + ${simm}) | 0;`);
            store(op === OP.SW ? R(a) : `${R(a)} & 255`, op === OP.SW ? 4 : 1);
            break;
          case OP.PUSH:
            emit(`va = (r15 - 4) | 0; v = ${R(a)};`);
            store("v", 4, "r15 = va;");
            emit(`r15 = va;`);
            break;
          case OP.POP:
            emit(`va = r15;`);
            emit(`if (((va & 0xfffff003) | 0) === rk) x = m[(rb + (va & 0xfff)) >> 2]; else ${loadSlow("lw")}`);
            emit(`r15 = (va + 4) | 0; ${R(a)} = x;`);
            break;
          case OP.JMP:
          case OP.CALL: {
            const target = (pcHere + 4 + 4 * ((w << 8) >> 8)) | 0;
            if (op === OP.CALL) {
              emit(`va = (r15 - 4) | 0;`);
              store(`${next}`, 4, `r15 = va;`, `${target}`);
              emit(`r15 = va;`);
            }
            emit(`pc = ${target}; continue run;`);
            break;
          }
          case OP.JR:
            emit(`pc = ${R(a)}; S.indirect++; continue run;`);
            break;
          case OP.CALLR:
            emit(`va = (r15 - 4) | 0; v = ${R(a)};`);
            store(`${next}`, 4, `r15 = va;`, "v");
            emit(`r15 = va; pc = v; S.indirect++; continue run;`);
            break;
          case OP.RET:
            emit(`va = r15;`);
            emit(`if (((va & 0xfffff003) | 0) === rk) x = m[(rb + (va & 0xfff)) >> 2]; else ${loadSlow("lw")}`);
            emit(`r15 = (va + 4) | 0; pc = x; S.indirect++; continue run;`);
            break;
          default: {
            const taken = BRANCH_TAKEN[op];
            if (!taken) throw new Error(`translator: no translation for opcode ${hex(op)}`);
            const target = (pcHere + 4 + 4 * ((w << 8) >> 8)) | 0;
            emit(`pc = ((${takenMask(op)} >>> (f & 15)) & 1) !== 0 ? ${target} : ${next}; continue run;`);
          }
        }
        if (last && !b.endsInCallout && i + 1 < pageWords && !isControl(op)) {
          // A block cut at its size limit: fall through to the next one.
          emit(`pc = ${next}; continue run;`);
        } else if (last && !b.endsInCallout && !isControl(op)) {
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
          emit(`left = (left - 1) | 0; pc = ${pcHere}; S.trapCause = ${op === OP.SYSCALL ? 1 : op === OP.BRK ? 2 : 9}; S.exit = 3; break run;`);
        } else {
          emit(`pc = ${pcHere}; S.exit = 2; break run;`);
        }
      }
      emit(`}`);
    }
    emit(`default: S.exit = 0; break run;`);
    emit(`}`);
    emit(`}`);
    emit(`${Array.from({ length: 16 }, (_, k) => `r[${k}] = r${k};`).join(" ")}`);
    emit(`S.flags = f; S.left = left; S.pc = pc; S.rk = rk; S.rb = rb; S.wk = wk; S.wb = wb;`);
    const factory = new Function("cmp", `return function region(S, r) {\n${out.join("\n")}\n};`) as (cmp: typeof compareFlags) => RegionFunction;
    return factory(compareFlags);
  }
}

function isControl(op: number): boolean {
  return op === OP.JMP || op === OP.CALL || op === OP.JR || op === OP.CALLR || op === OP.RET || BRANCH_TAKEN[op] !== undefined;
}
