/**
 * The parts of an ELF file that source mapping reads: sections by name (debug sections, `.text`'s
 * address) and function symbols. Unlike the program loader this accepts any well-formed ELF64
 * (a `.debug` file, a V3 program with section headers), and only throws {@link DebugInfoError}.
 */
import { DebugInfoError } from './errors.js';

/** A section's address and contents. */
export interface ElfSection {
  addr: number;
  data: Uint8Array;
}

/** A function symbol. */
export interface FunctionSymbol {
  name: string;
  address: number;
  size: number;
}

const SHT_SYMTAB = 2;
const SHT_NOBITS = 8;
const SHT_DYNSYM = 11;
const STT_FUNC = 2;

/** The sections and function symbols of one ELF file. */
export interface ElfContents {
  sections: ReadonlyMap<string, ElfSection>;
  functions: FunctionSymbol[];
}

const bad = (why: string): never => {
  throw new DebugInfoError('MalformedElf', why);
};

/** Reads the sections (by name; the first of a name wins) and the function symbols of `.symtab` and `.dynsym`. */
export function readElfContents(bytes: Uint8Array): ElfContents {
  if (bytes.length < 64 || bytes[0] !== 0x7f || bytes[1] !== 0x45 || bytes[2] !== 0x4c || bytes[3] !== 0x46) bad('not an ELF file');
  if (bytes[4] !== 2 || bytes[5] !== 1) bad('not a 64-bit little-endian ELF file');
  const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const u64 = (o: number) => v.getUint32(o, true) + v.getUint32(o + 4, true) * 0x1_0000_0000;
  const shoff = u64(40);
  const shnum = v.getUint16(60, true);
  const shstrndx = v.getUint16(62, true);
  const sections = new Map<string, ElfSection>();
  if (shnum === 0) return { sections, functions: [] };
  if (shoff + 64 * shnum > bytes.length) bad('section header table out of bounds');
  const headers = Array.from({ length: shnum }, (_, i) => {
    const o = shoff + 64 * i;
    const type = v.getUint32(o + 4, true);
    const offset = u64(o + 24);
    const size = type === SHT_NOBITS ? 0 : u64(o + 32);
    if (offset + size > bytes.length) bad(`section ${i} out of bounds`);
    return { name: v.getUint32(o, true), type, addr: u64(o + 16), link: v.getUint32(o + 40, true), data: bytes.subarray(offset, offset + size) };
  });
  const strtab = headers[shstrndx] ?? bad('no section name table');
  const nameIn = (table: Uint8Array, at: number) => {
    const end = table.indexOf(0, at);
    if (at >= table.length || end < 0) bad(`name at ${at} outside its string table`);
    return new TextDecoder().decode(table.subarray(at, end));
  };
  for (const h of headers) {
    const name = nameIn(strtab.data, h.name);
    if (!sections.has(name)) sections.set(name, { addr: h.addr, data: h.data });
  }
  const functions: FunctionSymbol[] = [];
  for (const h of headers) {
    if (h.type !== SHT_SYMTAB && h.type !== SHT_DYNSYM) continue;
    const names = headers[h.link] ?? bad('symbol table without string table');
    const sv = new DataView(h.data.buffer, h.data.byteOffset, h.data.byteLength);
    for (let o = 0; o + 24 <= h.data.length; o += 24) {
      if ((h.data[o + 4] & 0xf) !== STT_FUNC || sv.getUint16(o + 6, true) === 0) continue;
      const name = nameIn(names.data, sv.getUint32(o, true));
      const address = sv.getUint32(o + 8, true) + sv.getUint32(o + 12, true) * 0x1_0000_0000;
      const size = sv.getUint32(o + 16, true) + sv.getUint32(o + 20, true) * 0x1_0000_0000;
      if (name) functions.push({ name, address, size });
    }
  }
  return { sections, functions };
}
