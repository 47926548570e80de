// The image file written by `vmlab asm` and read by `exec`/`disasm`: little-endian,
//   "VMLI", u32 version, u32 entry, u32 segment count,
//   (version 2) u32 walker levels (0: a software-managed TLB), u16 profile name length,
//     UTF-8 profile name, padded to 4 (an empty name: no profile recorded),
//   per segment: u32 address, u32 length, bytes padded to 4,
//   u32 symbol count, per symbol: u32 address, u16 name length, UTF-8 name padded to 4.
// Version 1 (no profile) is still read.
import { MAX_IMAGE_BYTES, symbolTable, type Image, type Segment } from "./image.js";
import { PROFILE_NAMES, PROFILES, type ProfileName } from "./profiles.js";

const MAGIC = [0x56, 0x4d, 0x4c, 0x49]; // "VMLI"
const VERSION = 2;

/** The ISA profile an image was assembled for: its code may depend on it (.ifdef X86_LIKE, LEVELS). */
export interface ImageProfile {
  readonly name: string;
  /** Page-table levels of a walker profile. */
  readonly levels?: number;
}

/** An image read from a file, with the profile it records (none for a version 1 file). */
export type ImageFromFile = Image & { readonly profile?: ImageProfile };
/** `n` rounded up to a multiple of 4, without 32-bit wrap-around (lengths read from a file may be near 2^32). */
const pad4 = (n: number): number => Math.ceil(n / 4) * 4;

export class ImageFormatError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ImageFormatError";
  }
}

export function writeImageFile(image: Image, profile?: ImageProfile): Uint8Array {
  const profileName = new TextEncoder().encode(profile?.name ?? "");
  if (profileName.length > 0xffff) throw new ImageFormatError(`profile name of ${profileName.length} bytes is longer than an image file allows (65535)`);
  const names = Object.entries(image.symbols).map(([name, address]) => ({ name: new TextEncoder().encode(name), address }));
  for (const n of names) {
    if (n.name.length > 0xffff) throw new ImageFormatError(`symbol name of ${n.name.length} bytes is longer than an image file allows (65535)`);
  }
  let size = 16 + 4 + pad4(2 + profileName.length);
  for (const s of image.segments) size += 8 + pad4(s.bytes.length);
  size += 4;
  for (const n of names) size += pad4(6 + n.name.length);
  const out = new Uint8Array(size);
  const view = new DataView(out.buffer);
  out.set(MAGIC, 0);
  view.setUint32(4, VERSION, true);
  view.setUint32(8, image.entry >>> 0, true);
  view.setUint32(12, image.segments.length, true);
  view.setUint32(16, profile?.levels ?? 0, true);
  view.setUint16(20, profileName.length, true);
  out.set(profileName, 22);
  let p = 20 + pad4(2 + profileName.length);
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

/** A recorded profile vmlab knows, with a walker depth it has (a software-managed TLB records none). */
function checkProfile(p: ImageProfile, fileName: string): void {
  if (!(PROFILE_NAMES as readonly string[]).includes(p.name)) {
    throw new ImageFormatError(`${fileName}: records an unknown profile '${JSON.stringify(p.name).slice(1, -1).slice(0, 40)}' (valid: ${PROFILE_NAMES.join(", ")})`);
  }
  const walker = PROFILES[p.name as ProfileName].mmu.kind === "walker";
  if (p.levels !== undefined && !(walker && p.levels >= 2 && p.levels <= 4)) {
    throw new ImageFormatError(`${fileName}: records ${p.levels} page-table levels for ${p.name}, which ${walker ? "has 2, 3 or 4" : "has a software-managed TLB"}`);
  }
}

export function readImageFile(bytes: Uint8Array, fileName: string): ImageFromFile {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const need = (p: number, n: number): void => {
    if (p + n > bytes.length) throw new ImageFormatError(`${fileName}: truncated at byte ${bytes.length} (needed ${p + n})`);
  };
  if (bytes.length < 4 || MAGIC.some((m, k) => bytes[k] !== m)) {
    throw new ImageFormatError(`${fileName}: not a vmlab image (bad magic; assemble a .s file with \`vmlab asm\`)`);
  }
  need(0, 16);
  const version = view.getUint32(4, true);
  if (version !== 1 && version !== VERSION) throw new ImageFormatError(`${fileName}: unsupported image version ${version} (this vmlab reads versions 1 and ${VERSION})`);
  const entry = view.getUint32(8, true);
  const count = view.getUint32(12, true);
  let p = 16;
  let profile: ImageProfile | undefined;
  if (version >= 2) {
    need(p, 6);
    const levels = view.getUint32(p, true);
    const len = view.getUint16(p + 4, true);
    need(p + 4, pad4(2 + len));
    const name = new TextDecoder().decode(bytes.subarray(p + 6, p + 6 + len));
    if (name) {
      profile = levels > 0 ? { name, levels } : { name };
      checkProfile(profile, fileName);
    }
    p += 4 + pad4(2 + len);
  }
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
  return profile ? { entry, segments, symbols: symbolTable(symbols), profile } : { entry, segments, symbols: symbolTable(symbols) };
}
