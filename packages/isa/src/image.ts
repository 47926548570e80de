// A bootable image: what the assembler produces and the machine loads.
import { KSEG_BASE } from "./arch.js";

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
  return (address >>> 0) >= KSEG_BASE ? (address >>> 0) - KSEG_BASE : address >>> 0;
}
