; 100 demand-zero faults.
        .include "runtime.s"
        .equ    PAGES, 100
start:  li      r2, PAGES * 4096
        call    sys_sbrk
        mov     r11, r1
        call    sys_roi_begin               ; the measured work begins: the touches
        li      r12, PAGES
.touch: sw      r12, 0(r11)
        li      r3, 4096
        add     r11, r11, r3
        addi    r12, r12, -1
        cmpi    r12, 0
        bgt     .touch
        call    sys_roi_end                 ; ... and ends
        la      r2, done
        call    print
        li      r2, 0
        call    exit
done:   .asciz "page-fault: 100 done\n"
