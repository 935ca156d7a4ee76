/**
 * Linker for relocatable BPF objects (`clang -target bpf -c`): upstream LLD cannot produce sBPF
 * shared objects, so this merges the objects' code and read-only data, resolves `R_BPF_64_64`
 * (lddw of data or function addresses) and `R_BPF_64_32` (calls), turns calls to undefined symbols
 * that name syscalls into syscalls (any other undefined symbol is an error), and writes a
 * deployable ELF through the project's writer (V3 strict by default, V0 dynamic on request). This
 * is the job bpf-linker does for Rust programs.
 */
import { toBytes, toChecked, toEach, toOneOf, toOptional, toText } from '../arguments.js';
import { rodataSectionAddress, textSectionAddress, writeElf, type ElfImage } from '../elf/writer.js';
import { hashSymbolName } from '../elf/murmur3.js';
import {
  R_BPF_64_32,
  R_BPF_64_64,
  SHF_ALLOC,
  SHF_EXECINSTR,
  SHF_WRITE,
  SHN_UNDEF,
  SHT_PROGBITS,
  SHT_REL,
  STB_LOCAL,
  STT_FUNC,
  STT_SECTION,
} from '../elf/layouts.js';
import { SOLANA_SYSCALL_NAMES } from '../elf/syscall-names.js';
import { INSN_SIZE } from '../isa/constants.js';
import * as op from '../isa/opcodes.js';
import { immAt, opcodeAt, setImmAt, setLddwValue, setSrcAt } from '../isa/slot.js';
import { mergeDebugSections } from './debug-sections.js';
import { LinkError } from './errors.js';
import { parseObject, relocationsOf, type ObjSymbol } from './object.js';

export { LinkError };

/** Options of {@link link}. */
export interface LinkOptions {
  /** 3 (default): SIMD-0189 strict ELF with static syscalls; 0: dynamic ELF for today's mainnet loaders. */
  sbpfVersion?: 0 | 3;
  /** Name of the entry function. Default `entrypoint`. */
  entry?: string;
  /** Names an undefined function may have, each called as a syscall. Default: Agave's syscalls. */
  syscalls?: readonly string[];
  /**
   * `'keep'` (default): the objects' DWARF and BTF sections, relocated, and a symbol table of every
   * function go into the output (as `clang -g` objects carry them); `'strip'`: neither.
   */
  debugInfo?: 'keep' | 'strip';
}

/** The longest section name the sBPF V0–V2 loader reads (it fails on a longer one). */
const LOADABLE_SECTION_NAME_LENGTH = 15;

const alignUp = (n: number, a: number) => Math.ceil(n / a) * a;

/**
 * Links relocatable BPF objects into a deployable sBPF ELF. Throws {@link LinkError}, also when
 * debug sections are kept in V0 output and one has a name the loader refuses (DWARF 5's
 * `.debug_str_offsets`): compile with `-gdwarf-4`, link for V3, or use {@link linkWithDebugFile}.
 */
export function link(objects: { bytes: Uint8Array; name?: string }[], opts: LinkOptions = {}): Uint8Array {
  const elf = linkImage(objects, opts);
  const tooLong = elf.unloadedSections?.find((s) => s.name.length > LOADABLE_SECTION_NAME_LENGTH);
  if (tooLong && elf.sbpfVersion === 0) {
    throw new LinkError(
      'UnloadableDebugSection',
      `debug section ${tooLong.name} has a name longer than the ${LOADABLE_SECTION_NAME_LENGTH} bytes the sBPF V0 loader accepts; compile with -gdwarf-4, link for sBPF V3, or write the debug information to a separate file`,
    );
  }
  return writeElf(elf);
}

/**
 * Links as {@link link} does, but returns the program without debug information and, beside it,
 * the same program with its debug information (the separate `.debug` file that tools read next to
 * a stripped `.so`, never deployed, so any section name is allowed).
 */
export function linkWithDebugFile(
  objects: { bytes: Uint8Array; name?: string }[],
  opts: Omit<LinkOptions, 'debugInfo'> = {},
): { program: Uint8Array; debug: Uint8Array } {
  const elf = linkImage(objects, { ...toLinkOptions(opts), debugInfo: 'keep' });
  return { program: writeElf({ ...elf, unloadedSections: undefined }), debug: writeElf(elf) };
}

/** The objects to link, each `{ bytes, name? }`, refused with kind `InvalidArgument` otherwise. */
const toObjects = (value: unknown): { bytes: Uint8Array; name?: string }[] =>
  toEach(value, 'objects', 'an array of objects { bytes, name? }', (o, at) =>
    toChecked(o, at, 'an object file { bytes, name? }', at, { bytes: toBytes, name: (v, name) => toOptional(v, name, toText) }),
  );

/** {@link LinkOptions}, each field checked. */
const toLinkOptions = (value: unknown): LinkOptions =>
  toChecked<LinkOptions>(value, 'opts', 'link options or undefined', 'opts', {
    sbpfVersion: (v, name) => toOptional(v, name, (n, at) => toOneOf(n, at, [0, 3] as const)),
    entry: (v, name) => toOptional(v, name, toText),
    syscalls: (v, name) => toOptional(v, name, (l, at) => toEach(l, at, 'an array of syscall names', (s, n) => toText(s, n))),
    debugInfo: (v, name) => toOptional(v, name, (d, at) => toOneOf(d, at, ['keep', 'strip'] as const)),
  });

function linkImage(unchecked: { bytes: Uint8Array; name?: string }[], uncheckedOpts: LinkOptions): ElfImage {
  const objects = toObjects(unchecked);
  const opts = toLinkOptions(uncheckedOpts);
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
  const resolve = (oi: number, y: ObjSymbol): { where: 'text' | 'rodata'; offset: number; type: number } | undefined => {
    if (y.shndx !== SHN_UNDEF) {
      const p = placement.get(`${oi}:${y.shndx}`);
      return p ? { where: p.where, offset: p.at + y.value, type: y.type } : undefined;
    }
    return globals.get(y.name);
  };

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
      for (const r of relocationsOf(rel)) {
        const offset = target.at + r.offset;
        const type = r.type;
        const sym = obj.symbols[r.sym];
        if (!sym) throw new LinkError('BadObject', `${obj.file}: relocation against a missing symbol`);
        const pc = offset / INSN_SIZE;
        const slots = type === R_BPF_64_64 ? 2 : type === R_BPF_64_32 ? 1 : 0; // an lddw takes two
        if (offset + slots * INSN_SIZE > text.length) throw new LinkError('BadObject', `${obj.file}: relocation in ${rel.name} outside the linked text`);
        const place = resolve(oi, sym);
        if (type === R_BPF_64_64) {
          if (!place) throw new LinkError('UndefinedSymbol', `${obj.file}: undefined symbol ${sym.name} (referenced by address)`);
          const value = place.offset + (immAt(text, pc) >>> 0); // the addend is in the low half
          setLddwValue(text, pc, value % 2 ** 32); // a 32-bit offset: the high half is 0
          addressRefs.push({ pc, section: place.where });
        } else if (type === R_BPF_64_32) {
          if (opcodeAt(text, pc) !== op.CALL_IMM) throw new LinkError('UnsupportedRelocation', `${obj.file}: R_BPF_64_32 on a non-call instruction`);
          if (place && place.where === 'text') {
            setImmAt(text, pc, place.offset / INSN_SIZE - pc - 1);
            setSrcAt(text, pc, 1); // an internal call (required by V3, conventional in V0)
          } else if (place) {
            throw new LinkError('UnsupportedRelocation', `${obj.file}: call to ${sym.name}, which is read-only data, not a function`);
          } else if (!syscallNames.has(sym.name)) {
            // Left to the loader, the call would fail only when it runs (an unknown syscall in V3).
            throw new LinkError(
              'UndefinedSymbol',
              `${obj.file}: undefined symbol ${sym.name} (called at instruction ${pc}): no object defines it and no syscall has its name`,
            );
          } else if (version === 3) {
            setSrcAt(text, pc, 0); // a static syscall
            setImmAt(text, pc, hashSymbolName(sym.name));
          } else {
            setSrcAt(text, pc, 0);
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
  const image: ElfImage = { sbpfVersion: version, text, rodata, entryPc: entry.offset / INSN_SIZE, functions, syscalls, addressRefs };
  if (opts.debugInfo === 'strip') return image;
  const base = { text: textSectionAddress(version), rodata: rodataSectionAddress(version, text.length) };
  const debugSections = mergeDebugSections(objs, (oi, sym) => {
    const p = resolve(oi, sym);
    return p && { address: base[p.where] + p.offset, offset: p.offset };
  });
  // Every function, static ones included, for names where there is no DWARF.
  const symbolTable = objs.flatMap((obj, oi) =>
    obj.symbols.flatMap((y) => {
      const p = y.type === STT_FUNC && y.shndx !== SHN_UNDEF && y.name ? resolve(oi, y) : undefined;
      return p?.where === 'text' ? [{ name: y.name, pc: p.offset / INSN_SIZE, global: y.bind !== STB_LOCAL }] : [];
    }),
  );
  return debugSections.length ? { ...image, unloadedSections: debugSections, symbolTable } : image;
}
