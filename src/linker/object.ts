/** Relocatable BPF objects (`clang -target bpf -c` output) as the linker reads them. */
import { ElfError } from '../elf/errors.js';
import { Reader, readEhdr, readShdr } from '../elf/parser.js';
import { LinkError } from './errors.js';

const SHT_SYMTAB = 2;
const SHT_NOBITS = 8;

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
    if (h.ident[0] !== 0x7f || h.ident[1] !== 0x45 || h.ident[4] !== 2 || h.ident[5] !== 1) fail('not a 64-bit little-endian ELF');
    if (h.type !== 1) fail('not a relocatable object (ET_REL)');
    if (h.machine !== 247) fail('not a BPF object (e_machine 247)');
    const raw = Array.from({ length: h.shnum }, (_, i) => {
      const o = h.shoff + i * 64;
      if (o + 64 > bytes.length) fail('section header table out of bounds');
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
      for (let o = symtab.offset; o + 24 <= symtab.offset + symtab.size; o += 24) {
        const info = bytes[o + 4];
        symbols.push({ name: str(names, r.u32(o)), bind: info >> 4, type: info & 0xf, shndx: r.u16(o + 6), value: r.u64(o + 8) });
      }
    }
    return { file, sections, symbols };
  } catch (e) {
    if (e instanceof LinkError) throw e;
    if (e instanceof ElfError || e instanceof RangeError) fail('malformed ELF');
    throw e;
  }
}
