// The disassembler: words back to assembly text that reassembles to the same words.
import { CR_NAMES } from "./arch.js";
import { encode, encodeJump, fieldA, fieldB, fieldC, jumpTarget, simm16, uimm16 } from "./encoding.js";
import { symbolTable, type Image } from "./image.js";
import { BY_OPCODE } from "./opcodes.js";
import { hex } from "./hex.js";

const reg = (r: number): string => `r${r}`;

/**
 * The canonical word for the fields a disassembly shows; a word whose unused fields
 * are not zero does not equal it and is shown as `.word`.
 */
function canonical(w: number): number | undefined {
  const info = BY_OPCODE[w >>> 24];
  if (!info) return undefined;
  const opcode = info.opcode;
  const a = fieldA(w);
  const b = fieldB(w);
  switch (info.form) {
    case "none":
      return encode({ opcode });
    case "rrr":
      return encode({ opcode, a, b, c: fieldC(w) });
    case "rri":
      return encode({ opcode, a, b, imm: w });
    case "rru":
      // The assembler accepts shift amounts 0..31 only.
      if (/^S[HA][LR]I$/.test(info.mnemonic) && uimm16(w) > 31) return undefined;
      return encode({ opcode, a, b, imm: w });
    case "ri":
    case "ru":
    case "rc":
      return encode({ opcode, a, imm: w });
    case "rr":
      return encode({ opcode, a, b });
    case "r":
      return encode({ opcode, a });
    case "u":
      return encode({ opcode, imm: w });
    case "m":
      return encode({ opcode, a, b, imm: w });
    case "j":
      return encodeJump(opcode, w);
  }
}

export function disassembleWord(word: number, pc: number, symbols?: Readonly<Record<string, number>>): string {
  const w = word >>> 0;
  const info = BY_OPCODE[w >>> 24];
  if (!info || canonical(w) !== w) return `.word ${hex(w, 8)}`;
  const m = info.mnemonic.toLowerCase();
  const a = reg(fieldA(w));
  const b = reg(fieldB(w));
  switch (info.form) {
    case "none":
      return m;
    case "rrr":
      return `${m} ${a}, ${b}, ${reg(fieldC(w))}`;
    case "rri":
      return `${m} ${a}, ${b}, ${simm16(w)}`;
    case "rru":
      return `${m} ${a}, ${b}, ${uimm16(w)}`;
    case "ri":
      return `${m} ${a}, ${simm16(w)}`;
    case "ru":
      return `${m} ${a}, ${info.mnemonic === "IN" || info.mnemonic === "OUT" ? `0x${uimm16(w).toString(16)}` : uimm16(w)}`;
    case "rc": {
      const n = uimm16(w);
      return `${m} ${a}, ${CR_NAMES[n] ?? n}`;
    }
    case "rr":
      return `${m} ${a}, ${b}`;
    case "r":
      return `${m} ${a}`;
    case "u":
      return `${m} ${uimm16(w)}`;
    case "m":
      return `${m} ${a}, ${simm16(w)}(${b})`;
    case "j": {
      const target = jumpTarget(w, pc);
      const name = symbols ? symbolAt(symbols, target) : undefined;
      return `${m} ${name ?? hex(target, 8)}`;
    }
  }
}

const LABEL = /^[A-Za-z_][A-Za-z0-9_$]*$/;

// Address → first usable name, built once per symbol table so that disassembling an
// image is linear in its size.
const byAddressCache = new WeakMap<object, Map<number, string>>();

function symbolAt(symbols: Readonly<Record<string, number>>, address: number): string | undefined {
  let byAddress = byAddressCache.get(symbols);
  if (!byAddress) {
    byAddress = new Map();
    for (const [name, value] of Object.entries(symbols)) {
      if (LABEL.test(name) && !byAddress.has(value >>> 0)) byAddress.set(value >>> 0, name);
    }
    byAddressCache.set(symbols, byAddress);
  }
  return byAddress.get(address >>> 0);
}

/**
 * Assembly text for a whole image, each instruction with its address and word in a
 * comment; assembling it gives the same bytes at the same addresses.
 */
export function disassembleImage(image: Image): string {
  // Only labels that land on word boundaries inside a segment are emitted, so every
  // name a jump refers to is defined exactly once.
  const labels = new Map<number, string>();
  for (const [name, value] of Object.entries(image.symbols)) {
    if (!LABEL.test(name) || value % 4 !== 0 || labels.has(value >>> 0)) continue;
    const inside = image.segments.some((s) => value >= s.address && value < s.address + s.bytes.length - (s.bytes.length % 4));
    if (inside) labels.set(value >>> 0, name);
  }
  const emitted = symbolTable([...labels].map(([address, name]) => [name, address] as const));
  const lines: string[] = [];
  const entryName = labels.get(image.entry >>> 0);
  lines.push(`        .entry ${entryName ?? hex(image.entry, 8)}`);
  for (const seg of image.segments) {
    lines.push("", `        .org ${hex(seg.address, 8)}`);
    const view = new DataView(seg.bytes.buffer, seg.bytes.byteOffset, seg.bytes.byteLength);
    const whole = seg.bytes.length - (seg.bytes.length % 4);
    const aligned = seg.address % 4 === 0;
    for (let off = 0; aligned && off < whole; off += 4) {
      const pc = (seg.address + off) >>> 0;
      const name = labels.get(pc);
      if (name) lines.push(`${name}:`);
      const word = view.getUint32(off, true);
      // The address and the instruction word, in a comment so the text still assembles.
      lines.push(`        ${disassembleWord(word, pc, emitted).padEnd(32)} ; ${hex(pc, 8)}: ${word.toString(16).padStart(8, "0")}`);
    }
    const rest = aligned ? seg.bytes.subarray(whole) : seg.bytes;
    if (rest.length > 0) lines.push(`        .byte ${Array.from(rest, (b) => `0x${b.toString(16)}`).join(", ")}`);
  }
  return `${lines.join("\n")}\n`;
}
