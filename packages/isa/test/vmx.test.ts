// Guest mode (hardware assist): exits by reason with their qualification, traps that stay
// in the guest, event injection, and nested paging's two-dimensional walk.
import { describe, expect, it } from "vitest";
import { assemble, CAUSE, CR, EPT_VIOLATION_CAUSE, EXIT, getProfile, Machine, MODE_USER, PageTableBuilder, PTE_U, PTE_W, VmControl, type Levels, type ProfileName } from "../src/index.js";

/** Guest-physical 0 sits at this machine address; the host tables live below it. */
const BASE = 0x200000;
const GUEST_BYTES = 0x400000;
/** The pmap of a guest in one block at BASE (guest frame g at machine frame g + BASE/4096). */
const atBase = (): Int32Array => Int32Array.from({ length: GUEST_BYTES >>> 12 }, (_, g) => (BASE >>> 12) + g);
const USER_PAGE = 0x00400000;
const USER_FRAME = 0x200000; // guest-physical

interface GuestSetup {
  machine: Machine;
  vmcs: VmControl;
  /** Guest-physical memory as the guest sees it. */
  guest: Int32Array;
  guestRoot: number;
}

/**
 * A machine with a guest loaded at BASE: host tables (hostLevels deep) map every guest
 * frame g to g + BASE, except `unmapped` guest-physical pages; the guest's own tables
 * (levels deep, in guest-physical frames from 0x100000) map USER_PAGE to USER_FRAME.
 */
function guestMachine(
  source: string,
  options: { profile?: ProfileName; levels: Levels; hostLevels?: Levels; nested?: boolean; unmapped?: readonly number[]; defines?: Record<string, number> },
): GuestSetup {
  const profile = getProfile(options.profile ?? "riscv-like", { levels: options.levels });
  const machine = new Machine({ profile, memoryBytes: BASE + GUEST_BYTES });
  const mem = machine.memory.i32;
  let nextHost = 0x1000;
  const host = new PageTableBuilder(mem, options.hostLevels ?? options.levels, () => (nextHost += 0x1000) - 0x1000);
  for (let g = 0; g < GUEST_BYTES; g += 0x1000) if (!options.unmapped?.includes(g)) host.map(g, g + BASE, PTE_W);
  const guest = new Int32Array(machine.memory.buffer, BASE, GUEST_BYTES >>> 2);
  let nextGuest = 0x100000;
  const gpt = new PageTableBuilder(guest, options.levels, () => (nextGuest += 0x1000) - 0x1000);
  gpt.map(USER_PAGE, USER_FRAME, PTE_W | PTE_U);
  guest[USER_FRAME >>> 2] = 0x1234;
  machine.load(assemble(source, { file: "guest.s", defines: { ROOT: gpt.root, ...options.defines } }), atBase());
  const vmcs = new VmControl();
  vmcs.nestedPaging = options.nested ?? true;
  vmcs.hostRoot = host.root;
  vmcs.hostLevels = options.hostLevels ?? options.levels;
  return { machine, vmcs, guest, guestRoot: gpt.root };
}

/** Enters guest mode and runs until the next exit (or halt/budget). */
function enterAndRun(g: GuestSetup, budget = 10_000) {
  g.machine.cpu.vmEnter(g.vmcs);
  return g.machine.run(budget);
}

const KERNEL = (body: string) => `
        .org 0x80001000
start:  la r1, handler
        wrcr r1, TVEC
${body}
        halt
handler: rdcr r12, CAUSE
        rdcr r13, EPC
        halt
`;

describe("nested paging: a TLB miss walks both dimensions", () => {
  for (const [n, m] of [
    [2, 2],
    [3, 3],
    [4, 4],
    [2, 4],
    [4, 2],
  ] as const) {
    it(`${n} guest x ${m} host levels: (n+1)(m+1)-1 = ${(n + 1) * (m + 1) - 1} references for one guest-virtual miss`, () => {
      // The same program with and without the load: the difference is that one miss.
      const body = (load: boolean) => `
        li r1, ROOT
        wrcr r1, PTBR            ; no exit under nested paging
        li r2, ${USER_PAGE}
        ${load ? "lw r3, 4(r2)" : "nop"}
        nop`;
      const without = guestMachine(KERNEL(body(false)), { levels: n, hostLevels: m });
      const withLoad = guestMachine(KERNEL(body(true)), { levels: n, hostLevels: m });
      withLoad.guest[(USER_FRAME + 4) >>> 2] = 0x5678;
      for (const g of [without, withLoad]) {
        const stop = enterAndRun(g);
        expect(stop.reason).toBe("vm-exit");
        expect(g.vmcs.exitReason).toBe(EXIT.HALT);
      }
      const a = without.machine.stats();
      const b = withLoad.machine.stats();
      expect(b.walkReferences - a.walkReferences).toBe((n + 1) * (m + 1) - 1);
      expect(b.walks - a.walks).toBe(1);
      expect(withLoad.machine.cpu.regs[3]).toBe(0x5678);
      // No exit on the way: the PTBR write ran in the guest.
      expect(withLoad.vmcs.totalExits).toBe(1);
      expect(withLoad.machine.cpu.crs[CR.PTBR]).toBe(withLoad.guestRoot);
    });
  }

  it("the guest kernel's kseg0 is guest-physical: one host walk (m references) per code page", () => {
    const g = guestMachine(KERNEL("        nop"), { levels: 4, hostLevels: 4 });
    enterAndRun(g);
    // Fetches from one kseg0 page: one miss, four host references; the data page
    // of the handler address load is the same page.
    expect(g.machine.stats().walks).toBe(1);
    expect(g.machine.stats().walkReferences).toBe(4);
    expect(g.vmcs.hostWalkReferences).toBe(4);
  });

  it("a guest-physical address the host does not map is an EPT violation exit with its qualification", () => {
    const g = guestMachine(
      KERNEL(`
        li r1, ROOT
        wrcr r1, PTBR
        li r2, ${USER_PAGE}
        sw r2, 8(r2)`),
      { levels: 2, unmapped: [USER_FRAME] },
    );
    const stop = enterAndRun(g);
    expect(stop.reason).toBe("vm-exit");
    expect(g.vmcs.exitReason).toBe(EXIT.EPT_VIOLATION);
    expect(g.vmcs.exitGuestPhysical).toBe(USER_FRAME + 8);
    expect(g.vmcs.exitAddress).toBe(USER_PAGE + 8);
    expect(g.vmcs.exitAccess).toBe(1); // write
    // The store did not happen and did not retire; the guest saw nothing.
    expect(g.machine.cpu.pc).toBe(g.vmcs.exitPc);
    expect(g.machine.cpu.trapsByCause[CAUSE.PAGE_FAULT]).toBe(0);
    expect(g.machine.cpu.trapsByCause[EPT_VIOLATION_CAUSE]).toBe(1);
  });

  it("a guest page fault goes to the guest's own trap vector without an exit", () => {
    const g = guestMachine(
      KERNEL(`
        li r1, ROOT
        wrcr r1, PTBR
        li r2, 0x00500000        ; not mapped by the guest
        lw r3, 0(r2)`),
      { levels: 3 },
    );
    const stop = enterAndRun(g);
    expect(g.vmcs.exitReason).toBe(EXIT.HALT);
    expect(stop.reason).toBe("vm-exit");
    expect(g.vmcs.totalExits).toBe(1);
    expect(g.machine.cpu.regs[12]! & 0xff).toBe(CAUSE.PAGE_FAULT);
    expect(g.machine.cpu.crs[CR.BADADDR]).toBe(0x00500000);
  });
});

describe("guest mode: exits by reason", () => {
  it("OUT and IN exit before they run, with port, register and value; HALT exits", () => {
    const g = guestMachine(
      KERNEL(`
        li r4, 0x41
        out r4, 0x10
        in r7, 0x80`),
      { levels: 2 },
    );
    expect(enterAndRun(g).reason).toBe("vm-exit");
    const v = g.vmcs;
    expect(v.exitReason).toBe(EXIT.IO);
    expect([v.exitPort, v.exitRegister, v.exitValue]).toEqual([0x10, 4, 0x41]);
    const outPc = v.exitPc;
    const retired = g.machine.cpu.retired;
    // The monitor emulates it and moves on, as a VMM does.
    g.machine.cpu.pc = outPc + 4;
    g.machine.cpu.retireEmulated();
    expect(enterAndRun(g).reason).toBe("vm-exit");
    expect(v.exitReason).toBe(EXIT.IO);
    expect([v.exitPort, v.exitRegister, v.exitPc]).toEqual([0x80, 7, outPc + 4]);
    expect(g.machine.cpu.retired).toBe(retired + 1);
    g.machine.cpu.pc += 4;
    g.machine.cpu.retireEmulated();
    expect(enterAndRun(g).reason).toBe("vm-exit");
    expect(v.exitReason).toBe(EXIT.HALT);
    expect(g.machine.console.text()).toBe(""); // the real console was never touched
    expect(g.machine.stats().portWrites + g.machine.stats().portReads).toBe(0);
    expect(v.exitCounts()).toEqual({ "I/O instruction": 2, halt: 1 });
  });

  it("control-register exits only where the controls ask: PTBR writes and reads, not TPR", () => {
    const g = guestMachine(
      KERNEL(`
        li r5, 7
        wrcr r5, TPR
        li r6, 0x3000
        wrcr r6, PTBR
        rdcr r8, PTBR`),
      { levels: 2, nested: false },
    );
    g.vmcs.crWriteExiting[CR.PTBR] = 1;
    g.vmcs.crReadExiting[CR.PTBR] = 1;
    // Without nested paging every address goes through PTBR: here, a table mapping kseg0.
    const mem = g.machine.memory.i32;
    let next = 0x100000;
    const shadow = new PageTableBuilder(mem, 2, () => (next += 0x1000) - 0x1000);
    for (let va = 0x80000000; va < 0x80010000; va += 0x1000) shadow.map(va, va - 0x80000000 + BASE, PTE_W);
    g.machine.cpu.crs[CR.PTBR] = shadow.root;
    expect(enterAndRun(g).reason).toBe("vm-exit");
    expect(g.vmcs.exitReason).toBe(EXIT.CR_WRITE);
    expect([g.vmcs.exitCr, g.vmcs.exitRegister, g.vmcs.exitValue]).toEqual([CR.PTBR, 6, 0x3000]);
    expect(g.machine.cpu.crs[CR.TPR]).toBe(7); // ran in the guest
    expect(g.machine.cpu.crs[CR.PTBR]).toBe(shadow.root); // untouched
    g.machine.cpu.pc += 4;
    g.machine.cpu.retireEmulated();
    expect(enterAndRun(g).reason).toBe("vm-exit");
    expect(g.vmcs.exitReason).toBe(EXIT.CR_READ);
    expect([g.vmcs.exitCr, g.vmcs.exitRegister]).toEqual([CR.PTBR, 8]);
    // kseg0 went through PTBR: walks happened although the guest never turned paging on.
    expect(g.machine.stats().walks).toBeGreaterThan(0);
  });

  it("TLBI and TLBFLUSH exit only with invalidation exiting", () => {
    const src = KERNEL(`
        li r1, 0x5000
        tlbi r1
        tlbflush`);
    const off = guestMachine(src, { levels: 2 });
    enterAndRun(off);
    expect(off.vmcs.exitReason).toBe(EXIT.HALT);
    expect(off.machine.stats().tlbInvalidations).toBe(1);
    const on = guestMachine(src, { levels: 2 });
    on.vmcs.invalidateExiting = true;
    enterAndRun(on);
    expect([on.vmcs.exitReason, on.vmcs.exitAddress, on.vmcs.exitAll]).toEqual([EXIT.INVALIDATE, 0x5000, false]);
    on.machine.cpu.pc += 4;
    on.machine.cpu.retireEmulated();
    enterAndRun(on);
    expect([on.vmcs.exitReason, on.vmcs.exitAll]).toEqual([EXIT.INVALIDATE, true]);
  });

  it("RDTVEC exits only with trap-vector read exiting, as a control-register read of TVEC, before it runs", () => {
    const src = KERNEL(`
        li r7, 5
        rdtvec r7
        nop`);
    const off = guestMachine(src, { levels: 2 });
    enterAndRun(off);
    expect(off.vmcs.exitReason).toBe(EXIT.HALT);
    // It ran in the guest: r7 holds the guest's own vector, the handler it set.
    expect(off.machine.cpu.regs[7]).toBe(off.machine.cpu.crs[CR.TVEC]);
    // la and li are two words each: la, wrcr, li, rdtvec, nop, halt, then the handler at word 8.
    expect(off.machine.cpu.regs[7]! >>> 0).toBe(0x80001000 + 4 * 8);
    const on = guestMachine(src, { levels: 2 });
    on.vmcs.trapVectorReadExiting = true;
    expect(enterAndRun(on).reason).toBe("vm-exit");
    expect([on.vmcs.exitReason, on.vmcs.exitCr, on.vmcs.exitRegister]).toEqual([EXIT.CR_READ, CR.TVEC, 7]);
    // Not run: r7 unchanged, pc at the RDTVEC.
    expect(on.machine.cpu.regs[7]).toBe(5);
    expect(on.vmcs.exitPc).toBe(0x80001000 + 4 * 5);
    expect(on.machine.cpu.retired).toBe(5);
  });

  it("traps stay in the guest unless the exception bitmap names them; HCALL always exits", () => {
    const src = KERNEL(`
        li r1, 0
        div r2, r2, r1`);
    const inGuest = guestMachine(src, { levels: 2 });
    enterAndRun(inGuest);
    expect(inGuest.vmcs.exitReason).toBe(EXIT.HALT);
    expect(inGuest.machine.cpu.regs[12]).toBe(CAUSE.DIVIDE);
    const exiting = guestMachine(src, { levels: 2 });
    exiting.vmcs.exceptionBitmap[CAUSE.DIVIDE] = 1;
    enterAndRun(exiting);
    expect([exiting.vmcs.exitReason, exiting.vmcs.exitCause]).toEqual([EXIT.EXCEPTION, CAUSE.DIVIDE]);
    // Injected on entry, it reaches the guest's handler as if no exit had happened.
    exiting.vmcs.injectCause = CAUSE.DIVIDE;
    enterAndRun(exiting);
    expect(exiting.machine.cpu.regs[12]).toBe(CAUSE.DIVIDE);
    expect(exiting.machine.cpu.regs[13]).toBe(inGuest.machine.cpu.regs[13]);
    expect(exiting.vmcs.injections).toBe(1);

    const h = guestMachine(KERNEL("        hcall 3"), { levels: 2 });
    enterAndRun(h);
    expect(h.vmcs.exitReason).toBe(EXIT.HYPERCALL);
    expect(h.machine.cpu.retired).toBeGreaterThan(0);
  });

  it("a system call and a privileged instruction in guest user mode go to the guest kernel, with no exit", () => {
    const g = guestMachine(
      `
        .org 0x80001000
start:  la r1, handler
        wrcr r1, TVEC
        li r1, ROOT
        wrcr r1, PTBR
        la r1, 0x80008000
        wrcr r1, KSP
        li r1, ${USER_PAGE}
        wrcr r1, EPC
        li r1, 0x80000000
        wrcr r1, ESTATUS
        rte
handler: rdcr r12, CAUSE
        rdcr r13, EPC
        addi r11, r11, 1
        cmpi r11, 2
        beq .done
        addi r13, r13, 0        ; back after the system call
        wrcr r13, EPC
        rte
.done:  halt
`,
      { levels: 2 },
    );
    // User code at USER_PAGE: a system call, then OUT (privileged in user mode).
    const syscallWord = assemble("        .org 0\n        syscall 5\n        out r1, 0x10\n", { file: "u.s" });
    const bytes = syscallWord.segments[0]!.bytes;
    new Uint8Array(g.machine.memory.buffer, BASE + USER_FRAME, bytes.length).set(bytes);
    g.machine.cpu.invalidateCode(BASE + USER_FRAME, BASE + USER_FRAME + bytes.length);
    const stop = enterAndRun(g);
    expect(stop.reason).toBe("vm-exit");
    expect(g.vmcs.exitReason).toBe(EXIT.HALT);
    expect(g.vmcs.totalExits).toBe(1);
    expect(g.machine.cpu.regs[12]).toBe(CAUSE.PRIVILEGED); // the second trap
    expect(g.machine.cpu.trapsByCause[CAUSE.SYSCALL]).toBe(1);
    expect(g.machine.cpu.mode).toBe(0);
    void MODE_USER;
  });

  it("the timer exits at the instruction where bare metal takes it, and injected it lands the same", () => {
    const src = KERNEL(`
        li r1, 25
        out r1, 0x20
        sti
        li r2, 0
.loop:  addi r2, r2, 1
        jmp .loop`);
    // Bare metal, same guest at guest-physical 0.
    const bare = new Machine({ profile: getProfile("riscv-like") });
    bare.load(assemble(src, { file: "guest.s", defines: { ROOT: 0 } }));
    bare.run(10_000);
    const g = guestMachine(src, { levels: 2 });
    enterAndRun(g);
    expect(g.vmcs.exitReason).toBe(EXIT.IO); // the OUT to the timer: the monitor's virtual timer
    // Counting starts once the OUT has retired, as on bare metal.
    g.machine.cpu.pc += 4;
    g.machine.cpu.retireEmulated();
    g.machine.cpu.setTimer(25);
    enterAndRun(g);
    expect(g.vmcs.exitReason).toBe(EXIT.EXTERNAL_INTERRUPT);
    const at = g.machine.cpu.retired;
    g.vmcs.injectCause = CAUSE.TIMER;
    enterAndRun(g);
    expect(g.vmcs.exitReason).toBe(EXIT.HALT);
    expect(g.machine.cpu.regs[12]).toBe(bare.cpu.regs[12]);
    expect(g.machine.cpu.regs[13]).toBe(bare.cpu.regs[13]); // EPC: the same guest instruction
    expect(g.machine.cpu.regs[2]).toBe(bare.cpu.regs[2]);
    // After it: the handler's two RDCRs, then HALT (which retires on bare metal; here it exited).
    expect(at).toBe(bare.cpu.retired - 3);
    expect(g.machine.cpu.retired).toBe(bare.cpu.retired - 1);
  });

  it("guest mode needs the profile's hardware assist", () => {
    const m = new Machine({ profile: getProfile("mips-like") });
    expect(() => m.cpu.vmEnter(new VmControl())).toThrow(/no hardware-assist guest mode/);
  });
});
