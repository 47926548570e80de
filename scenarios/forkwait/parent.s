; Spawn child i (exit code i) and wait for it, 40 times; sum the exit codes.
        .include "runtime.s"
        .equ    CHILDREN, 40
start:  call    sys_roi_begin               ; the measured work: every spawn and wait
        li      r11, 0                  ; i
        li      r12, 0                  ; sum of exit codes
        li      r13, 0                  ; children reaped
.next:  li      r2, 1
        mov     r3, r11
        call    sys_spawn
        cmpi    r1, 0
        blt     .fail
        call    sys_wait
        add     r12, r12, r2
        addi    r13, r13, 1
        addi    r11, r11, 1
        cmpi    r11, CHILDREN
        blt     .next
        call    sys_roi_end                 ; ... and ends
        la      r2, msg1
        call    print
        mov     r2, r13
        call    print_num
        la      r2, msg2
        call    print
        mov     r2, r12
        call    print_num
        li      r2, 10
        call    print_char
        li      r2, 0
        call    exit
.fail:  la      r2, failed
        call    print
        li      r2, 0
        call    exit
msg1:   .asciz "forkwait: "
msg2:   .asciz " children, sum "
failed: .asciz "forkwait: spawn failed\n"
