; The vmlab guest kernel: one source for every profile.
;
; Defines from the image builder: MIPS_LIKE / RISCV_LIKE / X86_LIKE, SOFTWARE_TLB or
; WALKER, LEVELS (page-table depth; 2 on mips-like, whose TLB-miss handler walks the
; same kind of table in software), TIMER_PERIOD, PROGRAM_TABLE (kseg0 address of the
; linked user programs: count, then entry/address/size per program), and PARAVIRT for
; the paravirtual build: every privileged instruction becomes a hypercall (HCALL), the
; interrupt flag and the trap frame live in a page shared with the monitor, and
; page-table updates go to the monitor in batches.
; See KERNEL.md for the memory layout, the system calls, the trap path and the
; paravirtual interface.

        .ifndef TIMER_PERIOD
        .equ TIMER_PERIOD, 1000000         ; about 1 kHz at 10^9 instructions/s (see builder.ts)
        .endif
        .ifndef LEVELS
        .equ LEVELS, 2
        .endif

        .equ KSEG, 0x80000000
        .equ FRAMES_START, 0x00100000      ; physical frames handed out from here
        .equ MEM_TOP, 0x00400000           ; 4 MiB machine
        .equ USER_CODE, 0x00400000
        .equ USER_STACK_TOP, 0x7fff0000
        .equ STACK_PAGES, 4
        .equ HEAP_BASE, 0x10000000
        .equ KERNEL_HALF, 0x80000000
        .equ ESTATUS_USER_IF, 0x80000200   ; user mode, interrupts on
        .equ PTE_PHYS, 8                   ; software bit: a frame map_phys mapped, never freed

        ; process structure
        .equ P_REGS, 0                     ; r0..r15 (r15 = user sp)
        .equ P_PC, 64
        .equ P_ESTATUS, 68
        .equ P_STATE, 72
        .equ P_PID, 76
        .equ P_PARENT, 80
        .equ P_EXIT, 84
        .equ P_ROOT, 88
        .equ P_BRK, 92
        .equ PROC_SIZE, 128
        .equ NPROC, 16
        .equ S_FREE, 0
        .equ S_READY, 1
        .equ S_RUNNING, 2
        .equ S_BLOCKED, 3
        .equ S_ZOMBIE, 4

        ; trap causes
        .equ C_SYSCALL, 1
        .equ C_BREAKPOINT, 2
        .equ C_PRIVILEGED, 3
        .equ C_ILLEGAL, 4
        .equ C_DIVIDE, 5
        .equ C_PAGE_FAULT, 6
        .equ C_TLB_MISS, 7
        .equ C_TIMER, 8
        .equ C_ADDRESS_ERROR, 10
        .equ CAUSE_PROTECTION, 0x400

        ; the paravirtual interface (KERNEL.md, "The paravirtual build")
        .equ HC_SET_CALLBACKS, 0           ; r2 = trap entry, r3 = kernel stack, r4 = shared page
        .equ HC_IRET, 1                    ; return from trap as the shared trap frame says
        .equ HC_MMU_UPDATE, 2              ; r2 = batch, r3 = entries -> 0, or -1 (r2 = refused entry)
        .equ HC_SET_PTBR, 3                ; r2 = root table: a new address space
        .equ HC_TLB_WRITE, 4               ; r2 = virtual address, r3 = entry-lo (software TLB)
        .equ HC_CONSOLE_WRITE, 5           ; r2 = bytes, r3 = count
        .equ HC_DISK_IO, 6                 ; r2 = command, r3 = sector, r4 = buffer -> status
        .equ HC_SET_TIMER, 7               ; r2 = period
        .equ HC_PORT_IN, 8                 ; r2 = port -> value
        .equ HC_PORT_OUT, 9                ; r2 = port, r3 = value
        .equ HC_EVENT_CHECK, 10            ; deliver a pending interrupt now
        .equ HC_HALT, 11
        .equ HC_SET_TRAP_TABLE, 12         ; r2 = trap cause, r3 = handler: a trap gate to ring 1 (TRAP_GATE)
        ; batch entries: (address, value); the low two bits of the address say what to do
        .equ PT_UPDATE, 0                  ; (guest-physical address of an entry, new entry)
        .equ PT_INVLPG, 1                  ; (PT_INVLPG, virtual address): drop its translation
        .equ PT_FLUSH, 2                   ; (PT_FLUSH, 0): drop every translation
        .equ PT_RELEASE, 3                 ; (PT_RELEASE, root): that table tree is no longer in use
        .equ PT_BATCH, 32                  ; entries per batch
        ; the shared page
        .equ SH_IF, 0                      ; the virtual interrupt flag: 0x200 on, 0 off
        .equ SH_PENDING, 4                 ; 1: an interrupt waits for the flag
        .equ SH_EPC, 8                     ; the trap frame the monitor writes on delivery ...
        .equ SH_ESTATUS, 12
        .equ SH_CAUSE, 16
        .equ SH_BADADDR, 20
        .equ SH_USP, 24
        .equ SH_R1, 28                     ; ... with the interrupted r1, which HC_IRET restores
        .equ SH_TPR, 32                    ; the task priority (no effect, no trap)
        .equ SH_CONTEXT, 36                ; CONTEXT at a TLB miss: &directory[va >> 22] (kseg0)
        .equ SH_K1, 40                     ; the refill handler's two save words
        .equ SH_K2, 44

        .org 0x80001000
; ---------------------------------------------------------------------------- boot
start:  la      sp, kstack_top
.ifdef PARAVIRT
        la      r2, trap_entry             ; the virtual trap vector
        la      r3, kstack_top             ; the stack for traps from user mode
        la      r4, shared_info - KSEG     ; the block shared with the monitor
        li      r1, HC_SET_CALLBACKS
        hcall   0
        li      r2, TIMER_PERIOD
        li      r1, HC_SET_TIMER
        hcall   0
.ifdef TRAP_GATE
        li      r2, C_SYSCALL              ; system calls straight to syscall_gate at ring 1
        la      r3, syscall_gate           ; (Xen's set_trap_table, vector 0x80)
        li      r1, HC_SET_TRAP_TABLE
        hcall   0
.endif
.else
        la      r1, trap_entry
        wrcr    r1, TVEC
        la      r1, kstack_top
        wrcr    r1, KSP
        li      r1, TIMER_PERIOD
        out     r1, 0x20
.endif
        li      r10, 0                     ; no current process yet
        li      r2, 0                      ; program 0
        li      r3, 0                      ; argument
        call    spawn
        cmpi    r1, 0
        bgt     .ok
        la      r2, msg_noinit
        jmp     panic
.ok:    la      r10, proc_table            ; schedule from the top of the table
        addi    r10, r10, (NPROC - 1) * PROC_SIZE
        jmp     schedule

.ifdef SOFTWARE_TLB
.ifndef PARAVIRT
; ---------------------------------------------------------------------------- TLB refill
; The refill vector, 0x80 below TVEC (ISA.md): a TLB miss on a user address, from either
; mode, as MIPS's UTLB handler. r1 and r2 are its only registers, saved in SCRATCH and
; KSCRATCH (MIPS reserves k0/k1; this ISA's programs use every register); CONTEXT already
; holds the address of the page's directory entry. A page without a valid entry goes on
; to the general vector (demand zero, or the process dies) with EPC, ESTATUS, CAUSE and
; BADADDR as the miss left them.
utlb_refill:
        wrcr    r1, SCRATCH
        wrcr    r2, KSCRATCH
        rdcr    r1, CONTEXT                ; &directory[va >> 22], kseg0
        lw      r1, 0(r1)                  ; the leaf table (kseg0) | V, or 0
        cmpi    r1, 0
        beq     .slow
        rdcr    r2, BADADDR
        shri    r2, r2, 10
        andi    r2, r2, 0xffc              ; the page's index in its leaf table, x 4
        add     r1, r1, r2
        lw      r2, -1(r1)                 ; the entry (-1 takes off the directory entry's V)
        andi    r1, r2, 1
        cmpi    r1, 0
        beq     .slow
        rdcr    r1, BADADDR
        tlbw    r1, r2                     ; entry-lo: the entry itself (TLBW keeps frame, W, V)
        rdcr    r1, SCRATCH
        rdcr    r2, KSCRATCH
        rte
.slow:  rdcr    r1, SCRATCH
        rdcr    r2, KSCRATCH
        jmp     trap_entry
        .space  utlb_refill + 0x80 - .     ; trap_entry, TVEC, is 0x80 above the refill vector
.else
; The paravirtual refill handler, at the same vector: the monitor leaves CONTEXT in the
; shared block with the trap frame (and r1 in it); r2 and r3 are saved beside them. The
; directory entries here are guest-physical (the monitor validates them): one `or` more.
; The entry is installed by TLB_WRITE; IRET returns through the frame as delivered.
utlb_refill:
        la      r1, shared_info
        sw      r2, SH_K1(r1)
        sw      r3, SH_K2(r1)
        lw      r2, SH_CONTEXT(r1)         ; &directory[va >> 22], kseg0
        lw      r2, 0(r2)                  ; the leaf table (guest-physical) | V, or 0
        cmpi    r2, 0
        beq     utlb_slow
        lw      r3, SH_BADADDR(r1)
        shri    r3, r3, 10
        andi    r3, r3, 0xffc              ; the page's index in its leaf table, x 4
        add     r2, r2, r3
        li      r3, KSEG
        or      r2, r2, r3
        lw      r3, -1(r2)                 ; the entry (-1 takes off the directory entry's V)
        andi    r2, r3, 1
        cmpi    r2, 0
        beq     utlb_slow
        lw      r2, SH_BADADDR(r1)
        li      r1, HC_TLB_WRITE           ; entry-lo: the entry itself
        hcall   0
        cmpi    r1, 0
        la      r1, shared_info
        blt     utlb_slow                  ; refused: the general path kills the process
        lw      r2, SH_K1(r1)
        lw      r3, SH_K2(r1)
        li      r1, HC_IRET                ; r1 comes back from the trap frame
        hcall   0
        .space  utlb_refill + 0x80 - .     ; trap_entry, the registered entry, is 0x80 above
.endif
.endif
; ---------------------------------------------------------------------------- traps
trap_entry:
.ifdef PARAVIRT
        la      r1, shared_info            ; the monitor saved r1 in the trap frame
        lw      r1, SH_ESTATUS(r1)
.else
        wrcr    r1, SCRATCH
        rdcr    r1, ESTATUS
.endif
        shri    r1, r1, 31
        cmpi    r1, 0
        beq     kernel_trap
        la      r1, current
        lw      r1, 0(r1)
        sw      r0, 0(r1)
        sw      r2, 8(r1)
        sw      r3, 12(r1)
        sw      r4, 16(r1)
        sw      r5, 20(r1)
        sw      r6, 24(r1)
        sw      r7, 28(r1)
        sw      r8, 32(r1)
        sw      r9, 36(r1)
        sw      r10, 40(r1)
        sw      r11, 44(r1)
        sw      r12, 48(r1)
        sw      r13, 52(r1)
        sw      r14, 56(r1)
.ifdef PARAVIRT
        la      r3, shared_info
        lw      r2, SH_R1(r3)
        sw      r2, 4(r1)
        lw      r2, SH_USP(r3)
        sw      r2, 60(r1)
        lw      r2, SH_EPC(r3)
        sw      r2, P_PC(r1)
        lw      r2, SH_ESTATUS(r3)
        sw      r2, P_ESTATUS(r1)
        mov     r10, r1
        la      sp, kstack_top
        lw      r2, SH_CAUSE(r3)
.else
        rdcr    r2, SCRATCH
        sw      r2, 4(r1)
        rdcr    r2, USP
        sw      r2, 60(r1)
        rdcr    r2, EPC
        sw      r2, P_PC(r1)
        rdcr    r2, ESTATUS
        sw      r2, P_ESTATUS(r1)
        mov     r10, r1
        la      sp, kstack_top
        rdcr    r2, CAUSE
.endif
        andi    r2, r2, 0xff
        cmpi    r2, C_SYSCALL
        beq     syscall_dispatch
        cmpi    r2, C_TIMER
        beq     preempt
        cmpi    r2, C_TLB_MISS
        beq     tlb_miss
        cmpi    r2, C_PAGE_FAULT
        beq     page_fault
        la      r3, msg_illegal
        cmpi    r2, C_ILLEGAL
        beq     kill_current
        la      r3, msg_privileged
        cmpi    r2, C_PRIVILEGED
        beq     kill_current
        la      r3, msg_divide
        cmpi    r2, C_DIVIDE
        beq     kill_current
        la      r3, msg_address
        cmpi    r2, C_ADDRESS_ERROR
        beq     kill_current
        la      r3, msg_breakpoint
        cmpi    r2, C_BREAKPOINT
        beq     kill_current
        la      r2, msg_badtrap
        jmp     panic

.ifdef TRAP_GATE
; System calls arrive here straight from user mode, at ring 1, through the trap gate
; (Xen's fast system-call trap): the monitor is not involved. sp = the kernel stack with
; the frame EPC, ESTATUS, USP on it; every register is the process's; events are still
; on (a trap gate cannot mask them), so masking them comes first.
syscall_gate:
        push    r1, r2
        la      r1, shared_info
        li      r2, 0
        sw      r2, SH_IF(r1)
gate_masked:
        la      r1, current
        lw      r1, 0(r1)
        pop     r2
        sw      r2, 8(r1)
        pop     r2
        sw      r2, 4(r1)                  ; the user's r1 and r2
        sw      r0, 0(r1)
        sw      r3, 12(r1)
        sw      r4, 16(r1)
        sw      r5, 20(r1)
        sw      r6, 24(r1)
        sw      r7, 28(r1)
        sw      r8, 32(r1)
        sw      r9, 36(r1)
        sw      r10, 40(r1)
        sw      r11, 44(r1)
        sw      r12, 48(r1)
        sw      r13, 52(r1)
        sw      r14, 56(r1)
        lw      r2, 0(sp)
        sw      r2, P_PC(r1)
        lw      r2, 4(sp)
        sw      r2, P_ESTATUS(r1)
        lw      r2, 8(sp)
        sw      r2, 60(r1)                 ; the user stack pointer
        mov     r10, r1
        la      sp, kstack_top
        jmp     syscall_dispatch
.endif

; A trap taken in kernel mode. Expected ones: a TLB miss or page fault on a user address
; while a system call reaches user memory (refilled or demand-zeroed exactly as from user
; mode), and faults at the sites listed in the exception table, which resume at their
; fixup (Linux's exception tables). Anything else is a kernel bug. EPC and ESTATUS are
; saved before anything else, so the handler could itself survive a nested trap.
kernel_trap:
        push    r2, r3, r4, r5, r6, r7, r8, r9, r10
.ifdef PARAVIRT
        la      r3, shared_info
        lw      r2, SH_EPC(r3)
        push    r2
        lw      r2, SH_ESTATUS(r3)
        push    r2                         ; 0(sp) = ESTATUS, 4(sp) = EPC
.else
        rdcr    r2, EPC
        push    r2
        rdcr    r2, ESTATUS
        push    r2                         ; 0(sp) = ESTATUS, 4(sp) = EPC
.endif
        la      r10, current
        lw      r10, 0(r10)
.ifdef PARAVIRT
        la      r2, shared_info
        lw      r2, SH_CAUSE(r2)
.else
        rdcr    r2, CAUSE
.endif
        andi    r2, r2, 0xff
.ifdef TRAP_GATE
        cmpi    r2, C_TIMER
        beq     .tick
.endif
        cmpi    r2, C_TLB_MISS
        beq     .miss
        cmpi    r2, C_PAGE_FAULT
        bne     .fixup
.ifdef PARAVIRT
        la      r2, shared_info
        lw      r2, SH_CAUSE(r2)
.else
        rdcr    r2, CAUSE
.endif
        andi    r2, r2, CAUSE_PROTECTION
        cmpi    r2, 0
        bne     .fixup                     ; a write to a read-only user page
        jmp     .zero
.miss:
.ifdef PARAVIRT
        la      r3, shared_info
        lw      r3, SH_BADADDR(r3)
.else
        rdcr    r3, BADADDR
.endif
        cmpi    r3, 0
        blt     .fixup                     ; not a user address
        lw      r2, P_ROOT(r10)
        li      r4, 0
        call    pt_walk
        cmpi    r1, 0
        beq     .zero
        lw      r2, 0(r1)
        andi    r3, r2, 1
        cmpi    r3, 0
        beq     .zero
        andi    r3, r2, 3                  ; entry-lo = frame | W | V
        li      r4, 0xfffff000
        and     r2, r2, r4
        or      r2, r2, r3
.ifdef PARAVIRT
.ifdef SOFTWARE_TLB
        mov     r3, r2                     ; entry-lo
        la      r2, shared_info
        lw      r2, SH_BADADDR(r2)
        li      r1, HC_TLB_WRITE
        hcall   0
        cmpi    r1, 0
        blt     .fixup                     ; refused: not a frame of this machine
.endif
.else
        rdcr    r3, BADADDR
.ifdef SOFTWARE_TLB
        tlbw    r3, r2
.endif
.endif
        jmp     .back
.zero:
.ifdef PARAVIRT
        la      r2, shared_info
        lw      r2, SH_BADADDR(r2)
.else
        rdcr    r2, BADADDR
.endif
        call    demand_zero
        cmpi    r1, 0
        beq     .fixup
.ifdef PARAVIRT
.back:  call    pt_flush                   ; page-table updates reach the monitor first
        la      r1, shared_info
        pop     r2
        sw      r2, SH_ESTATUS(r1)
        pop     r2
        sw      r2, SH_EPC(r1)
        pop     r2, r3, r4, r5, r6, r7, r8, r9, r10
        li      r1, HC_IRET                ; r1 comes back from the trap frame
        hcall   0
.else
.back:  pop     r2
        wrcr    r2, ESTATUS
        pop     r2
        wrcr    r2, EPC
        pop     r2, r3, r4, r5, r6, r7, r8, r9, r10
        rdcr    r1, SCRATCH
        rte
.endif
.fixup: lw      r2, 4(sp)                  ; the faulting instruction
        la      r3, ex_table
        la      r4, ex_table_end
.scan:  cmp     r3, r4
        bgeu    .bad
        lw      r5, 0(r3)
        cmp     r5, r2
        beq     .found
        addi    r3, r3, 8
        jmp     .scan
.found: lw      r5, 4(r3)
        sw      r5, 4(sp)                  ; resume at the fixup
        jmp     .back
.ifdef TRAP_GATE
; A timer reaches the kernel at ring 1 only where events are on there: at the trap
; gate's entry, before syscall_gate masks them, and in resume's tail, after it unmasked
; them for the return to user mode (Xen-Linux's xen_iret critical region).
.tick:  lw      r2, 4(sp)                  ; where it came
        la      r3, resume_tail
        cmp     r2, r3
        bltu    .entry
        la      r3, resume_end
        cmp     r2, r3
        bgeu    .entry
        la      sp, kstack_top             ; the return had begun: the process's saved state is
        jmp     preempt                    ; whole, so take the timer at its next instruction
.entry: la      r3, syscall_gate
        cmp     r2, r3
        bltu    .bad
        la      r3, gate_masked
        cmp     r2, r3
        bgeu    .bad
        la      r3, tick_deferred          ; the system call has begun: keep the tick for its
        li      r4, 1                      ; return, and go on with events masked (as trap
        sw      r4, 0(r3)                  ; entry on bare metal clears IF)
        lw      r2, 0(sp)
        xori    r2, r2, 0x200              ; ESTATUS had IF on: events were on here
        sw      r2, 0(sp)
        jmp     .back
.endif
.bad:   la      sp, kstack_top
        la      r2, msg_kernel_trap
        jmp     panic

.ifdef SOFTWARE_TLB
.ifdef PARAVIRT
; The paravirtual refill handler's way on to the general entry: r1 = shared_info.
utlb_slow:
        lw      r2, SH_K1(r1)
        lw      r3, SH_K2(r1)
        jmp     trap_entry                 ; which takes r1 from the trap frame
.endif
.endif

preempt:
        li      r1, S_READY
        sw      r1, P_STATE(r10)
        jmp     schedule

; ---------------------------------------------------------------------------- scheduler
; Round robin: the next READY process after the current one (r10), the current last.
schedule:
.ifdef PARAVIRT
        call    irq_save                   ; the run queue: local_irq_save
        push    r1
.else
        pushf                              ; the run queue: local_irq_save
        cli
.endif
        la      r5, proc_table
        sub     r6, r10, r5
        shri    r6, r6, 7                  ; index of the current slot (PROC_SIZE = 128)
        li      r7, NPROC
.next:  addi    r6, r6, 1
        andi    r6, r6, NPROC - 1
        shli    r8, r6, 7
        add     r8, r8, r5
        lw      r9, P_STATE(r8)
        cmpi    r9, S_READY
        beq     .found
        addi    r7, r7, -1
        cmpi    r7, 0
        bgt     .next
.ifdef PARAVIRT
        li      r1, HC_HALT                ; nothing can run again
        hcall   0
.else
        halt                               ; nothing can run again
.endif
.found: mov     r10, r8
.ifdef PARAVIRT
        pop     r1                         ; local_irq_restore
        call    irq_restore
.else
        popf                               ; local_irq_restore
.endif
        ; fall through
switch_to:
        li      r1, S_RUNNING
        sw      r1, P_STATE(r10)
        la      r1, current
        sw      r10, 0(r1)
.ifdef PARAVIRT
        lw      r2, P_ROOT(r10)            ; new address space, on every profile
        li      r1, HC_SET_PTBR
        hcall   0
.else
.ifdef WALKER
        lw      r1, P_ROOT(r10)
        wrcr    r1, PTBR                   ; new address space; flushes the TLB
.else
        tlbflush                           ; no address-space tags on this TLB
        lw      r1, P_ROOT(r10)            ; the refill handler's directory: CONTEXT's PTEBase
        li      r2, KSEG
        or      r1, r1, r2
        wrcr    r1, CONTEXT
.endif
.endif
resume:
.ifdef PARAVIRT
        la      r1, pt_count               ; page-table updates reach the monitor first
        lw      r1, 0(r1)                  ; (tested here: no call, no stack, when none)
        cmpi    r1, 0
        beq     .frame
        call    pt_flush
.frame:
.ifdef TRAP_GATE
        la      r2, tick_deferred          ; a tick that came at the gate's entry: now
        lw      r1, 0(r2)
        cmpi    r1, 0
        beq     .native
        li      r1, 0
        sw      r1, 0(r2)
        jmp     preempt
; The native return (x86's IRET from ring 1): the frame RTE pops, EPC, ESTATUS and USP,
; on the kernel stack, the user's r1 and r2 above it; events back on; then, if a timer
; tick is waiting, the kernel takes it itself, at the process's next instruction, as
; Xen-Linux's xen_iret jumps to its event callback: no hypercall either way.
.native: la     sp, kstack_top
        lw      r1, 60(r10)
        push    r1
        lw      r1, P_ESTATUS(r10)
        push    r1
        lw      r1, P_PC(r10)
        push    r1
        lw      r1, 8(r10)
        push    r1
        lw      r1, 4(r10)
        push    r1
        lw      r0, 0(r10)
        lw      r3, 12(r10)
        lw      r4, 16(r10)
        lw      r5, 20(r10)
        lw      r6, 24(r10)
        lw      r7, 28(r10)
        lw      r8, 32(r10)
        lw      r9, 36(r10)
        lw      r11, 44(r10)
        lw      r12, 48(r10)
        lw      r13, 52(r10)
        lw      r14, 56(r10)
        lw      r10, 40(r10)
        la      r2, shared_info
        li      r1, 0x200
        sw      r1, SH_IF(r2)              ; events on: a timer from here on is resume's (see kernel_trap)
resume_tail:
        lw      r1, SH_PENDING(r2)
        cmpi    r1, 0
        bne     .tick
        pop     r1
        pop     r2
        rte                                ; to user mode, no monitor
.tick:  li      r1, 0
        sw      r1, SH_PENDING(r2)         ; taken here: acknowledged (Xen's evtchn_upcall_pending)
        sw      r1, SH_IF(r2)              ; and masked, as trap entry does
        la      sp, kstack_top
        la      r10, current
        lw      r10, 0(r10)
        jmp     preempt
resume_end:
.else
        la      r2, shared_info            ; the trap frame HC_IRET returns through
        lw      r1, P_PC(r10)
        sw      r1, SH_EPC(r2)
        lw      r1, P_ESTATUS(r10)
        sw      r1, SH_ESTATUS(r2)
        lw      r1, 60(r10)
        sw      r1, SH_USP(r2)
        lw      r1, 4(r10)
        sw      r1, SH_R1(r2)
        lw      r0, 0(r10)
        lw      r2, 8(r10)
        lw      r3, 12(r10)
        lw      r4, 16(r10)
        lw      r5, 20(r10)
        lw      r6, 24(r10)
        lw      r7, 28(r10)
        lw      r8, 32(r10)
        lw      r9, 36(r10)
        lw      r11, 44(r10)
        lw      r12, 48(r10)
        lw      r13, 52(r10)
        lw      r14, 56(r10)
        lw      r10, 40(r10)
        li      r1, HC_IRET
        hcall   0
.endif
.else
        lw      r1, P_PC(r10)
        wrcr    r1, EPC
        lw      r1, P_ESTATUS(r10)
        wrcr    r1, ESTATUS
        lw      r1, 60(r10)
        wrcr    r1, USP
        lw      r0, 0(r10)
        lw      r1, 4(r10)
        lw      r2, 8(r10)
        lw      r3, 12(r10)
        lw      r4, 16(r10)
        lw      r5, 20(r10)
        lw      r6, 24(r10)
        lw      r7, 28(r10)
        lw      r8, 32(r10)
        lw      r9, 36(r10)
        lw      r11, 44(r10)
        lw      r12, 48(r10)
        lw      r13, 52(r10)
        lw      r14, 56(r10)
        lw      r10, 40(r10)
        rte
.endif

; ---------------------------------------------------------------------------- memory faults
; Software-TLB refill: walk the current process's table for BADADDR.
tlb_miss:
.ifdef PARAVIRT
        la      r3, shared_info
        lw      r3, SH_BADADDR(r3)
.else
        rdcr    r3, BADADDR
.endif
        lw      r2, P_ROOT(r10)
        li      r4, 0
        call    pt_walk
        cmpi    r1, 0
        beq     page_fault
        lw      r2, 0(r1)
        andi    r3, r2, 1
        cmpi    r3, 0
        beq     page_fault
        andi    r3, r2, 3                  ; entry-lo = frame | W | V
        li      r4, 0xfffff000
        and     r2, r2, r4
        or      r2, r2, r3
.ifdef PARAVIRT
.ifdef SOFTWARE_TLB
        mov     r3, r2                     ; entry-lo
        la      r2, shared_info
        lw      r2, SH_BADADDR(r2)
        li      r1, HC_TLB_WRITE
        hcall   0
        cmpi    r1, 0
        la      r3, msg_pagefault
        blt     kill_current               ; refused: not a frame of this machine
.endif
.else
        rdcr    r3, BADADDR
.ifdef SOFTWARE_TLB
        tlbw    r3, r2
.endif
.endif
        jmp     resume

; A page fault: demand-zero in the heap, otherwise the process dies.
page_fault:
.ifdef PARAVIRT
        la      r2, shared_info
        lw      r2, SH_CAUSE(r2)
.else
        rdcr    r2, CAUSE
.endif
        andi    r2, r2, CAUSE_PROTECTION
        cmpi    r2, 0
        bne     .kill
.ifdef PARAVIRT
        la      r2, shared_info
        lw      r2, SH_BADADDR(r2)
.else
        rdcr    r2, BADADDR
.endif
        call    demand_zero
        cmpi    r1, 0
        bne     resume
.kill:  la      r3, msg_pagefault
        jmp     kill_current

; r2 = user address in [HEAP_BASE, brk): map a zeroed frame there. r1 = 1 if mapped.
demand_zero:
        lw      r3, P_BRK(r10)
        cmp     r2, r3
        bgeu    .no
        li      r3, HEAP_BASE
        cmp     r2, r3
        bltu    .no
        push    r2
        call    alloc_frame
        pop     r3
        cmpi    r1, 0
        beq     .no
        mov     r4, r1
        lw      r2, P_ROOT(r10)
        li      r5, 7                      ; V | W | U
        call    map_page
        ret
.no:    li      r1, 0
        ret

; r3 = reason string. Prints the kill message and exits the process with -1.
kill_current:
        push    r3
        la      r2, msg_pid
        call    kputs
        lw      r2, P_PID(r10)
        call    kputnum
        la      r2, msg_killed
        call    kputs
        pop     r2
        call    kputs
        la      r2, msg_close
        call    kputs
        li      r2, -1
        jmp     exit_current

; r2 = reason string.
panic:  push    r2
        la      r2, msg_panic
        call    kputs
        pop     r2
        call    kputs
        li      r2, 10
        call    kputc
.ifdef PARAVIRT
        li      r1, HC_HALT
        hcall   0
.else
        halt
.endif

; ---------------------------------------------------------------------------- system calls
syscall_dispatch:
        lw      r1, 4(r10)                 ; the number, from the saved r1
        lw      r2, 8(r10)
        lw      r3, 12(r10)
        lw      r4, 16(r10)
        cmpi    r1, 12
        bgtu    .bad
        shli    r1, r1, 2
        la      r5, syscall_table
        add     r5, r5, r1
        lw      r5, 0(r5)
        jr      r5
.bad:   li      r1, -1
        jmp     return_r1

; Every call that returns stores r1 into the saved r1 and resumes.
return_r1:
        sw      r1, 4(r10)
        jmp     resume

sys_exit:
        jmp     exit_current

; User memory is read and written through the process's own virtual addresses, after
; access_ok has kept the range below the kernel's half. A miss or demand-zero page is
; handled by kernel_trap; an unmapped buffer resumes at the site's fixup.
sys_write:                                 ; r2 = buffer, r3 = length
        cmpi    r3, 0
        blt     .inval
        mov     r11, r2
        add     r12, r2, r3                ; end
        call    access_ok
        cmpi    r1, 0
        beq     .fault
.loop:  cmp     r11, r12
        bgeu    .done
.get:   lbu     r2, 0(r11)                 ; exception-table site
        call    kputc
        addi    r11, r11, 1
        jmp     .loop
.done:  lw      r1, 12(r10)                ; the length asked for
        jmp     return_r1
.inval: li      r1, -1
        jmp     return_r1
.fault: la      r3, msg_pagefault
        jmp     kill_current

sys_getpid:
        lw      r1, P_PID(r10)
        jmp     return_r1

; roi: r2 = 1 begins the region of interest, 0 ends it (gem5's work_begin/work_end).
; The work-marker port is no device: the simulator and every monitor only note it.
        .equ WORK_MARK_PORT, 0x90
sys_roi:
.ifdef PARAVIRT
        mov     r3, r2
        li      r2, WORK_MARK_PORT
        li      r1, HC_PORT_OUT
        hcall   0
.else
        out     r2, WORK_MARK_PORT
.endif
        li      r1, 0
        jmp     return_r1

sys_yield:
        li      r1, 0
        sw      r1, 4(r10)
        li      r1, S_READY
        sw      r1, P_STATE(r10)
        jmp     schedule

sys_spawn:
        call    spawn
        jmp     return_r1

sys_wait:
        la      r5, proc_table
        li      r6, 0                      ; children seen
        li      r7, NPROC
        lw      r9, P_PID(r10)
.scan:  lw      r8, P_STATE(r5)
        cmpi    r8, S_FREE
        beq     .skip
        lw      r8, P_PARENT(r5)
        cmp     r8, r9
        bne     .skip
        addi    r6, r6, 1
        lw      r8, P_STATE(r5)
        cmpi    r8, S_ZOMBIE
        beq     .reap
.skip:  addi    r5, r5, PROC_SIZE
        addi    r7, r7, -1
        cmpi    r7, 0
        bgt     .scan
        cmpi    r6, 0
        bne     .block
        li      r1, -1
        jmp     return_r1
.block: li      r1, S_BLOCKED              ; retried when a child exits
        sw      r1, P_STATE(r10)
        lw      r1, P_PC(r10)
        addi    r1, r1, -4
        sw      r1, P_PC(r10)
        jmp     schedule
.reap:  li      r1, S_FREE
        sw      r1, P_STATE(r5)
        lw      r1, P_EXIT(r5)
        sw      r1, 8(r10)                 ; r2 = exit code
        lw      r1, P_PID(r5)
        jmp     return_r1

sys_sbrk:                                  ; r2 = increment (>= 0)
        lw      r1, P_BRK(r10)
        add     r3, r1, r2
        li      r4, USER_STACK_TOP - STACK_PAGES * 0x1000
        cmp     r3, r4
        bgtu    .no                        ; would reach the stack (or wrap, or shrink)
        cmp     r3, r1
        bltu    .no
        sw      r3, P_BRK(r10)
        jmp     return_r1
.no:    li      r1, -1
        jmp     return_r1

sys_mprotect:                              ; r2 = page, r3 = writable
        mov     r11, r3
        mov     r12, r2
        mov     r3, r2
        lw      r2, P_ROOT(r10)
        li      r4, 0
        call    pt_walk
        cmpi    r1, 0
        beq     .fail
        lw      r2, 0(r1)
        andi    r3, r2, 1
        cmpi    r3, 0
        beq     .fail
.ifdef PARAVIRT
        mov     r13, r1                    ; the entry
        call    irq_save                   ; the page-table edit is a critical section
        push    r1
.else
        pushf                              ; the page-table edit is a critical section
        cli
.endif
        li      r3, -3                     ; clear W
        and     r2, r2, r3
        cmpi    r11, 0
        beq     .store
        ori     r2, r2, 2
.store:
.ifdef PARAVIRT
        mov     r3, r2                     ; one batch: the new entry, then the invalidation
        mov     r2, r13
        call    pt_queue
        li      r2, PT_INVLPG
        mov     r3, r12
        call    pt_queue
        call    pt_flush
        pop     r1
        call    irq_restore
.else
        sw      r2, 0(r1)
        tlbi    r12
        popf
.endif
        li      r1, 0
        jmp     return_r1
.fail:  li      r1, -1
        jmp     return_r1

sys_disk_read:                             ; r2 = sector, r3 = user buffer
        mov     r11, r2
        mov     r12, r3
        mov     r2, r3
        li      r3, 512
        call    access_ok
        cmpi    r1, 0
        beq     .fail
.ifdef PARAVIRT
        li      r2, 1                      ; read the sector into the kernel's buffer
        mov     r3, r11
        la      r4, disk_buffer - KSEG
        li      r1, HC_DISK_IO
        hcall   0                          ; r1 = the disk's status
.else
        out     r11, 0x30
        la      r1, disk_buffer - KSEG     ; DMA into the kernel's buffer (physical)
        out     r1, 0x31
        li      r1, 1
        out     r1, 0x32
        in      r1, 0x33
.endif
        cmpi    r1, 0
        bne     .fail
        la      r13, disk_buffer
        addi    r14, r13, 512
        andi    r1, r12, 3
        cmpi    r1, 0
        bne     .bytes
.words: lw      r3, 0(r13)
.putw:  sw      r3, 0(r12)                 ; exception-table site
        addi    r13, r13, 4
        addi    r12, r12, 4
        cmp     r13, r14
        bltu    .words
        jmp     .ok
.bytes: lbu     r3, 0(r13)
.putb:  sb      r3, 0(r12)                 ; exception-table site
        addi    r13, r13, 1
        addi    r12, r12, 1
        cmp     r13, r14
        bltu    .bytes
.ok:    li      r1, 0
        jmp     return_r1
.fail:  li      r1, -1
        jmp     return_r1

sys_disk_write:                            ; r2 = sector, r3 = user buffer
        mov     r11, r2
        mov     r12, r3
        mov     r2, r3
        li      r3, 512
        call    access_ok
        cmpi    r1, 0
        beq     .fail
        la      r13, disk_buffer
        addi    r14, r13, 512
        andi    r1, r12, 3
        cmpi    r1, 0
        bne     .bytes
.words:
.getw:  lw      r3, 0(r12)                 ; exception-table site
        sw      r3, 0(r13)
        addi    r13, r13, 4
        addi    r12, r12, 4
        cmp     r13, r14
        bltu    .words
        jmp     .go
.bytes:
.getb:  lbu     r3, 0(r12)                 ; exception-table site
        sb      r3, 0(r13)
        addi    r13, r13, 1
        addi    r12, r12, 1
        cmp     r13, r14
        bltu    .bytes
.go:
.ifdef PARAVIRT
        li      r2, 2                      ; write the kernel's buffer to the sector
        mov     r3, r11
        la      r4, disk_buffer - KSEG
        li      r1, HC_DISK_IO
        hcall   0
.else
        out     r11, 0x30
        la      r1, disk_buffer - KSEG
        out     r1, 0x31
        li      r1, 2
        out     r1, 0x32
        in      r1, 0x33
.endif
        cmpi    r1, 0
        bne     .fail
        li      r1, 0
        jmp     return_r1
.fail:  li      r1, -1
        jmp     return_r1

; access_ok: r2 = user address, r3 = length (unsigned). r1 = 1 if [r2, r2 + r3) lies
; below the kernel's half, else 0.
access_ok:
        add     r1, r2, r3
        cmp     r1, r2
        bltu    .no                        ; wrapped around
        li      r4, KERNEL_HALF
        cmp     r1, r4
        bgtu    .no
        li      r1, 1
        ret
.no:    li      r1, 0
        ret

; Privileged work done `count` times in the kernel (Adams & Agesen's kernel-mode
; microbenchmarks). r2 = kind, r3 = count.
sys_kbench:
        mov     r11, r3
        cmpi    r2, 0
        beq     .in
        cmpi    r2, 1
        beq     .wrcr
        cmpi    r2, 2
        beq     .pte
        cmpi    r2, 3
        beq     .call
        cmpi    r2, 4
        beq     .div
        li      r1, -1
        jmp     return_r1
.in:    cmpi    r11, 0
        ble     .done
.ifdef PARAVIRT
        li      r2, 0x80
        li      r1, HC_PORT_IN
        hcall   0
.else
        in      r1, 0x80
.endif
        addi    r11, r11, -1
        jmp     .in
.wrcr:
.ifdef PARAVIRT
        la      r12, shared_info           ; the task priority is a field of the shared page
.endif
.wrloop:
        cmpi    r11, 0
        ble     .done
.ifdef PARAVIRT
        sw      r11, SH_TPR(r12)
.else
        wrcr    r11, TPR
.endif
        addi    r11, r11, -1
        jmp     .wrloop
.pte:   li      r3, USER_STACK_TOP - 0x1000 ; the caller's top stack page
        mov     r12, r3
        lw      r2, P_ROOT(r10)
        li      r4, 0
        call    pt_walk
        mov     r13, r1
        cmpi    r13, 0
        beq     .done
.pteloop:
        cmpi    r11, 0
        ble     .done
        lw      r2, 0(r13)
.ifdef PARAVIRT
        mov     r3, r2                     ; rewrite the entry ...
        mov     r2, r13
        call    pt_queue
        li      r2, PT_INVLPG              ; ... and invalidate its translation: batched
        mov     r3, r12
        call    pt_queue
.else
        sw      r2, 0(r13)                 ; rewrite the entry
        tlbi    r12                        ; and invalidate its translation
.endif
        addi    r11, r11, -1
        jmp     .pteloop
.call:  cmpi    r11, 0
        ble     .done
        call    kbench_nothing
        addi    r11, r11, -1
        jmp     .call
.div:   li      r5, 0
        li      r6, 7
.divloop:
        cmpi    r11, 0
        ble     .done
.divsite:
        div     r7, r6, r5                 ; traps; the fixup resumes after it
        addi    r11, r11, -1
        jmp     .divloop
.done:  li      r1, 0
        jmp     return_r1

kbench_nothing:
        ret

; map_phys: r2 = user page address, r3 = physical address of a frame: maps that frame
; there, user-accessible and writable, as mmap of /dev/mem maps device memory. r1 = 0,
; or -1 when the page is not a user page or the mapping is refused (under a monitor that
; validates page tables, a frame that is not the machine's own).
sys_map_phys:
        mov     r11, r2
        mov     r12, r3
        li      r3, 0x1000
        call    access_ok
        cmpi    r1, 0
        beq     .fail
        mov     r3, r11
        li      r4, 0xfffff000
        and     r4, r12, r4
        lw      r2, P_ROOT(r10)
        li      r5, 7 | PTE_PHYS           ; V | W | U, and not the kernel's frame to free
        call    map_page
        cmpi    r1, 0
        beq     .fail
.ifdef PARAVIRT
        call    pt_flush                   ; the monitor's verdict
        cmpi    r1, 0
        blt     .fail
.endif
        li      r1, 0
        jmp     return_r1
.fail:  li      r1, -1
        jmp     return_r1

; ---------------------------------------------------------------------------- processes
; spawn: r2 = program index, r3 = argument; r10 = parent (0 at boot). r1 = pid or -1.
spawn:  push    r10, r11, r12, r13, r14
        la      r5, PROGRAM_TABLE
        lw      r6, 0(r5)
        cmp     r2, r6
        bgeu    .fail
        mov     r11, r3                    ; argument
        muli    r6, r2, 12
        add     r12, r5, r6                ; r12 = table entry - 4
.ifdef PARAVIRT
        call    irq_save                   ; claim a slot: a critical section
        push    r1
.else
        pushf                              ; claim a slot: a critical section
        cli
.endif
        la      r13, proc_table
        li      r7, NPROC
.find:  lw      r8, P_STATE(r13)
        cmpi    r8, S_FREE
        beq     .got
        addi    r13, r13, PROC_SIZE
        addi    r7, r7, -1
        cmpi    r7, 0
        bgt     .find
.ifdef PARAVIRT
        pop     r1
        call    irq_restore
.else
        popf
.endif
        jmp     .fail
.got:   li      r8, S_BLOCKED              ; reserved while being built
        sw      r8, P_STATE(r13)
.ifdef PARAVIRT
        pop     r1
        call    irq_restore
.else
        popf
.endif
        li      r7, 0                      ; clear the saved registers
        mov     r8, r13
        li      r9, 16
.clear: sw      r7, 0(r8)
        addi    r8, r8, 4
        addi    r9, r9, -1
        cmpi    r9, 0
        bgt     .clear
        sw      r11, 4(r13)                ; r1 = argument
        li      r7, USER_STACK_TOP
        sw      r7, 60(r13)
        lw      r7, 4(r12)                 ; entry
        sw      r7, P_PC(r13)
        li      r7, ESTATUS_USER_IF
        sw      r7, P_ESTATUS(r13)
        li      r7, HEAP_BASE
        sw      r7, P_BRK(r13)
        li      r7, 0
        cmpi    r10, 0
        beq     .orphan
        lw      r7, P_PID(r10)
.orphan:
        sw      r7, P_PARENT(r13)
        call    alloc_frame                ; the root table
        sw      r1, P_ROOT(r13)
        cmpi    r1, 0
        beq     .nomem
        ; code and data: copy the program's bytes page by page into fresh frames
        lw      r14, 8(r12)                ; source (kseg0)
        lw      r11, 12(r12)               ; size
        li      r10, USER_CODE
.page:  cmpi    r11, 0
        ble     .stack
        call    alloc_frame
        cmpi    r1, 0
        beq     .nomem
        push    r1
        mov     r4, r1
        mov     r3, r10
        lw      r2, P_ROOT(r13)
        li      r5, 7
        call    map_page
        mov     r2, r1
        pop     r1
        cmpi    r2, 0
        beq     .lost
        li      r2, KSEG
        or      r1, r1, r2
        li      r2, 1024                   ; words per page
.copy:  cmpi    r11, 0
        ble     .copied
        lw      r3, 0(r14)
        sw      r3, 0(r1)
        addi    r14, r14, 4
        addi    r1, r1, 4
        addi    r11, r11, -4
        addi    r2, r2, -1
        cmpi    r2, 0
        bgt     .copy
.copied:
        li      r2, 0x1000
        add     r10, r10, r2
        jmp     .page
.stack: li      r10, USER_STACK_TOP - STACK_PAGES * 0x1000
.spage: li      r2, USER_STACK_TOP
        cmp     r10, r2
        bgeu    .ready
        call    alloc_frame
        cmpi    r1, 0
        beq     .nomem
        mov     r4, r1
        mov     r3, r10
        lw      r2, P_ROOT(r13)
        li      r5, 7
        call    map_page
        mov     r2, r4                     ; map_page keeps r4 (the frame)
        cmpi    r1, 0
        beq     .unmapped
        li      r2, 0x1000
        add     r10, r10, r2
        jmp     .spage
.ready:
.ifdef PARAVIRT
        call    pt_flush                   ; the new address space, in one batch
.endif
        la      r2, next_pid
        lw      r1, 0(r2)
        sw      r1, P_PID(r13)
        addi    r3, r1, 1
        sw      r3, 0(r2)
        li      r2, S_READY
        sw      r2, P_STATE(r13)
        pop     r10, r11, r12, r13, r14
        ret
.lost:  mov     r2, r1                     ; a frame no table holds
.unmapped:
        call    free_frame
.nomem:
.ifdef PARAVIRT
        call    pt_flush                   ; no update may land in a frame given back
.endif
        lw      r2, P_ROOT(r13)            ; give back what was taken so far
        cmpi    r2, 0
        beq     .empty
        li      r3, 0
        call    free_tree
.empty: li      r2, S_FREE
        sw      r2, P_STATE(r13)
.fail:  li      r1, -1
        pop     r10, r11, r12, r13, r14
        ret

; exit: r2 = code. The process becomes a zombie (or is freed at once if no parent will
; wait for it), its memory is freed, its own children are orphaned (their zombies freed),
; a waiting parent is woken, and another process runs.
exit_current:
        sw      r2, P_EXIT(r10)
.ifdef PARAVIRT
        li      r2, PT_RELEASE             ; the monitor forgets the tables before they are freed
        lw      r3, P_ROOT(r10)
        call    pt_queue
        call    pt_flush
.endif
        lw      r2, P_ROOT(r10)
        li      r3, 0
        call    free_tree
        lw      r9, P_PID(r10)
        lw      r11, P_PARENT(r10)
        li      r12, 0                     ; the parent's slot, if it still lives
.ifdef PARAVIRT
        call    irq_save                   ; the process table: a critical section
        push    r1
.else
        pushf                              ; the process table: a critical section
        cli
.endif
        la      r5, proc_table
        li      r7, NPROC
.scan:  lw      r8, P_STATE(r5)
        cmpi    r8, S_FREE
        beq     .next
        lw      r6, P_PARENT(r5)
        cmp     r6, r9
        bne     .mine
        li      r6, 0
        sw      r6, P_PARENT(r5)           ; orphaned: never waited for
        cmpi    r8, S_ZOMBIE
        bne     .mine
        li      r6, S_FREE
        sw      r6, P_STATE(r5)
.mine:  lw      r6, P_PID(r5)
        cmp     r6, r11
        bne     .next
        cmp     r5, r10
        beq     .next
        mov     r12, r5
.next:  addi    r5, r5, PROC_SIZE
        addi    r7, r7, -1
        cmpi    r7, 0
        bgt     .scan
        li      r1, S_FREE
        cmpi    r12, 0
        beq     .state
        li      r1, S_ZOMBIE
        lw      r8, P_STATE(r12)
        cmpi    r8, S_BLOCKED
        bne     .state
        li      r8, S_READY                ; the parent's wait runs again and reaps us
        sw      r8, P_STATE(r12)
.state: sw      r1, P_STATE(r10)
.ifdef PARAVIRT
        pop     r1
        call    irq_restore
.else
        popf
.endif
        jmp     schedule

; ---------------------------------------------------------------------------- page tables
; pt_walk: r2 = root (physical), r3 = virtual address, r4 = 1 to create missing tables.
; r1 = kseg0 address of the leaf entry, or 0. Clobbers r1..r9.
pt_walk:
        push    r11, r12
        mov     r11, r2
        li      r12, 0
.level: shli    r6, r12, 2
        la      r5, level_shift
        add     r5, r5, r6
        lw      r7, 0(r5)
        la      r5, level_mask
        add     r5, r5, r6
        lw      r8, 0(r5)
        shr     r9, r3, r7
        and     r9, r9, r8
        shli    r9, r9, 2
        add     r9, r9, r11
        li      r5, KSEG
        or      r9, r9, r5                 ; kseg0 address of the entry
        addi    r12, r12, 1
        cmpi    r12, LEVELS
        beq     .leaf
        lw      r8, 0(r9)
        andi    r5, r8, 1
        cmpi    r5, 0
        bne     .down
        cmpi    r4, 0
        beq     .fail
        push    r3, r4, r9
        call    alloc_frame
        pop     r3, r4, r9
        cmpi    r1, 0
        beq     .fail
        ori     r8, r1, 1
.ifdef SOFTWARE_TLB
.ifndef PARAVIRT
        li      r5, KSEG                   ; directory entries in kseg0: the refill handler loads through them
        or      r8, r8, r5
.endif
.endif
.ifdef PARAVIRT
        push    r2, r3                     ; the next walk reads this entry: apply it now
        mov     r2, r9
        mov     r3, r8
        call    pt_queue
        call    pt_flush
        pop     r2, r3
.else
        sw      r8, 0(r9)
.endif
.down:  li      r5, 0xfffff000
        and     r11, r8, r5
        jmp     .level
.leaf:  mov     r1, r9
        pop     r11, r12
        ret
.fail:  li      r1, 0
        pop     r11, r12
        ret

; map_page: r2 = root, r3 = va, r4 = frame (physical), r5 = flags. r1 = 1, or 0.
map_page:
        push    r4, r5
        li      r4, 1
        call    pt_walk
        pop     r4, r5
        cmpi    r1, 0
        beq     .out
        or      r4, r4, r5
.ifdef PARAVIRT
        mov     r2, r1                     ; queued: the batch goes before the next return
        mov     r3, r4
        call    pt_queue
.else
        sw      r4, 0(r1)
.endif
        li      r1, 1
.out:   ret

; free_tree: r2 = table (physical), r3 = its level. Frees every frame below it and it.
free_tree:
        push    r11, r12, r13, r14
        mov     r11, r2
        mov     r12, r3
        shli    r6, r12, 2
        la      r5, level_mask
        add     r5, r5, r6
        lw      r13, 0(r5)
        addi    r13, r13, 1                ; entries in a table of this level
        li      r14, 0
.entry: cmp     r14, r13
        bge     .self
        shli    r5, r14, 2
        add     r5, r5, r11
        li      r6, KSEG
        or      r5, r5, r6
        lw      r2, 0(r5)
        andi    r6, r2, 1
        cmpi    r6, 0
        beq     .skip
        andi    r7, r2, PTE_PHYS
        li      r6, 0xfffff000
        and     r2, r2, r6
        addi    r3, r12, 1
        cmpi    r3, LEVELS
        beq     .leaf
        call    free_tree
        jmp     .skip
.leaf:  cmpi    r7, 0
        bne     .skip                      ; map_phys's: the frame was never ours
        call    free_frame
.skip:  addi    r14, r14, 1
        jmp     .entry
.self:  mov     r2, r11
.ifdef SOFTWARE_TLB
.ifndef PARAVIRT
        shli    r2, r2, 1                  ; a leaf table comes as its kseg0 address: the frame's
        shri    r2, r2, 1
.endif
.endif
        call    free_frame
        pop     r11, r12, r13, r14
        ret

; ---------------------------------------------------------------------------- frames
; alloc_frame: r1 = physical address of a zeroed 4 KiB frame, or 0.
alloc_frame:
.ifdef PARAVIRT
        call    irq_save                   ; local_irq_save
        push    r1
.else
        pushf                              ; local_irq_save
        cli
.endif
        la      r5, free_list
        lw      r1, 0(r5)
        cmpi    r1, 0
        beq     .bump
        li      r6, KSEG
        or      r6, r1, r6
        lw      r7, 0(r6)
        sw      r7, 0(r5)
        jmp     .zero
.bump:  la      r5, next_frame
        lw      r1, 0(r5)
        li      r6, MEM_TOP
        cmp     r1, r6
        bgeu    .none
        li      r6, 0x1000
        add     r6, r1, r6
        sw      r6, 0(r5)
.zero:  li      r6, KSEG
        or      r6, r1, r6
        li      r7, 0
        li      r8, 1024
.clr:   sw      r7, 0(r6)
        addi    r6, r6, 4
        addi    r8, r8, -1
        cmpi    r8, 0
        bgt     .clr
.ifdef PARAVIRT
        mov     r8, r1
        pop     r1                         ; local_irq_restore
        call    irq_restore
        mov     r1, r8
.else
        popf                               ; local_irq_restore
.endif
        ret
.none:
.ifdef PARAVIRT
        pop     r1
        call    irq_restore
.else
        popf
.endif
        li      r1, 0
        ret

; free_frame: r2 = physical address.
free_frame:
.ifdef PARAVIRT
        call    irq_save
        push    r1
.else
        pushf
        cli
.endif
        la      r5, free_list
        lw      r6, 0(r5)
        li      r7, KSEG
        or      r7, r2, r7
        sw      r6, 0(r7)
        sw      r2, 0(r5)
.ifdef PARAVIRT
        pop     r1
        call    irq_restore
.else
        popf
.endif
        ret

.ifdef PARAVIRT
; ---------------------------------------------------------------------------- paravirtual
; irq_save: r1 = the virtual interrupt flag (0x200 or 0); interrupts are masked. A store
; to the shared page: no trap. Preserves every other register.
irq_save:
        push    r2
        la      r2, shared_info
        lw      r1, SH_IF(r2)
        push    r1
        li      r1, 0
        sw      r1, SH_IF(r2)
        pop     r1
        pop     r2
        ret

; irq_restore: r1 = what irq_save returned. Unmasking with an interrupt pending asks the
; monitor to deliver it (Xen's evtchn_upcall_pending): the only hypercall here, and only
; then. Preserves every register but r1.
irq_restore:
        push    r2
        la      r2, shared_info
        sw      r1, SH_IF(r2)
        cmpi    r1, 0
        beq     .done
        lw      r1, SH_PENDING(r2)
        cmpi    r1, 0
        beq     .done
        li      r1, HC_EVENT_CHECK
        hcall   0
.done:  pop     r2
        ret

; pt_queue: adds (r2, r3) to the page-table batch and hands the batch over when it is
; full. r2 = the kseg0 (or guest-physical) address of an entry, with r3 its new value;
; or PT_INVLPG, PT_FLUSH or PT_RELEASE with r3 its argument. r1 = 0, or what pt_flush
; returned. Preserves every other register.
pt_queue:
        push    r2, r4, r5
        shli    r2, r2, 1
        shri    r2, r2, 1                  ; kseg0 -> guest-physical (commands stay)
        la      r4, pt_count
        lw      r5, 0(r4)
        shli    r1, r5, 3
        la      r4, pt_batch
        add     r4, r4, r1
        sw      r2, 0(r4)
        sw      r3, 4(r4)
        addi    r5, r5, 1
        la      r4, pt_count
        sw      r5, 0(r4)
        cmpi    r5, PT_BATCH
        pop     r2, r4, r5
        bge     pt_flush                   ; full (pt_flush returns to our caller)
        li      r1, 0
        ret

; pt_flush: one HC_MMU_UPDATE for the whole batch, if there is one. r1 = 0, or -1 when the
; monitor refused an entry (it applied those before it, and dropped the rest). Preserves
; every other register.
pt_flush:
        push    r2, r3, r4
        la      r4, pt_count
        lw      r3, 0(r4)
        li      r1, 0
        cmpi    r3, 0
        beq     .done
        la      r2, pt_batch - KSEG
        li      r1, HC_MMU_UPDATE
        hcall   0
        li      r3, 0
        sw      r3, 0(r4)
.done:  pop     r2, r3, r4
        ret
.endif

; ---------------------------------------------------------------------------- console
; kputc: r2 = byte. Shared by every kernel path; like real kernels' early-console code
; it asks which mode it runs in: with the hardware it writes the port, otherwise it
; goes through the write system call.
kputc:
.ifdef PARAVIRT
        la      r1, kputc_byte             ; the console is a hypercall: no mode to ask
        sb      r2, 0(r1)
        la      r2, kputc_byte - KSEG
        li      r3, 1
        li      r1, HC_CONSOLE_WRITE
        hcall   0
        ret
.else
        rdmode  r1
        cmpi    r1, 0
        bne     .user
        out     r2, 0x10
        ret
.user:  la      r1, kputc_byte
        sb      r2, 0(r1)
        mov     r2, r1
        li      r3, 1
        li      r1, 1
        syscall 0
        ret
.endif

; kputs: r2 = NUL-terminated string (kseg0).
kputs:  push    r11
        mov     r11, r2
.loop:  lbu     r2, 0(r11)
        cmpi    r2, 0
        beq     .done
        call    kputc
        addi    r11, r11, 1
        jmp     .loop
.done:  pop     r11
        ret

; kputnum: r2 = non-negative number, in decimal.
kputnum:
        push    r11, r12
        la      r11, numbuf_end
        li      r12, 10
.digit: remu    r3, r2, r12
        divu    r2, r2, r12
        addi    r3, r3, '0'
        addi    r11, r11, -1
        sb      r3, 0(r11)
        cmpi    r2, 0
        bne     .digit
        mov     r2, r11
        call    kputs
        pop     r11, r12
        ret

; ---------------------------------------------------------------------------- data
        .align 4
syscall_table:
        .word sys_exit, sys_write, sys_getpid, sys_yield, sys_spawn, sys_wait
        .word sys_sbrk, sys_mprotect, sys_disk_read, sys_disk_write, sys_kbench, sys_map_phys
        .word sys_roi
; Exception table: (faulting instruction, where to resume) pairs, searched by kernel_trap.
ex_table:
        .word sys_kbench.divsite, sys_kbench.divsite + 4
        .word sys_write.get, sys_write.fault
        .word sys_disk_read.putw, sys_disk_read.fail
        .word sys_disk_read.putb, sys_disk_read.fail
        .word sys_disk_write.getw, sys_disk_write.fail
        .word sys_disk_write.getb, sys_disk_write.fail
ex_table_end:
level_shift:
.if LEVELS == 2
        .word 22, 12
level_mask:
        .word 1023, 1023
.endif
.if LEVELS == 3
        .word 26, 19, 12
level_mask:
        .word 63, 127, 127
.endif
.if LEVELS == 4
        .word 27, 22, 17, 12
level_mask:
        .word 31, 31, 31, 31
.endif
current:    .word 0
next_pid:   .word 1
next_frame: .word FRAMES_START
free_list:  .word 0
kputc_byte: .word 0
.ifdef PARAVIRT
; Shared with the monitor (HC_SET_CALLBACKS): among the kernel's other variables, so the
; trap path touches no page the unmodified kernel's does not.
shared_info: .space 64
tick_deferred: .word 0                      ; TRAP_GATE: a timer taken at the gate's entry
pt_count:   .word 0
pt_batch:   .space PT_BATCH * 8
.endif
numbuf:     .space 12
numbuf_end: .byte 0
msg_pid:        .asciz "kernel: pid "
msg_killed:     .asciz " killed ("
msg_close:      .asciz ")\n"
msg_divide:     .asciz "divide by zero"
msg_pagefault:  .asciz "page fault"
msg_illegal:    .asciz "illegal instruction"
msg_privileged: .asciz "privileged instruction"
msg_address:    .asciz "address error"
msg_breakpoint: .asciz "breakpoint"
msg_panic:      .asciz "kernel panic: "
msg_badtrap:    .asciz "unexpected trap"
msg_kernel_trap: .asciz "trap in kernel mode"
msg_noinit:     .asciz "cannot start the first process"
        .align 4096
disk_buffer:    .space 512
proc_table:     .space NPROC * PROC_SIZE
        .space 4096
kstack_top:
