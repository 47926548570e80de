; Sector s, word w holds s*1000 + w.
        .include "runtime.s"
        .equ    SECTORS, 8
start:  li      r2, 1024
        call    sys_sbrk
        mov     r11, r1                 ; buffer
        call    sys_roi_begin               ; the measured work begins
        li      r12, 0                  ; sector
.wsec:  li      r13, 0                  ; word
.fill:  muli    r5, r12, 1000
        add     r5, r5, r13
        shli    r6, r13, 2
        add     r6, r6, r11
        sw      r5, 0(r6)
        addi    r13, r13, 1
        cmpi    r13, 128
        blt     .fill
        mov     r2, r12
        mov     r3, r11
        call    sys_disk_write
        addi    r12, r12, 1
        cmpi    r12, SECTORS
        blt     .wsec
        li      r12, 0
        li      r14, 0                  ; checksum
.rsec:  mov     r2, r12
        addi    r3, r11, 512
        call    sys_disk_read
        li      r13, 0
.check: shli    r6, r13, 2
        add     r6, r6, r11
        lw      r5, 512(r6)
        add     r14, r14, r5
        muli    r7, r12, 1000
        add     r7, r7, r13
        cmp     r5, r7
        bne     .bad
        addi    r13, r13, 1
        cmpi    r13, 128
        blt     .check
        addi    r12, r12, 1
        cmpi    r12, SECTORS
        blt     .rsec
        call    sys_roi_end                 ; ... and ends
        la      r2, msg
        call    print
        mov     r2, r14
        call    print_num
        li      r2, 10
        call    print_char
        li      r2, 0
        call    exit
.bad:   la      r2, bad
        call    print
        li      r2, 0
        call    exit
msg:    .asciz "disk-io: 8 sectors ok, checksum "
bad:    .asciz "disk-io: mismatch\n"
