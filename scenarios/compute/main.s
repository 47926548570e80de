; Count primes below LIMIT by trial division.
        .include "runtime.s"
        .equ    LIMIT, 20000
start:  call    sys_roi_begin               ; the measured work: the whole search
        li      r11, 2                  ; candidate
        li      r12, 0                  ; primes found
.cand:  li      r13, 2                  ; divisor
.div:   mul     r5, r13, r13
        cmp     r5, r11
        bgt     .prime
        rem     r6, r11, r13
        cmpi    r6, 0
        beq     .composite
        addi    r13, r13, 1
        jmp     .div
.prime: addi    r12, r12, 1
.composite:
        addi    r11, r11, 1
        cmpi    r11, LIMIT
        blt     .cand
        call    sys_roi_end                 ; ... and ends
        la      r2, msg1
        call    print
        mov     r2, r12
        call    print_num
        la      r2, msg2
        call    print
        li      r2, 0
        call    exit
msg1:   .asciz "compute: "
msg2:   .asciz " primes below 20000\n"
