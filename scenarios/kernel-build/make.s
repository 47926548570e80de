; Run 4 compile units at once (argument 1..4), reap them all, then report each unit's
; sum from its disk sector and the sum of their exit codes.
        .include "runtime.s"
start:  call    sys_roi_begin               ; the measured work: the units, until reaped
        li      r11, 1
.spawn: li      r2, 1
        mov     r3, r11
        call    sys_spawn
        addi    r11, r11, 1
        cmpi    r11, 5
        blt     .spawn
        li      r12, 0
.wait:  call    sys_wait
        cmpi    r1, 0
        blt     .report
        add     r12, r12, r2
        jmp     .wait
.report:
        call    sys_roi_end                 ; ... and ends
        li      r2, 512
        call    sys_sbrk
        mov     r13, r1
        li      r11, 1
.unit:  mov     r2, r11
        mov     r3, r13
        call    sys_disk_read
        la      r2, msg1
        call    print
        mov     r2, r11
        call    print_num
        la      r2, msg2
        call    print
        lw      r2, 0(r13)
        call    print_num
        li      r2, 10
        call    print_char
        addi    r11, r11, 1
        cmpi    r11, 5
        blt     .unit
        la      r2, msg3
        call    print
        mov     r2, r12
        call    print_num
        li      r2, 10
        call    print_char
        li      r2, 0
        call    exit
msg1:   .asciz "cc "
msg2:   .asciz ": sum "
msg3:   .asciz "kernel-build: 4 units, status "
