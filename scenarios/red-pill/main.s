; The red pill: what a process can learn of the machine it runs on. For each of the
; instructions x86-like lets user mode run without a trap although they read
; privileged state, a child process runs it and prints what it saw; the parent names
; the instruction first and waits for the child. Where the instruction is privileged
; (mips-like, riscv-like) the child traps and its kernel kills it, and that is what the
; line shows.
        .include "runtime.s"
        .equ    PROBES, 4
start:  la      r2, title
        call    print
        call    sys_roi_begin               ; the measured work: the four probes
        li      r11, 0                      ; the probe
.next:  la      r2, names
        shli    r3, r11, 2
        add     r2, r2, r3
        lw      r2, 0(r2)
        call    print
        li      r2, 1                       ; probe.s, told which instruction
        mov     r3, r11
        call    sys_spawn
        cmpi    r1, 0
        blt     .fail
        call    sys_wait
        addi    r11, r11, 1
        cmpi    r11, PROBES
        blt     .next
        call    sys_roi_end
        la      r2, done
        call    print
        li      r2, 0
        call    exit
.fail:  la      r2, failed
        call    print
        li      r2, 1
        call    exit
        .align  4
names:  .word   n_rdtvec, n_pushf, n_popf, n_rdmode
title:  .asciz  "red pill: what a process sees of the machine\n"
n_rdtvec: .asciz "RDTVEC (as SIDT, the trap vector): "
n_pushf:  .asciz "PUSHF (the interrupt flag): "
n_popf:   .asciz "POPF of IF clear, then PUSHF: "
n_rdmode: .asciz "RDMODE (the mode, 1 = user): "
done:   .asciz  "red pill: done\n"
failed: .asciz  "red pill: spawn failed\n"
