// The memory side of paravirtualization. The paravirtual kernel's page tables hold
// guest-physical frame numbers, as the unmodified kernel's do, and it changes them only
// through validated hypercalls (HC_MMU_UPDATE batches, HC_SET_PTBR, HC_TLB_WRITE): so
// the monitor never write-protects or traces them.
//
// Walker profiles: mirror tables. For each guest root the monitor keeps a copy of the
// guest's table tree with machine frames in it (VPN -> MFN), which the real walker
// walks. The copy is built and validated entry by entry when a root is first loaded
// and then kept in step by the update batches themselves, eagerly: no hidden faults
// fill it. This is shadow paging kept by validation instead of by tracing. Why not
// Xen's direct paging (the guest writes machine frames into tables the hardware walks)?
// The guest would have to know machine frames and the monitor would have to track and
// reference-count which frames are page tables so none is ever writable; the copy
// costs a table per guest table but leaves both kernels one page-table format and keeps
// every machine frame number out of the guest's reach. The guest's kernel half (kseg0)
// is a subtree the monitor owns, linked into the root while the virtual mode is kernel
// (always where the kernel runs at ring 1, x86-like: its leaves then lack U, so the
// processes cannot reach it, and one table serves both modes as in Xen's 32-bit guests);
// in it, as in Xen, a frame in use as a page table is read-only, so a store that goes
// around the hypercalls faults (and is audited) instead of going unseen.
//
// Software-TLB profile: the guest's TLB writes are hypercalls; the monitor keeps the
// virtual TLB (what the guest believes is there) and installs VPN -> MFN in the real
// one, refilling from the virtual TLB when the real one has lost an entry.
import { injectable } from "inversify";
import {
  containedAttempt,
  FAULT_HIDDEN,
  FAULT_REFLECT,
  FAULT_TRACED,
  GuestWalk,
  invalidateRealTlb,
  KSEG_VPN,
  setFault,
  TableCopies,
  VirtualTlbMemory,
  type CopiedTable,
  type FaultDisposition,
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
  PAGE_SIZE,
  PTE_FRAME_MASK,
  PTE_U,
  PTE_V,
  PTE_W,
  leafEntry,
  TABLE_ENTRY_FLAGS,
  walkShape,
  WALK_BAD_TABLE,
  WALK_OK,
  WALK_PROTECTION,
  type WalkShape,
  hex,
} from "@vmlab/isa";

export const PARAVIRT_MMU_INFO: StrategyInfo = {
  name: "paravirt-mmu",
  kind: "memory",
  description:
    "page tables changed only by validated hypercalls: walker profiles get mirror tables (VPN->MFN) kept in step by the update batches, no tracing, no hidden faults; the software TLB gets validated TLB-write hypercalls",
  requires: { paravirtualGuest: true },
};

@injectable()
export class ParavirtMmu implements MemoryStrategy {
  readonly info = PARAVIRT_MMU_INFO;
  readonly ringCompression = true;

  /** Each profile's MMU its own way: mirror tables for a walker, validated TLB writes for a software TLB. */
  attachMonitor(vm: VmContext): MonitorMemory {
    return vm.machine.profile.mmu.kind === "walker" ? new MirrorTables(vm) : new ValidatedTlb(vm);
  }
}

// --------------------------------------------------------------------------- walker

interface Tree {
  /** The guest root it mirrors; 0 for paging off (identity), -1 for a released root still loaded. */
  readonly guestRoot: number;
  /** Machine address of its root table. */
  readonly root: number;
}

interface MirrorTable extends CopiedTable {
  readonly tree: Tree;
}

class MirrorTables implements MonitorMemory {
  private readonly cpu;
  private readonly mem: Int32Array;
  private readonly levels: number;
  private readonly last: number;
  private readonly shape: WalkShape;
  /** Virtual pages one entry covers, per level. */
  private readonly span: Int32Array;
  private readonly trees = new Map<number, Tree>();
  /** Mirror tables by machine address, and by the guest frame each is copied from. */
  private readonly tables: TableCopies<MirrorTable>;
  /** Root indices of the kernel half and the entries that link the monitor's kseg0 subtree there. */
  private readonly ksegIndex: number[] = [];
  private readonly ksegEntry: number[] = [];
  private readonly isKsegIndex: Uint8Array;
  /** Machine address of the kernel half's leaf entry for each guest frame (to make page tables read-only there). */
  private readonly ksegLeaf: Int32Array;
  private current: Tree;
  /** The leaf entry a one-instruction pass-through (FAULT_TRACED) opened, and its old value. */
  private passLeaf = -1;
  private passOld = 0;
  /** The guest's own tables, walked as its MMU would (the paravirtual kernel maps no large pages, and the copies carry none). */
  private readonly guestWalk: GuestWalk;
  /** The kernel runs at ring 1: the kernel half stays linked, supervisor-only. */
  private readonly ring1: boolean;

  // Counters.
  private tablesBuilt = 0;
  private entriesMirrored = 0;
  private entriesUpdated = 0;
  private rootSwitches = 0;
  private treesBuilt = 0;
  private released = 0;
  private ksegDrops = 0;
  private tlbInvalidations = 0;
  private tlbFlushes = 0;
  private hidden = 0;
  private reflected = 0;
  private passThroughs = 0;
  private directWrites = 0;

  constructor(private readonly vm: VmContext) {
    const mmu = vm.machine.profile.mmu;
    if (mmu.kind !== "walker") throw new Error("mirror tables need a hardware page-table walker");
    this.cpu = vm.machine.cpu;
    this.mem = vm.machine.memory.i32;
    this.ring1 = vm.kernelAtRing1 === true;
    this.levels = mmu.levels;
    this.last = mmu.levels - 1;
    this.shape = walkShape(mmu.levels);
    this.guestWalk = new GuestWalk(vm.guest, mmu.levels, false);
    this.span = new Int32Array(this.levels);
    for (let l = 0; l < this.levels; l++) this.span[l] = 1 << this.shape.shifts[l]!;
    this.tables = new TableCopies(this.mem, this.shape);
    this.isKsegIndex = new Uint8Array(this.shape.masks[0]! + 1);
    this.ksegLeaf = new Int32Array(vm.guest.frames);
    this.buildKernelHalf();
    // Paging off until the guest loads a root.
    this.current = this.treeFor(0);
    this.load(this.current);
  }

  private allocate(): number {
    const frame = this.vm.frames.allocate();
    if (frame >= 0) return frame;
    // Out of monitor memory: drop every tree but the one in use (they are rebuilt when loaded).
    for (const t of [...this.trees.values()]) if (t !== this.current) this.dropTree(t);
    const again = this.vm.frames.allocate();
    if (again < 0) throw new Error("paravirt-mmu: the monitor's memory for mirror tables is exhausted");
    return again;
  }

  /**
   * The kernel half: kseg0 (virtual KSEG_BASE + p -> the guest's physical p) as a subtree
   * of the monitor's own, linked into the root of whichever tree is loaded while the
   * virtual mode is kernel. Its leaves are user-accessible where the real mode is user,
   * supervisor-only where the kernel runs at ring 1.
   */
  private buildKernelHalf(): void {
    const guest = this.vm.guest;
    const template = this.allocate();
    for (let pa = 0; pa < guest.bytes; pa += PAGE_SIZE) {
      const leaf = leafEntry(this.mem, template, this.shape, (KSEG_BASE + pa) >>> PAGE_SHIFT, () => this.allocate());
      this.mem[leaf >>> 2] = guest.machineAddress(pa) | PTE_V | PTE_W | (this.ring1 ? 0 : PTE_U);
      this.ksegLeaf[pa >>> PAGE_SHIFT] = leaf;
    }
    for (let i = 0; i <= this.shape.masks[0]!; i++) {
      const e = this.mem[(template >>> 2) + i]!;
      if ((e & PTE_V) !== 0) {
        this.ksegIndex.push(i);
        this.ksegEntry.push(e);
        this.isKsegIndex[i] = 1;
      }
    }
  }

  private linkKernelHalf(tree: Tree, on: boolean): void {
    for (let k = 0; k < this.ksegIndex.length; k++) this.mem[(tree.root >>> 2) + this.ksegIndex[k]!] = on ? this.ksegEntry[k]! : 0;
  }

  // --- building and dropping copies -------------------------------------------------

  private newTable(tree: Tree, level: number, vpnBase: number, guestFrame: number): number {
    const addr = this.allocate();
    this.addTable(addr, { tree, level, vpnBase, guestFrame });
    this.tablesBuilt++;
    return addr;
  }

  /** While a guest frame is copied into a mirror table, the kernel half maps it read-only. */
  private addTable(addr: number, table: MirrorTable): void {
    if (this.tables.add(addr, table)) this.setKsegWritable(table.guestFrame, false);
  }

  private setKsegWritable(pfn: number, writable: boolean): void {
    if (writable) this.mem[this.ksegLeaf[pfn]! >>> 2]! |= PTE_W;
    else this.mem[this.ksegLeaf[pfn]! >>> 2]! &= ~PTE_W;
    this.cpu.tlb.invalidate(KSEG_VPN + pfn);
    this.cpu.translationChanged();
  }

  /** The mirror of guest entry `pte` at `index` of mirror table `t` (validated), building tables below it. */
  private mirrorEntry(_t: number, info: MirrorTable, index: number, pte: number): number {
    this.entriesMirrored++;
    if ((pte & PTE_V) === 0) return 0;
    const guest = this.vm.guest;
    const frame = (pte & PTE_FRAME_MASK) >>> 0;
    if (info.level < this.last) {
      if (frame + PAGE_SIZE > guest.bytes) {
        this.outside(info, index, frame, "a page table");
        return 0;
      }
      const child = this.newTable(info.tree, info.level + 1, info.vpnBase + index * this.span[info.level]!, frame >>> PAGE_SHIFT);
      this.fillFromGuest(child);
      return child | TABLE_ENTRY_FLAGS;
    }
    if (frame >= guest.bytes) {
      this.outside(info, index, frame, "a page");
      return 0;
    }
    return guest.machineAddress(frame) | (pte & (PTE_W | PTE_U)) | PTE_V;
  }

  private outside(info: MirrorTable, index: number, frame: number, what: string): void {
    this.vm.audit(`guest page table at PFN ${hex(info.guestFrame)} entry ${index} names guest frame ${hex(frame >>> PAGE_SHIFT)} as ${what}, outside the VM's memory: not mapped`);
  }

  /** Copies every entry of the guest table that mirror table `t` mirrors. */
  private fillFromGuest(t: number): void {
    const info = this.tables.get(t)!;
    const g = this.vm.guest.frameWords(info.guestFrame);
    const entries = this.shape.masks[info.level]! + 1;
    for (let i = 0; i < entries; i++) {
      if (info.level === 0 && this.isKsegIndex[i]) continue; // the kernel half is the monitor's
      this.mem[(t >>> 2) + i] = this.mirrorEntry(t, info, i, g[i]!);
    }
  }

  private treeFor(guestRoot: number): Tree {
    let tree = this.trees.get(guestRoot);
    if (tree) return tree;
    const root = this.allocate();
    tree = { guestRoot, root };
    this.trees.set(guestRoot, tree);
    this.treesBuilt++;
    if (guestRoot !== 0) {
      this.addTable(root, { tree, level: 0, vpnBase: 0, guestFrame: guestRoot >>> PAGE_SHIFT });
      this.tablesBuilt++;
      this.fillFromGuest(root);
    } else {
      this.tables.add(root, { tree, level: 0, vpnBase: 0, guestFrame: -1 });
    }
    return tree;
  }

  /** Frees a mirror table and everything below it (the kernel half's tables belong to no tree: left alone). */
  private freeTable(addr: number): void {
    this.tables.free(addr, this.freed, this.isKsegEntry);
  }

  private readonly freed = (addr: number, table: MirrorTable, lastCopy: boolean): void => {
    if (lastCopy) this.setKsegWritable(table.guestFrame, true);
    this.vm.frames.release(addr);
  };

  private readonly isKsegEntry = (index: number): boolean => this.isKsegIndex[index] === 1;

  private dropTree(tree: Tree): void {
    this.freeTable(tree.root);
    if (this.trees.get(tree.guestRoot) === tree) this.trees.delete(tree.guestRoot);
  }

  /** Points the real PTBR at `tree`, with the kernel half linked as the virtual mode says. */
  private load(tree: Tree): void {
    this.current = tree;
    this.linkKernelHalf(tree, this.ring1 || this.vm.vcpu.mode === MODE_KERNEL);
    this.cpu.crs[CR.PTBR] = tree.root;
    this.cpu.tlb.flush();
    this.cpu.translationChanged();
    this.rootSwitches++;
  }

  // --- the monitor's hooks ------------------------------------------------------------

  modeChanged(mode: number): void {
    if (this.ring1) return; // one table for both modes: nothing to link, nothing to drop
    if (mode === MODE_KERNEL) {
      this.linkKernelHalf(this.current, true);
      return;
    }
    // Back to the virtual user: the kernel half goes, from the root and from the real TLB.
    this.linkKernelHalf(this.current, false);
    const tlb = this.cpu.tlb;
    const end = KSEG_VPN + (this.vm.guest.bytes >>> PAGE_SHIFT);
    for (let slot = 0; slot < tlb.size; slot++) {
      const vpn = tlb.vpn[slot]!;
      if (vpn >= KSEG_VPN && vpn < end && tlb.invalidate(vpn)) this.ksegDrops++;
    }
    this.cpu.translationChanged();
  }

  pageTableBaseWritten(root: number): void {
    this.load(this.treeFor(root >>> 0));
  }

  invalidated(va?: number): void {
    // The copies are kept in step by the batches; only the real TLB can be stale.
    invalidateRealTlb(this.cpu, va);
    if (va === undefined) this.tlbFlushes++;
    else this.tlbInvalidations++;
  }

  /** Guest-physical words changed (a validated update, DMA): the copies made from them follow. */
  guestPhysicalWritten(start: number, end: number): boolean {
    let hit = false;
    let flush = false;
    const g = this.vm.guest;
    for (let page = start >>> PAGE_SHIFT; page <= (end - 1) >>> PAGE_SHIFT; page++) {
      const list = this.tables.copiesOf(page);
      if (!list) continue;
      hit = true;
      const from = Math.max(start, page << PAGE_SHIFT) & ~3;
      const to = Math.min(end, (page + 1) << PAGE_SHIFT);
      for (let gpa = from; gpa < to; gpa += 4) {
        const index = (gpa & 0xfff) >>> 2;
        for (const t of [...list]) {
          const info = this.tables.get(t);
          if (!info || index > this.shape.masks[info.level]!) continue;
          if (info.level === 0 && this.isKsegIndex[index]) continue;
          const old = this.mem[(t >>> 2) + index]!;
          if (info.level < this.last && (old & PTE_V) !== 0) this.freeTable((old & PTE_FRAME_MASK) >>> 0);
          this.mem[(t >>> 2) + index] = this.mirrorEntry(t, info, index, g.read32(gpa));
          this.entriesUpdated++;
          if (info.tree === this.current) {
            if (info.level === this.last) this.cpu.tlb.invalidate(info.vpnBase + index);
            else flush = true;
          }
        }
      }
    }
    if (flush) this.cpu.tlb.flush();
    if (hit) this.cpu.translationChanged();
    return hit;
  }

  pageTableReleased(root: number): void {
    const tree = this.trees.get(root >>> 0);
    if (!tree || tree.guestRoot === 0) return;
    this.released++;
    const wasCurrent = tree === this.current;
    this.dropTree(tree);
    if (wasCurrent) {
      // Still loaded until the next switch: an empty tree with only the kernel half.
      const root = this.allocate();
      const detached: Tree = { guestRoot: -1, root };
      this.tables.add(root, { tree: detached, level: 0, vpnBase: 0, guestFrame: -1 });
      this.load(detached);
    }
  }

  // --- the guest's own view -----------------------------------------------------------

  guestTranslate(va: number, access: number): number {
    const vcpu = this.vm.vcpu;
    return this.guestWalk.translate(this.vm, vcpu.pageTableBase, vcpu.mode === MODE_USER, va, access);
  }

  private reflectAs(cause: number, va: number, access: number, protection: boolean): FaultDisposition {
    setFault(this.vm, cause, va, access, protection);
    this.reflected++;
    return FAULT_REFLECT;
  }

  /** The mirror's leaf entry address for `va` in the current tree, or -1 where a table is missing. */
  private mirrorLeaf(va: number): number {
    return leafEntry(this.mem, this.current.root, this.shape, va >>> PAGE_SHIFT);
  }

  /**
   * A real page fault. The copies are exact, so it is nearly always the guest's own fault,
   * reflected as its walker would have raised it; what else can happen: paging off
   * (identity, filled here), a released root used again (copied again), entries the guest
   * wrote behind the monitor's back (copied again, validated), and the virtual kernel
   * touching a page its own tables keep from user mode (let through for one instruction).
   */
  realFault(va: number, access: number, cause: number, protection: boolean): FaultDisposition {
    va = va >>> 0;
    const { guest, vcpu } = this.vm;
    if (cause !== CAUSE.PAGE_FAULT) return this.reflectAs(cause, va, access, protection);
    const user = vcpu.mode === MODE_USER;
    if (!user && va >= KSEG_BASE) {
      const pa = va - KSEG_BASE;
      if (pa >= guest.bytes) {
        this.vm.audit(containedAttempt({ kind: "kseg0", guestPhysical: pa }));
        return this.reflectAs(CAUSE.ADDRESS_ERROR, va, access, false);
      }
      if (access === ACCESS_WRITE && this.tables.isCopied(pa >>> PAGE_SHIFT)) {
        // Page tables change only through MMU_UPDATE: a plain store to one is the guest's fault.
        this.directWrites++;
        this.vm.audit(`store to the guest page table at PFN ${hex(pa >>> PAGE_SHIFT)} around the hypercalls: refused (page tables are read-only to the guest)`);
        return this.reflectAs(CAUSE.PAGE_FAULT, va, access, true);
      }
      this.linkKernelHalf(this.current, true);
      this.cpu.translationChanged();
      this.hidden++;
      return FAULT_HIDDEN;
    }
    if (this.current.guestRoot === -1 || this.current.guestRoot !== vcpu.pageTableBase) {
      this.load(this.treeFor(vcpu.pageTableBase));
      this.hidden++;
      return FAULT_HIDDEN;
    }
    if (vcpu.pageTableBase === 0) {
      if (va >= guest.bytes) {
        this.vm.audit(containedAttempt({ kind: "paging off", guestPhysical: va }));
        return this.reflectAs(CAUSE.ADDRESS_ERROR, va, access, false);
      }
      this.fillIdentity(va);
      this.hidden++;
      return FAULT_HIDDEN;
    }
    const status = this.guestWalk.walk(vcpu.pageTableBase, va, access === ACCESS_WRITE, user);
    if (status === WALK_BAD_TABLE) {
      this.vm.audit(containedAttempt({ kind: "page table", virtualAddress: va, tableAddress: this.guestWalk.badTable }));
      return this.reflectAs(CAUSE.ADDRESS_ERROR, va, access, false);
    }
    if (status !== WALK_OK) return this.reflectAs(CAUSE.PAGE_FAULT, va, access, status === WALK_PROTECTION);
    const frame = (this.guestWalk.pte & PTE_FRAME_MASK) >>> 0;
    if (frame >= guest.bytes) {
      this.vm.audit(containedAttempt({ kind: "page mapping", virtualAddress: va, guestFrameAddress: frame + (va & 0xfff) }));
      return this.reflectAs(CAUSE.ADDRESS_ERROR, va, access, false);
    }
    // The guest's tables allow it. A kernel access to a page without U: one instruction through.
    const leaf = this.mirrorLeaf(va);
    const mfn = guest.machineAddress(frame);
    if (leaf >= 0) {
      const e = this.mem[leaf >>> 2]!;
      if ((e & PTE_V) !== 0 && (e & PTE_FRAME_MASK) >>> 0 === mfn && (access !== ACCESS_WRITE || (e & PTE_W) !== 0)) {
        this.passLeaf = leaf;
        this.passOld = e;
        this.passThroughs++;
        return FAULT_TRACED;
      }
    }
    // Otherwise the copy is stale: the guest wrote its tables without a hypercall.
    this.recopyPath(va);
    this.hidden++;
    return FAULT_HIDDEN;
  }

  /** Copies the guest entries on the path to `va` again (from the last walk), validating them. */
  private recopyPath(va: number): void {
    const vpn = va >>> PAGE_SHIFT;
    let t = this.current.root;
    for (let level = 0; level < this.guestWalk.pathLength; level++) {
      const index = (vpn >>> this.shape.shifts[level]!) & this.shape.masks[level]!;
      const info = this.tables.get(t);
      if (!info) return;
      const pte = this.vm.guest.read32(this.guestWalk.path[level]! + 4 * index);
      const old = this.mem[(t >>> 2) + index]!;
      const wanted = level < this.last && (old & PTE_V) !== 0 ? -1 : 0;
      if (wanted === -1) {
        // A table below: keep it when it copies the same guest table, else copy again.
        const child = this.tables.get((old & PTE_FRAME_MASK) >>> 0);
        if (child && child.guestFrame === (pte & PTE_FRAME_MASK) >>> PAGE_SHIFT && (pte & PTE_V) !== 0) {
          t = (old & PTE_FRAME_MASK) >>> 0;
          continue;
        }
        this.freeTable((old & PTE_FRAME_MASK) >>> 0);
      }
      const e = this.mirrorEntry(t, info, index, pte);
      this.mem[(t >>> 2) + index] = e;
      this.entriesUpdated++;
      if (level === this.last || (e & PTE_V) === 0) break;
      t = (e & PTE_FRAME_MASK) >>> 0;
    }
    this.cpu.tlb.invalidate(vpn);
    this.cpu.translationChanged();
  }

  /** Paging off: virtual = guest-physical, mapped page by page in the identity tree. */
  private fillIdentity(va: number): void {
    const vpn = va >>> PAGE_SHIFT;
    const tree = this.current;
    const leaf = leafEntry(this.mem, tree.root, this.shape, vpn, (level) => this.newTable(tree, level + 1, vpn - (vpn % this.span[level]!), -1));
    this.mem[leaf >>> 2] = this.vm.guest.machineAddress((va & PTE_FRAME_MASK) >>> 0) | PTE_V | PTE_W | PTE_U;
    this.cpu.tlb.invalidate(vpn);
    this.cpu.translationChanged();
  }

  tlbWritten(_va: number, _entryLo: number): void {
    // No TLB instructions on walker profiles: the hypercall is refused before this.
  }

  virtualTlb(): undefined {
    return undefined;
  }

  beginTracedWrite(va: number): void {
    this.mem[this.passLeaf >>> 2] = this.passOld | PTE_U;
    invalidateRealTlb(this.cpu, va);
  }

  endTracedWrite(va: number): void {
    if (this.passLeaf >= 0 && this.mem[this.passLeaf >>> 2] === (this.passOld | PTE_U)) this.mem[this.passLeaf >>> 2] = this.passOld;
    this.passLeaf = -1;
    invalidateRealTlb(this.cpu, va);
  }

  realTables(guestRoot: number): RealTables | undefined {
    const tree = this.trees.get(guestRoot);
    return tree ? { translates: "virtual", root: tree.root, levels: this.levels } : undefined;
  }

  finish(): MemoryCounters {
    return {
      counts: {
        ...(this.rootSwitches ? { addressSpaceSwitch: this.rootSwitches } : {}),
        ...(this.tlbFlushes ? { tlbFlush: this.tlbFlushes } : {}),
        ...(this.tlbInvalidations + this.ksegDrops ? { tlbInvalidate: this.tlbInvalidations + this.ksegDrops } : {}),
        ...(this.entriesMirrored ? { pageTableEntryValidated: this.entriesMirrored } : {}),
        ...(this.hidden + this.passThroughs ? { shadowFill: this.hidden + this.passThroughs } : {}),
      },
      pageFaultsHidden: this.hidden + this.passThroughs,
      pageFaultsReflected: this.reflected,
      events: {
        "mirror trees built": this.treesBuilt,
        "mirror tables built": this.tablesBuilt,
        "page-table entries copied and validated": this.entriesMirrored,
        "mirror entries updated": this.entriesUpdated,
        "address-space switches": this.rootSwitches,
        "page-table trees released": this.released,
        "kernel-half TLB entries dropped on return to user": this.ksegDrops,
        "hidden faults (copies refreshed, paging off)": this.hidden,
        "kernel accesses let through to non-user pages": this.passThroughs,
        "stores to page tables around the hypercalls (refused)": this.directWrites,
      },
    };
  }
}

// --------------------------------------------------------------------------- software TLB

class ValidatedTlb extends VirtualTlbMemory {
  private switches = 0;

  /** A write naming a frame outside the VM was refused by the hypercall already. */
  protected written(vpn: number, frame: number, entryLo: number): void {
    const guest = this.vm.guest;
    if (frame >= guest.bytes) return;
    this.vtlb.write(vpn, frame, entryLo, true);
    this.vm.trace?.event({
      actor: "vmm",
      kind: "install",
      text: `install VPN ${hex(vpn)} -> MFN ${hex(guest.machineAddress(frame) >>> PAGE_SHIFT)} (guest frame ${hex(frame >>> PAGE_SHIFT)}, validated)`,
      at: this.vm.machine.cpu.retired,
    });
  }

  /** A new address space: the TLB has no address-space tags, so everything goes. */
  pageTableBaseWritten(_root: number): void {
    this.vtlb.invalidate();
    this.switches++;
  }

  finish(): MemoryCounters {
    return {
      counts: {
        ...(this.kseg0Fills ? { kseg0Mapped: this.kseg0Fills } : {}),
        ...(this.refills ? { softwareTlbRefill: this.refills } : {}),
        ...(this.invalidations + this.dropped ? { tlbInvalidate: this.invalidations + this.dropped } : {}),
        ...(this.flushes + this.switches ? { tlbFlush: this.flushes + this.switches } : {}),
      },
      pageFaultsHidden: this.kseg0Fills + this.refills,
      pageFaultsReflected: this.reflected,
      events: {
        "guest TLB writes (hypercalls)": this.tlbWrites,
        "kseg0 pages mapped by the monitor": this.kseg0Fills,
        "refills from the virtual TLB": this.refills,
        "kseg0 entries dropped on mode switches": this.dropped,
        "address-space switches": this.switches,
      },
    };
  }
}
