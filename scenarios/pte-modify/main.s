; The kernel rewrites a page-table entry and invalidates its translation 1000 times (Adams & Agesen's ptemod).
        .include "runtime.s"
        .equ    COUNT, 1000
start:  li      r2, 2
        li      r3, COUNT
        call    sys_kbench
        la      r2, done
        call    print
        li      r2, 0
        call    exit
done:   .asciz "pte-modify: 1000 done\n"
