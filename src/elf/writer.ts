/**
 * The project's ELF emitter (used by `assembleToElf`, and by the linker to come). V0–V2 output is a
 * dynamic ELF laid out the way Solana's toolchain lays one out and Agave's deployment checks want it
 * (every allocated section at `sh_addr == sh_offset`, syscalls as `R_BPF_64_32` against undefined
 * dynamic symbols, rodata references as `R_BPF_64_RELATIVE`); V3 output follows SIMD-0189's strict
 * layout (rodata segment at 0, bytecode segment at 0x1_0000_0000).
 */
import { toBoolean, toBytes, toChecked, toEach, toInteger, toOneOf, toOptional, toText, toU32, type FieldCheck } from '../arguments.js';
import { INSN_SIZE, MM_BYTECODE_START, MM_RODATA_START } from '../isa/constants.js';
import { lddwValue, setImmAt, setLddwValue } from '../isa/slot.js';
import { ByteWriter, type Codec } from '../runtime/codec.js';
import {
  DT_NULL,
  DT_REL,
  DT_RELENT,
  DT_RELSZ,
  DT_STRSZ,
  DT_STRTAB,
  DT_SYMENT,
  DT_SYMTAB,
  DYN,
  EHDR,
  ELF_MAGIC,
  ELFCLASS64,
  ELFDATA2LSB,
  ELFOSABI_NONE,
  EM_BPF,
  ET_DYN,
  EV_CURRENT,
  PF_R,
  PF_W,
  PF_X,
  PHDR,
  PT_DYNAMIC,
  PT_LOAD,
  R_BPF_64_32,
  R_BPF_64_RELATIVE,
  REL,
  SHDR,
  SHF_ALLOC,
  SHF_EXECINSTR,
  SHF_WRITE,
  SHT_DYNAMIC,
  SHT_DYNSYM,
  SHT_NULL,
  SHT_PROGBITS,
  SHT_REL,
  SHT_STRTAB,
  SHT_SYMTAB,
  STB_GLOBAL,
  STB_LOCAL,
  STT_FUNC,
  STT_NOTYPE,
  SYM,
  symbolInfo,
} from './layouts.js';
import type { Shdr } from './parser.js';

/** What to write. */
export interface ElfImage {
  /** 0, 1, 2 → dynamic ELF with `e_flags` = version; 3 → strict layout. */
  sbpfVersion: 0 | 1 | 2 | 3;
  /**
   * Bytecode. V0–V2: internal calls pc-relative (`imm = target - pc - 1`), syscall slots listed in
   * `syscalls` (their imm is overwritten with -1). V3: internal calls src=1 relative, syscalls src=0
   * with the name hash.
   */
  text: Uint8Array;
  /** Read-only data. */
  rodata?: Uint8Array;
  /** Slot of the entrypoint. */
  entryPc: number;
  /** Function symbols for names in tools (V0–V2 dynamic symbols). */
  functions?: { name: string; pc: number }[];
  /** V0–V2: call slots resolved by symbol name at load time. */
  syscalls?: { pc: number; name: string }[];
  /**
   * lddw slots whose 64-bit immediate is an offset into `rodata` or `text`, rewritten to the final
   * address (V0–V2 with an `R_BPF_64_RELATIVE` relocation, as the toolchain emits them).
   */
  addressRefs?: { pc: number; section: 'rodata' | 'text' }[];
  /**
   * Sections no loader maps (debug info, BTF, a symbol table), written after the loaded ones in
   * this order, with section headers in V3 output too (whose loader ignores them).
   */
  unloadedSections?: UnloadedSection[];
  /** Functions for a `.symtab` (written after `unloadedSections`, only when those are given). */
  symbolTable?: { name: string; pc: number; global: boolean }[];
}

/** A section of {@link ElfImage.unloadedSections}. */
export interface UnloadedSection {
  name: string;
  /** `sh_type` (`SHT_PROGBITS`, `SHT_SYMTAB`, `SHT_STRTAB`). */
  type: number;
  data: Uint8Array;
  /** Name of the section `sh_link` points at (a symbol table's string table). */
  link?: string;
  /** `sh_info` (a symbol table's first global symbol). */
  info?: number;
  entsize?: number;
  align?: number;
}

/** Where {@link writeElf} puts `.text` (`sh_addr`, the base of addresses in debug info and symbols). */
export function textSectionAddress(sbpfVersion: ElfImage['sbpfVersion']): number {
  return sbpfVersion === 3 ? MM_BYTECODE_START : DYNAMIC_TEXT_OFFSET;
}

/** Where {@link writeElf} puts `.rodata` (`sh_addr`) given the text length. */
export function rodataSectionAddress(sbpfVersion: ElfImage['sbpfVersion'], textLength: number): number {
  return sbpfVersion === 3 ? MM_RODATA_START : rodataAddress(sbpfVersion, textLength) - MM_BYTECODE_START;
}

const align8 = (n: number) => (n + 7) & ~7;
/** Program headers of a dynamic ELF, and where its text starts (right after them). */
const DYNAMIC_PHNUM = 4;
const DYNAMIC_TEXT_OFFSET = align8(EHDR.fixedSize + PHDR.fixedSize * DYNAMIC_PHNUM);
/** `.text`'s flags. */
const TEXT_FLAGS = SHF_ALLOC | SHF_EXECINSTR;
/** The section header every file starts its table with. */
const nullSection = (): SectionHeader => ({ name: '', type: SHT_NULL, flags: 0, addr: 0, offset: 0, size: 0, link: 0, info: 0, entsize: 0, align: 1 });

/** The VM address at which a program {@link writeElf} wrote maps its `rodata`. */
export function rodataAddress(sbpfVersion: ElfImage['sbpfVersion'], textLength: number): number {
  return sbpfVersion === 3 ? MM_RODATA_START : MM_BYTECODE_START + align8(DYNAMIC_TEXT_OFFSET + textLength);
}

class Strings {
  readonly bytes: number[] = [0];
  private readonly index = new Map<string, number>([['', 0]]);
  add(s: string): number {
    const hit = this.index.get(s);
    if (hit !== undefined) return hit;
    const at = this.bytes.length;
    for (const c of new TextEncoder().encode(s)) this.bytes.push(c);
    this.bytes.push(0);
    this.index.set(s, at);
    return at;
  }
}

/** `value` as an {@link ElfImage}, each field checked, refused with kind `InvalidArgument` otherwise. */
function toElfImage(value: unknown, name: string): ElfImage {
  const slot: FieldCheck<number> = (v, n) => toInteger(v, n, 0, 2 ** 32 - 1, 'an instruction slot index');
  const list =
    <T>(check: FieldCheck<T>, what: string): FieldCheck<T[] | undefined> =>
    (v, n) =>
      toOptional(v, n, (l, at) => toEach(l, at, what, check));
  const named = (what: string) => (v: unknown, n: string) => toChecked(v, n, what, n, { name: toText, pc: slot });
  return toChecked<ElfImage>(value, name, 'an ElfImage { sbpfVersion, text, entryPc, … }', name, {
    sbpfVersion: (v, n) => toInteger(v, n, 0, 3, 'an sBPF version from 0 to 3') as ElfImage['sbpfVersion'],
    text: toBytes,
    rodata: (v, n) => toOptional(v, n, toBytes),
    entryPc: slot,
    functions: list(named('a function { name, pc }'), 'an array of { name, pc }'),
    syscalls: list(named('a syscall site { pc, name }'), 'an array of { pc, name }'),
    addressRefs: list(
      (v, n) => toChecked(v, n, 'an address reference { pc, section }', n, { pc: slot, section: (s, m) => toOneOf(s, m, ['rodata', 'text'] as const) }),
      'an array of { pc, section }',
    ),
    unloadedSections: list(
      (v, n) =>
        toChecked<UnloadedSection>(v, n, 'a section { name, type, data, … }', n, {
          name: toText,
          type: toU32,
          data: toBytes,
          link: (l, m) => toOptional(l, m, toText),
          info: (i, m) => toOptional(i, m, toU32),
          entsize: (e, m) => toOptional(e, m, toU32),
          align: (a, m) => toOptional(a, m, toU32),
        }),
      'an array of sections',
    ),
    symbolTable: list((v, n) => toChecked(v, n, 'a symbol { name, pc, global }', n, { name: toText, pc: slot, global: toBoolean }), 'an array of symbols'),
  });
}

/** Serialises an {@link ElfImage}. */
export function writeElf(image: ElfImage): Uint8Array {
  image = toElfImage(image, 'image');
  return image.sbpfVersion === 3 ? writeStrict(image) : writeDynamic(image);
}

function writeStrict(image: ElfImage): Uint8Array {
  const rodata = image.rodata ?? new Uint8Array(0);
  const roLen = align8(rodata.length);
  const text = new Uint8Array(image.text); // a copy even when given a Node Buffer
  // Rodata lives at vaddr 0 in V3, so a rodata offset already is its address.
  for (const { pc, section } of image.addressRefs ?? []) {
    setLddwValue(text, pc, lddwValue(text, pc) + (section === 'text' ? MM_BYTECODE_START : 0));
  }
  const phnum = roLen ? 2 : 1;
  const start = phdrAt(phnum);
  const textAt = start + roLen;
  const unloaded = unloadedSections(image, roLen ? 2 : 1);
  // Section headers only for tools reading the unloaded sections; the strict loader ignores them.
  const table = unloaded.length
    ? sectionTable(
        [
          nullSection(),
          ...(roLen
            ? [
                {
                  name: '.rodata',
                  type: SHT_PROGBITS,
                  flags: SHF_ALLOC,
                  addr: MM_RODATA_START,
                  offset: start,
                  size: roLen,
                  link: 0,
                  info: 0,
                  entsize: 0,
                  align: 8,
                },
              ]
            : []),
          {
            name: '.text',
            type: SHT_PROGBITS,
            flags: TEXT_FLAGS,
            addr: MM_BYTECODE_START,
            offset: textAt,
            size: text.length,
            link: 0,
            info: 0,
            entsize: 0,
            align: 8,
          },
        ],
        textAt + text.length,
        unloaded,
      )
    : undefined;
  const out = new Uint8Array(table?.end ?? textAt + text.length);
  const w = new ByteWriter(out);
  writeHeader(w, {
    flags: 3,
    entry: MM_BYTECODE_START + image.entryPc * INSN_SIZE,
    phnum,
    shoff: table?.shoff ?? 0,
    shnum: table?.sections.length ?? 0,
    shstrndx: table ? table.sections.length - 1 : 0,
  });
  let offset = start;
  const segment = (i: number, flags: number, vaddr: number, size: number) => {
    writePhdr(w, i, { type: PT_LOAD, flags, offset, vaddr, size });
    offset += size;
  };
  if (roLen) segment(0, PF_R, MM_RODATA_START, roLen);
  segment(phnum - 1, PF_X, MM_BYTECODE_START, text.length);
  out.set(rodata, start);
  out.set(text, textAt);
  if (table) writeSectionTable(w, table);
  return out;
}

interface Header {
  flags: number;
  entry: number;
  phnum: number;
  shoff: number;
  shnum: number;
  shstrndx: number;
}

/** Writes `value` as `struct` at byte `at` of the file `w` writes. */
function put<T>(w: ByteWriter, at: number, struct: Codec<T>, value: T): void {
  w.at = at;
  struct.write(w, value);
}

/** Where program header `i` starts (the table follows the file header). */
const phdrAt = (i: number) => EHDR.fixedSize + PHDR.fixedSize * i;

function writeHeader(w: ByteWriter, h: Header): void {
  put(w, 0, EHDR, {
    ident: { magic: ELF_MAGIC, class: ELFCLASS64, data: ELFDATA2LSB, version: EV_CURRENT, osabi: ELFOSABI_NONE, abiversion: 0, padding: undefined },
    type: ET_DYN,
    machine: EM_BPF,
    version: EV_CURRENT,
    entry: h.entry,
    phoff: phdrAt(0),
    shoff: h.shoff,
    flags: h.flags,
    ehsize: EHDR.fixedSize,
    phentsize: PHDR.fixedSize,
    phnum: h.phnum,
    shentsize: h.shnum ? SHDR.fixedSize : 0,
    shnum: h.shnum,
    shstrndx: h.shstrndx,
  });
}

/** Writes program header `i`: a segment whose file and memory images are the same `size` bytes. */
function writePhdr(w: ByteWriter, i: number, p: { type: number; flags: number; offset: number; vaddr: number; size: number }): void {
  put(w, phdrAt(i), PHDR, { type: p.type, flags: p.flags, offset: p.offset, vaddr: p.vaddr, paddr: p.vaddr, filesz: p.size, memsz: p.size, align: 8 });
}

function writeDynamic(image: ElfImage): Uint8Array {
  const rodata = image.rodata ?? new Uint8Array(0);
  const syscalls = image.syscalls ?? [];
  const functions = image.functions ?? [{ name: 'entrypoint', pc: image.entryPc }];
  const textAt = DYNAMIC_TEXT_OFFSET;
  const rodataAt = rodataAddress(image.sbpfVersion, image.text.length) - MM_BYTECODE_START;
  const dynamicAt = align8(rodataAt + rodata.length);

  // Dynamic symbols: null, the functions, then one undefined symbol per distinct syscall name.
  const dynstr = new Strings();
  const syms: { name: number; info: number; shndx: number; value: number }[] = [{ name: 0, info: 0, shndx: 0, value: 0 }];
  const TEXT_SHNDX = 1;
  const globalFunction = symbolInfo(STB_GLOBAL, STT_FUNC);
  for (const f of functions) syms.push({ name: dynstr.add(f.name), info: globalFunction, shndx: TEXT_SHNDX, value: textAt + f.pc * INSN_SIZE });
  const symOf = new Map<string, number>();
  for (const s of syscalls) {
    if (symOf.has(s.name)) continue;
    symOf.set(s.name, syms.length);
    syms.push({ name: dynstr.add(s.name), info: symbolInfo(STB_GLOBAL, STT_NOTYPE), shndx: 0, value: 0 }); // undefined
  }
  const rels: { offset: number; type: number; sym: number }[] = [];
  const text = new Uint8Array(image.text); // a copy even when given a Node Buffer
  for (const s of syscalls) {
    setImmAt(text, s.pc, -1);
    rels.push({ offset: textAt + s.pc * INSN_SIZE, type: R_BPF_64_32, sym: symOf.get(s.name)! });
  }
  for (const { pc, section } of image.addressRefs ?? []) {
    setLddwValue(text, pc, (section === 'text' ? textAt : rodataAt) + lddwValue(text, pc));
    rels.push({ offset: textAt + pc * INSN_SIZE, type: R_BPF_64_RELATIVE, sym: 0 });
  }

  const DYN_ENTRIES = 8;
  const dynsymAt = align8(dynamicAt + DYN.fixedSize * DYN_ENTRIES);
  const dynstrAt = dynsymAt + SYM.fixedSize * syms.length;
  const relAt = align8(dynstrAt + dynstr.bytes.length);
  const relEnd = relAt + REL.fixedSize * rels.length;
  const loaded: SectionHeader[] = [
    nullSection(),
    { name: '.text', type: SHT_PROGBITS, flags: TEXT_FLAGS, addr: textAt, offset: textAt, size: image.text.length, link: 0, info: 0, entsize: 0, align: 8 },
    { name: '.rodata', type: SHT_PROGBITS, flags: SHF_ALLOC, addr: rodataAt, offset: rodataAt, size: rodata.length, link: 0, info: 0, entsize: 0, align: 8 },
    {
      name: '.dynamic',
      type: SHT_DYNAMIC,
      flags: SHF_WRITE | SHF_ALLOC,
      addr: dynamicAt,
      offset: dynamicAt,
      size: DYN.fixedSize * DYN_ENTRIES,
      link: 0,
      info: 0,
      entsize: DYN.fixedSize,
      align: 8,
    },
    {
      name: '.dynsym',
      type: SHT_DYNSYM,
      flags: SHF_ALLOC,
      addr: dynsymAt,
      offset: dynsymAt,
      size: SYM.fixedSize * syms.length,
      link: 0,
      info: 0,
      entsize: SYM.fixedSize,
      align: 8,
    },
    {
      name: '.dynstr',
      type: SHT_STRTAB,
      flags: SHF_ALLOC,
      addr: dynstrAt,
      offset: dynstrAt,
      size: dynstr.bytes.length,
      link: 0,
      info: 0,
      entsize: 0,
      align: 8,
    },
    { name: '.rel.dyn', type: SHT_REL, flags: SHF_ALLOC, addr: relAt, offset: relAt, size: relEnd - relAt, link: 0, info: 0, entsize: REL.fixedSize, align: 8 },
  ].filter((s) => s.name !== '.rodata' || rodata.length > 0);
  const table = sectionTable(loaded, relEnd, unloadedSections(image, 1));
  // Section links point at .dynstr / .dynsym by index in the final list.
  const indexOf = (name: string) => table.sections.findIndex((s) => s.name === name);
  for (const s of table.sections) {
    if (s.name === '.dynamic' || s.name === '.dynsym') s.link = indexOf('.dynstr');
    if (s.name === '.rel.dyn') s.link = indexOf('.dynsym');
  }
  const out = new Uint8Array(table.end);
  const w = new ByteWriter(out);
  writeHeader(w, {
    flags: image.sbpfVersion,
    entry: textAt + image.entryPc * INSN_SIZE,
    phnum: DYNAMIC_PHNUM,
    shoff: table.shoff,
    shnum: table.sections.length,
    shstrndx: table.sections.length - 1,
  });
  writePhdr(w, 0, { type: PT_LOAD, flags: PF_R | PF_X, offset: textAt, vaddr: textAt, size: image.text.length });
  writePhdr(w, 1, { type: PT_LOAD, flags: PF_R, offset: rodataAt, vaddr: rodataAt, size: rodata.length });
  writePhdr(w, 2, { type: PT_LOAD, flags: PF_R, offset: dynamicAt, vaddr: dynamicAt, size: relEnd - dynamicAt });
  writePhdr(w, 3, { type: PT_DYNAMIC, flags: PF_R | PF_W, offset: dynamicAt, vaddr: dynamicAt, size: DYN.fixedSize * DYN_ENTRIES });
  out.set(text, textAt);
  out.set(rodata, rodataAt);
  const dyn: [tag: number, value: number][] = [
    [DT_REL, rels.length ? relAt : 0],
    [DT_RELSZ, relEnd - relAt],
    [DT_RELENT, REL.fixedSize],
    [DT_SYMTAB, dynsymAt],
    [DT_SYMENT, SYM.fixedSize],
    [DT_STRTAB, dynstrAt],
    [DT_STRSZ, dynstr.bytes.length],
    [DT_NULL, 0],
  ];
  dyn.forEach(([tag, value], i) => put(w, dynamicAt + DYN.fixedSize * i, DYN, { tag, value }));
  syms.forEach((s, i) => put(w, dynsymAt + SYM.fixedSize * i, SYM, { ...s, other: 0, size: 0 }));
  out.set(dynstr.bytes, dynstrAt);
  rels.forEach((r, i) => put(w, relAt + REL.fixedSize * i, REL, r));
  writeSectionTable(w, table);
  return out;
}

/** The image's unloaded sections followed by its symbol table, whose symbols lie in section `textIndex`. */
function unloadedSections(image: ElfImage, textIndex: number): UnloadedSection[] {
  const sections = image.unloadedSections ?? [];
  if (!sections.length || !image.symbolTable?.length) return sections;
  const textEnd = image.text.length / INSN_SIZE;
  // Locals first (ELF requires it); sizes run to the next function.
  const symbols = [...image.symbolTable].sort((a, b) => Number(a.global) - Number(b.global) || a.pc - b.pc);
  const starts = [...new Set(symbols.map((f) => f.pc)), textEnd].sort((a, b) => a - b);
  const names = new Strings();
  const symtab = new Uint8Array(SYM.fixedSize * (symbols.length + 1));
  const w = new ByteWriter(symtab);
  symbols.forEach((f, i) => {
    // `starts` ends with the end of the text, so every function has a next start.
    const next = starts[starts.indexOf(f.pc) + 1] ?? textEnd;
    put(w, SYM.fixedSize * (i + 1), SYM, {
      name: names.add(f.name),
      info: symbolInfo(f.global ? STB_GLOBAL : STB_LOCAL, STT_FUNC),
      other: 0,
      shndx: textIndex,
      value: textSectionAddress(image.sbpfVersion) + f.pc * INSN_SIZE,
      size: (next - f.pc) * INSN_SIZE,
    });
  });
  const firstGlobal = 1 + symbols.filter((f) => !f.global).length;
  return [
    ...sections,
    { name: '.symtab', type: SHT_SYMTAB, data: symtab, link: '.strtab', info: firstGlobal, entsize: SYM.fixedSize, align: 8 },
    { name: '.strtab', type: SHT_STRTAB, data: Uint8Array.from(names.bytes) },
  ];
}

/** A section header as written: named by its text (`sh_addralign` 0 or 1 means unaligned). */
interface SectionHeader extends Omit<Shdr, 'name' | 'addralign'> {
  name: string;
  entsize: number;
  align: number;
}

/** The section headers of a file, the bytes of its unloaded sections and `.shstrtab`, and where they go. */
interface SectionTable {
  sections: SectionHeader[];
  /** Contents written at `sections[i].offset` (the unloaded sections and `.shstrtab`). */
  contents: { offset: number; data: Uint8Array }[];
  shoff: number;
  /** Length of the whole file. */
  end: number;
}

/**
 * Lays out the unloaded sections from file offset `at` (after everything loaded), then
 * `.shstrtab` and the section header table, behind the `loaded` headers.
 */
function sectionTable(loaded: SectionHeader[], at: number, unloaded: readonly UnloadedSection[]): SectionTable {
  const sections = [...loaded];
  const contents: SectionTable['contents'] = [];
  let offset = at;
  for (const u of unloaded) {
    const align = u.align ?? 1;
    offset = Math.ceil(offset / align) * align;
    sections.push({ name: u.name, type: u.type, flags: 0, addr: 0, offset, size: u.data.length, link: 0, info: u.info ?? 0, entsize: u.entsize ?? 0, align });
    contents.push({ offset, data: u.data });
    offset += u.data.length;
  }
  unloaded.forEach((u, i) => {
    const header = sections[loaded.length + i];
    if (header && u.link !== undefined) header.link = sections.findIndex((s) => s.name === u.link);
  });
  const shstr = new Strings();
  const shstrtab: SectionHeader = { name: '.shstrtab', type: SHT_STRTAB, flags: 0, addr: 0, offset, size: 0, link: 0, info: 0, entsize: 0, align: 1 };
  sections.push(shstrtab);
  for (const s of sections) shstr.add(s.name);
  shstrtab.size = shstr.bytes.length;
  contents.push({ offset, data: Uint8Array.from(shstr.bytes) });
  const shoff = align8(offset + shstr.bytes.length);
  return { sections, contents, shoff, end: shoff + SHDR.fixedSize * sections.length };
}

/** Writes a {@link sectionTable}'s contents and headers into the file `w` writes. */
function writeSectionTable(w: ByteWriter, table: SectionTable): void {
  const shstr = new Strings();
  for (const c of table.contents) w.bytes.set(c.data, c.offset);
  table.sections.forEach(({ name, align, ...s }, i) => put(w, table.shoff + SHDR.fixedSize * i, SHDR, { ...s, name: shstr.add(name), addralign: align }));
}
