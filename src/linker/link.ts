/**
 * Linker for relocatable BPF objects (`clang -target bpf -c`): upstream LLD cannot produce sBPF
 * shared objects, so this merges the objects' code and read-only data, resolves `R_BPF_64_64`
 * (lddw of data or function addresses) and `R_BPF_64_32` (calls), turns calls to undefined symbols
 * that name syscalls into syscalls (any other undefined symbol is an error), and writes a
 * deployable ELF through the project's writer (V3 strict by default, V0 dynamic on request). This
 * is the job bpf-linker does for Rust programs.
 */
import { WebsvmError } from '../errors.js';
import { writeElf, type ElfImage } from '../elf/writer.js';
import { hashSymbolName } from '../elf/murmur3.js';
import { R_BPF_64_32, R_BPF_64_64, Reader, readEhdr, readShdr } from '../elf/parser.js';
import { ElfError } from '../elf/errors.js';
import { SOLANA_SYSCALL_NAMES } from '../elf/syscall-names.js';
import { INSN_SIZE } from '../isa/constants.js';
import * as op from '../isa/opcodes.js';

/** Why a link failed. */
export class LinkError extends WebsvmError<
  'BadObject' | 'WritableSection' | 'UndefinedSymbol' | 'DuplicateSymbol' | 'UnsupportedRelocation' | 'NoEntrypoint'
> {}

/** Options of {@link link}. */
export interface LinkOptions {
  /** 3 (default): SIMD-0189 strict ELF with static syscalls; 0: dynamic ELF for today's mainnet loaders. */
  sbpfVersion?: 0 | 3;
  /** Name of the entry function. Default `entrypoint`. */
  entry?: string;
  /** Names an undefined function may have, each called as a syscall. Default: Agave's syscalls. */
  syscalls?: readonly string[];
}

const SHT_PROGBITS = 1;
const SHT_SYMTAB = 2;
const SHT_REL = 9;
const SHT_NOBITS = 8;
const SHF_WRITE = 1;
const SHF_ALLOC = 2;
const SHF_EXECINSTR = 4;
const SHN_UNDEF = 0;
const STB_LOCAL = 0;
const STT_FUNC = 2;
const STT_SECTION = 3;

interface ObjSection {
  name: string;
  type: number;
  flags: number;
  align: number;
  data: Uint8Array;
  info: number;
  link: number;
}
interface ObjSymbol {
  name: string;
  bind: number;
  type: number;
  shndx: number;
  value: number;
}
interface ObjectFile {
  file: string;
  sections: ObjSection[];
  symbols: ObjSymbol[];
}

function parseObject(bytes: Uint8Array, file: string): ObjectFile {
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

const alignUp = (n: number, a: number) => Math.ceil(n / a) * a;

/** Links relocatable BPF objects into a deployable sBPF ELF. Throws {@link LinkError}. */
export function link(objects: { bytes: Uint8Array; name?: string }[], opts: LinkOptions = {}): Uint8Array {
  const version = opts.sbpfVersion ?? 3;
  const entryName = opts.entry ?? 'entrypoint';
  const syscallNames = new Set(opts.syscalls ?? SOLANA_SYSCALL_NAMES);
  const objs = objects.map((o, i) => parseObject(o.bytes, o.name ?? `object #${i}`));

  // Layout: every executable section into text, every read-only allocated section into rodata.
  const placement = new Map<string, { where: 'text' | 'rodata'; at: number }>(); // key `${obj}:${sec}`
  let textLen = 0;
  let rodataLen = 0;
  objs.forEach((obj, oi) =>
    obj.sections.forEach((s, si) => {
      const alloc = (s.flags & SHF_ALLOC) !== 0;
      if (!alloc || s.data.length === 0) return;
      if (s.flags & SHF_EXECINSTR) {
        textLen = alignUp(textLen, INSN_SIZE);
        placement.set(`${oi}:${si}`, { where: 'text', at: textLen });
        textLen += s.data.length;
      } else if (s.flags & SHF_WRITE) {
        const sym = obj.symbols.find((y) => y.shndx === si && y.type !== STT_SECTION && y.name);
        throw new LinkError(
          'WritableSection',
          `${obj.file}: writable section ${s.name}${sym ? ` (symbol ${sym.name})` : ''} is not supported by sBPF; make the data const or use the stack/heap`,
        );
      } else if (s.type === SHT_PROGBITS) {
        rodataLen = alignUp(rodataLen, Math.min(s.align, 8));
        placement.set(`${oi}:${si}`, { where: 'rodata', at: rodataLen });
        rodataLen += s.data.length;
      }
    }),
  );
  const text = new Uint8Array(alignUp(textLen, INSN_SIZE));
  const rodata = new Uint8Array(alignUp(rodataLen, 8));
  objs.forEach((obj, oi) =>
    obj.sections.forEach((s, si) => {
      const p = placement.get(`${oi}:${si}`);
      if (p) (p.where === 'text' ? text : rodata).set(s.data, p.at);
    }),
  );

  // Global symbols.
  const globals = new Map<string, { where: 'text' | 'rodata'; offset: number; type: number }>();
  objs.forEach((obj, oi) =>
    obj.symbols.forEach((y) => {
      if (y.bind === STB_LOCAL || y.shndx === SHN_UNDEF || !y.name) return;
      const p = placement.get(`${oi}:${y.shndx}`);
      if (!p) return;
      if (globals.has(y.name)) throw new LinkError('DuplicateSymbol', `${obj.file}: duplicate symbol ${y.name}`);
      globals.set(y.name, { where: p.where, offset: p.at + y.value, type: y.type });
    }),
  );
  const resolve = (oi: number, y: ObjSymbol) => {
    if (y.shndx !== SHN_UNDEF) {
      const p = placement.get(`${oi}:${y.shndx}`);
      return p ? { where: p.where, offset: p.at + y.value, type: y.type } : undefined;
    }
    return globals.get(y.name);
  };

  const view = new DataView(text.buffer);
  const syscalls: NonNullable<ElfImage['syscalls']> = [];
  const addressRefs: NonNullable<ElfImage['addressRefs']> = [];
  objs.forEach((obj, oi) =>
    obj.sections.forEach((rel) => {
      if (rel.type !== SHT_REL) return;
      const target = placement.get(`${oi}:${rel.info}`);
      if (!target) return; // relocations of debug/BTF sections do not reach the program
      if (target.where !== 'text') {
        throw new LinkError('UnsupportedRelocation', `${obj.file}: relocations inside read-only data (${rel.name}) are not supported yet`);
      }
      const rv = new DataView(rel.data.buffer, rel.data.byteOffset, rel.data.byteLength);
      for (let o = 0; o + 16 <= rel.data.length; o += 16) {
        const offset = target.at + Number(rv.getBigUint64(o, true));
        const info = rv.getBigUint64(o + 8, true);
        const type = Number(info & 0xffffffffn);
        const sym = obj.symbols[Number(info >> 32n)];
        if (!sym) throw new LinkError('BadObject', `${obj.file}: relocation against a missing symbol`);
        const pc = offset / INSN_SIZE;
        const place = resolve(oi, sym);
        if (type === R_BPF_64_64) {
          if (!place) throw new LinkError('UndefinedSymbol', `${obj.file}: undefined symbol ${sym.name} (referenced by address)`);
          const addend = view.getUint32(offset + 4, true);
          const value = place.offset + addend;
          view.setUint32(offset + 4, value >>> 0, true);
          view.setUint32(offset + 12, 0, true);
          addressRefs.push({ pc, section: place.where });
        } else if (type === R_BPF_64_32) {
          if (text[offset] !== op.CALL_IMM) throw new LinkError('UnsupportedRelocation', `${obj.file}: R_BPF_64_32 on a non-call instruction`);
          if (place && place.where === 'text') {
            view.setInt32(offset + 4, place.offset / INSN_SIZE - pc - 1, true);
            text[offset + 1] = (text[offset + 1] & 0x0f) | 0x10; // src 1: internal call (required by V3, conventional in V0)
          } else if (place) {
            throw new LinkError('UnsupportedRelocation', `${obj.file}: call to ${sym.name}, which is read-only data, not a function`);
          } else if (!syscallNames.has(sym.name)) {
            // Left to the loader, the call would fail only when it runs (an unknown syscall in V3).
            throw new LinkError(
              'UndefinedSymbol',
              `${obj.file}: undefined symbol ${sym.name} (called at instruction ${pc}): no object defines it and no syscall has its name`,
            );
          } else if (version === 3) {
            text[offset + 1] &= 0x0f; // src 0: static syscall
            view.setUint32(offset + 4, hashSymbolName(sym.name), true);
          } else {
            text[offset + 1] &= 0x0f;
            syscalls.push({ pc, name: sym.name });
          }
        } else {
          throw new LinkError('UnsupportedRelocation', `${obj.file}: unsupported relocation type ${type} against ${sym.name || 'a section'}`);
        }
      }
    }),
  );
  const entry = globals.get(entryName);
  if (!entry || entry.where !== 'text') throw new LinkError('NoEntrypoint', `no global function named ${entryName}`);
  const functions = [...globals].filter(([, g]) => g.where === 'text' && g.type === STT_FUNC).map(([name, g]) => ({ name, pc: g.offset / INSN_SIZE }));
  return writeElf({ sbpfVersion: version, text, rodata, entryPc: entry.offset / INSN_SIZE, functions, syscalls, addressRefs });
}
