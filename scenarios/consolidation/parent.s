; Spawn a partner, yield 500 times, wait for it.
        .include "runtime.s"
start:  li      r2, 1
        li      r3, 0
        call    sys_spawn
        call    sys_roi_begin               ; the measured work begins: the partner runs
        li      r11, 500
.loop:  call    sys_yield
        addi    r11, r11, -1
        cmpi    r11, 0
        bgt     .loop
        call    sys_wait
        call    sys_roi_end                 ; ... and ends
        la      r2, done
        call    print
        li      r2, 0
        call    exit
done:   .asciz "context-switch: 1000 yields\n"
