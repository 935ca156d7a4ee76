/**
 * The parts of an ELF file that source mapping reads: sections by name (debug sections, `.text`'s
 * address) and function symbols. Unlike the program loader this accepts any well-formed ELF64
 * (a `.debug` file, a V3 program with section headers), and only throws {@link DebugInfoError}.
 */
import { EHDR, SHDR, SYM } from '../elf/layouts.js';
import { SHT_DYNSYM, SHT_NOBITS, SHT_SYMTAB, STT_FUNC } from '../elf/parser.js';
import { DebugInfoError } from './errors.js';

const E = EHDR.offsets;
const S = SHDR.offsets;
const Y = SYM.offsets;

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
  if (bytes.length < EHDR.fixedSize || bytes[0] !== 0x7f || bytes[1] !== 0x45 || bytes[2] !== 0x4c || bytes[3] !== 0x46) bad('not an ELF file');
  if (bytes[4] !== 2 || bytes[5] !== 1) bad('not a 64-bit little-endian ELF file');
  const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const u64 = (o: number) => v.getUint32(o, true) + v.getUint32(o + 4, true) * 0x1_0000_0000;
  const shoff = u64(E.shoff);
  const shnum = v.getUint16(E.shnum, true);
  const shstrndx = v.getUint16(E.shstrndx, true);
  const sections = new Map<string, ElfSection>();
  if (shnum === 0) return { sections, functions: [] };
  if (shoff + SHDR.fixedSize * shnum > bytes.length) bad('section header table out of bounds');
  const headers = Array.from({ length: shnum }, (_, i) => {
    const o = shoff + SHDR.fixedSize * i;
    const type = v.getUint32(o + S.type, true);
    const offset = u64(o + S.offset);
    const size = type === SHT_NOBITS ? 0 : u64(o + S.size);
    if (offset + size > bytes.length) bad(`section ${i} out of bounds`);
    return {
      name: v.getUint32(o + S.name, true),
      type,
      addr: u64(o + S.addr),
      link: v.getUint32(o + S.link, true),
      data: bytes.subarray(offset, offset + size),
    };
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
    const u64At = (o: number) => sv.getUint32(o, true) + sv.getUint32(o + 4, true) * 0x1_0000_0000;
    for (let o = 0; o + SYM.fixedSize <= h.data.length; o += SYM.fixedSize) {
      if ((h.data[o + Y.info] & 0xf) !== STT_FUNC || sv.getUint16(o + Y.shndx, true) === 0) continue;
      const name = nameIn(names.data, sv.getUint32(o + Y.name, true));
      const address = u64At(o + Y.value);
      const size = u64At(o + Y.size);
      if (name) functions.push({ name, address, size });
    }
  }
  return { sections, functions };
}
