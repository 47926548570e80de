import { describe, expect, it } from "vitest";
import { getProfile, Machine } from "@vmlab/isa";
import { buildImage } from "../src/index.js";
import { GUEST_PROFILES, label, runGuest } from "./helpers.js";

const exit0 = "        li r2, 0\n        call exit\n";

const PARENT = `
start:  li r11, 0                 ; children spawned
.spawn: li r2, 1
        addi r3, r11, 10          ; argument = exit code: 10, 11, 12
        call sys_spawn
        addi r11, r11, 1
        cmpi r11, 3
        blt .spawn
        li r12, 0                 ; sum of exit codes
        li r13, 0                 ; children reaped
.wait:  call sys_wait
        cmpi r1, 0
        blt .done
        add r12, r12, r2
        addi r13, r13, 1
        jmp .wait
.done:  mov r2, r13
        call print_num
        li r2, ' '
        call print_char
        mov r2, r12
        call print_num
        li r2, 10
        call print_char
${exit0}`;
const CHILD = `
start:  mov r2, r1                ; exit with the argument
        call exit
`;

const BUSY = (ch: string) => `
start:  li r11, 6
.line:  li r2, '${ch}'
        call print_char
        li r12, 3000              ; busy work between lines: longer than a time slice
.spin:  addi r12, r12, -1
        cmpi r12, 0
        bgt .spin
        addi r11, r11, -1
        cmpi r11, 0
        bgt .line
${exit0}`;
const TWO_BUSY = `
start:  li r2, 1
        call sys_spawn
        li r2, 2
        call sys_spawn
        call sys_wait
        call sys_wait
${exit0}`;

describe("the guest kernel", () => {
  for (const p of GUEST_PROFILES) {
    describe(label(p), () => {
      it("writes, and getpid numbers processes from 1", () => {
        const r = runGuest(p, [
          `
start:  la r2, msg
        call print
        call sys_getpid
        mov r2, r1
        call print_num
        li r2, 10
        call print_char
${exit0}
msg:    .asciz "pid "`,
        ]);
        expect(r.reason).toBe("halt");
        expect(r.output).toBe("pid 1\n");
      });

      it("spawn and wait reap every child with its exit code", () => {
        const r = runGuest(p, [PARENT, CHILD]);
        // 3 children exiting with 10, 11, 12: sum 33.
        expect(r.output).toBe("3 33\n");
      });

      it("preemption interleaves busy processes", () => {
        const r = runGuest(p, [TWO_BUSY, BUSY("a"), BUSY("b")], { timerPeriod: 2000 });
        expect(r.reason).toBe("halt");
        expect(r.output.split("").sort().join("")).toBe("aaaaaabbbbbb");
        // Run to completion would print aaaaaabbbbbb; preemption mixes them.
        expect(r.output).not.toBe("aaaaaabbbbbb");
        expect(r.output).toContain("ab");
      });

      it("heap pages are demand-zero and writable", () => {
        const r = runGuest(p, [
          `
start:  li r2, 8192
        call sys_sbrk
        mov r11, r1                ; old break = heap base
        lw r12, 0(r11)             ; first touch: zero
        lw r13, 4096(r11)          ; second page: zero
        li r3, 77
        sw r3, 4100(r11)
        lw r14, 4100(r11)
        add r2, r12, r13
        add r2, r2, r14
        call print_num             ; 0 + 0 + 77
        li r2, 10
        call print_char
${exit0}`,
        ]);
        expect(r.output).toBe("77\n");
      });

      it("sbrk refuses a negative increment and a break that would reach the stack", () => {
        // The stack's lowest page is 0x7fff0000 - 4 * 0x1000 = 0x7ffec000.
        const r = runGuest(p, [
          `
start:  li r2, -4096
        call sys_sbrk
        call show                  ; -1
        li r2, 0x7ffec000 - 0x10000000 + 4
        call sys_sbrk
        call show                  ; -1
        li r2, 0x7ffec000 - 0x10000000
        call sys_sbrk
        call show                  ; 0x10000000 = 268435456
        li r2, 0
        call sys_sbrk
        call show                  ; 0x7ffec000 = 2147401728
${exit0}
show:   mov r2, r1
        call print_num
        li r2, ' '
        call print_char
        ret`,
        ]);
        expect(r.output).toBe("-1 -1 268435456 2147401728 ");
      });

      it("after mprotect a write kills the process; the others finish", () => {
        const r = runGuest(p, [
          `
start:  li r2, 1
        call sys_spawn
        call sys_wait
        la r2, after
        call print
${exit0}
after:  .asciz "parent done\\n"`,
          `
start:  li r2, 4096
        call sys_sbrk
        mov r11, r1
        sw r11, 0(r11)             ; map the page
        mov r2, r11
        li r3, 0
        call sys_mprotect
        la r2, before
        call print
        sw r11, 0(r11)             ; now read-only: killed here
        la r2, never
        call print
${exit0}
before: .asciz "protected\\n"
never:  .asciz "still alive\\n"`,
        ]);
        expect(r.output).toBe("protected\nkernel: pid 2 killed (page fault)\nparent done\n");
      });

      it("divide by zero, privileged instructions and the kernel's half kill only their process", () => {
        const r = runGuest(p, [
          `
start:  li r2, 1
        call sys_spawn
        call sys_wait
        li r2, 2
        call sys_spawn
        call sys_wait
        li r2, 3
        call sys_spawn
        call sys_wait
        la r2, ok
        call print
${exit0}
ok:     .asciz "survived\\n"`,
          `
start:  li r3, 0
        div r2, r2, r3
${exit0}`,
          `
start:  halt
${exit0}`,
          `
start:  la r3, 0x80001000
        lw r2, 0(r3)
${exit0}`,
        ]);
        expect(r.output).toBe("kernel: pid 2 killed (divide by zero)\nkernel: pid 3 killed (privileged instruction)\nkernel: pid 4 killed (page fault)\nsurvived\n");
      });

      it("an illegal opcode, a breakpoint and a misaligned load kill with their reasons; an unknown system call returns -1", () => {
        const r = runGuest(p, [
          `
start:  li r11, 1
.next:  mov r2, r11
        call sys_spawn
        call sys_wait
        addi r11, r11, 1
        cmpi r11, 4
        blt .next
        li r1, 99                  ; no such system call
        syscall 0
        mov r2, r1
        call print_num
        li r2, 10
        call print_char
${exit0}`,
          `
start:  .word 0                    ; opcode 0 is unassigned
${exit0}`,
          `
start:  brk 3
${exit0}`,
          `
start:  la r3, start + 2
        lw r2, 0(r3)
${exit0}`,
        ]);
        expect(r.output).toBe("kernel: pid 2 killed (illegal instruction)\nkernel: pid 3 killed (breakpoint)\nkernel: pid 4 killed (address error)\n-1\n");
      });

      it("disk write then read back", () => {
        const r = runGuest(p, [
          `
start:  li r2, 1024
        call sys_sbrk
        mov r11, r1
        li r3, 0x5a5a
        sw r3, 0(r11)
        sw r3, 508(r11)
        li r2, 7
        mov r3, r11
        call sys_disk_write
        mov r12, r1
        li r2, 7
        addi r3, r11, 512
        call sys_disk_read
        add r12, r12, r1
        lw r2, 1020(r11)
        add r2, r2, r12            ; 0x5a5a + 0 + 0
        call print_num
        li r2, 10
        call print_char
${exit0}`,
        ]);
        expect(r.output).toBe(`${0x5a5a}\n`);
        expect(r.machine.disk.data[7 * 512]).toBe(0x5a);
      });

      it("system calls reach user memory through its virtual addresses: an untouched heap page is demand-zeroed from the kernel", () => {
        const r = runGuest(p, [
          `
start:  li r2, 4096
        call sys_sbrk
        mov r11, r1                ; heap page, never touched by this program
        li r2, 5
        la r3, sector
        call sys_disk_write
        li r2, 5
        mov r3, r11
        call sys_disk_read         ; the kernel's store is the page's first touch
        mov r2, r11
        li r3, 6
        call sys_write
${exit0}
        .align 4
sector: .ascii "hello\\n"
        .space 506`,
        ]);
        expect(r.output).toBe("hello\n");
        // Walker profiles: the one page fault is the kernel's, on the heap page (every
        // other page the program uses is mapped at spawn).
        if (p.name !== "mips-like") expect(r.machine.stats().trapsByCause.PAGE_FAULT).toBe(1);
      });

      it("bad buffers: disk calls and a negative length return -1, write from an unmapped or kernel buffer kills", () => {
        const r = runGuest(p, [
          `
start:  li r2, 1
        la r3, ro
        call sys_disk_write        ; fill sector 1 with 'x'
        li r2, 0x00400000
        li r3, 0
        call sys_mprotect          ; the program's page becomes read-only
        li r2, 1
        la r3, ro
        call sys_disk_read         ; into the read-only page: -1
        call show
        li r2, 1
        li r3, 0x80001000
        call sys_disk_read         ; into the kernel's half: -1
        call show
        li r2, 1
        li r3, 0x20000000
        call sys_disk_write        ; from an unmapped page: -1
        call show
        la r2, ro
        li r3, -1
        call sys_write             ; negative length: -1
        call show
        la r12, ro                 ; untouched by the failed read: still 'y'
        lbu r2, 0(r12)
        call print_char
        li r2, 10
        call print_char
        li r2, 1
        li r3, 0x80001000
        call sys_spawn
        call sys_wait
        li r2, 1
        li r3, 0x20000000
        call sys_spawn
        call sys_wait
        la r2, done
        call print
${exit0}
show:   mov r2, r1
        call print_num
        li r2, ' '
        call print_char
        ret
done:   .asciz "done\\n"
        .align 4
ro:     .space 512, 'y'`,
          `
start:  mov r2, r1                 ; write 4 bytes from the address given as argument
        li r3, 4
        call sys_write
${exit0}`,
        ]);
        expect(r.output).toBe("-1 -1 -1 -1 y\nkernel: pid 2 killed (page fault)\nkernel: pid 3 killed (page fault)\ndone\n");
      });

      it("exited children of an exited parent are freed: spawning never runs out of slots", () => {
        // 20 rounds of a child that spawns two grandchildren and exits without waiting.
        // Orphans must not hold slots, so all 20 spawns succeed; at most 4 slots are in use.
        const r = runGuest(
          p,
          [
            `
start:  li r11, 20
        li r12, 0                  ; successful spawns
.round: li r2, 1
        call sys_spawn
        cmpi r1, 0
        ble .skip
        addi r12, r12, 1
.skip:  call sys_wait
        addi r11, r11, -1
        cmpi r11, 0
        bgt .round
        mov r2, r12
        call print_num
        li r2, 10
        call print_char
${exit0}`,
            `
start:  li r2, 2
        call sys_spawn
        li r2, 2
        call sys_spawn
        call sys_yield
        call sys_yield
        li r2, 3
        call exit`,
            `
start:  li r2, 4
        call exit`,
          ],
          { budget: 20_000_000 },
        );
        expect(r.output).toBe("20\n");
        expect(r.reason).toBe("halt");
        const { symbols } = r.image;
        for (let i = 0; i < 16; i++) {
          expect(r.machine.memory.readWord(symbols.proc_table! - 0x80000000 + i * 128 + 72)).toBe(0); // free
        }
      });

      it("spawn returns -1 when the process table (16 slots) is full", () => {
        const r = runGuest(
          p,
          [
            `
start:  li r11, 20
        li r12, 0                  ; failed spawns
        li r13, 0                  ; successful
.spawn: li r2, 1
        call sys_spawn
        cmpi r1, 0
        bgt .ok
        addi r12, r12, 1
        jmp .next
.ok:    addi r13, r13, 1
.next:  addi r11, r11, -1
        cmpi r11, 0
        bgt .spawn
.wait:  call sys_wait
        cmpi r1, 0
        bgt .wait
        mov r2, r13
        call print_num
        li r2, ' '
        call print_char
        mov r2, r12
        call print_num
        li r2, 10
        call print_char
${exit0}`,
            `
start:  li r11, 60                 ; outlive the parent's 20 spawns
.y:     call sys_yield
        addi r11, r11, -1
        cmpi r11, 0
        bgt .y
${exit0}`,
          ],
          { budget: 20_000_000 },
        );
        // 16 slots, one is the parent's: 15 children fit, 5 spawns fail.
        expect(r.output).toBe("15 5\n");
      });

      it("roi writes the work-marker port, 1 to begin and 0 to end, and returns 0", () => {
        const image = buildImage({
          profile: getProfile(p.name, p.levels ? { levels: p.levels } : {}),
          programs: [
            {
              name: "roi",
              file: "roi.s",
              source: `        .include "runtime.s"
start:  call sys_roi_begin
        mov r2, r1
        call print_num
        call sys_roi_end
        mov r2, r1
        call print_num
${exit0}`,
            },
          ],
        });
        const machine = new Machine({ profile: getProfile(p.name, p.levels ? { levels: p.levels } : {}) });
        const marks: number[] = [];
        machine.onWorkMark((value) => marks.push(value));
        machine.load(image);
        expect(machine.run(1_000_000).reason).toBe("halt");
        expect(machine.console.text()).toBe("00");
        expect(marks).toEqual([1, 0]);
      });

      it("kbench kinds run in the kernel and return 0", () => {
        const r = runGuest(p, [
          `
start:  li r11, 0
.kind:  mov r2, r11
        li r3, 20
        call sys_kbench
        mov r2, r1
        call print_num
        addi r11, r11, 1
        cmpi r11, 5
        blt .kind
        li r2, 10
        call print_char
${exit0}`,
        ]);
        expect(r.output).toBe("00000\n");
        expect(r.machine.stats().trapsByCause.DIVIDE).toBe(20);
      });
    });
  }

  it("a guest that never halts ends at its budget", () => {
    const r = runGuest(GUEST_PROFILES[0]!, [`start: jmp start`], { budget: 100_000 });
    expect(r.reason).toBe("budget");
  });
});
