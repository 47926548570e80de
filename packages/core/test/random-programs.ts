// Random user programs nobody wrote by hand, for equivalence: straight-line arithmetic,
// loads and stores into a data area, forward branches, counted loops, divisions that may
// trap, system calls (getpid, yield, sbrk with a touch of the new page, disk I/O) and
// printed values. Every program terminates: loops are counted and branches go forward.
// Deterministic for a seed (mulberry32), so a failure names the seed that reproduces it.
import { seededRandom } from "@vmlab/isa";

const ALU = ["add", "sub", "and", "or", "xor", "shl", "shr", "sar", "mul", "slt", "sltu"];
const ALU_IMM_SIGNED = ["addi", "muli", "slti"];
const ALU_IMM_UNSIGNED = ["andi", "ori", "xori"];
const SHIFT_IMM = ["shli", "shri", "sari"];
const DIVS = ["div", "divu", "rem", "remu"];
const BRANCHES = ["beq", "bne", "blt", "bge", "ble", "bgt", "bltu", "bgeu", "bleu", "bgtu"];
/** Values live in r1..r9; r10 holds the data area's address, r11 a loop counter. */
const VALUE_REGS = 9;
const DATA_WORDS = 128; // one disk sector

/** One random user program (assembly, including the runtime) for `seed`. */
export function randomUserProgram(seed: number, length = 60): string {
  const rnd = seededRandom(seed);
  const int = (n: number) => Math.floor(rnd() * n);
  const reg = () => `r${1 + int(VALUE_REGS)}`;
  const pick = <T>(xs: readonly T[]): T => xs[int(xs.length)]!;
  const lines: string[] = ["start:  la      r10, data"];
  for (let r = 1; r <= VALUE_REGS; r++) lines.push(`        li      r${r}, ${int(0x7fffffff) - 0x3fffffff}`);
  let label = 0;
  const straight = (inLoop: boolean): string[] => {
    const k = int(inLoop ? 7 : 12);
    if (k < 4) return [`        ${pick(ALU)} ${reg()}, ${reg()}, ${reg()}`];
    if (k === 4) return [`        ${pick(ALU_IMM_SIGNED)} ${reg()}, ${reg()}, ${int(65536) - 32768}`];
    if (k === 5) return int(2) === 0 ? [`        ${pick(ALU_IMM_UNSIGNED)} ${reg()}, ${reg()}, ${int(65536)}`] : [`        ${pick(SHIFT_IMM)} ${reg()}, ${reg()}, ${int(32)}`];
    if (k === 6) {
      const w = int(DATA_WORDS) * 4;
      return int(2) === 0 ? [`        lw      ${reg()}, ${w}(r10)`] : [`        sw      ${reg()}, ${w}(r10)`];
    }
    if (k === 7) return [`        ${pick(["lb", "lbu", "sb"])} ${reg()}, ${int(DATA_WORDS * 4)}(r10)`];
    if (k === 8) return [`        lui     ${reg()}, ${int(65536)}`];
    if (k === 9) {
      // A division, guarded so it traps only sometimes (a zero divisor kills the process, as natively).
      const d = reg();
      return int(8) === 0 ? [`        ${pick(DIVS)} ${reg()}, ${reg()}, ${d}`] : [`        ori     ${d}, ${d}, 1`, `        ${pick(DIVS)} ${reg()}, ${reg()}, ${d}`];
    }
    if (k === 10) {
      const l = `.f${label++}`;
      return [`        cmp     ${reg()}, ${reg()}`, `        ${pick(BRANCHES)} ${l}`, ...straight(inLoop), `${l}:`];
    }
    // A system call or a printed value (calls clobber r1..r4; fine, the run is deterministic).
    switch (int(6)) {
      case 0:
        return ["        call    sys_getpid"];
      case 1:
        return ["        call    sys_yield"];
      case 2:
        return [`        mov     r2, ${reg()}`, "        call    print_num"];
      case 3: {
        const l = `.s${label++}`;
        return ["        li      r2, 4096", "        call    sys_sbrk", "        cmpi    r1, -1", `        beq     ${l}`, `        sw      ${reg()}, 0(r1)`, `${l}:`];
      }
      case 4:
        return [`        li      r2, ${int(8)}`, "        mov     r3, r10", "        call    sys_disk_write"];
      default:
        return [`        li      r2, ${int(8)}`, "        mov     r3, r10", "        call    sys_disk_read"];
    }
  };
  for (let i = 0; i < length; i++) {
    if (int(10) === 0) {
      const l = `.l${label++}`;
      lines.push(`        li      r11, ${1 + int(20)}`, `${l}:`);
      for (let j = 1 + int(5); j > 0; j--) lines.push(...straight(true));
      lines.push("        addi    r11, r11, -1", "        cmpi    r11, 0", `        bne     ${l}`);
    } else lines.push(...straight(false));
  }
  // The end: every value register folded into one printed number.
  lines.push("        mov     r2, r1");
  for (let r = 2; r <= VALUE_REGS; r++) lines.push(`        xor     r2, r2, r${r}`);
  lines.push("        call    print_num", "        li      r2, 0", "        call    exit", "        .align  4", `data:   .space  ${DATA_WORDS * 4}`);
  return `        .include "runtime.s"\n${lines.join("\n")}\n`;
}
