; The kernel writes the task-priority register 1000 times (Adams & Agesen's cr8 write).
        .include "runtime.s"
        .equ    COUNT, 1000
start:  li      r2, 1
        li      r3, COUNT
        call    sys_kbench
        la      r2, done
        call    print
        li      r2, 0
        call    exit
done:   .asciz "privileged-register-write: 1000 done\n"
