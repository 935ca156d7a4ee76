/** Relocatable BPF objects (`clang -target bpf -c` output) as the linker reads them. */
import { ElfError } from '../elf/errors.js';
import { ELFCLASS64, ELFDATA2LSB, EM_BPF, ET_REL, hasElfMagic, IDENT, REL, SHDR, SHT_NOBITS, SHT_SYMTAB, SYM, symbolBind, symbolType } from '../elf/layouts.js';
import { Reader, readEhdr, readRel, readShdr, readSym, type Rel } from '../elf/parser.js';
import { LinkError } from './errors.js';

const I = IDENT.offsets;

export interface ObjSection {
  name: string;
  type: number;
  flags: number;
  align: number;
  data: Uint8Array;
  info: number;
  link: number;
}
export interface ObjSymbol {
  name: string;
  bind: number;
  type: number;
  shndx: number;
  value: number;
}
export interface ObjectFile {
  file: string;
  sections: ObjSection[];
  symbols: ObjSymbol[];
}

export function parseObject(bytes: Uint8Array, file: string): ObjectFile {
  const fail = (why: string): never => {
    throw new LinkError('BadObject', `${file}: ${why}`);
  };
  try {
    const r = new Reader(bytes);
    const h = readEhdr(r);
    if (!hasElfMagic(h.ident) || h.ident[I.class] !== ELFCLASS64 || h.ident[I.data] !== ELFDATA2LSB) fail('not a 64-bit little-endian ELF');
    if (h.type !== ET_REL) fail('not a relocatable object (ET_REL)');
    if (h.machine !== EM_BPF) fail(`not a BPF object (e_machine ${EM_BPF})`);
    const raw = Array.from({ length: h.shnum }, (_, i) => {
      const o = h.shoff + i * SHDR.fixedSize;
      if (o + SHDR.fixedSize > bytes.length) fail('section header table out of bounds');
      return readShdr(r, o);
    });
    const strtab = raw[h.shstrndx] ?? fail('no section name table');
    const str = (tab: { offset: number; size: number }, at: number) => {
      const start = tab.offset + at;
      const end = bytes.indexOf(0, start);
      if (start >= bytes.length || end < 0) fail('bad string table');
      return new TextDecoder().decode(bytes.subarray(start, end));
    };
    const sections = raw.map((s) => ({
      name: str(strtab, s.name),
      type: s.type,
      flags: s.flags,
      align: Math.max(1, s.addralign),
      info: s.info,
      link: s.link,
      data: s.type === SHT_NOBITS ? new Uint8Array(s.size) : bytes.subarray(s.offset, s.offset + s.size),
    }));
    const symtab = raw.find((s) => s.type === SHT_SYMTAB);
    const symbols: ObjSymbol[] = [];
    if (symtab) {
      const names = raw[symtab.link] ?? fail('symbol table without string table');
      for (let o = symtab.offset; o + SYM.fixedSize <= symtab.offset + symtab.size; o += SYM.fixedSize) {
        const y = readSym(r, o);
        symbols.push({ name: str(names, y.name), bind: symbolBind(y.info), type: symbolType(y.info), shndx: y.shndx, value: y.value });
      }
    }
    return { file, sections, symbols };
  } catch (e) {
    if (e instanceof LinkError) throw e;
    if (e instanceof ElfError || e instanceof RangeError) fail('malformed ELF');
    throw e;
  }
}

/** The entries of an object's `SHT_REL` section `rel` (where in its target section, of which type, against which symbol; a trailing partial entry is ignored). */
export function relocationsOf(rel: ObjSection): Rel[] {
  const r = new Reader(rel.data);
  return Array.from({ length: Math.floor(rel.data.length / REL.fixedSize) }, (_, i) => readRel(r, i * REL.fixedSize));
}
