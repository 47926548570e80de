export * from "./arch.js";
export * from "./opcodes.js";
export * from "./encoding.js";
export * from "./profiles.js";
export * from "./image.js";
export { assemble, assembleFile, AssemblyError, MAX_DEFINITION_CHAIN, MAX_DIAGNOSTICS, MAX_INCLUDE_DEPTH, type AssembleOptions, type Diagnostic } from "./asm/assembler.js";
export { MAX_EXPRESSION_NESTING, MAX_EVALUATION_DEPTH } from "./asm/expression.js";
export { readInputFile, readProgramFile, readProgramText, readSettingsText, settingsFileProblem, InputFileError, MAX_PROGRAM_FILE_BYTES, MAX_SETTINGS_FILE_BYTES } from "#input-file";
export { disassembleWord, disassembleImage } from "./disasm.js";
export { writeImageFile, readImageFile, ImageFormatError, type ImageProfile, type ImageFromFile } from "./image-file.js";
export { PhysicalMemory, DEFAULT_MEMORY_BYTES } from "./memory.js";
export { pmapAddress, pmapBytes, pmapRead, pmapWrite, forEachMachineRange, type Pmap } from "./pmap.js";
export { Tlb, TLB_KERNEL_ONLY, TLB_HOST_READONLY } from "./mmu/tlb.js";
export { PageWalkCache, NestedTlb, PAGE_WALK_CACHE_ENTRIES_PER_LEVEL, NESTED_TLB_ENTRIES } from "./mmu/walk-caches.js";
export { leafEntry, TABLE_ENTRY_FLAGS } from "./mmu/leaf-entry.js";
export { walk, walkCached, walkShape, largeLeaf, WALK_OK, WALK_NOT_PRESENT, WALK_PROTECTION, WALK_BAD_TABLE, type WalkResult, type WalkShape, type Levels } from "./mmu/walker.js";
export {
  nestedWalk,
  walkNested,
  hostTranslate,
  newNestedWalkState,
  NESTED_OK,
  NESTED_GUEST_NOT_PRESENT,
  NESTED_GUEST_PROTECTION,
  NESTED_HOST_FAULT,
  type NestedWalkResult,
  type NestedWalkState,
  type NestedWalkCaches,
} from "./mmu/nested.js";
export { VmControl, EXIT, EXIT_NAMES, EXIT_LABELS, EPT_VIOLATION_CAUSE, NUM_EXIT_REASONS, type ExitReasonName } from "./vmx.js";
export { Console, Disk, DEFAULT_DISK_SECTORS, PortBus, type PortBusWiring, type PortCounts, type PortTimer } from "./devices/index.js";
export { Cpu, type StopReason, type CpuCounters, type CpuFeatures } from "./cpu/cpu.js";
export { CpuContext } from "./cpu/context.js";
export type { Intercepts, CodeWrittenHook, WorkMarkHook } from "./cpu/intercepts.js";
export { Machine, ImageLoadError, type MachineOptions, type StopInfo, type MachineStats } from "./machine.js";
export { PageTableBuilder } from "./mmu/page-table-builder.js";
export { classifyProfile, seededRandom, isSensitiveClass, type Classification, type ClassifyOptions, type InstructionClass, type TheoremVerdict } from "./classify.js";
export { executeSystem, enterTrap, flagsAfterPop, flagsToPush, returnFromTrap, type SystemCpu } from "./cpu/system.js";
export { hex } from "./hex.js";
export { VTX_EXIT_REASONS, VTX_DESCRIPTOR_TABLE_EXIT, vtxTitle, vtxExitTitle, vtxExitOfLabel, exitLabelTitle, type VtxExitReason } from "./vmx.js";
