; One probe of the red pill: r1 = which instruction to run (see main.s). Prints what
; it read and a newline; where the instruction traps in user mode it never gets there.
        .include "runtime.s"
start:  cmpi    r1, 1
        beq     .pushf
        cmpi    r1, 2
        beq     .popf
        cmpi    r1, 3
        beq     .rdmode
        rdtvec  r2                          ; the kernel's trap vector, or a monitor's
        call    print_hex
        jmp     .end
.pushf: pushf                               ; IF as the kernel left it on the way back
        pop     r2
        call    print_if
        jmp     .end
.popf:  li      r2, 0                       ; try to clear IF from user mode
        push    r2
        popf
        pushf
        pop     r2
        call    print_if
        jmp     .end
.rdmode:
        rdmode  r2
        call    print_num
.end:   li      r2, 10
        call    print_char
        li      r2, 0
        call    exit

; print_if: r2 = flags; prints whether IF is set.
print_if:
        andi    r2, r2, 0x200
        cmpi    r2, 0
        beq     .clear
        la      r2, set
        jmp     print
.clear: la      r2, clear
        jmp     print
set:    .asciz  "IF set"
clear:  .asciz  "IF clear"
