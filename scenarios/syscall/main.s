; 1000 getpid system calls.
        .include "runtime.s"
        .equ    COUNT, 1000
start:  call    sys_roi_begin               ; the measured work: the loop of COUNT calls
        li      r11, COUNT
.loop:  li      r1, SYS_GETPID
        syscall 0
        addi    r11, r11, -1
        cmpi    r11, 0
        bgt     .loop
        call    sys_roi_end                 ; ... and ends
        la      r2, done
        call    print
        li      r2, 0
        call    exit
done:   .asciz "syscall: 1000 done\n"
