; A first bare-metal program: install a trap vector and a kernel stack, drop to user
; mode with RTE, and let the user program ask the kernel, by system call, to print a
; line and then to halt.
;
; One source for every profile: vmlab assembles it with MIPS_LIKE, RISCV_LIKE or
; X86_LIKE defined to 1 (and LEVELS on the walker profiles). On the walker profiles
; paging stays off (PTBR = 0), so user addresses are physical; on mips-like every user
; access goes through the software TLB, so the kernel installs the two user pages first.

        .equ CONSOLE, 0x10
        .equ SYS_PRINT, 0
        .equ SYS_HALT, 1
        .equ USER_CODE, 0x00002000
        .equ USER_STACK_PAGE, 0x00003000
        .equ USER_STACK_TOP, 0x00004000
        .equ ESTATUS_USER, 0x80000000         ; previous mode = user, IF = 0

        .org 0x80001000
start:  la      r1, trap_handler
        wrcr    r1, TVEC
        la      r1, kstack_top
        wrcr    r1, KSP
.ifdef MIPS_LIKE
        li      r1, USER_CODE                 ; identity mappings, entry-lo = frame | W | V
        li      r2, USER_CODE | 3
        tlbw    r1, r2
        li      r1, USER_STACK_PAGE
        li      r2, USER_STACK_PAGE | 3
        tlbw    r1, r2
.endif
        li      r1, USER_CODE
        wrcr    r1, EPC
        li      r1, ESTATUS_USER
        wrcr    r1, ESTATUS
        li      r1, USER_STACK_TOP
        wrcr    r1, USP
        rte                                   ; to user mode at USER_CODE

; Every trap lands here. r2 carries the system-call number.
trap_handler:
        rdcr    r1, CAUSE
        andi    r1, r1, 0xff
        cmpi    r1, 1                         ; SYSCALL
        bne     unexpected
        cmpi    r2, SYS_PRINT
        bne     .halt
        la      r3, message
.loop:  lbu     r4, 0(r3)
        cmpi    r4, 0
        beq     .done
        out     r4, CONSOLE
        addi    r3, r3, 1
        jmp     .loop
.done:  rte                                   ; back to the instruction after SYSCALL
.halt:  halt

unexpected:
        la      r3, oops
.loop:  lbu     r4, 0(r3)
        cmpi    r4, 0
        beq     .stop
        out     r4, CONSOLE
        addi    r3, r3, 1
        jmp     .loop
.stop:  halt

message: .asciz "hello from the kernel\n"
oops:    .asciz "unexpected trap\n"
        .align  4
        .space  256
kstack_top:

        .org    USER_CODE
user:   li      r2, SYS_PRINT
        syscall 0
        push    r2                            ; the user stack works too
        pop     r2
        li      r2, SYS_HALT
        syscall 0
        jmp     user
