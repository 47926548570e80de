; A hostile guest: a small kernel of its own that tries, from the guest's kernel mode,
; every way out of its virtual machine, and prints what became of each attempt:
;   A  map a frame that is not its own (just past its 4 MiB: on a machine shared with
;      another VM, what a careless monitor would hand it is the next VM's memory) and
;      write to it;
;   B  map one of its own frames, then rewrite that page-table entry (the TLB entry on
;      mips-like) with a plain store, to point elsewhere;
;   C  have the disk DMA a sector to addresses outside its memory;
;   D  read the trap vector with RDTVEC and jump there.
; On bare metal each fails as the hardware fails (there is no memory there) or reaches
; only its own; under a monitor each must fail the same way or be refused, and the
; monitor's resource-control audit must record it. The paravirtual build (PARAVIRT)
; asks through hypercalls, as a paravirtual kernel must.

        .equ KSEG, 0x80000000
        .equ FOREIGN_A, 0x00401000         ; past the end of its memory
        .equ FOREIGN_B, 0x00402000
        .equ ROOT, 0x00010000              ; its page tables: its own frames from here
        .equ OWN, 0x00020000               ; one of its own frames, for B's mapping
        .equ VA_A, 0x00200000
        .equ VA_B, 0x00201000
        .equ MARK, 0x0badf00d

.ifdef PARAVIRT
        .equ HC_SET_CALLBACKS, 0
        .equ HC_IRET, 1
        .equ HC_MMU_UPDATE, 2
        .equ HC_SET_PTBR, 3
        .equ HC_TLB_WRITE, 4
        .equ HC_CONSOLE_WRITE, 5
        .equ HC_DISK_IO, 6
        .equ HC_HALT, 11
        .equ PT_INVLPG, 1
        .equ SH_EPC, 8
        .equ SH_CAUSE, 16
.endif

; Guest-physical page 0: where a jump to the monitor's trap vector lands on x86-like,
; whose RDTVEC does not trap and shows the real one (0x80000000 = kseg0 of this page).
        .org 0x80000000
pad:    jmp     d_pad

        .org 0x80001000
start:  la      sp, stack_top
.ifdef PARAVIRT
        la      r2, handler
        la      r3, stack_top
        la      r4, shared - KSEG
        li      r1, HC_SET_CALLBACKS
        hcall   0
.else
        la      r1, handler
        wrcr    r1, TVEC
.endif
        la      r2, msg_start
        call    puts

; ------------------------------------------------------------------ A
        la      r2, msg_a
        call    puts
        la      r2, a_done
        call    set_resume
.ifdef SOFTWARE_TLB
        li      r2, VA_A
        li      r3, FOREIGN_A | 3          ; frame | W | V
.ifdef PARAVIRT
        li      r1, HC_TLB_WRITE
        hcall   0
        call    say_refused
.else
        tlbw    r2, r3
.endif
.else
        li      r2, VA_A
        li      r3, FOREIGN_A | 7          ; frame | U | W | V
        call    map
        call    say_refused
        call    load_root
.endif
        la      r2, msg_write
        call    puts
        li      r2, VA_A                   ; the attempt: fill the page with a marker
        li      r3, MARK
        li      r4, 1024
.fill:  sw      r3, 0(r2)
        addi    r2, r2, 4
        addi    r4, r4, -1
        cmpi    r4, 0
        bgt     .fill
        li      r2, VA_A
        lw      r2, 0(r2)
        call    say_read
a_done: call    newline

; ------------------------------------------------------------------ B
        la      r2, msg_b
        call    puts
        la      r2, b_done
        call    set_resume
.ifdef SOFTWARE_TLB
        li      r2, VA_B
        li      r3, OWN | 3
.ifdef PARAVIRT
        li      r1, HC_TLB_WRITE
        hcall   0
.else
        tlbw    r2, r3
.endif
.else
        li      r2, VA_B
        li      r3, OWN | 7
        call    map                        ; r4 = the leaf entry (kseg0)
        la      r2, leaf
        sw      r4, 0(r2)
.endif
        li      r2, VA_B
        li      r3, 0x1234
        sw      r3, 0(r2)
        la      r2, msg_b_ok
        call    puts
        la      r2, b_stored
        call    set_resume
.ifdef SOFTWARE_TLB
        li      r2, VA_B
        li      r3, FOREIGN_B | 3
.ifdef PARAVIRT
        li      r1, HC_TLB_WRITE
        hcall   0
        call    say_refused
.else
        tlbw    r2, r3                     ; the attempt: the same page, another frame
.endif
.else
        la      r2, leaf
        lw      r4, 0(r2)
        li      r3, FOREIGN_B | 7
        sw      r3, 0(r4)                  ; the attempt: a plain store into the page table
.endif
b_stored:
        la      r2, b_done
        call    set_resume
.ifdef SOFTWARE_TLB
.else
        li      r2, VA_B
        call    invalidate
.endif
        la      r2, msg_b_read
        call    puts
        li      r2, VA_B
        lw      r2, 0(r2)
        call    say_read
b_done: call    newline

; ------------------------------------------------------------------ C
        la      r2, msg_c
        call    puts
        li      r2, FOREIGN_A
        call    dma
        la      r2, msg_c2
        call    puts
        li      r2, 0x003fff00             ; half inside, half outside
        call    dma
        call    newline

; ------------------------------------------------------------------ D
        la      r2, msg_d
        call    puts
        la      r2, d_done
        call    set_resume
        rdtvec  r5                         ; the attempt
        mov     r2, r5
        call    puthex
        la      r2, msg_d_jump
        call    puts
        la      r2, jumped
        li      r3, 1
        sw      r3, 0(r2)
        jr      r5                         ; and there
d_pad:  la      r2, jumped                 ; from page 0 (see pad)
        li      r3, 0
        sw      r3, 0(r2)
        la      r2, msg_d_page0
        call    puts
d_done: call    newline

        la      r2, msg_done
        call    puts
.ifdef PARAVIRT
        li      r1, HC_HALT
        hcall   0
.else
        halt
.endif

; ------------------------------------------------------------------ traps
.ifdef PARAVIRT
.ifdef SOFTWARE_TLB
; The refill vector, 0x80 below the trap entry (ISA.md): a TLB write the monitor refused
; leaves a miss, which goes where every other trap goes. (The unmodified build takes no
; miss: its TLB writes all succeed, and D prints where its handler is.)
refill: jmp     handler
        .space  refill + 0x80 - .
.endif
.endif
; Every attempt that faults comes here: print the cause and go on at resume_at. A
; jump from D (jumped set) is no trap: say so and go on.
handler:
        la      r2, jumped
        lw      r3, 0(r2)
        cmpi    r3, 0
        beq     .trap
        li      r3, 0
        sw      r3, 0(r2)
        la      r2, msg_d_handler
        call    puts
        jmp     d_done
.trap:
.ifdef PARAVIRT
        la      r13, shared
        lw      r13, SH_CAUSE(r13)
.else
        rdcr    r13, CAUSE
.endif
        andi    r13, r13, 0xff
        la      r2, msg_trap
        call    puts
        mov     r2, r13
        call    putdec
        la      r2, resume_at
        lw      r2, 0(r2)
.ifdef PARAVIRT
        la      r3, shared
        sw      r2, SH_EPC(r3)
        li      r1, HC_IRET
        hcall   0
.else
        wrcr    r2, EPC
        rte
.endif

; ------------------------------------------------------------------ helpers
set_resume:                                ; r2 = where the handler goes on
        la      r1, resume_at
        sw      r2, 0(r1)
        ret

say_refused:                               ; r1 < 0: the monitor said no
        cmpi    r1, 0
        bge     .no
        la      r2, msg_refused
        call    puts
.no:    ret

say_read:                                  ; r2 = the word read
        push    r2
        la      r2, msg_read
        call    puts
        pop     r2
        call    puthex
        ret

dma:                                       ; r2 = physical address: read sector 0 there
.ifdef PARAVIRT
        mov     r4, r2
        li      r2, 1
        li      r3, 0
        li      r1, HC_DISK_IO
        hcall   0
.else
        li      r1, 0
        out     r1, 0x30
        out     r2, 0x31
        li      r1, 1
        out     r1, 0x32
        in      r1, 0x33
.endif
        push    r1
        la      r2, msg_status
        call    puts
        pop     r2
        call    putdec
        ret

.ifdef WALKER
; map: r2 = virtual address, r3 = leaf entry. Walks the tables from ROOT, making those
; missing from its own frames. r1 = 0, or -1 when the monitor refused the leaf; r4 = the
; leaf entry's kseg0 address.
map:    push    r5, r6, r7, r8, r9
        li      r5, ROOT | KSEG
        li      r6, 0
.level: shli    r7, r6, 2
        la      r8, level_shift
        add     r8, r8, r7
        lw      r9, 0(r8)
        shr     r9, r2, r9
        la      r8, level_mask
        add     r8, r8, r7
        lw      r8, 0(r8)
        and     r9, r9, r8
        shli    r9, r9, 2
        add     r7, r5, r9                 ; the entry
        addi    r6, r6, 1
        cmpi    r6, LEVELS
        beq     .leaf
        lw      r8, 0(r7)
        andi    r9, r8, 1
        cmpi    r9, 0
        bne     .down
        la      r9, next_table
        lw      r8, 0(r9)
        li      r4, 0x1000
        add     r4, r8, r4
        sw      r4, 0(r9)
        ori     r8, r8, 1
        push    r2, r3
        mov     r2, r7
        mov     r3, r8
        call    pt_store
        pop     r2, r3
.down:  li      r9, 0xfffff000
        and     r5, r8, r9
        li      r9, KSEG
        or      r5, r5, r9
        jmp     .level
.leaf:  push    r7
        mov     r2, r7
        call    pt_store
        pop     r4
        pop     r5, r6, r7, r8, r9
        ret

; pt_store: r2 = kseg0 address of a page-table entry, r3 = its value. r1 = 0 or -1.
pt_store:
.ifdef PARAVIRT
        la      r1, batch
        li      r4, KSEG
        sub     r4, r2, r4
        sw      r4, 0(r1)
        sw      r3, 4(r1)
        la      r2, batch - KSEG
        li      r3, 1
        li      r1, HC_MMU_UPDATE
        hcall   0
.else
        sw      r3, 0(r2)
        li      r1, 0
.endif
        ret

load_root:
.ifdef PARAVIRT
        li      r2, ROOT
        li      r1, HC_SET_PTBR
        hcall   0
.else
        li      r1, ROOT
        wrcr    r1, PTBR
.endif
        ret

invalidate:                                ; r2 = virtual address
.ifdef PARAVIRT
        la      r1, batch
        li      r3, PT_INVLPG
        sw      r3, 0(r1)
        sw      r2, 4(r1)
        la      r2, batch - KSEG
        li      r3, 1
        li      r1, HC_MMU_UPDATE
        hcall   0
.else
        tlbi    r2
.endif
        ret
.endif

; puts: r2 = NUL-terminated string (kseg0). Clobbers r1..r4.
puts:
.ifdef PARAVIRT
        mov     r3, r2
.len:   lbu     r4, 0(r3)
        cmpi    r4, 0
        beq     .write
        addi    r3, r3, 1
        jmp     .len
.write: sub     r3, r3, r2
        li      r4, KSEG
        sub     r2, r2, r4
        li      r1, HC_CONSOLE_WRITE
        hcall   0
        ret
.else
.loop:  lbu     r1, 0(r2)
        cmpi    r1, 0
        beq     .done
        out     r1, 0x10
        addi    r2, r2, 1
        jmp     .loop
.done:  ret
.endif

newline:
        la      r2, msg_nl
        jmp     puts

; puthex: r2 as 0x%08x.
puthex: la      r3, hexbuf + 2
        li      r4, 28
.nib:   shr     r1, r2, r4
        andi    r1, r1, 15
        cmpi    r1, 10
        blt     .dec
        addi    r1, r1, 'a' - 10
        jmp     .put
.dec:   addi    r1, r1, '0'
.put:   sb      r1, 0(r3)
        addi    r3, r3, 1
        addi    r4, r4, -4
        cmpi    r4, 0
        bge     .nib
        la      r2, hexbuf
        jmp     puts

; putdec: r2 = 0..99.
putdec: la      r3, decbuf
        li      r4, 10
        cmp     r2, r4
        blt     .one
        divu    r1, r2, r4
        addi    r1, r1, '0'
        sb      r1, 0(r3)
        addi    r3, r3, 1
        remu    r2, r2, r4
.one:   addi    r2, r2, '0'
        sb      r2, 0(r3)
        li      r2, 0
        sb      r2, 1(r3)
        la      r2, decbuf
        jmp     puts

; ------------------------------------------------------------------ data
        .align  4
resume_at:  .word 0
jumped:     .word 0
leaf:       .word 0
next_table: .word ROOT + 0x1000
.ifdef PARAVIRT
batch:      .space 8
shared:     .space 64
.endif
.if LEVELS == 2
level_shift: .word 22, 12
level_mask:  .word 1023, 1023
.endif
.if LEVELS == 3
level_shift: .word 26, 19, 12
level_mask:  .word 63, 127, 127
.endif
.if LEVELS == 4
level_shift: .word 27, 22, 17, 12
level_mask:  .word 31, 31, 31, 31
.endif
hexbuf:     .asciz "0x00000000"
decbuf:     .space 4
msg_start:  .asciz "hostile guest: trying to reach outside its virtual machine\n"
msg_a:      .asciz "A: map frame 0x00401000 at 0x00200000"
msg_write:  .asciz "; fill it with a marker:"
msg_b:      .asciz "B: map my frame 0x00020000 at 0x00201000"
msg_b_ok:   .asciz ": ok; point its entry at 0x00402000 by a store"
msg_b_read: .asciz "; read it:"
msg_c:      .asciz "C: disk DMA to 0x00401000:"
msg_c2:     .asciz "; to 0x003fff00:"
msg_d:      .asciz "D: read the trap vector: "
msg_d_jump: .asciz "; jump there:"
msg_d_handler: .asciz " landed in my own trap handler"
msg_d_page0:   .asciz " landed in my own page 0"
msg_refused: .asciz ", refused by the monitor"
msg_read:   .asciz " read "
msg_trap:   .asciz " trap "
msg_status: .asciz " status "
msg_nl:     .asciz "\n"
msg_done:   .asciz "hostile guest: done\n"
        .align  4
        .space  1024
stack_top:
