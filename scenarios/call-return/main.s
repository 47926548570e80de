; The kernel calls an empty function 1000 times (Adams & Agesen's call/ret: innocuous code).
        .include "runtime.s"
        .equ    COUNT, 1000
start:  li      r2, 3
        li      r3, COUNT
        call    sys_kbench
        la      r2, done
        call    print
        li      r2, 0
        call    exit
done:   .asciz "call-return: 1000 done\n"
