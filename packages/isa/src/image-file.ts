// The image file written by `vmlab asm` and read by `exec`/`disasm`: little-endian,
//   "VMLI", u32 version, u32 entry, u32 segment count,
//   per segment: u32 address, u32 length, bytes padded to 4,
//   u32 symbol count, per symbol: u32 address, u16 name length, UTF-8 name padded to 4.
import { MAX_IMAGE_BYTES, symbolTable, type Image, type Segment } from "./image.js";

const MAGIC = [0x56, 0x4d, 0x4c, 0x49]; // "VMLI"
const VERSION = 1;
/** `n` rounded up to a multiple of 4, without 32-bit wrap-around (lengths read from a file may be near 2^32). */
const pad4 = (n: number): number => Math.ceil(n / 4) * 4;

export class ImageFormatError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ImageFormatError";
  }
}

export function writeImageFile(image: Image): Uint8Array {
  const names = Object.entries(image.symbols).map(([name, address]) => ({ name: new TextEncoder().encode(name), address }));
  for (const n of names) {
    if (n.name.length > 0xffff) throw new ImageFormatError(`symbol name of ${n.name.length} bytes is longer than an image file allows (65535)`);
  }
  let size = 16;
  for (const s of image.segments) size += 8 + pad4(s.bytes.length);
  size += 4;
  for (const n of names) size += pad4(6 + n.name.length);
  const out = new Uint8Array(size);
  const view = new DataView(out.buffer);
  out.set(MAGIC, 0);
  view.setUint32(4, VERSION, true);
  view.setUint32(8, image.entry >>> 0, true);
  view.setUint32(12, image.segments.length, true);
  let p = 16;
  for (const s of image.segments) {
    view.setUint32(p, s.address >>> 0, true);
    view.setUint32(p + 4, s.bytes.length, true);
    out.set(s.bytes, p + 8);
    p += 8 + pad4(s.bytes.length);
  }
  view.setUint32(p, names.length, true);
  p += 4;
  for (const n of names) {
    view.setUint32(p, n.address >>> 0, true);
    view.setUint16(p + 4, n.name.length, true);
    out.set(n.name, p + 6);
    p += pad4(6 + n.name.length);
  }
  return out;
}

export function readImageFile(bytes: Uint8Array, fileName: string): Image {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const need = (p: number, n: number): void => {
    if (p + n > bytes.length) throw new ImageFormatError(`${fileName}: truncated at byte ${bytes.length} (needed ${p + n})`);
  };
  if (bytes.length < 4 || MAGIC.some((m, k) => bytes[k] !== m)) {
    throw new ImageFormatError(`${fileName}: not a vmlab image (bad magic; assemble a .s file with \`vmlab asm\`)`);
  }
  need(0, 16);
  const version = view.getUint32(4, true);
  if (version !== VERSION) throw new ImageFormatError(`${fileName}: unsupported image version ${version} (this vmlab reads version ${VERSION})`);
  const entry = view.getUint32(8, true);
  const count = view.getUint32(12, true);
  let p = 16;
  let total = 0;
  const segments: Segment[] = [];
  for (let k = 0; k < count; k++) {
    need(p, 8);
    const address = view.getUint32(p, true);
    const length = view.getUint32(p + 4, true);
    need(p + 8, pad4(length));
    // As the assembler: a segment ends below 2^32 (its end address is a 32-bit number).
    if (address + length >= 0x100000000) {
      throw new ImageFormatError(`${fileName}: segment ${k} (${length} bytes at 0x${address.toString(16)}) ${address + length > 0x100000000 ? "runs past" : "reaches"} the end of the address space`);
    }
    total += length;
    if (total > MAX_IMAGE_BYTES) throw new ImageFormatError(`${fileName}: segments of more than ${MAX_IMAGE_BYTES.toLocaleString("en-US")} bytes (8 MiB), more than an image may hold`);
    segments.push({ address, bytes: bytes.slice(p + 8, p + 8 + length) });
    p += 8 + pad4(length);
  }
  need(p, 4);
  const nsym = view.getUint32(p, true);
  p += 4;
  const symbols: [string, number][] = [];
  for (let k = 0; k < nsym; k++) {
    need(p, 6);
    const address = view.getUint32(p, true);
    const len = view.getUint16(p + 4, true);
    need(p, pad4(6 + len));
    symbols.push([new TextDecoder().decode(bytes.subarray(p + 6, p + 6 + len)), address]);
    p += pad4(6 + len);
  }
  if (p !== bytes.length) throw new ImageFormatError(`${fileName}: ${bytes.length - p} unexpected bytes after the symbol table at byte ${p}`);
  return { entry, segments, symbols: symbolTable(symbols) };
}
