/**
 * ELF64 reading with solana-sbpf's bounds and consistency rules (`elf_parser/mod.rs`): header,
 * program and section header tables, section names, the dynamic table, dynamic relocations and
 * symbols. Every read is bounds-checked; a malformed file gives an {@link ElfError}, nothing else.
 * 64-bit fields are read as numbers: values beyond 2^53 lose low bits but stay out of every bound.
 */
import { ElfError, parserError } from './errors.js';
import {
  DT_NULL,
  DT_NUM,
  DT_REL,
  DT_RELENT,
  DT_RELSZ,
  DT_SYMTAB,
  DYN,
  EHDR,
  ELFCLASS64,
  ELFDATA2LSB,
  EV_CURRENT,
  hasElfMagic,
  IDENT,
  PHDR,
  PT_DYNAMIC,
  PT_LOAD,
  REL,
  SHDR,
  SHT_DYNAMIC,
  SHT_DYNSYM,
  SHT_NOBITS,
  SHT_NULL,
  SHT_STRTAB,
  SHT_SYMTAB,
  SYM,
} from './layouts.js';

const E = EHDR.offsets;
const I = IDENT.offsets;

export const EHDR_SIZE = EHDR.fixedSize;
export const PHDR_SIZE = PHDR.fixedSize;
export const SHDR_SIZE = SHDR.fixedSize;
export const SYM_SIZE = SYM.fixedSize;
export const REL_SIZE = REL.fixedSize;

const SECTION_NAME_LENGTH_MAXIMUM = 16;
const SYMBOL_NAME_LENGTH_MAXIMUM = 64;

/** File header fields the loader uses. */
export interface Ehdr {
  ident: Uint8Array;
  type: number;
  machine: number;
  version: number;
  entry: number;
  phoff: number;
  shoff: number;
  flags: number;
  ehsize: number;
  phentsize: number;
  phnum: number;
  shentsize: number;
  shnum: number;
  shstrndx: number;
}
export interface Phdr {
  type: number;
  flags: number;
  offset: number;
  vaddr: number;
  paddr: number;
  filesz: number;
  memsz: number;
}
export interface Shdr {
  name: number;
  type: number;
  flags: number;
  addr: number;
  offset: number;
  size: number;
  link: number;
  info: number;
  addralign: number;
}
export interface Sym {
  name: number;
  info: number;
  shndx: number;
  value: number;
  size: number;
}
export interface Rel {
  offset: number;
  type: number;
  sym: number;
}

type Range = [start: number, end: number];

/** The largest u64: a sum above it overflows (`err_checked_add`). */
const U64_MAX = (1n << 64n) - 1n;

/** Little-endian reader over the file with checked slices. */
export class Reader {
  readonly view: DataView;
  constructor(readonly bytes: Uint8Array) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }
  u8(o: number): number {
    return this.view.getUint8(o);
  }
  u16(o: number): number {
    return this.view.getUint16(o, true);
  }
  u32(o: number): number {
    return this.view.getUint32(o, true);
  }
  u64(o: number): number {
    return this.u32(o) + this.u32(o + 4) * 0x1_0000_0000;
  }
  /** A u64 exactly, where an overflow of 64 bits must be seen. */
  u64Exact(o: number): bigint {
    return this.view.getBigUint64(o, true);
  }
  /** `slice_from_bytes`: size multiple of `entry`, inside the file, 8-aligned (the reference copies to 16-aligned memory). */
  table([start, end]: Range, entry: number): Range {
    if (!(end >= start) || (end - start) % entry !== 0) throw parserError('InvalidSize');
    if (end > this.bytes.length) throw parserError('OutOfBounds');
    if (start % 8 !== 0) throw parserError('InvalidAlignment');
    return [start, end];
  }
}

const overlap = (a: Range, b: Range): boolean => !(a[1] <= b[0] || b[1] <= a[0]);

export function readEhdr(r: Reader): Ehdr {
  if (r.bytes.length < EHDR_SIZE) throw parserError('OutOfBounds');
  return {
    ident: r.bytes.subarray(E.ident, E.ident + IDENT.fixedSize),
    type: r.u16(E.type),
    machine: r.u16(E.machine),
    version: r.u32(E.version),
    entry: r.u64(E.entry),
    phoff: r.u64(E.phoff),
    shoff: r.u64(E.shoff),
    flags: r.u32(E.flags),
    ehsize: r.u16(E.ehsize),
    phentsize: r.u16(E.phentsize),
    phnum: r.u16(E.phnum),
    shentsize: r.u16(E.shentsize),
    shnum: r.u16(E.shnum),
    shstrndx: r.u16(E.shstrndx),
  };
}

/** Fields of a declared struct to read: each name with its offset and width. */
type FieldTable<K extends string> = readonly (readonly [name: K, at: number, width: number])[];

/** The fields `names` of the struct `l`, each with its offset and its width (up to the next field's offset). */
function fieldTable<K extends string>(l: { offsets: Readonly<Record<K, number>>; fixedSize: number }, names: readonly K[]): FieldTable<K> {
  const starts = [...Object.values<number>(l.offsets), l.fixedSize].sort((x, y) => x - y);
  return names.map((name) => {
    const at = l.offsets[name];
    return [name, at, starts[starts.indexOf(at) + 1]! - at] as const;
  });
}

/** The fields of `table` of the struct at `o` (a u64 as a number, see the module's note). */
function readStruct<K extends string>(r: Reader, o: number, table: FieldTable<K>): Record<K, number> {
  const out = {} as Record<K, number>;
  for (const [name, at, width] of table) out[name] = width === 8 ? r.u64(o + at) : width === 4 ? r.u32(o + at) : width === 2 ? r.u16(o + at) : r.u8(o + at);
  return out;
}

const PHDR_FIELDS = fieldTable(PHDR, ['type', 'flags', 'offset', 'vaddr', 'paddr', 'filesz', 'memsz']);
const SHDR_FIELDS = fieldTable(SHDR, ['name', 'type', 'flags', 'addr', 'offset', 'size', 'link', 'info', 'addralign']);

const Y = SYM.offsets;
const L = REL.offsets;

export const readPhdr = (r: Reader, o: number): Phdr => readStruct(r, o, PHDR_FIELDS);
export const readShdr = (r: Reader, o: number): Shdr => readStruct(r, o, SHDR_FIELDS);
// Symbols and relocations are read field by field: the loader reads thousands of them.
export const readSym = (r: Reader, o: number): Sym => ({
  name: r.u32(o + Y.name),
  info: r.u8(o + Y.info),
  shndx: r.u16(o + Y.shndx),
  value: r.u64(o + Y.value),
  size: r.u64(o + Y.size),
});
export const readRel = (r: Reader, o: number): Rel => ({ offset: r.u64(o + L.offset), type: r.u32(o + L.type), sym: r.u32(o + L.sym) });

/** `file_range` of a section: none for SHT_NOBITS. */
export const sectionFileRange = (s: Shdr): Range => (s.type === SHT_NOBITS ? [0, 0] : [s.offset, s.offset + s.size]);

/** A parsed lenient-path ELF (`Elf64::parse`). */
export class Elf64 {
  readonly header: Ehdr;
  readonly phdrs: Phdr[] = [];
  readonly shdrs: Shdr[] = [];
  private readonly shstrtab: Shdr | undefined;
  private dynstr: Shdr | undefined;
  /** File range of the dynamic relocation table (entries read with {@link relocationAt}). */
  dynamicRelocationTable: Range | undefined;
  dynamicSymbols: Sym[] | undefined;

  constructor(readonly r: Reader) {
    const h = (this.header = readEhdr(r));
    const id = h.ident;
    if (
      !hasElfMagic(id) ||
      id[I.class] !== ELFCLASS64 ||
      id[I.data] !== ELFDATA2LSB ||
      id[I.version] !== EV_CURRENT ||
      h.version !== EV_CURRENT ||
      h.ehsize !== EHDR_SIZE ||
      h.phentsize !== PHDR_SIZE ||
      h.shentsize !== SHDR_SIZE ||
      h.shstrndx >= h.shnum
    ) {
      throw parserError('InvalidFileHeader');
    }
    const fileRange: Range = [0, EHDR_SIZE];
    const phRange: Range = [h.phoff, h.phoff + PHDR_SIZE * h.phnum];
    if (overlap(fileRange, phRange)) throw parserError('Overlap');
    r.table(phRange, PHDR_SIZE);
    for (let i = 0; i < h.phnum; i++) this.phdrs.push(readPhdr(r, h.phoff + i * PHDR_SIZE));
    const shRange: Range = [h.shoff, h.shoff + SHDR_SIZE * h.shnum];
    if (overlap(fileRange, shRange) || overlap(phRange, shRange)) throw parserError('Overlap');
    r.table(shRange, SHDR_SIZE);
    for (let i = 0; i < h.shnum; i++) this.shdrs.push(readShdr(r, h.shoff + i * SHDR_SIZE));
    if (this.shdrs[0]?.type !== SHT_NULL) throw parserError('InvalidSectionHeader');

    let vaddr = 0;
    for (const p of this.phdrs) {
      if (p.type !== PT_LOAD) continue;
      if (p.vaddr < vaddr) throw parserError('InvalidProgramHeader');
      if (p.offset + p.filesz > r.bytes.length) throw parserError('OutOfBounds');
      vaddr = p.vaddr;
    }
    let offset = 0;
    for (const s of this.shdrs) {
      if (s.type === SHT_NOBITS) continue;
      const range: Range = [s.offset, s.offset + s.size];
      if (overlap(range, fileRange) || overlap(range, phRange) || overlap(range, shRange)) throw parserError('Overlap');
      if (range[0] < offset) throw parserError('SectionNotInOrder');
      offset = range[1];
      if (offset > r.bytes.length) throw parserError('OutOfBounds');
    }
    this.shstrtab = h.shstrndx !== 0 ? this.shdrs[h.shstrndx] : undefined;
    this.parseSections();
    this.parseDynamic();
  }

  /** `get_string_in_section`: a NUL-terminated string of at most `max` bytes. */
  string(section: Shdr, offsetInSection: number, max: number): string {
    if (section.type !== SHT_STRTAB) throw parserError('InvalidSectionHeader');
    const start = section.offset + offsetInSection;
    const end = Math.min(section.offset + section.size, start + max);
    if (!(end >= start) || end > this.r.bytes.length) throw parserError('OutOfBounds');
    const raw = this.r.bytes.subarray(start, end);
    const nul = raw.indexOf(0);
    if (nul < 0) {
      throw new ElfError('FailedToParse', `Failed to parse ELF file: Section or symbol name \`${latin(raw)}\` is longer than \`${max}\` bytes`);
    }
    return latin(raw.subarray(0, nul));
  }

  /** The `Elf64_Rel` entry at file offset `o` of the dynamic relocation table. */
  relocationAt(o: number): Rel {
    return readRel(this.r, o);
  }

  /** Name of a section (`section_name`). */
  sectionName(shName: number): string {
    if (!this.shstrtab) throw parserError('NoSectionNameStringTable');
    return this.string(this.shstrtab, shName, SECTION_NAME_LENGTH_MAXIMUM);
  }

  /** Name of a dynamic symbol. */
  dynamicSymbolName(stName: number): string {
    if (!this.dynstr) throw parserError('NoDynamicStringTable');
    return this.string(this.dynstr, stName, SYMBOL_NAME_LENGTH_MAXIMUM);
  }

  private parseSections(): void {
    if (!this.shstrtab) throw parserError('NoSectionNameStringTable');
    const seen = new Set<string>();
    for (const s of this.shdrs) {
      const name = this.string(this.shstrtab, s.name, SECTION_NAME_LENGTH_MAXIMUM);
      if (name === '.symtab' || name === '.strtab' || name === '.dynstr') {
        if (seen.has(name)) throw parserError('InvalidSectionHeader');
        seen.add(name);
        if (name === '.dynstr') this.dynstr = s;
      }
    }
  }

  /** A 64-bit field of program header `i`, exactly. */
  private phdrExact(i: number, field: 'vaddr' | 'memsz' | 'offset'): bigint {
    return this.r.u64Exact(this.header.phoff + i * PHDR_SIZE + PHDR.offsets[field]);
  }

  /** A 64-bit field of section header `i`, exactly. */
  private shdrExact(i: number, field: 'addr' | 'offset'): bigint {
    return this.r.u64Exact(this.header.shoff + i * SHDR_SIZE + SHDR.offsets[field]);
  }

  /**
   * `program_header_for_vaddr`: the index of the first program header, of any type, whose virtual
   * range holds `vaddr`; a header visited before it whose end (vaddr + memsz) overflows 64 bits
   * fails the file with OutOfBounds.
   */
  private programHeaderForVaddr(vaddr: bigint): number | undefined {
    for (let i = 0; i < this.phdrs.length; i++) {
      const start = this.phdrExact(i, 'vaddr');
      const end = start + this.phdrExact(i, 'memsz');
      if (end > U64_MAX) throw parserError('OutOfBounds');
      if (vaddr >= start && vaddr < end) return i;
    }
    return undefined;
  }

  /** The index of the first section header whose address is `vaddr` (compared exactly). */
  private sectionAt(vaddr: bigint): number | undefined {
    const i = this.shdrs.findIndex((_, k) => this.shdrExact(k, 'addr') === vaddr);
    return i < 0 ? undefined : i;
  }

  private parseDynamic(): void {
    const r = this.r;
    let table: Range | undefined;
    const dynPh = this.phdrs.find((p) => p.type === PT_DYNAMIC);
    if (dynPh) {
      try {
        table = r.table([dynPh.offset, dynPh.offset + dynPh.filesz], DYN.fixedSize);
      } catch (e) {
        if (!(e instanceof ElfError)) throw e;
      }
    }
    if (!table) {
      const dynSh = this.shdrs.find((s) => s.type === SHT_DYNAMIC);
      if (dynSh) {
        try {
          table = r.table([dynSh.offset, dynSh.offset + dynSh.size], DYN.fixedSize);
        } catch {
          throw parserError('InvalidDynamicSectionTable');
        }
      }
    }
    if (!table) return;
    // Values by tag, exactly (offsets computed from them must see 64-bit overflow); a tag the table does not have reads as 0.
    const values = new Map<number, bigint>();
    for (let o = table[0]; o < table[1]; o += DYN.fixedSize) {
      const tag = r.u64(o + DYN.offsets.tag);
      if (tag === DT_NULL) break;
      if (tag >= DT_NUM) continue;
      values.set(tag, r.u64Exact(o + DYN.offsets.value));
    }
    const dt = (tag: number) => values.get(tag) ?? 0n;
    // Dynamic relocations.
    const relVaddr = dt(DT_REL);
    if (relVaddr !== 0n) {
      if (dt(DT_RELENT) !== BigInt(REL_SIZE)) throw parserError('InvalidDynamicSectionTable');
      const size = dt(DT_RELSZ);
      if (size === 0n) throw parserError('InvalidDynamicSectionTable');
      const ph = this.programHeaderForVaddr(relVaddr);
      let offset: bigint;
      if (ph !== undefined) {
        offset = relVaddr - this.phdrExact(ph, 'vaddr') + this.phdrExact(ph, 'offset');
      } else {
        const sh = this.sectionAt(relVaddr);
        if (sh === undefined) throw parserError('InvalidDynamicSectionTable');
        offset = this.shdrExact(sh, 'offset');
      }
      if (offset + size > U64_MAX) throw parserError('OutOfBounds');
      let range: Range;
      try {
        range = r.table([Number(offset), Number(offset + size)], REL_SIZE);
      } catch {
        throw parserError('InvalidDynamicSectionTable');
      }
      this.dynamicRelocationTable = range;
    }
    // Dynamic symbols.
    const symVaddr = dt(DT_SYMTAB);
    if (symVaddr !== 0n) {
      const index = this.sectionAt(symVaddr);
      if (index === undefined) throw parserError('InvalidDynamicSectionTable');
      const sh = this.shdrs[index]!;
      if (sh.type !== SHT_SYMTAB && sh.type !== SHT_DYNSYM) throw parserError('InvalidSectionHeader');
      const range = r.table([sh.offset, sh.offset + sh.size], SYM_SIZE);
      this.dynamicSymbols = [];
      for (let o = range[0]; o < range[1]; o += SYM_SIZE) this.dynamicSymbols.push(readSym(r, o));
    }
  }
}

/** Bytes as Latin-1 text (names are ASCII in practice; this never throws). */
function latin(b: Uint8Array): string {
  let s = '';
  for (const byte of b) s += String.fromCharCode(byte);
  return s;
}
