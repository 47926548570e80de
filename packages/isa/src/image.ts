// A bootable image: what the assembler produces and the machine loads.
import { KSEG_BASE } from "./arch.js";

/**
 * Bytes an image may hold in all its segments: twice the 4 MiB of a machine's memory
 * (DEFAULT_MEMORY_BYTES), so nothing a machine can load is refused.
 */
export const MAX_IMAGE_BYTES = 8 * 1024 * 1024;

export interface Segment {
  /** Address the bytes were assembled at (a kseg0 or low virtual address). */
  readonly address: number;
  readonly bytes: Uint8Array;
}

export interface Image {
  /** Virtual address the CPU starts at (in kernel mode, paging off). */
  readonly entry: number;
  readonly segments: readonly Segment[];
  /** Label → address, for the disassembler and traces. */
  readonly symbols: Readonly<Record<string, number>>;
}

/** Where the loader puts a segment: kseg0 addresses lose their top bit. */
export function loadAddress(address: number): number {
  return address >>> 0 >= KSEG_BASE ? (address >>> 0) - KSEG_BASE : address >>> 0;
}

/** A symbol table from name/address pairs; a name such as `__proto__` is a symbol like any other. */
export function symbolTable(entries: Iterable<readonly [string, number]>): Record<string, number> {
  const table: Record<string, number> = {};
  for (const [name, address] of entries) Object.defineProperty(table, name, { value: address, enumerable: true, writable: true, configurable: true });
  return table;
}
