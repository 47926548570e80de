// Shadow paging for the walker profiles. The guest's page tables map VPN -> PFN in
// guest-physical memory; the real walker reads shadow tables in the monitor's memory
// that map VPN -> MFN, built lazily: a real page fault the guest's own tables can
// answer is a hidden fault, filled by the monitor; any other is a true guest fault,
// reflected. Guest page-table pages are write-protected in every shadow so the
// guest's writes to them trap (tracing) and are applied to both. Shadows are cached
// per guest root and per virtual mode (the deprivileged kernel also sees kseg0 and
// the kernel's view of user pages); switching between them flushes the real TLB.
// On a profile with ring 1 (x86-like) the monitor runs the guest kernel there (ring
// compression, after VMware's BT monitor and 32-bit Xen): page protection treats ring 1
// as supervisor, so one shadow per guest root serves both modes as under hardware
// assist below, and a user/kernel switch changes nothing in the MMU.
// Under hardware assist the guest kernel runs at its own privilege in the CPU's guest
// mode, where mode changes never reach the monitor: one shadow per guest root then
// serves both modes, its leaves carrying the guest's U bit and its kseg0 leaves none
// (a guest that mapped its kernel half for user mode could not be shadowed so; the
// kernel's sbrk never does). Page faults and PTBR writes and reads exit; invalidations
// need not, since traced writes keep every shadow coherent and the guest's own
// TLBI/TLBFLUSH act on the real TLB, which caches the shadow's translations.
import { injectable } from "inversify";
import {
  containedAttempt,
  FAULT_HIDDEN,
  FAULT_REFLECT,
  FAULT_TRACED,
  GuestWalk,
  invalidateRealTlb,
  setFault,
  TableCopies,
  type ContainedAttempt,
  type CopiedTable,
  type FaultDisposition,
  type GuestModeMemory,
  type MemoryCounters,
  type MemoryStrategy,
  type MonitorMemory,
  type RealTables,
  type StrategyInfo,
  type VmContext,
} from "@vmlab/core";
import {
  ACCESS_WRITE,
  CAUSE,
  CR,
  KSEG_BASE,
  MODE_KERNEL,
  MODE_USER,
  PAGE_SHIFT,
  PTE_FRAME_MASK,
  PTE_U,
  PTE_V,
  PTE_W,
  leafEntry,
  walkShape,
  WALK_BAD_TABLE,
  WALK_OK,
  WALK_PROTECTION,
  type VmControl,
  type WalkShape,
  hex,
} from "@vmlab/isa";

export const SHADOW_INFO: StrategyInfo = {
  name: "shadow",
  kind: "memory",
  description:
    "shadow page tables VPN->MFN built lazily (hidden faults); guest page tables write-protected and their writes traced; one shadow per guest root and virtual mode, or per root alone where the guest kernel runs at ring 1 (ring compression, x86-like)",
  requires: { walker: true },
};

/**
 * Traced writes to different entries of one page-table page, with no walk through it
 * in between, after which it is no longer treated as one (a page being zeroed or
 * reused). Rewriting the same entry again and again does not count.
 */
const WRITE_FLOOD = 16;

interface ShadowTree {
  readonly key: number;
  readonly guestRoot: number;
  readonly mode: number;
  root: number;
}

interface ShadowTable extends CopiedTable {
  readonly tree: ShadowTree;
  /** Machine address of the entry that points at it; -1 for a root. */
  readonly parentEntry: number;
}

@injectable()
export class ShadowMemory implements MemoryStrategy {
  readonly info = SHADOW_INFO;
  readonly ringCompression = true;

  attachMonitor(vm: VmContext): MonitorMemory {
    return new ShadowTables(vm, vm.kernelAtRing1 === true);
  }

  attachGuestMode(vm: VmContext, vmcs: VmControl): GuestModeMemory {
    vmcs.nestedPaging = false;
    vmcs.exceptionBitmap[CAUSE.PAGE_FAULT] = 1;
    vmcs.crWriteExiting[CR.PTBR] = 1;
    vmcs.crReadExiting[CR.PTBR] = 1;
    return new ShadowTables(vm, true);
  }
}

/** One VM's shadow trees. */
class ShadowTables implements MonitorMemory, GuestModeMemory {
  private readonly shape: WalkShape;
  private readonly levels: number;
  /** Virtual pages one entry covers, per level. */
  private readonly span: Int32Array;
  private readonly mem: Int32Array;
  /** The guest's own tables, walked as its MMU would. */
  private readonly guestWalk: GuestWalk;

  private readonly trees = new Map<number, ShadowTree>();
  private current: ShadowTree | undefined;
  /** Shadow tables by machine address, and by the guest page-table frame each is built from. */
  private readonly tables: TableCopies<ShadowTable>;
  /** Guest frames in use as page tables: write-protected in every shadow. */
  private readonly traced: Uint8Array;
  private readonly writesSinceWalk: Uint16Array;
  private readonly lastWrittenEntry: Int16Array;
  /** Guest frame -> shadow leaf entries (machine addresses) that map it writable. */
  private readonly writableMappings = new Map<number, number[]>();

  // Counters.
  private hidden = 0;
  private reflected = 0;
  private tracedWrites = 0;
  private rootSwitches = 0;
  private tlbInvalidations = 0;
  private tlbFlushes = 0;
  private unshadowed = 0;
  private resets = 0;
  private tablesBuilt = 0;

  /** `sharedModes`: hardware assist or ring compression, one shadow per guest root for both guest modes (see the top of the file). */
  constructor(
    private readonly vm: VmContext,
    private readonly sharedModes: boolean,
  ) {
    const mmu = vm.machine.profile.mmu;
    if (mmu.kind !== "walker") throw new Error("shadow paging needs a hardware page-table walker");
    this.levels = mmu.levels;
    this.shape = walkShape(mmu.levels);
    this.guestWalk = new GuestWalk(vm.guest, mmu.levels, true);
    this.span = new Int32Array(this.levels);
    for (let l = 0; l < this.levels; l++) this.span[l] = 1 << this.shape.shifts[l]!;
    this.mem = vm.machine.memory.i32;
    this.tables = new TableCopies(this.mem, this.shape);
    this.traced = new Uint8Array(vm.guest.frames);
    this.writesSinceWalk = new Uint16Array(vm.guest.frames);
    this.lastWrittenEntry = new Int16Array(vm.guest.frames).fill(-1);
    this.switchTree();
  }

  /** The guest-physical address `va` reaches for the guest's current mode, or -1 (vm.fault set). */
  guestTranslate(va: number, access: number): number {
    const vcpu = this.vm.vcpu;
    return this.guestWalk.translate(this.vm, vcpu.pageTableBase, vcpu.mode === MODE_USER, va, access);
  }

  /** The guest frame number of the table the last guest walk went through at `level`. */
  private walkedFrame(level: number): number {
    return this.guestWalk.path[level]! >>> PAGE_SHIFT;
  }

  // --- shadow trees ---------------------------------------------------------------

  private keyOf(guestRoot: number, mode: number): number {
    return this.sharedModes ? guestRoot * 2 : guestRoot * 2 + mode;
  }

  /** Points the real PTBR at the shadow of the guest's current root and mode. */
  private switchTree(): void {
    const vcpu = this.vm.vcpu;
    const key = this.keyOf(vcpu.pageTableBase, vcpu.mode);
    let tree = this.trees.get(key);
    if (!tree) tree = this.newTree(vcpu.pageTableBase, vcpu.mode);
    this.load(tree);
  }

  private load(tree: ShadowTree): void {
    const cpu = this.vm.machine.cpu;
    this.current = tree;
    cpu.crs[CR.PTBR] = tree.root;
    cpu.tlb.flush();
    cpu.translationChanged();
    this.rootSwitches++;
  }

  private newTree(guestRoot: number, mode: number): ShadowTree {
    const tree: ShadowTree = { key: this.keyOf(guestRoot, mode), guestRoot, mode, root: 0 };
    let root = this.allocTable(tree, 0, 0, guestRoot === 0 ? -1 : guestRoot >>> PAGE_SHIFT, -1);
    if (root < 0) {
      this.resetAll();
      root = this.allocTable(tree, 0, 0, guestRoot === 0 ? -1 : guestRoot >>> PAGE_SHIFT, -1);
    }
    tree.root = root;
    this.trees.set(tree.key, tree);
    return tree;
  }

  private allocTable(tree: ShadowTree, level: number, vpnBase: number, guestFrame: number, parentEntry: number): number {
    const frame = this.vm.frames.allocate();
    if (frame < 0) return -1;
    this.tables.add(frame, { tree, level, vpnBase, guestFrame, parentEntry });
    this.tablesBuilt++;
    return frame;
  }

  /** The monitor's region is full: drop every shadow and start again from the current root. */
  private resetAll(): void {
    this.vm.frames.reset();
    this.trees.clear();
    this.tables.clear();
    this.writableMappings.clear();
    this.current = undefined;
    this.resets++;
  }

  /** Frees a shadow table and everything below it. */
  private freeTable(addr: number): void {
    this.tables.free(addr, this.releaseFrame);
  }

  private readonly releaseFrame = (addr: number): void => this.vm.frames.release(addr);

  /**
   * Installs a leaf VPN -> machine frame in `tree`, building the tables on the way.
   * With `fromGuest`, each new table is recorded as the shadow of the guest table the
   * last walk went through at its level (`path`), so a write there can find it; the
   * monitor's own mappings (kseg0, paging off) shadow no guest table.
   */
  private fillLeaf(tree: ShadowTree, va: number, machineFrame: number, flags: number, fromGuest: boolean): number {
    const vpn = va >>> PAGE_SHIFT;
    const kseg0 = va >>> 0 >= KSEG_BASE && (this.sharedModes ? this.vm.vcpu.mode : tree.mode) === MODE_KERNEL;
    const leaf = leafEntry(this.mem, tree.root, this.shape, vpn, (level, entry) => {
      // Below a large page there is no guest table: that shadow table answers to the large
      // entry, in the guest table above it, whose rewrite frees it.
      const guestFrame = fromGuest && !kseg0 && tree.guestRoot !== 0 && level + 1 < this.guestWalk.pathLength ? this.walkedFrame(level + 1) : -1;
      return this.allocTable(tree, level + 1, vpn - (vpn % this.span[level]!), guestFrame, entry);
    });
    if (leaf < 0) return -1;
    const mem = this.mem;
    // Deprivileged in real user mode, the guest kernel needs every leaf user-accessible;
    // with shared modes (ring 1, guest mode) `flags` carries the guest's U.
    mem[leaf >>> 2] = machineFrame | flags | PTE_V | (this.sharedModes ? 0 : PTE_U);
    return leaf;
  }

  /** `userAccessible` (shared modes only): the guest's U bit, clear for kseg0. */
  private fill(va: number, guestFrame: number, writable: boolean, fromGuest: boolean, userAccessible = true): number {
    const guest = this.vm.guest;
    const traced = this.traced[guestFrame >>> PAGE_SHIFT] !== 0;
    const w = (writable && !traced ? PTE_W : 0) | (userAccessible ? PTE_U : 0);
    const mfn = guest.machineAddress(guestFrame);
    let leaf = this.fillLeaf(this.current!, va, mfn, w, fromGuest);
    if (leaf < 0) {
      // Out of room for shadow tables: start over (the walk path is still valid).
      this.resetAll();
      this.switchTree();
      leaf = this.fillLeaf(this.current!, va, mfn, w, fromGuest);
    }
    if ((w & PTE_W) !== 0) {
      const pfn = guestFrame >>> PAGE_SHIFT;
      const list = this.writableMappings.get(pfn);
      if (list) list.push(leaf);
      else this.writableMappings.set(pfn, [leaf]);
    }
    const cpu = this.vm.machine.cpu;
    cpu.tlb.invalidate(va >>> PAGE_SHIFT);
    cpu.translationChanged();
    return leaf;
  }

  /** Marks the tables of the last walk as page tables: their frames lose write access in every shadow. */
  private traceWalkedTables(): void {
    let revoked = false;
    for (let i = 0; i < this.guestWalk.pathLength; i++) {
      const pfn = this.walkedFrame(i);
      this.writesSinceWalk[pfn] = 0;
      this.lastWrittenEntry[pfn] = -1;
      if (this.traced[pfn]) continue;
      this.traced[pfn] = 1;
      const list = this.writableMappings.get(pfn);
      if (!list) continue;
      const mfn = this.vm.guest.machineAddress(pfn << PAGE_SHIFT);
      for (const leaf of list) {
        const e = this.mem[leaf >>> 2]!;
        if ((e & PTE_V) !== 0 && (e & PTE_FRAME_MASK) >>> 0 === mfn) {
          this.mem[leaf >>> 2] = e & ~PTE_W;
          revoked = true;
        }
      }
      this.writableMappings.delete(pfn);
    }
    if (revoked) this.flushRealTlb();
  }

  private flushRealTlb(): void {
    const cpu = this.vm.machine.cpu;
    cpu.tlb.flush();
    cpu.translationChanged();
    this.tlbFlushes++;
  }

  // --- the monitor's hooks --------------------------------------------------------

  modeChanged(_mode: number): void {
    // One shadow serves both modes: nothing to switch, nothing to flush.
    if (!this.sharedModes) this.switchTree();
  }

  pageTableBaseWritten(_value: number): void {
    this.switchTree();
  }

  invalidated(va?: number): void {
    // Traced writes keep every shadow coherent; the real TLB is all that can be stale.
    invalidateRealTlb(this.vm.machine.cpu, va);
    if (va === undefined) this.tlbFlushes++;
    else this.tlbInvalidations++;
  }

  private pendingTraced = -1;
  private pendingLeaf = -1;

  realFault(va: number, access: number, cause: number, protection: boolean): FaultDisposition {
    va = va >>> 0;
    const { guest, vcpu, trace } = this.vm;
    if (cause !== CAUSE.PAGE_FAULT) return this.reflectAs(cause, va, access, protection);
    const user = vcpu.mode === MODE_USER;
    let pa: number;
    let writable: boolean;
    let fromGuest = false;
    let userAccessible = false;
    if (!user && va >= KSEG_BASE) {
      pa = va - KSEG_BASE;
      writable = true;
      if (pa >= guest.bytes) return this.reflectBeyond({ kind: "kseg0", guestPhysical: pa }, va, access);
    } else {
      const walked = this.guestWalk;
      const status = walked.walk(vcpu.pageTableBase, va, access === ACCESS_WRITE, user);
      if (status === WALK_BAD_TABLE) return this.reflectBeyond({ kind: "page table", virtualAddress: va, tableAddress: walked.badTable }, va, access);
      if (status !== WALK_OK) return this.reflectAs(CAUSE.PAGE_FAULT, va, access, status === WALK_PROTECTION);
      this.traceWalkedTables();
      pa = ((walked.pte & PTE_FRAME_MASK) >>> 0) + (va & 0xfff);
      writable = (walked.pte & PTE_W) !== 0;
      userAccessible = (walked.pte & PTE_U) !== 0;
      fromGuest = true;
    }
    if (pa >= guest.bytes) return this.reflectBeyond(this.mappingPastEnd(va, pa), va, access);
    const frame = (pa & PTE_FRAME_MASK) >>> 0;
    const leaf = this.fill(va, frame, writable, fromGuest, userAccessible);
    if (access === ACCESS_WRITE && this.traced[frame >>> PAGE_SHIFT]) {
      this.pendingTraced = pa;
      this.pendingLeaf = leaf;
      return FAULT_TRACED;
    }
    this.hidden++;
    trace?.event({
      actor: "vmm",
      kind: "hidden",
      text: `hidden page fault: the guest maps ${hex(va & PTE_FRAME_MASK)} -> PFN ${hex(frame >>> PAGE_SHIFT)}; shadow entry -> MFN ${hex(guest.machineAddress(frame) >>> PAGE_SHIFT)}`,
      hidden: true,
      at: this.vm.machine.cpu.retired,
    });
    return FAULT_HIDDEN;
  }

  private reflectAs(cause: number, va: number, access: number, protection: boolean): FaultDisposition {
    setFault(this.vm, cause, va, access, protection);
    this.reflected++;
    return FAULT_REFLECT;
  }

  /** No shadow entry for what lies past the VM's memory: audited, and the guest gets bare metal's fault. */
  private reflectBeyond(attempt: ContainedAttempt, va: number, access: number): FaultDisposition {
    this.vm.audit(containedAttempt(attempt));
    return this.reflectAs(CAUSE.ADDRESS_ERROR, va, access, false);
  }

  /** What reached guest-physical `pa` through the last guest walk: a leaf of the guest's tables, or paging off. */
  private mappingPastEnd(va: number, pa: number): ContainedAttempt {
    return this.vm.vcpu.pageTableBase === 0 ? { kind: "paging off", guestPhysical: pa } : { kind: "page mapping", virtualAddress: va, guestFrameAddress: pa };
  }

  /** Shadow paging sets up no host tables (vmcs.nestedPaging off): no EPT violation can reach it. */
  hostFault(guestPhysical: number, _virtualAddress: number, _access: number): FaultDisposition {
    throw new Error(`shadow paging keeps no host tables, yet an EPT violation at guest-physical ${hex(guestPhysical)} reached it`);
  }

  pageTableReleased(_root: number): void {
    // Only a paravirtual guest says so; a traced guest's freed tables are unshadowed by the write flood.
  }

  tlbWritten(_va: number, _entryLo: number): void {
    // Walker profiles have no TLB-write instruction.
  }

  virtualTlb(): undefined {
    return undefined;
  }

  beginTracedWrite(va: number): void {
    const leaf = this.pendingLeaf;
    this.mem[leaf >>> 2]! |= PTE_W;
    invalidateRealTlb(this.vm.machine.cpu, va);
  }

  endTracedWrite(va: number): void {
    const leaf = this.pendingLeaf;
    if (this.tables.has((leaf & PTE_FRAME_MASK) >>> 0)) this.mem[leaf >>> 2]! &= ~PTE_W;
    const cpu = this.vm.machine.cpu;
    invalidateRealTlb(cpu, va);
    const gpa = this.pendingTraced & ~3;
    this.pendingTraced = this.pendingLeaf = -1;
    this.tracedWrites++;
    this.vm.trace?.event({
      actor: "vmm",
      kind: "traced",
      text: `traced write to the guest page table at PFN ${hex(gpa >>> PAGE_SHIFT)} entry ${(gpa & 0xfff) >>> 2}: applied, shadow entries updated`,
      at: cpu.retired,
    });
    this.pageTableWordWritten(gpa);
  }

  guestPhysicalWritten(start: number, end: number): boolean {
    let traced = false;
    for (let gpa = start & ~3; gpa < end; gpa += 4) {
      if (this.traced[gpa >>> PAGE_SHIFT]) {
        this.pageTableWordWritten(gpa);
        traced = true;
      }
    }
    return traced;
  }

  /** A word of a traced guest page table changed: drop the shadow entries built from it. */
  private pageTableWordWritten(gpa: number): void {
    const pfn = gpa >>> PAGE_SHIFT;
    const index = (gpa & 0xfff) >>> 2;
    if (this.lastWrittenEntry[pfn] !== index) {
      this.lastWrittenEntry[pfn] = index;
      if (++this.writesSinceWalk[pfn]! > WRITE_FLOOD) {
        this.unshadow(pfn);
        return;
      }
    }
    const shadows = this.tables.copiesOf(pfn);
    if (!shadows) return;
    const cpu = this.vm.machine.cpu;
    let flush = false;
    for (const addr of [...shadows]) {
      const info = this.tables.get(addr);
      if (!info || index > this.shape.masks[info.level]!) continue;
      const e = this.mem[(addr >>> 2) + index]!;
      if ((e & PTE_V) === 0) continue;
      this.mem[(addr >>> 2) + index] = 0;
      if (info.level === this.levels - 1) {
        if (info.tree === this.current) {
          cpu.tlb.invalidate(info.vpnBase + index);
          this.tlbInvalidations++;
        }
      } else {
        this.freeTable((e & PTE_FRAME_MASK) >>> 0);
        if (info.tree === this.current) flush = true;
      }
    }
    if (flush) this.flushRealTlb();
    cpu.translationChanged();
  }

  /**
   * A page-table page written again and again without being walked is probably not
   * one any more (freed, reused for data): stop tracing it and drop every shadow
   * built from it, as VMware's monitor does. A later walk through it traces it again.
   */
  private unshadow(pfn: number): void {
    this.traced[pfn] = 0;
    this.writesSinceWalk[pfn] = 0;
    this.unshadowed++;
    const shadows = this.tables.copiesOf(pfn);
    if (shadows) {
      let reload = false;
      for (const addr of [...shadows]) {
        const info = this.tables.get(addr);
        if (!info) continue;
        if (info.parentEntry >= 0) {
          this.mem[info.parentEntry >>> 2] = 0;
          this.freeTable(addr);
        } else {
          // A root: the whole shadow of that guest root goes.
          this.freeTable(addr);
          this.trees.delete(info.tree.key);
          if (info.tree === this.current) reload = true;
        }
      }
      if (reload) this.switchTree();
    }
    this.flushRealTlb();
  }

  realTables(guestRoot: number): RealTables | undefined {
    const tree = this.trees.get(this.keyOf(guestRoot, MODE_USER));
    return tree ? { translates: "virtual", root: tree.root, levels: this.levels } : undefined;
  }

  finish(): MemoryCounters {
    return {
      counts: {
        ...(this.hidden ? { shadowFill: this.hidden } : {}),
        ...(this.tracedWrites ? { tracedWrite: this.tracedWrites } : {}),
        ...(this.rootSwitches ? { shadowRootSwitch: this.rootSwitches } : {}),
        ...(this.tlbFlushes ? { tlbFlush: this.tlbFlushes } : {}),
        ...(this.tlbInvalidations ? { tlbInvalidate: this.tlbInvalidations } : {}),
      },
      pageFaultsHidden: this.hidden,
      pageFaultsReflected: this.reflected,
      events: {
        "hidden page faults": this.hidden,
        "traced page-table writes": this.tracedWrites,
        "shadow root switches": this.rootSwitches,
        "shadow tables built": this.tablesBuilt,
        "page tables unshadowed": this.unshadowed,
        "shadow resets": this.resets,
      },
    };
  }
}
