/**
 * The project's ELF emitter (used by `assembleToElf`, and by the linker to come). V0–V2 output is a
 * dynamic ELF laid out the way Solana's toolchain lays one out and Agave's deployment checks want it
 * (every allocated section at `sh_addr == sh_offset`, syscalls as `R_BPF_64_32` against undefined
 * dynamic symbols, rodata references as `R_BPF_64_RELATIVE`); V3 output follows SIMD-0189's strict
 * layout (rodata segment at 0, bytecode segment at 0x1_0000_0000).
 */
import { toBoolean, toBytes, toChecked, toEach, toInteger, toOneOf, toOptional, toText, toU32, type FieldCheck } from '../arguments.js';
import { INSN_SIZE, MM_BYTECODE_START, MM_RODATA_START } from '../isa/constants.js';
import { R_BPF_64_32, R_BPF_64_RELATIVE, type Shdr } from './parser.js';

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
  /** `sh_type` (1 PROGBITS, 2 SYMTAB, 3 STRTAB). */
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
const DYNAMIC_TEXT_OFFSET = align8(64 + 56 * DYNAMIC_PHNUM);

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

function setLddw(text: DataView, pc: number, value: number): void {
  text.setUint32(pc * INSN_SIZE + 4, value % 2 ** 32, true);
  text.setUint32((pc + 1) * INSN_SIZE + 4, Math.floor(value / 2 ** 32), true);
}
const lddwValue = (text: DataView, pc: number) => text.getUint32(pc * INSN_SIZE + 4, true) + text.getUint32((pc + 1) * INSN_SIZE + 4, true) * 2 ** 32;

function writeStrict(image: ElfImage): Uint8Array {
  const rodata = image.rodata ?? new Uint8Array(0);
  const roLen = align8(rodata.length);
  const text = new Uint8Array(image.text); // a copy even when given a Node Buffer
  const tv = new DataView(text.buffer);
  // Rodata lives at vaddr 0 in V3, so a rodata offset already is its address.
  for (const { pc, section } of image.addressRefs ?? []) {
    setLddw(tv, pc, lddwValue(tv, pc) + (section === 'text' ? MM_BYTECODE_START : 0));
  }
  const phnum = roLen ? 2 : 1;
  const start = 64 + 56 * phnum;
  const textAt = start + roLen;
  const unloaded = unloadedSections(image, roLen ? 2 : 1);
  // Section headers only for tools reading the unloaded sections; the strict loader ignores them.
  const table = unloaded.length
    ? sectionTable(
        [
          { name: '', type: 0, flags: 0, addr: 0, offset: 0, size: 0, link: 0, info: 0, entsize: 0, align: 1 },
          ...(roLen ? [{ name: '.rodata', type: 1, flags: 2, addr: MM_RODATA_START, offset: start, size: roLen, link: 0, info: 0, entsize: 0, align: 8 }] : []),
          { name: '.text', type: 1, flags: 6, addr: MM_BYTECODE_START, offset: textAt, size: text.length, link: 0, info: 0, entsize: 0, align: 8 },
        ],
        textAt + text.length,
        unloaded,
      )
    : undefined;
  const out = new Uint8Array(table?.end ?? textAt + text.length);
  const v = new DataView(out.buffer);
  writeHeader(v, {
    flags: 3,
    entry: MM_BYTECODE_START + image.entryPc * INSN_SIZE,
    phnum,
    shoff: table?.shoff ?? 0,
    shnum: table?.sections.length ?? 0,
    shstrndx: table ? table.sections.length - 1 : 0,
  });
  let offset = start;
  const segment = (i: number, flags: number, vaddr: number, size: number) => {
    writePhdr(v, 64 + 56 * i, { type: 1, flags, offset, vaddr, size });
    offset += size;
  };
  if (roLen) segment(0, 4, 0, roLen);
  segment(phnum - 1, 1, MM_BYTECODE_START, text.length);
  out.set(rodata, start);
  out.set(text, textAt);
  if (table) writeSectionTable(out, table);
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

function writeHeader(v: DataView, h: Header): void {
  [0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0].forEach((b, i) => v.setUint8(i, b));
  v.setUint16(16, 3, true); // ET_DYN
  v.setUint16(18, 247, true); // EM_BPF
  v.setUint32(20, 1, true);
  v.setBigUint64(24, BigInt(h.entry), true);
  v.setBigUint64(32, 64n, true);
  v.setBigUint64(40, BigInt(h.shoff), true);
  v.setUint32(48, h.flags, true);
  v.setUint16(52, 64, true);
  v.setUint16(54, 56, true);
  v.setUint16(56, h.phnum, true);
  v.setUint16(58, h.shnum ? 64 : 0, true);
  v.setUint16(60, h.shnum, true);
  v.setUint16(62, h.shstrndx, true);
}

function writePhdr(v: DataView, o: number, p: { type: number; flags: number; offset: number; vaddr: number; size: number }): void {
  v.setUint32(o, p.type, true);
  v.setUint32(o + 4, p.flags, true);
  v.setBigUint64(o + 8, BigInt(p.offset), true);
  v.setBigUint64(o + 16, BigInt(p.vaddr), true);
  v.setBigUint64(o + 24, BigInt(p.vaddr), true);
  v.setBigUint64(o + 32, BigInt(p.size), true);
  v.setBigUint64(o + 40, BigInt(p.size), true);
  v.setBigUint64(o + 48, 8n, true);
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
  for (const f of functions) syms.push({ name: dynstr.add(f.name), info: 0x12, shndx: TEXT_SHNDX, value: textAt + f.pc * INSN_SIZE });
  const symOf = new Map<string, number>();
  for (const s of syscalls) {
    if (symOf.has(s.name)) continue;
    symOf.set(s.name, syms.length);
    syms.push({ name: dynstr.add(s.name), info: 0x10, shndx: 0, value: 0 }); // GLOBAL NOTYPE, undefined
  }
  const rels: { offset: number; info: bigint }[] = [];
  const text = new Uint8Array(image.text); // a copy even when given a Node Buffer
  const tv = new DataView(text.buffer);
  for (const s of syscalls) {
    tv.setInt32(s.pc * INSN_SIZE + 4, -1, true);
    rels.push({ offset: textAt + s.pc * INSN_SIZE, info: (BigInt(symOf.get(s.name)!) << 32n) | BigInt(R_BPF_64_32) });
  }
  for (const { pc, section } of image.addressRefs ?? []) {
    setLddw(tv, pc, (section === 'text' ? textAt : rodataAt) + lddwValue(tv, pc));
    rels.push({ offset: textAt + pc * INSN_SIZE, info: BigInt(R_BPF_64_RELATIVE) });
  }

  const DYN_ENTRIES = 8;
  const dynsymAt = align8(dynamicAt + 16 * DYN_ENTRIES);
  const dynstrAt = dynsymAt + 24 * syms.length;
  const relAt = align8(dynstrAt + dynstr.bytes.length);
  const loaded: SectionHeader[] = [
    { name: '', type: 0, flags: 0, addr: 0, offset: 0, size: 0, link: 0, info: 0, entsize: 0, align: 1 },
    { name: '.text', type: 1, flags: 6, addr: textAt, offset: textAt, size: image.text.length, link: 0, info: 0, entsize: 0, align: 8 },
    { name: '.rodata', type: 1, flags: 2, addr: rodataAt, offset: rodataAt, size: rodata.length, link: 0, info: 0, entsize: 0, align: 8 },
    { name: '.dynamic', type: 6, flags: 3, addr: dynamicAt, offset: dynamicAt, size: 16 * DYN_ENTRIES, link: 0, info: 0, entsize: 16, align: 8 },
    { name: '.dynsym', type: 11, flags: 2, addr: dynsymAt, offset: dynsymAt, size: 24 * syms.length, link: 0, info: 0, entsize: 24, align: 8 },
    { name: '.dynstr', type: 3, flags: 2, addr: dynstrAt, offset: dynstrAt, size: dynstr.bytes.length, link: 0, info: 0, entsize: 0, align: 8 },
    { name: '.rel.dyn', type: 9, flags: 2, addr: relAt, offset: relAt, size: 16 * rels.length, link: 0, info: 0, entsize: 16, align: 8 },
  ].filter((s) => s.name !== '.rodata' || rodata.length > 0);
  const table = sectionTable(loaded, relAt + 16 * rels.length, unloadedSections(image, 1));
  // Section links point at .dynstr / .dynsym by index in the final list.
  const indexOf = (name: string) => table.sections.findIndex((s) => s.name === name);
  for (const s of table.sections) {
    if (s.name === '.dynamic' || s.name === '.dynsym') s.link = indexOf('.dynstr');
    if (s.name === '.rel.dyn') s.link = indexOf('.dynsym');
  }
  const out = new Uint8Array(table.end);
  const v = new DataView(out.buffer);
  writeHeader(v, {
    flags: image.sbpfVersion,
    entry: textAt + image.entryPc * INSN_SIZE,
    phnum: DYNAMIC_PHNUM,
    shoff: table.shoff,
    shnum: table.sections.length,
    shstrndx: table.sections.length - 1,
  });
  const dynEnd = relAt + 16 * rels.length;
  writePhdr(v, 64, { type: 1, flags: 5, offset: textAt, vaddr: textAt, size: image.text.length });
  writePhdr(v, 64 + 56, { type: 1, flags: 4, offset: rodataAt, vaddr: rodataAt, size: rodata.length });
  writePhdr(v, 64 + 112, { type: 1, flags: 4, offset: dynamicAt, vaddr: dynamicAt, size: dynEnd - dynamicAt });
  writePhdr(v, 64 + 168, { type: 2, flags: 6, offset: dynamicAt, vaddr: dynamicAt, size: 16 * DYN_ENTRIES });
  out.set(text, textAt);
  out.set(rodata, rodataAt);
  const dyn: [number, number][] = [
    [17, rels.length ? relAt : 0], // DT_REL
    [18, 16 * rels.length], // DT_RELSZ
    [19, 16], // DT_RELENT
    [6, dynsymAt], // DT_SYMTAB
    [11, 24], // DT_SYMENT
    [5, dynstrAt], // DT_STRTAB
    [10, dynstr.bytes.length], // DT_STRSZ
    [0, 0], // DT_NULL
  ];
  dyn.forEach(([tag, val], i) => {
    v.setBigUint64(dynamicAt + 16 * i, BigInt(tag), true);
    v.setBigUint64(dynamicAt + 16 * i + 8, BigInt(val), true);
  });
  syms.forEach((s, i) => {
    const o = dynsymAt + 24 * i;
    v.setUint32(o, s.name, true);
    v.setUint8(o + 4, s.info);
    v.setUint16(o + 6, s.shndx, true);
    v.setBigUint64(o + 8, BigInt(s.value), true);
  });
  out.set(dynstr.bytes, dynstrAt);
  rels.forEach((r, i) => {
    v.setBigUint64(relAt + 16 * i, BigInt(r.offset), true);
    v.setBigUint64(relAt + 16 * i + 8, r.info, true);
  });
  writeSectionTable(out, table);
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
  const symtab = new Uint8Array(24 * (symbols.length + 1));
  const v = new DataView(symtab.buffer);
  symbols.forEach((f, i) => {
    const o = 24 * (i + 1);
    v.setUint32(o, names.add(f.name), true);
    v.setUint8(o + 4, (f.global ? 0x10 : 0) | 2); // STT_FUNC
    v.setUint16(o + 6, textIndex, true);
    v.setBigUint64(o + 8, BigInt(textSectionAddress(image.sbpfVersion) + f.pc * INSN_SIZE), true);
    // `starts` ends with the end of the text, so every function has a next start.
    const next = starts[starts.indexOf(f.pc) + 1] ?? textEnd;
    v.setBigUint64(o + 16, BigInt((next - f.pc) * INSN_SIZE), true);
  });
  const firstGlobal = 1 + symbols.filter((f) => !f.global).length;
  return [
    ...sections,
    { name: '.symtab', type: 2, data: symtab, link: '.strtab', info: firstGlobal, entsize: 24, align: 8 },
    { name: '.strtab', type: 3, data: Uint8Array.from(names.bytes) },
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
  const shstrtab: SectionHeader = { name: '.shstrtab', type: 3, flags: 0, addr: 0, offset, size: 0, link: 0, info: 0, entsize: 0, align: 1 };
  sections.push(shstrtab);
  for (const s of sections) shstr.add(s.name);
  shstrtab.size = shstr.bytes.length;
  contents.push({ offset, data: Uint8Array.from(shstr.bytes) });
  const shoff = align8(offset + shstr.bytes.length);
  return { sections, contents, shoff, end: shoff + 64 * sections.length };
}

/** Writes a {@link sectionTable}'s contents and headers into `out`. */
function writeSectionTable(out: Uint8Array, table: SectionTable): void {
  const v = new DataView(out.buffer, out.byteOffset, out.byteLength);
  const shstr = new Strings();
  for (const c of table.contents) out.set(c.data, c.offset);
  table.sections.forEach((s, i) => {
    const o = table.shoff + 64 * i;
    v.setUint32(o, shstr.add(s.name), true);
    v.setUint32(o + 4, s.type, true);
    v.setBigUint64(o + 8, BigInt(s.flags), true);
    v.setBigUint64(o + 16, BigInt(s.addr), true);
    v.setBigUint64(o + 24, BigInt(s.offset), true);
    v.setBigUint64(o + 32, BigInt(s.size), true);
    v.setUint32(o + 40, s.link, true);
    v.setUint32(o + 44, s.info, true);
    v.setBigUint64(o + 48, BigInt(s.align), true);
    v.setBigUint64(o + 56, BigInt(s.entsize), true);
  });
}
