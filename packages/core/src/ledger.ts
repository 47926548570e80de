// Every modeled cycle lands under a category, so reports can show where time went.
export const CATEGORIES = ["guest execution", "memory and walks", "traps", "device I/O", "VMM emulation", "VM exits/entries", "translation", "machine switch", "host crossings"] as const;
export type Category = (typeof CATEGORIES)[number];

export interface LedgerLine {
  readonly category: Category;
  readonly event: string;
  readonly count: number;
  readonly unitCycles: number;
  readonly cycles: number;
}

export class Ledger {
  private readonly lines = new Map<string, { category: Category; event: string; count: number; unitCycles: number }>();

  /** Charges `count` events of `event` at `unitCycles` each under `category`. */
  charge(category: Category, event: string, count: number, unitCycles: number): void {
    if (count === 0) return;
    const key = `${category}\u0000${event}`;
    const line = this.lines.get(key);
    if (line) {
      if (line.unitCycles !== unitCycles) throw new Error(`event '${event}' charged at two unit costs`);
      line.count += count;
    } else this.lines.set(key, { category, event, count, unitCycles });
  }

  entries(): LedgerLine[] {
    return [...this.lines.values()].map((l) => ({ ...l, cycles: l.count * l.unitCycles }));
  }

  total(): number {
    return this.entries().reduce((s, l) => s + l.cycles, 0);
  }

  byCategory(): Record<Category, number> {
    const out = Object.fromEntries(CATEGORIES.map((c) => [c, 0])) as Record<Category, number>;
    for (const l of this.entries()) out[l.category] += l.cycles;
    return out;
  }
}
