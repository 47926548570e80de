; word[p] += p + pass for 512 passes over 96 pages; print the sum of the 96 words.
; A first pass maps the pages (demand-zero faults: set-up, outside the region).
        .include "runtime.s"
        .equ    PAGES, 96
        .equ    PASSES, 512
start:  li      r2, PAGES * 4096
        call    sys_sbrk
        mov     r11, r1                 ; heap base
        li      r13, 0
        mov     r5, r11
        li      r6, 0
.map:   sw      r6, 0(r5)               ; the word is 0 already: only the mapping changes
        li      r7, 4096
        add     r5, r5, r7
        addi    r13, r13, 1
        cmpi    r13, PAGES
        blt     .map
        call    sys_roi_begin               ; the measured work begins: every pass
        li      r12, 0                  ; pass
.pass:  li      r13, 0                  ; page
        mov     r5, r11
.page:  lw      r6, 0(r5)
        add     r6, r6, r13
        add     r6, r6, r12
        sw      r6, 0(r5)
        li      r7, 4096
        add     r5, r5, r7
        addi    r13, r13, 1
        cmpi    r13, PAGES
        blt     .page
        addi    r12, r12, 1
        cmpi    r12, PASSES
        blt     .pass
        li      r13, 0
        li      r14, 0                  ; checksum
        mov     r5, r11
.sum:   lw      r6, 0(r5)
        add     r14, r14, r6
        li      r7, 4096
        add     r5, r5, r7
        addi    r13, r13, 1
        cmpi    r13, PAGES
        blt     .sum
        call    sys_roi_end                 ; ... and ends
        la      r2, msg
        call    print
        mov     r2, r14
        call    print_num
        li      r2, 10
        call    print_char
        li      r2, 0
        call    exit
msg:    .asciz "tlb-pressure: checksum "
