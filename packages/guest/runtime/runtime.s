; The user runtime, included by every user program (`.include "runtime.s"`).
; Functions take arguments in r2..r4, return in r1, and preserve r5..r14.
; System calls: `syscall 0` with r1 = number (see KERNEL.md).

        .equ SYS_EXIT, 0
        .equ SYS_WRITE, 1
        .equ SYS_GETPID, 2
        .equ SYS_YIELD, 3
        .equ SYS_SPAWN, 4
        .equ SYS_WAIT, 5
        .equ SYS_SBRK, 6
        .equ SYS_MPROTECT, 7
        .equ SYS_DISK_READ, 8
        .equ SYS_DISK_WRITE, 9
        .equ SYS_KBENCH, 10
        .equ SYS_ROI, 12

; print: r2 = NUL-terminated string.
print:  push    r5
        mov     r3, r2
        mov     r5, r2
.len:   lbu     r4, 0(r5)
        cmpi    r4, 0
        beq     .go
        addi    r5, r5, 1
        jmp     .len
.go:    sub     r3, r5, r2
        li      r1, SYS_WRITE
        syscall 0
        pop     r5
        ret

; print_char: r2 = byte.
print_char:
        push    r2
        mov     r2, sp
        li      r3, 1
        li      r1, SYS_WRITE
        syscall 0
        pop     r2
        ret

; print_num: r2 = signed number, in decimal.
print_num:
        push    r5, r6, r7
        addi    sp, sp, -16
        addi    r5, sp, 15                 ; fill the buffer backwards
        li      r6, 0
        sb      r6, 0(r5)
        mov     r7, r2
        cmpi    r7, 0
        bge     .digits
        li      r6, 0
        sub     r7, r6, r7                 ; |n| (as unsigned for -2^31)
.digits:
        li      r6, 10
.loop:  remu    r3, r7, r6
        divu    r7, r7, r6
        addi    r3, r3, '0'
        addi    r5, r5, -1
        sb      r3, 0(r5)
        cmpi    r7, 0
        bne     .loop
        cmpi    r2, 0
        bge     .out
        li      r3, '-'
        addi    r5, r5, -1
        sb      r3, 0(r5)
.out:   mov     r2, r5
        call    print
        addi    sp, sp, 16
        pop     r5, r6, r7
        ret

; print_hex: r2 as 0x%08x.
print_hex:
        push    r5, r6, r7
        addi    sp, sp, -12
        mov     r5, sp
        li      r6, '0'
        sb      r6, 0(r5)
        li      r6, 'x'
        sb      r6, 1(r5)
        li      r6, 28                     ; shift for the first nibble
        addi    r7, r5, 2
.nib:   shr     r3, r2, r6
        andi    r3, r3, 15
        cmpi    r3, 10
        blt     .dec
        addi    r3, r3, 'a' - 10
        jmp     .put
.dec:   addi    r3, r3, '0'
.put:   sb      r3, 0(r7)
        addi    r7, r7, 1
        addi    r6, r6, -4
        cmpi    r6, 0
        bge     .nib
        li      r3, 0
        sb      r3, 0(r7)
        mov     r2, r5
        call    print
        addi    sp, sp, 12
        pop     r5, r6, r7
        ret

; exit: r2 = code. Does not return.
exit:   li      r1, SYS_EXIT
        syscall 0

sys_write:
        li      r1, SYS_WRITE
        syscall 0
        ret
sys_getpid:
        li      r1, SYS_GETPID
        syscall 0
        ret
sys_yield:
        li      r1, SYS_YIELD
        syscall 0
        ret
sys_spawn:
        li      r1, SYS_SPAWN
        syscall 0
        ret
sys_wait:
        li      r1, SYS_WAIT
        syscall 0
        ret
sys_sbrk:
        li      r1, SYS_SBRK
        syscall 0
        ret
sys_mprotect:
        li      r1, SYS_MPROTECT
        syscall 0
        ret
sys_disk_read:
        li      r1, SYS_DISK_READ
        syscall 0
        ret
sys_disk_write:
        li      r1, SYS_DISK_WRITE
        syscall 0
        ret
sys_kbench:
        li      r1, SYS_KBENCH
        syscall 0
        ret

; sys_roi_begin / sys_roi_end: bracket the measured work (the region of interest);
; reports give the slowdown of what lies between beside that of the whole run.
sys_roi_begin:
        li      r2, 1
        li      r1, SYS_ROI
        syscall 0
        ret
sys_roi_end:
        li      r2, 0
        li      r1, SYS_ROI
        syscall 0
        ret
