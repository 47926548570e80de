; Yield 2500 times.
        .include "runtime.s"
start:  li      r11, 2500
.loop:  call    sys_yield
        addi    r11, r11, -1
        cmpi    r11, 0
        bgt     .loop
        li      r2, 0
        call    exit
