import { assemble, getProfile, Machine, type Profile, type ProfileName } from "../src/index.js";

export const ALL_PROFILES: ProfileName[] = ["mips-like", "riscv-like", "x86-like"];

/** Assembles `body` as kernel code in kseg0 (ending in halt) and runs it to completion. */
export function runKernel(body: string, profile: Profile | ProfileName = "riscv-like", budget = 100_000): Machine {
  const p = typeof profile === "string" ? getProfile(profile) : profile;
  const machine = new Machine({ profile: p });
  machine.load(assemble(`        .org 0x80001000\nstart:\n${body}\n        halt\n`, { file: "test.s" }));
  const stop = machine.run(budget);
  if (stop.reason !== "halt") throw new Error(`did not halt: ${stop.reason}`);
  return machine;
}

/**
 * Runs `user` in user mode. The kernel's trap handler stores CAUSE in r13, EPC in r12,
 * BADADDR in r11 and halts. On walker profiles paging is off; on mips-like the user
 * pages (code at 0x2000, stack 0x3000) are in the TLB.
 */
export function runUser(user: string, profile: ProfileName, options: { estatus?: number; budget?: number } = {}): Machine {
  const src = `
        .org 0x80001000
start:  la r1, handler
        wrcr r1, TVEC
        la r1, 0x80008000
        wrcr r1, KSP
        li r1, 0x2000
        wrcr r1, EPC
        li r1, ESTATUS_VALUE
        wrcr r1, ESTATUS
        li r1, 0x4000
        wrcr r1, USP
.ifdef MIPS_LIKE
        li r1, 0x2000
        li r2, 0x2003
        tlbw r1, r2
        li r1, 0x3000
        li r2, 0x3003
        tlbw r1, r2
.endif
        li r1, 0
        li r2, 0
        rte
handler: rdcr r13, CAUSE
        rdcr r12, EPC
        rdcr r11, BADADDR
        halt
        .org 0x2000
user:
${user}
        syscall 0
`;
  const defines: Record<string, number> = { ESTATUS_VALUE: options.estatus ?? 0x80000000 };
  if (profile === "mips-like") defines.MIPS_LIKE = 1;
  const machine = new Machine({ profile: getProfile(profile) });
  machine.load(assemble(src, { file: "user.s", defines }));
  const stop = machine.run(options.budget ?? 100_000);
  if (stop.reason !== "halt") throw new Error(`did not halt: ${stop.reason}`);
  return machine;
}

export const u32 = (x: number): number => x >>> 0;
