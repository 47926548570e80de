; The kernel reads the diagnostic port 1000 times (Adams & Agesen's `in` microbenchmark).
        .include "runtime.s"
        .equ    COUNT, 1000
start:  call    sys_roi_begin               ; the measured work: the kbench call
        li      r2, 0
        li      r3, COUNT
        call    sys_kbench
        call    sys_roi_end                 ; ... and ends
        la      r2, done
        call    print
        li      r2, 0
        call    exit
done:   .asciz "port-io: 1000 done\n"
