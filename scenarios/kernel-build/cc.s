; Compile unit i: fill 4 heap pages with j*i (a system call per word, as a compiler
; makes many), then store the sum in word 0 of disk sector i (word 127 = 127*i as a
; check), read the sector back, verify, and exit with i (100 if the check fails).
        .include "runtime.s"
start:  mov     r11, r1                 ; i
        li      r2, 5 * 4096
        call    sys_sbrk
        mov     r12, r1                 ; heap: 4 pages of words, then a sector buffer
        li      r13, 0                  ; j
        li      r14, 0                  ; sum
.fill:  mul     r5, r13, r11
        shli    r6, r13, 2
        add     r6, r6, r12
        sw      r5, 0(r6)
        add     r14, r14, r5
        call    sys_getpid
        addi    r13, r13, 1
        li      r7, 4096
        cmp     r13, r7
        blt     .fill
        li      r7, 16384
        add     r13, r12, r7            ; sector buffer
        sw      r14, 0(r13)
        muli    r6, r11, 127
        sw      r6, 508(r13)
        mov     r2, r11
        mov     r3, r13
        call    sys_disk_write
        sw      r14, 508(r13)           ; clobber it (the sum is not 127*i), then read it back
        mov     r2, r11
        mov     r3, r13
        call    sys_disk_read
        lw      r5, 508(r13)
        muli    r6, r11, 127
        cmp     r5, r6
        bne     .bad
        mov     r2, r11
        call    exit
.bad:   li      r2, 100
        call    exit
