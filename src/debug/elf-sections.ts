/**
 * The parts of an ELF file that source mapping reads: sections by name (debug sections, `.text`'s
 * address) and function symbols. Unlike the program loader this accepts any well-formed ELF64
 * (a `.debug` file, a V3 program with section headers), and only throws {@link DebugInfoError}.
 */
import {
  EHDR,
  ELFCLASS64,
  ELFDATA2LSB,
  hasElfMagic,
  IDENT,
  SHDR,
  SHN_UNDEF,
  SHT_DYNSYM,
  SHT_NOBITS,
  SHT_SYMTAB,
  STT_FUNC,
  SYM,
  symbolType,
} from '../elf/layouts.js';
import { Reader, readEhdr, readShdr, readSym } from '../elf/parser.js';
import { DebugInfoError } from './errors.js';

const I = IDENT.offsets;

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
  if (bytes.length < EHDR.fixedSize || !hasElfMagic(bytes)) bad('not an ELF file');
  if (bytes[I.class] !== ELFCLASS64 || bytes[I.data] !== ELFDATA2LSB) bad('not a 64-bit little-endian ELF file');
  const r = new Reader(bytes);
  const { shoff, shnum, shstrndx } = readEhdr(r);
  const sections = new Map<string, ElfSection>();
  if (shnum === 0) return { sections, functions: [] };
  if (shoff + SHDR.fixedSize * shnum > bytes.length) bad('section header table out of bounds');
  const headers = Array.from({ length: shnum }, (_, i) => {
    const { name, type, addr, link, offset, size: fileSize } = readShdr(r, shoff + SHDR.fixedSize * i);
    const size = type === SHT_NOBITS ? 0 : fileSize;
    if (offset + size > bytes.length) bad(`section ${i} out of bounds`);
    return { name, type, addr, link, data: bytes.subarray(offset, offset + size) };
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
    const symbols = new Reader(h.data);
    for (let o = 0; o + SYM.fixedSize <= h.data.length; o += SYM.fixedSize) {
      const y = readSym(symbols, o);
      if (symbolType(y.info) !== STT_FUNC || y.shndx === SHN_UNDEF) continue;
      const name = nameIn(names.data, y.name);
      if (name) functions.push({ name, address: y.value, size: y.size });
    }
  }
  return { sections, functions };
}
