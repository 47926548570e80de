// `pnpm bench`: guest instructions per second of the interpreter on a user-mode compute
// loop with paging on (riscv-like, 3-level walker), beside the same computation in plain
// JavaScript in this process; and the start of the prebuilt `vmlab` command. Options: --json, --repeat N (best of N runs, default 3);
// VMLAB_BENCH_ITERATIONS sets the loop count (14 guest instructions each).
import { assemble, getProfile, Machine, PageTableBuilder, PTE_U, PTE_W, type Image } from "@vmlab/isa";
import type { GuestSession } from "@vmlab/core";
import type { Scenario } from "@vmlab/guest";

const ITERATIONS = Number(process.env.VMLAB_BENCH_ITERATIONS ?? 8_000_000);
const INSTRUCTIONS_PER_ITERATION = 14;
const json = process.argv.includes("--json");
// Best of several runs: the figure is the machine's capacity, not its momentary load.
const REPEATS = Math.max(1, Number(argValue("--repeat") ?? 3));

function argValue(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

const USER_CODE = 0x00400000;
const USER_DATA = 0x10000000;

const source = `
        .org 0x80001000
start:  la r1, handler
        wrcr r1, TVEC
        la r1, 0x80008000
        wrcr r1, KSP
        li r1, PTBR_VALUE
        wrcr r1, PTBR
        li r1, ${USER_CODE}
        wrcr r1, EPC
        li r1, 0x80000000
        wrcr r1, ESTATUS
        rte
handler: halt

        .org ${USER_CODE}
user:   li r1, 0x12345678        ; xorshift state
        li r2, ${ITERATIONS}
        li r6, ${USER_DATA}
loop:   shli r3, r1, 13
        xor  r1, r1, r3
        shri r3, r1, 17
        xor  r1, r1, r3
        shli r3, r1, 5
        xor  r1, r1, r3
        andi r4, r1, 0xffc
        add  r4, r4, r6
        lw   r5, 0(r4)
        add  r5, r5, r1
        sw   r5, 0(r4)
        addi r2, r2, -1
        cmpi r2, 0
        bne  loop
        syscall 0
`;

function guestRun(): { seconds: number; cpuSeconds: number; retired: number; state: number; checksum: number } {
  const profile = getProfile("riscv-like", { levels: 3 });
  const machine = new Machine({ profile });
  // Page tables from physical 0x100000 up; user code at 0x200000, data at 0x210000.
  let next = 0x100000;
  const tables = new PageTableBuilder(machine.memory.i32, 3, () => {
    const pa = next;
    next += 4096;
    return pa;
  });
  const image = assemble(source, { file: "bench.s", defines: { PTBR_VALUE: tables.root } });
  const code = image.segments.find((s) => s.address === USER_CODE)!;
  tables.map(USER_CODE, 0x200000, PTE_U);
  tables.map(USER_DATA, 0x210000, PTE_U | PTE_W);
  machine.load({ ...image, segments: image.segments.filter((s) => s !== code) });
  machine.memory.u8.set(code.bytes, 0x200000);
  const cpuStarted = process.cpuUsage();
  const started = performance.now();
  const stop = machine.run(ITERATIONS * INSTRUCTIONS_PER_ITERATION * 2);
  const seconds = (performance.now() - started) / 1000;
  const cpu = process.cpuUsage(cpuStarted);
  const cpuSeconds = (cpu.user + cpu.system) / 1e6;
  if (stop.reason !== "halt") throw new Error(`bench guest did not halt (${stop.reason})`);
  let checksum = 0;
  for (let i = 0; i < 1024; i++) checksum = (checksum + machine.memory.i32[(0x210000 >>> 2) + i]!) | 0;
  return { seconds, cpuSeconds, retired: machine.cpu.retired, state: machine.cpu.regs[1]!, checksum };
}

function plainRun(): { seconds: number; state: number; checksum: number } {
  const data = new Int32Array(1024);
  const started = performance.now();
  let x = 0x12345678 | 0;
  for (let n = ITERATIONS; n !== 0; n--) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    const i = (x & 0xffc) >>> 2;
    data[i] = (data[i]! + x) | 0;
  }
  const seconds = (performance.now() - started) / 1000;
  let checksum = 0;
  for (let i = 0; i < 1024; i++) checksum = (checksum + data[i]!) | 0;
  return { seconds, state: x, checksum };
}

// Binary translation: the same loop as kernel code (kseg0), run from the translation
// cache under the binary-translation strategy with shadow paging; beside it, the CPU
// interpreter running the same kernel-mode loop on the bare machine.
const KERNEL_DATA = 0x80210000;
// Real code with many blocks: the xorshift step is a subroutine (call and return
// through the kernel stack) and the count goes down along one of two paths.
const kernelSource = `
        .org 0x80001000
start:  li r15, 0x80008000
        li r1, 0x12345678
        li r2, ${ITERATIONS}
        li r6, ${KERNEL_DATA}
loop:   call xorshift
        andi r4, r1, 0xffc
        add  r4, r4, r6
        lw   r5, 0(r4)
        add  r5, r5, r1
        sw   r5, 0(r4)
        andi r7, r1, 1
        cmpi r7, 0
        beq  even
        addi r2, r2, -1
        jmp  next
even:   addi r2, r2, -1
next:   cmpi r2, 0
        bne  loop
        halt
xorshift:
        shli r3, r1, 13
        xor  r1, r1, r3
        shri r3, r1, 17
        xor  r1, r1, r3
        shli r3, r1, 5
        xor  r1, r1, r3
        ret
`;
const kernelImage = assemble(kernelSource, { file: "bench-kernel.s" });

function kernelChecksum(u8: Uint8Array, base: number): number {
  const words = new Int32Array(u8.buffer, u8.byteOffset + base, 1024);
  let checksum = 0;
  for (let i = 0; i < 1024; i++) checksum = (checksum + words[i]!) | 0;
  return checksum;
}

function kernelSession(profileName: string, image: Image, budget: number, memory: GuestSession["memory"], scenario?: Scenario): GuestSession {
  return {
    scenario: scenario ?? ({ name: "bench", dir: "(inline)" } as unknown as Scenario),
    profile: getProfile(profileName),
    image,
    budget,
    machineProfile: MACHINE_PROFILES["p4-2006"]!,
    memory,
  };
}

function timed<T>(f: () => T): { value: T; seconds: number } {
  const started = performance.now();
  const value = f();
  return { value, seconds: (performance.now() - started) / 1000 };
}

function btKernelRun(): { seconds: number; retired: number; state: number; checksum: number } {
  const session = kernelSession("riscv-like", kernelImage, ITERATIONS * INSTRUCTIONS_PER_ITERATION * 3, new ShadowMemory());
  const cpu = new BinaryTranslationCpu();
  const { value: e, seconds } = timed(() => cpu.execute(session));
  if (e.outcome !== "halt") throw new Error("binary-translation bench guest did not halt");
  return { seconds, retired: e.guestInstructions, state: e.guestRegisters[1]!, checksum: kernelChecksum(e.guestMemory, KERNEL_DATA - 0x80000000) };
}

function interpreterKernelRun(): { seconds: number; retired: number; state: number; checksum: number } {
  const machine = new Machine({ profile: getProfile("riscv-like") });
  machine.load(kernelImage);
  const { value: stop, seconds } = timed(() => machine.run(ITERATIONS * INSTRUCTIONS_PER_ITERATION * 3));
  if (stop.reason !== "halt") throw new Error("interpreter bench guest did not halt");
  return { seconds, retired: machine.cpu.retired, state: machine.cpu.regs[1]!, checksum: kernelChecksum(machine.memory.u8, KERNEL_DATA - 0x80000000) };
}

/** kernel-build under a CPU strategy: guest instructions per second of host time. */
function scenarioRun(cpuName: "binary-translation" | "interpret" | "native"): { seconds: number; retired: number; output: string } {
  const scenario = findScenario("kernel-build");
  const profile = getProfile("riscv-like");
  const image = guestImage(scenario, profile);
  const memory = cpuName === "binary-translation" ? new ShadowMemory() : new DirectMemory();
  const session = kernelSession("riscv-like", image, scenario.budget, memory, scenario);
  const strategy = cpuName === "binary-translation" ? new BinaryTranslationCpu() : cpuName === "interpret" ? new InterpretCpu() : new NativeCpu();
  const { value: e, seconds } = timed(() => strategy.execute({ ...session, ...(diskContentsOf(scenario) ? { diskContents: diskContentsOf(scenario)! } : {}) }));
  // As runConfiguration does: the machine's buffers go back to the pool, so the next run
  // builds its machine from them instead of allocating (and later collecting) ~12 MB more.
  e.machine?.release();
  return { seconds, retired: e.guestInstructions, output: e.output };
}

function best<T extends { seconds: number }>(f: () => T): T {
  f(); // warm up
  let b = f();
  for (let i = 1; i < REPEATS; i++) {
    const r = f();
    if (r.seconds < b.seconds) b = r;
  }
  return b;
}

// Warm up both, then measure.
guestRun();
plainRun();
let guest = guestRun();
let plain = plainRun();
for (let i = 1; i < REPEATS; i++) {
  const g = guestRun();
  if (g.seconds < guest.seconds) guest = g;
  const p = plainRun();
  if (p.seconds < plain.seconds) plain = p;
}
if (guest.state !== plain.state || guest.checksum !== plain.checksum) {
  throw new Error(`guest and plain JavaScript disagree: ${guest.state}/${guest.checksum} vs ${plain.state}/${plain.checksum}`);
}
const guestRate = guest.retired / guest.seconds;
const plainIterations = ITERATIONS / plain.seconds;
const equivalentRate = plainIterations * INSTRUCTIONS_PER_ITERATION;
// The rest of the workspace is loaded only now, so the interpreter above is measured in a
// process that holds nothing but the machine (as it was before these lines existed).
const { guestImage, MACHINE_PROFILES } = await import("@vmlab/core");
const { diskContentsOf, findScenario } = await import("@vmlab/guest");
const { ShadowMemory } = await import("@vmlab/paging-shadow");
const { BinaryTranslationCpu } = await import("@vmlab/strategy-binary-translation");
const { InterpretCpu } = await import("@vmlab/strategy-interpret");
const { DirectMemory, NativeCpu } = await import("@vmlab/strategy-native");
const bt = best(btKernelRun);
const interpKernel = best(interpreterKernelRun);
if (bt.state !== plain.state || bt.checksum !== plain.checksum || interpKernel.state !== plain.state || interpKernel.checksum !== plain.checksum) {
  throw new Error("the kernel-mode loop disagrees with plain JavaScript");
}
const kbBt = best(() => scenarioRun("binary-translation"));
const kbInterp = best(() => scenarioRun("interpret"));
const kbNative = best(() => scenarioRun("native"));
if (kbBt.output !== kbNative.output || kbInterp.output !== kbNative.output) throw new Error("kernel-build output differs between strategies");
const mips = (r: { retired: number; seconds: number }) => r.retired / r.seconds / 1e6;
// The prebuilt `vmlab` command's start: `vmlab --help` from another directory, as a user runs it.
const { spawnSync } = await import("node:child_process");
const { tmpdir } = await import("node:os");
const vmlabBin = new URL("../packages/cli/bin/vmlab.mjs", import.meta.url).pathname;
const starts: number[] = [];
for (let i = 0; i < 2 + 5; i++) {
  const t = performance.now();
  const r = spawnSync(process.execPath, [vmlabBin, "--help"], { cwd: tmpdir(), encoding: "utf8" });
  if (r.status !== 0) throw new Error(`vmlab --help failed: ${r.stderr}`);
  if (i >= 2) starts.push((performance.now() - t) / 1000); // after two to warm the file cache (and build if stale)
}
starts.sort((x, y) => x - y);
const result = {
  loop: "xorshift + load/add/store into a 4 KiB array, user mode, riscv-like 3-level paging",
  iterations: ITERATIONS,
  repeats: REPEATS,
  guestInstructions: guest.retired,
  guestSeconds: guest.seconds,
  guestMips: guestRate / 1e6,
  // Process CPU time of the best run: steadier than wall time when other work shares the cores.
  guestCpuSeconds: guest.cpuSeconds,
  guestMipsPerCpuSecond: guest.retired / guest.cpuSeconds / 1e6,
  plainSeconds: plain.seconds,
  plainIterationsPerSecond: plainIterations,
  plainEquivalentMips: equivalentRate / 1e6,
  slowdownVsPlainJs: plain.seconds > 0 ? guest.seconds / plain.seconds : Infinity,
  cliHelpStartSeconds: { best: starts[0]!, median: starts[Math.floor(starts.length / 2)]! },
  binaryTranslation: {
    kernelLoopMips: mips(bt),
    interpreterKernelLoopMips: mips(interpKernel),
    speedupOverInterpreter: interpKernel.seconds / bt.seconds,
    kernelBuild: {
      guestInstructions: kbBt.retired,
      binaryTranslationMips: mips(kbBt),
      interpretStrategyMips: mips(kbInterp),
      nativeMips: mips(kbNative),
      speedupOverInterpretStrategy: kbInterp.seconds / kbBt.seconds,
    },
  },
};
if (json) {
  console.log(JSON.stringify(result, null, 2));
} else {
  console.log(`compute loop: ${result.loop} (best of ${REPEATS} runs)`);
  console.log(`  guest interpreter   ${guest.retired.toLocaleString("en-US")} instructions in ${guest.seconds.toFixed(3)} s = ${result.guestMips.toFixed(1)} M guest instructions/s`);
  console.log(`                      (${result.guestMipsPerCpuSecond.toFixed(1)} M per second of process CPU time)`);
  console.log(`  plain JavaScript    ${ITERATIONS.toLocaleString("en-US")} iterations in ${plain.seconds.toFixed(3)} s (= ${result.plainEquivalentMips.toFixed(1)} M guest-instruction equivalents/s)`);
  console.log(`  ratio               interpreter is ${result.slowdownVsPlainJs.toFixed(1)}x slower than plain JavaScript`);
  const b = result.binaryTranslation;
  console.log(`binary translation: the same computation as kernel code in 6 blocks (a call, a return, two paths), riscv-like, shadow paging (best of ${REPEATS})`);
  console.log(`  translated          ${bt.retired.toLocaleString("en-US")} instructions in ${bt.seconds.toFixed(3)} s = ${b.kernelLoopMips.toFixed(1)} M guest instructions/s`);
  console.log(`  CPU interpreter     ${interpKernel.retired.toLocaleString("en-US")} instructions in ${interpKernel.seconds.toFixed(3)} s = ${b.interpreterKernelLoopMips.toFixed(1)} M/s`);
  console.log(`  ratio               translation is ${b.speedupOverInterpreter.toFixed(2)}x the interpreter`);
  console.log(
    `vmlab --help from another directory: best ${(result.cliHelpStartSeconds.best * 1000).toFixed(0)} ms, median ${(result.cliHelpStartSeconds.median * 1000).toFixed(0)} ms of ${starts.length}`,
  );
  console.log(`kernel-build (riscv-like, ${b.kernelBuild.guestInstructions.toLocaleString("en-US")} guest instructions), host time`);
  console.log(`  binary-translation  ${b.kernelBuild.binaryTranslationMips.toFixed(1)} M guest instructions/s`);
  console.log(`  interpret strategy  ${b.kernelBuild.interpretStrategyMips.toFixed(1)} M/s (binary translation ${b.kernelBuild.speedupOverInterpretStrategy.toFixed(2)}x faster)`);
  console.log(`  native              ${b.kernelBuild.nativeMips.toFixed(1)} M/s`);
}
