// Resource control worded alike: one guest kernel reaches past the end of its memory
// every way its MMU allows, and every monitor that runs it unmodified contains each
// attempt as bare metal does (the same ADDRESS_ERROR, the same output) and records it
// with the same audit line, whichever mechanism caught it.
import { describe, expect, it } from "vitest";
import { guestDefines, type Scenario } from "@vmlab/guest";
import { assemble, getProfile, type Profile } from "@vmlab/isa";
import { digestOf, firstDivergence, MACHINE_PROFILES, runContainer, strategiesFor, type GuestSession } from "../src/index.js";
import { strategyLab } from "@vmlab/test-support";

const lab = await strategyLab();
const { modules } = lab;

// Each attempt faults; the handler prints '@' + CAUSE (ADDRESS_ERROR = 10: 'J') and
// resumes after the faulting instruction.
const GUEST = `
        .equ ROOT, 0x00010000
        .equ L1, 0x00011000
        .equ VA, 0x00200000
        .org 0x80001000
start:  la      sp, stack_top
        la      r1, handler
        wrcr    r1, TVEC
        li      r2, 0x80400000          ; 1: kseg0, one byte past the end
        lw      r3, 0(r2)
.ifdef WALKER
        li      r1, 0x00500000          ; 2: a root past the end
        wrcr    r1, PTBR
        li      r2, VA
        lw      r3, 0(r2)
        li      r1, 0x00600001          ; 3: a root entry naming a table past the end
        li      r2, ROOT + 0x80000000
        sw      r1, 0(r2)
        li      r1, ROOT
        wrcr    r1, PTBR
        li      r2, VA
        lw      r3, 0(r2)
        li      r1, 0x00700003          ; 4: a leaf mapping VA to a frame past the end
        li      r2, L1 + 0x800 + 0x80000000
        sw      r1, 0(r2)
        li      r1, L1 | 1
        li      r2, ROOT + 0x80000000
        sw      r1, 0(r2)
        tlbflush
        li      r2, VA
        lw      r3, 0(r2)
        li      r1, 0                   ; 5: paging off, an address past the end
        wrcr    r1, PTBR
        li      r2, 0x00500000
        lw      r3, 0(r2)
.else
        li      r2, VA                  ; 2: a TLB entry mapping VA to a frame past the end
        li      r3, 0x00401003
        tlbw    r2, r3
        lw      r3, 0(r2)
.endif
        li      r1, 10
        out     r1, 0x10
        halt
handler:
        rdcr    r1, CAUSE
        andi    r1, r1, 0xff
        addi    r1, r1, 64
        out     r1, 0x10
        rdcr    r1, EPC
        addi    r1, r1, 4
        wrcr    r1, EPC
        rte
        .align  4
        .space  256
stack_top:
`;

const AS_ON_BARE_METAL = "outside the VM's memory: refused (ADDRESS_ERROR delivered to the guest, as on bare metal)";
const KSEG0 = `the guest kernel reached for guest-physical 0x400000 through kseg0, ${AS_ON_BARE_METAL}`;
const WALKER_AUDIT = [
  KSEG0,
  `guest page tables for 0x200000 go through a table at guest frame 0x500, ${AS_ON_BARE_METAL}`,
  `guest page tables for 0x200000 go through a table at guest frame 0x600, ${AS_ON_BARE_METAL}`,
  `guest page table maps 0x200000 to guest frame 0x700, ${AS_ON_BARE_METAL}`,
  `the guest reached for guest-physical 0x500000 with paging off, ${AS_ON_BARE_METAL}`,
];
const TLB_AUDIT = [KSEG0, `guest TLB entry maps 0x200000 to guest frame 0x401, ${AS_ON_BARE_METAL}`];

function run(profile: Profile, cpu: string, memory: string) {
  const config = lab.config({ profile: profile.name, ...(profile.mmu.kind === "walker" ? { levels: profile.mmu.levels } : {}), cpu, memory, machine: "skylake-2015" });
  const strategies = strategiesFor(runContainer(config, modules), config);
  const session: GuestSession = {
    scenario: { name: "contained-attempts", dir: "(inline)" } as unknown as Scenario,
    profile: config.profile,
    image: assemble(GUEST, { file: "contained-attempts.s", defines: guestDefines(config.profile) }),
    budget: 10_000,
    machineProfile: MACHINE_PROFILES["skylake-2015"]!,
    memory: strategies.memory,
  };
  return strategies.cpu.execute(session);
}

const CASES: [string, Profile, [string, string][], string[]][] = [
  [
    "riscv-like (2 levels)",
    getProfile("riscv-like", { levels: 2 }),
    [
      ["trap-emulate", "shadow"],
      ["binary-translation", "shadow"],
      ["hardware-assist", "shadow"],
      ["hardware-assist", "nested"],
    ],
    WALKER_AUDIT,
  ],
  [
    "mips-like",
    getProfile("mips-like"),
    [
      ["trap-emulate", "software-tlb"],
      ["binary-translation", "software-tlb"],
    ],
    TLB_AUDIT,
  ],
];

describe("every attempt past the VM's memory is contained as on bare metal and audited in the same words", () => {
  for (const [name, profile, configurations, audit] of CASES) {
    const native = run(profile, "native", "direct");
    it(`${name}: natively each attempt is an ADDRESS_ERROR, and there is no monitor to audit`, () => {
      expect(native.outcome).toBe("halt");
      expect(native.output).toBe(`${"J".repeat(audit.length)}\n`);
      expect(native.audit).toEqual([]);
    });
    for (const [cpu, memory] of configurations) {
      it(`${name}, ${cpu} with ${memory}: the same output and the same audit lines`, () => {
        const e = run(profile, cpu, memory);
        expect(firstDivergence(digestOf(native), digestOf(e))?.detail).toBeUndefined();
        expect(e.audit).toEqual(audit);
      });
    }
  }
});
