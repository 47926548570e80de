; Start the three printers and wait for them.
        .include "runtime.s"
start:  call    sys_roi_begin               ; the measured work: the printers, preempted
        li      r11, 0
.spawn: li      r2, 1
        addi    r3, r11, 'a'
        call    sys_spawn
        addi    r11, r11, 1
        cmpi    r11, 3
        blt     .spawn
.wait:  call    sys_wait
        cmpi    r1, 0
        bge     .wait
        call    sys_roi_end                 ; ... and ends
        li      r2, 0
        call    exit
