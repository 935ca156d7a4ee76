/**
 * `loadElf`: turns sBPF ELF bytes into an {@link Executable} the way solana-sbpf's
 * `Executable::load` does with Agave's configuration (`optimize_rodata: false`, no symbol labels
 * except as names for disassembly): the lenient parser for V0–V2 (validation, relocation, function
 * registry, read-only image) and the strict SIMD-0189 parser for V3+.
 */
import { sha256 } from '../crypto/sha256.js';
import { bytesToHex } from '@noble/hashes/utils.js';
import type { Executable, FunctionEntry } from '../executable.js';
import { INSN_SIZE, MM_BYTECODE_START, MM_REGION_SIZE, MM_RODATA_START, MM_STACK_START } from '../isa/constants.js';
import * as op from '../isa/opcodes.js';
import { SBPFVersion, enableStricterElfHeaders, versionFromElfFlags } from '../isa/version.js';
import { ElfError, elfError, parserError } from './errors.js';
import { hashPc, hashSymbolName } from './murmur3.js';
import {
  EHDR_SIZE,
  ELFCLASS64,
  ELFDATA2LSB,
  ELFOSABI_NONE,
  EM_BPF,
  EM_SBPF,
  ET_DYN,
  EV_CURRENT,
  Elf64,
  PF_R,
  PF_X,
  PHDR_SIZE,
  PT_LOAD,
  Reader,
  SHF_ALLOC,
  SHF_WRITE,
  STT_FUNC,
  readEhdr,
  readPhdr,
  sectionFileRange,
  type Shdr,
} from './parser.js';
import { SOLANA_SYSCALL_NAMES } from './syscall-names.js';

/** Options of {@link loadElf}. */
export interface LoadElfOptions {
  /** Enabled version range, inclusive. Default [0, 4] (solana-sbpf's default configuration). */
  sbpfVersions?: [min: number, max: number];
  /**
   * Deployment checks (`reject_broken_elfs`): `sh_addr == sh_offset` for read-only sections,
   * non-overlapping read-only sections, and every syscall symbol known (see `syscalls`).
   */
  deployment?: boolean;
  /** Syscall names considered registered when `deployment` is set. Default: Agave's set minus `sol_alloc_free_`. */
  syscalls?: readonly string[];
}

const R_BPF_64_64 = 1;
const R_BPF_64_RELATIVE = 8;
const R_BPF_64_32 = 10;
const RO_SECTIONS = new Set(['.text', '.rodata', '.data.rel.ro', '.eh_frame']);

/** Loads an sBPF ELF. Throws {@link ElfError} for every malformed or unsupported input. */
export function loadElf(bytes: Uint8Array, opts: LoadElfOptions = {}): Executable {
  try {
    return load(bytes, opts);
  } catch (e) {
    if (e instanceof ElfError) throw e;
    // A bounds slip in our own parsing must still surface as a typed error.
    if (e instanceof RangeError) throw elfError.valueOutOfBounds();
    throw e;
  }
}

function load(input: Uint8Array, opts: LoadElfOptions): Executable {
  if (input.length < 52) throw parserError('OutOfBounds');
  const flags = new DataView(input.buffer, input.byteOffset, input.byteLength).getUint32(48, true);
  const version = versionFromElfFlags(flags);
  const [min, max] = opts.sbpfVersions ?? [0, 4];
  if (version === SBPFVersion.Reserved || version < min || version > max) {
    throw new ElfError('UnsupportedSBPFVersion', 'Detected sbpf_version required by the executable which are not enabled');
  }
  // Relocations write into our own copy (`slice` would alias a Node Buffer).
  const bytes = new Uint8Array(input);
  const exe = enableStricterElfHeaders(version) ? loadStrict(bytes, version) : loadLenient(bytes, version, opts);
  return { ...exe, contentHash: bytesToHex(sha256(input)) };
}

type Loaded = Omit<Executable, 'contentHash'>;

function loadStrict(bytes: Uint8Array, version: SBPFVersion): Loaded {
  const r = new Reader(bytes);
  const h = readEhdr(r);
  const phEnd = EHDR_SIZE + PHDR_SIZE * h.phnum;
  const id = h.ident;
  const padZero = id.subarray(9, 16).every((b) => b === 0);
  if (
    !(id[0] === 0x7f && id[1] === 0x45 && id[2] === 0x4c && id[3] === 0x46) ||
    id[4] !== ELFCLASS64 ||
    id[5] !== ELFDATA2LSB ||
    id[6] !== EV_CURRENT ||
    id[7] !== ELFOSABI_NONE ||
    id[8] !== 0 ||
    !padZero ||
    h.machine !== EM_BPF ||
    h.version !== EV_CURRENT ||
    h.phoff !== EHDR_SIZE ||
    h.ehsize !== EHDR_SIZE ||
    h.phentsize !== PHDR_SIZE ||
    h.phnum === 0 ||
    phEnd > bytes.length
  ) {
    throw parserError('InvalidFileHeader');
  }
  const phdrs = Array.from({ length: h.phnum }, (_, i) => readPhdr(r, EHDR_SIZE + i * PHDR_SIZE));
  const expected: [number, number][] = [
    [PF_R, MM_RODATA_START],
    [PF_X, MM_BYTECODE_START],
  ];
  const skipRodata = phdrs[0].flags !== PF_R;
  if (!skipRodata && h.phnum < 2) throw parserError('InvalidFileHeader');
  const wanted = skipRodata ? expected.slice(1) : expected;
  let expectedOffset = phEnd;
  for (let i = 0; i < Math.min(phdrs.length, wanted.length); i++) {
    const p = phdrs[i];
    const [pFlags, pVaddr] = wanted[i];
    if (
      p.type !== PT_LOAD ||
      p.flags !== pFlags ||
      p.offset !== expectedOffset ||
      p.offset >= bytes.length ||
      p.offset % INSN_SIZE !== 0 ||
      p.vaddr !== pVaddr ||
      p.paddr !== pVaddr ||
      p.filesz !== p.memsz ||
      p.filesz > bytes.length - p.offset ||
      p.filesz % INSN_SIZE !== 0 ||
      p.memsz >= MM_REGION_SIZE
    ) {
      throw parserError('InvalidProgramHeader');
    }
    expectedOffset += p.filesz;
  }
  const code = skipRodata ? phdrs[0] : phdrs[1];
  const rodata = skipRodata ? new Uint8Array(0) : bytes.subarray(phdrs[0].offset, phdrs[0].offset + phdrs[0].filesz);
  const lastByte = h.entry + INSN_SIZE - 1;
  if (!(lastByte >= code.vaddr && lastByte < code.vaddr + code.memsz) || h.entry % INSN_SIZE !== 0) {
    throw parserError('InvalidFileHeader');
  }
  const text = bytes.subarray(code.offset, code.offset + code.filesz);
  return {
    sbpfVersion: version,
    text,
    textVaddr: code.vaddr,
    entryPc: Math.floor((h.entry - code.vaddr) / INSN_SIZE),
    programRegions: [{ vaddr: MM_RODATA_START, bytes: rodata }],
    functions: new Map(),
    syscallNames: new Map(),
  };
}

function loadLenient(bytes: Uint8Array, version: SBPFVersion, opts: LoadElfOptions): Loaded {
  const elf = new Elf64(new Reader(bytes));
  const deployment = opts.deployment === true;
  validate(elf, bytes);
  const text = section(elf, '.text');
  const textVaddr = text.addr + MM_REGION_SIZE;
  if ((deployment && text.addr !== text.offset) || textVaddr >= MM_STACK_START) throw elfError.valueOutOfBounds();

  const functions = new Map<number, FunctionEntry>();
  const known = new Set((opts.syscalls ?? SOLANA_SYSCALL_NAMES.filter((n) => n !== 'sol_alloc_free_')).map(hashSymbolName));
  // Function keys share the `call` immediate space with the loader's syscalls.
  const register = (key: number, pc: number, name: string) => {
    if (known.has(key)) throw elfError.collision(key);
    const existing = functions.get(key);
    if (existing && existing.pc !== pc) throw elfError.collision(key);
    if (!existing) functions.set(key, { pc, name });
    return key;
  };
  const syscallNames = new Map<number, string>();
  const functionNames = functionSymbolNames(elf, text);
  relocate(elf, bytes, text, deployment, known, register, syscallNames, functionNames);

  const entryOffset = elf.header.entry - text.addr;
  if (entryOffset % INSN_SIZE !== 0 || entryOffset < 0) throw new ElfError('InvalidEntrypoint', 'Invalid entrypoint');
  const entryPc = entryOffset / INSN_SIZE;
  const entryKey = hashSymbolName('entrypoint');
  functions.delete(entryKey);
  register(entryKey, entryPc, 'entrypoint');

  const image = readOnlyImage(elf, bytes, deployment);
  const textStart = text.addr;
  return {
    sbpfVersion: version,
    text: image.subarray(textStart, textStart + text.size),
    textVaddr,
    entryPc,
    programRegions: [{ vaddr: MM_BYTECODE_START, bytes: image }],
    functions,
    syscallNames,
  };
}

function section(elf: Elf64, name: string): Shdr {
  for (const s of elf.shdrs) if (elf.sectionName(s.name) === name) return s;
  throw elfError.sectionNotFound(name);
}

/** Names for function entry points, from `.dynsym` (names only serve disassembly and diagnostics). */
function functionSymbolNames(elf: Elf64, text: Shdr): Map<number, string> {
  const names = new Map<number, string>();
  for (const sym of elf.dynamicSymbols ?? []) {
    if ((sym.info & 0xf) !== STT_FUNC || sym.value < text.addr || sym.value >= text.addr + text.size) continue;
    try {
      const name = elf.dynamicSymbolName(sym.name);
      if (name) names.set((sym.value - text.addr) / INSN_SIZE, name);
    } catch {
      // A name we cannot read only costs this label.
    }
  }
  return names;
}

/** `Executable::validate`. */
function validate(elf: Elf64, bytes: Uint8Array): void {
  const h = elf.header;
  if (h.ident[4] !== ELFCLASS64) throw new ElfError('WrongClass', 'Incompatible ELF: wrong class');
  if (h.ident[5] !== ELFDATA2LSB) throw new ElfError('WrongEndianess', 'Incompatible ELF: wrong endianess');
  if (h.ident[7] !== ELFOSABI_NONE) throw new ElfError('WrongAbi', 'Incompatible ELF: wrong ABI');
  if (h.machine !== EM_BPF && h.machine !== EM_SBPF) throw new ElfError('WrongMachine', 'Incompatible ELF: wrong machine');
  if (h.type !== ET_DYN) throw new ElfError('WrongType', 'Incompatible ELF: wrong type');
  const names = elf.shdrs.map((s) => {
    try {
      return elf.sectionName(s.name);
    } catch {
      return undefined;
    }
  });
  if (names.filter((n) => n === '.text').length !== 1) {
    throw new ElfError('NotOneTextSection', 'Multiple or no text sections, consider removing llc option: -function-sections');
  }
  elf.shdrs.forEach((s, i) => {
    const name = names[i];
    if (name === undefined) return;
    const writable = (s.flags & (SHF_ALLOC | SHF_WRITE)) === (SHF_ALLOC | SHF_WRITE);
    if (name.startsWith('.bss') || (writable && name.startsWith('.data') && !name.startsWith('.data.rel'))) {
      throw new ElfError('WritableSectionNotSupported', `Found writable section (${name}) in ELF, read-write data not supported`);
    }
  });
  for (const s of elf.shdrs) if (s.offset + s.size > bytes.length) throw elfError.valueOutOfBounds();
  const text = section(elf, '.text');
  if (!(h.entry >= text.addr && h.entry < text.addr + text.size)) throw new ElfError('EntrypointOutOfBounds', 'Entrypoint out of bounds');
}

function relocate(
  elf: Elf64,
  bytes: Uint8Array,
  text: Shdr,
  deployment: boolean,
  known: Set<number>,
  register: (key: number, pc: number, name: string) => number,
  syscallNames: Map<number, string>,
  functionNames: Map<number, string>,
): void {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const [textStart, textEnd] = sectionFileRange(text);
  if (textEnd > bytes.length) throw elfError.valueOutOfBounds();
  const count = Math.floor((textEnd - textStart) / INSN_SIZE);
  const nameOf = (pc: number) => functionNames.get(pc) ?? `function_${pc}`;
  // Pc-relative calls: register the target under murmur3(pc) and patch the key into imm.
  for (let i = 0; i < count; i++) {
    const o = textStart + i * INSN_SIZE;
    if (bytes[o] !== op.CALL_IMM) continue;
    const imm = view.getInt32(o + 4, true);
    if (imm === -1) continue;
    const target = i + 1 + imm;
    if (target < 0 || target >= count) {
      throw new ElfError('RelativeJumpOutOfBounds', `Relative jump out of bounds at instruction #${i}`);
    }
    view.setUint32(o + 4, register(hashPc(target), target, nameOf(target)), true);
  }
  const check = (o: number, len: number) => {
    if (o < 0 || o + len > bytes.length) throw elfError.valueOutOfBounds();
  };
  const inText = (o: number) => o >= textStart && o < textEnd;
  for (const rel of elf.dynamicRelocations) {
    const imm = rel.offset + 4;
    switch (rel.type) {
      case R_BPF_64_64: {
        check(imm, 4);
        const sym = elf.dynamicSymbols?.[rel.sym];
        if (!sym) throw elfError.unknownSymbol(rel.sym);
        let addr = sym.value + view.getUint32(imm, true);
        if (addr < MM_REGION_SIZE) addr += MM_REGION_SIZE;
        check(imm + INSN_SIZE, 4);
        view.setUint32(imm, addr % MM_REGION_SIZE, true);
        view.setUint32(imm + INSN_SIZE, Math.floor(addr / MM_REGION_SIZE), true);
        break;
      }
      case R_BPF_64_RELATIVE:
        if (inText(rel.offset)) {
          check(imm, 4);
          check(imm + INSN_SIZE, 4);
          let addr = view.getUint32(imm, true) + view.getUint32(imm + INSN_SIZE, true) * MM_REGION_SIZE;
          if (addr === 0) throw new ElfError('InvalidVirtualAddress', 'Relocation failed, invalid referenced virtual address 0x0');
          if (addr < MM_REGION_SIZE) addr += MM_REGION_SIZE;
          view.setUint32(imm, addr % MM_REGION_SIZE, true);
          view.setUint32(imm + INSN_SIZE, Math.floor(addr / MM_REGION_SIZE), true);
        } else {
          // Outside .text (e.g. .data.rel.ro): a 32-bit offset becomes a 64-bit program address.
          check(imm, 4);
          const addr = MM_REGION_SIZE + view.getUint32(imm, true);
          check(rel.offset, 8);
          view.setUint32(rel.offset, addr % MM_REGION_SIZE, true);
          view.setUint32(rel.offset + 4, Math.floor(addr / MM_REGION_SIZE), true);
        }
        break;
      case R_BPF_64_32: {
        const sym = elf.dynamicSymbols?.[rel.sym];
        if (!sym) throw elfError.unknownSymbol(rel.sym);
        let name: string;
        try {
          name = elf.dynamicSymbolName(sym.name);
        } catch {
          throw elfError.unknownSymbol(sym.name);
        }
        let key: number;
        if ((sym.info & 0xf) === STT_FUNC && sym.value !== 0) {
          if (!(sym.value >= text.addr && sym.value < text.addr + text.size)) throw elfError.valueOutOfBounds();
          const pc = Math.floor((sym.value - text.addr) / INSN_SIZE);
          key = register(hashPc(pc), pc, name || nameOf(pc));
        } else {
          key = hashSymbolName(name);
          if (deployment && !known.has(key)) {
            throw new ElfError(
              'UnresolvedSymbol',
              `Unresolved symbol (${name}) at instruction #${Math.floor(rel.offset / INSN_SIZE)} (ELF file offset 0x${rel.offset.toString(16)})`,
            );
          }
          syscallNames.set(key, name);
        }
        check(imm, 4);
        view.setUint32(imm, key, true);
        break;
      }
      default:
        throw new ElfError('UnknownRelocation', `Relocation failed, unknown type ${rel.type}`);
    }
  }
}

/** `parse_ro_sections` with `optimize_rodata = false`: one image from vaddr 0 to the highest ro byte. */
function readOnlyImage(elf: Elf64, bytes: Uint8Array, deployment: boolean): Uint8Array {
  let lowest = Infinity;
  let highest = 0;
  let fill = 0;
  let invalidOffsets = false;
  const slices: [number, Uint8Array][] = [];
  for (const s of elf.shdrs) {
    let name: string | undefined;
    try {
      name = elf.sectionName(s.name);
    } catch {
      name = undefined;
    }
    if (name === undefined || !RO_SECTIONS.has(name)) continue;
    if (s.addr !== s.offset) invalidOffsets = true;
    if ((deployment && invalidOffsets) || s.addr + MM_REGION_SIZE > MM_STACK_START) throw elfError.valueOutOfBounds();
    const [start, end] = sectionFileRange(s);
    if (end > bytes.length) throw elfError.valueOutOfBounds();
    const data = bytes.subarray(start, end);
    lowest = Math.min(lowest, s.addr);
    highest = Math.max(highest, s.addr + data.length);
    fill += data.length;
    if (data.length > 0) slices.push([s.addr, data]);
  }
  if (deployment && lowest + fill > highest) throw elfError.valueOutOfBounds();
  if (highest > bytes.length) throw elfError.valueOutOfBounds();
  const image = new Uint8Array(highest);
  for (const [addr, data] of slices) image.set(data, addr);
  return image;
}
