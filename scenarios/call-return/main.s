; The kernel calls an empty function 100,000 times (Adams & Agesen's call/ret: innocuous code).
        .include "runtime.s"
        .equ    COUNT, 100000
start:  call    sys_roi_begin               ; the measured work: the kbench call
        li      r2, 3
        li      r3, COUNT
        call    sys_kbench
        call    sys_roi_end                 ; ... and ends
        la      r2, done
        call    print
        li      r2, 0
        call    exit
done:   .asciz "call-return: 100000 done\n"
