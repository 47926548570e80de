; Print "<letter><n>\n" for n = 1..8, each line in one write, with busy work between.
        .include "runtime.s"
start:  mov     r11, r1                 ; the letter
        li      r12, 1
.line:  addi    sp, sp, -4
        sb      r11, 0(sp)
        addi    r5, r12, '0'
        sb      r5, 1(sp)
        li      r5, 10
        sb      r5, 2(sp)
        mov     r2, sp
        li      r3, 3
        call    sys_write
        addi    sp, sp, 4
        li      r13, 1500
.spin:  addi    r13, r13, -1
        cmpi    r13, 0
        bgt     .spin
        addi    r12, r12, 1
        cmpi    r12, 9
        blt     .line
        li      r2, 0
        call    exit
