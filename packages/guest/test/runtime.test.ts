// The user runtime (runtime/runtime.s) against the ABI: what each function prints or
// returns, and that every call preserves r5..r14 and the stack pointer.
import { describe, expect, it } from "vitest";
import { runGuest } from "./helpers.js";

const PROFILES = [{ name: "mips-like" }, { name: "riscv-like" }, { name: "x86-like" }] as const;

/** Distinct values in the callee-saved registers, so a clobber shows. */
const SAVED = [5, 6, 7, 8, 9, 10, 11, 12, 13, 14].map((r) => ({ r, value: (0x5a000000 | (r << 16) | (r * 0x111)) >>> 0 }));

interface Case {
  /** What the call is, for the failure message. */
  readonly what: string;
  /** Argument set-up and the call. */
  readonly call: string;
  /** After the check: print what the call returned (may use any register). */
  readonly show?: string;
}

const showR1 = "        mov r2, r1\n        call print_num\n        li r2, 10\n        call print_char\n";
const showR1Hex = "        mov r2, r1\n        call print_hex\n        li r2, 10\n        call print_char\n";

/** One program: each case loads SAVED, calls, checks r5..r14 and sp, then shows its result. */
function program(cases: readonly Case[]): string {
  const body = cases
    .map((c, i) => {
      const load = SAVED.map(({ r, value }) => `        li r${r}, 0x${value.toString(16)}\n`).join("");
      const check = SAVED.map(({ r, value }) => `        li r4, 0x${value.toString(16)}\n        cmp r${r}, r4\n        bne fail_${i}\n`).join("");
      return (
        `; case ${i}: ${c.what}\n${load}        la r4, saved_sp\n        sw sp, 0(r4)\n${c.call}` +
        `${check}        la r4, saved_sp\n        lw r4, 0(r4)\n        cmp sp, r4\n        bne fail_${i}\n${c.show ?? ""}`
      );
    })
    .join("");
  const fails = cases
    .map((c, i) => `fail_${i}:\n        la r2, failmsg_${i}\n        call print\n        li r2, 1\n        call exit\nfailmsg_${i}: .asciz "clobbered by ${c.what}\\n"\n        .align 4\n`)
    .join("");
  return (
    `start:\n${body}        la r2, preserved\n        call print\n        li r2, 0\n        call exit\n${fails}` + `preserved: .asciz "preserved\\n"\n        .align 4\nsaved_sp: .word 0\n${DATA}`
  );
}

const DATA = `
hello:  .asciz "hello, runtime\\n"
empty:  .asciz ""
abc:    .ascii "abcdef"
        .align 4
sector: .asciz "sector three\\n"
        .space 512
        .align 4
readback: .space 512
`;

const NUMBERS = [0, 7, -7, 10, 99, -100, 1000000, 2147483647, -2147483648, -1];
const HEX: [number, string][] = [
  [0, "0x00000000"],
  [0xa, "0x0000000a"],
  [0xabcd, "0x0000abcd"],
  [0x12345678, "0x12345678"],
  [0xdeadbeef, "0xdeadbeef"],
  [-1, "0xffffffff"],
  [0x80000000, "0x80000000"],
];

const printing: Case[] = [
  { what: "print", call: "        la r2, hello\n        call print\n" },
  { what: "print of an empty string", call: "        la r2, empty\n        call print\n" },
  { what: "print_char", call: "        li r2, 'A'\n        call print_char\n" },
  { what: "print_char newline", call: "        li r2, 10\n        call print_char\n" },
  ...NUMBERS.map((n) => ({ what: `print_num ${n}`, call: `        li r2, ${n}\n        call print_num\n`, show: "        li r2, 10\n        call print_char\n" })),
  ...HEX.map(([n]) => ({ what: `print_hex ${n}`, call: `        li r2, ${n}\n        call print_hex\n`, show: "        li r2, 10\n        call print_char\n" })),
];
// Worked by hand from the cases above.
const printingOutput = "hello, runtime\n" + "" + "A" + "\n" + "0\n7\n-7\n10\n99\n-100\n1000000\n2147483647\n-2147483648\n-1\n" + HEX.map(([, s]) => `${s}\n`).join("") + "preserved\n";

const CHILD = `
start:  add r2, r1, r1            ; exit with twice the argument
        call exit
`;

const wrappers: Case[] = [
  { what: "sys_getpid", call: "        call sys_getpid\n", show: showR1 },
  { what: "sys_write", call: "        la r2, abc\n        li r3, 3\n        call sys_write\n", show: showR1 },
  { what: "sys_yield", call: "        call sys_yield\n", show: showR1 },
  { what: "sys_sbrk 8192", call: "        li r2, 8192\n        call sys_sbrk\n", show: showR1Hex },
  { what: "sys_sbrk 0", call: "        li r2, 0\n        call sys_sbrk\n", show: showR1Hex },
  { what: "sys_mprotect unmapped", call: "        li r2, 0x20000000\n        li r3, 0\n        call sys_mprotect\n", show: showR1 },
  { what: "sys_mprotect code page", call: "        li r2, 0x00400000\n        li r3, 1\n        call sys_mprotect\n", show: showR1 },
  { what: "sys_disk_write", call: "        li r2, 3\n        la r3, sector\n        call sys_disk_write\n", show: showR1 },
  { what: "sys_disk_read", call: "        li r2, 3\n        la r3, readback\n        call sys_disk_read\n", show: `${showR1}        la r2, readback\n        call print\n` },
  { what: "sys_disk_read bad sector", call: "        li r2, 100000\n        la r3, readback\n        call sys_disk_read\n", show: showR1 },
  { what: "sys_kbench", call: "        li r2, 3\n        li r3, 10\n        call sys_kbench\n", show: showR1 },
  { what: "sys_spawn", call: "        li r2, 1\n        li r3, 21\n        call sys_spawn\n", show: showR1 },
  { what: "sys_spawn of no program", call: "        li r2, 7\n        li r3, 0\n        call sys_spawn\n", show: showR1 },
  {
    what: "sys_wait",
    call: "        call sys_wait\n",
    show: "        push r2\n        mov r2, r1\n        call print_num\n        li r2, ' '\n        call print_char\n        pop r2\n        call print_num\n        li r2, 10\n        call print_char\n",
  },
  { what: "sys_wait without children", call: "        call sys_wait\n", show: showR1 },
];
// Worked by hand: pid 1; write echoes "abc" and returns 3; the heap starts at 0x10000000;
// the child is pid 2 and exits with 2 * 21.
const wrappersOutput = `${["1", "abc3", "0", "0x10000000", "0x10002000", "-1", "0", "0", "0\nsector three", "-1", "0", "2", "-1", "2 42", "-1"].map((l) => `${l}\n`).join("")}preserved\n`;

describe("the user runtime", () => {
  for (const p of PROFILES) {
    it(`prints strings, characters, signed decimals and hex, preserving r5..r14 and sp, on ${p.name}`, () => {
      const r = runGuest(p, [program(printing)], { budget: 2_000_000 });
      expect(r.output).toBe(printingOutput);
      expect(r.reason).toBe("halt");
    });

    it(`system-call wrappers return the kernel's results and preserve r5..r14 and sp, on ${p.name}`, () => {
      const r = runGuest(p, [program(wrappers), CHILD], { budget: 2_000_000 });
      expect(r.output).toBe(wrappersOutput);
      expect(r.reason).toBe("halt");
    });
  }

  it("exit ends the process with its code: the parent's wait sees it", () => {
    // Covered above (2 * 21 = 42); here exit with a negative code, which wait returns as is.
    const parent = "start:  li r2, 1\n        li r3, -5\n        call sys_spawn\n        call sys_wait\n        call print_num\n        li r2, 0\n        call exit\n";
    const r = runGuest({ name: "x86-like" }, [parent, CHILD], { budget: 1_000_000 });
    expect(r.output).toBe("-10");
  });
});
