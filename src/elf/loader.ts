/**
 * `loadElf`: turns sBPF ELF bytes into an {@link Executable} the way solana-sbpf's
 * `Executable::load` does with Agave's configuration (`optimize_rodata: false`, no symbol labels
 * except as names for disassembly): the lenient parser for V0–V2 (validation, relocation, function
 * registry, read-only image) and the strict SIMD-0189 parser for V3+.
 */
import { refused, toArray, toBoolean, toBytes, toChecked, toEach, toInteger, toOptional, toText } from '../arguments.js';
import type { Executable, FunctionEntry } from '../executable.js';
import { INSN_SIZE, MM_BYTECODE_START, MM_REGION_SIZE, MM_RODATA_START, MM_STACK_START } from '../isa/constants.js';
import { slotCount } from '../isa/instruction.js';
import * as op from '../isa/opcodes.js';
import { immAt, opcodeAt, SLOT, srcAt } from '../isa/slot.js';
import { SBPFVersion, enableStricterElfHeaders, versionFromElfFlags } from '../isa/version.js';
import { sha256Hex } from '../crypto/sha256.js';
import { rememberProgramElf } from '../debug/program-sources.js';
import { ElfError, elfError, parserError } from './errors.js';
import {
  EHDR,
  ELFCLASS64,
  ELFDATA2LSB,
  ELFOSABI_NONE,
  EM_BPF,
  EM_SBPF,
  ET_DYN,
  EV_CURRENT,
  hasElfMagic,
  IDENT,
  PF_R,
  PF_X,
  PT_LOAD,
  R_BPF_64_32,
  R_BPF_64_64,
  R_BPF_64_RELATIVE,
  REL,
  SHF_ALLOC,
  SHF_WRITE,
  STT_FUNC,
  symbolType,
} from './layouts.js';
import { hashPc, hashSymbolName } from './murmur3.js';
import { EHDR_SIZE, Elf64, PHDR_SIZE, Reader, readEhdr, readPhdr, sectionFileRange, REL_SIZE, type Shdr } from './parser.js';
import { SOLANA_SYSCALL_NAMES, syscallNameByHash } from './syscall-names.js';

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

const I = IDENT.offsets;
const REL_AT = REL.offsets;

const RO_SECTIONS = new Set(['.text', '.rodata', '.data.rel.ro', '.eh_frame']);

/** Loads an sBPF ELF. Throws {@link ElfError} for every malformed or unsupported input. */
export function loadElf(bytes: Uint8Array, opts: LoadElfOptions = {}): Executable {
  const input = toBytes(bytes, 'bytes');
  const options = toChecked<LoadElfOptions>(opts, 'opts', 'load options or undefined', 'opts', {
    sbpfVersions: (v, name) => toOptional(v, name, toVersionRange),
    deployment: (v, name) => toOptional(v, name, toBoolean),
    syscalls: (v, name) => toOptional(v, name, (list, at) => toEach(list, at, 'an array of syscall names', (s, n) => toText(s, n))),
  });
  try {
    return load(input, options);
  } catch (e) {
    if (e instanceof ElfError) throw e;
    // A bounds slip in our own parsing must still surface as a typed error.
    if (e instanceof RangeError) throw elfError.valueOutOfBounds();
    throw e;
  }
}

/** A `[min, max]` pair of sBPF version numbers. */
function toVersionRange(value: unknown, name: string): [min: number, max: number] {
  const pair = toArray(value, name, 'a [min, max] pair of sBPF versions');
  if (pair.length !== 2) throw refused(name, 'a [min, max] pair of sBPF versions', value);
  return [toInteger(pair[0], `${name}[0]`, 0, 4), toInteger(pair[1], `${name}[1]`, 0, 4)];
}

function load(input: Uint8Array, opts: LoadElfOptions): Executable {
  if (input.length < EHDR.offsets.ehsize) throw parserError('OutOfBounds'); // e_flags ends where e_ehsize starts
  const flags = new DataView(input.buffer, input.byteOffset, input.byteLength).getUint32(EHDR.offsets.flags, true);
  const version = versionFromElfFlags(flags);
  const [min, max] = opts.sbpfVersions ?? [0, 4];
  if (version === SBPFVersion.Reserved || version < min || version > max) {
    throw new ElfError('UnsupportedSBPFVersion', 'Detected sbpf_version required by the executable which are not enabled');
  }
  // Relocations write into our own copy (`slice` would alias a Node Buffer).
  const bytes = new Uint8Array(input);
  const loaded = enableStricterElfHeaders(version) ? loadStrict(bytes, version) : loadLenient(input, bytes, version, opts);
  const exe = { ...loaded, contentHash: sha256Hex(input) };
  rememberProgramElf(exe, input); // for source mapping, read only if asked for
  return exe;
}

type Loaded = Omit<Executable, 'contentHash'>;

function loadStrict(bytes: Uint8Array, version: SBPFVersion): Loaded {
  const r = new Reader(bytes);
  const h = readEhdr(r);
  const phEnd = EHDR_SIZE + PHDR_SIZE * h.phnum;
  const id = h.ident;
  const padZero = id.subarray(I.padding).every((b) => b === 0);
  if (
    !hasElfMagic(id) ||
    id[I.class] !== ELFCLASS64 ||
    id[I.data] !== ELFDATA2LSB ||
    id[I.version] !== EV_CURRENT ||
    id[I.osabi] !== ELFOSABI_NONE ||
    id[I.abiversion] !== 0 ||
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
  const [first, second] = phdrs;
  if (first === undefined) throw parserError('InvalidFileHeader'); // phnum 0 was refused with the header
  const skipRodata = first.flags !== PF_R;
  // Read-only data first needs the code in a second header.
  const code = skipRodata ? first : second;
  if (code === undefined) throw parserError('InvalidFileHeader');
  const wanted = skipRodata ? expected.slice(1) : expected;
  let expectedOffset = phEnd;
  for (const [i, [pFlags, pVaddr]] of wanted.entries()) {
    const p = phdrs[i];
    if (p === undefined) break;
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
  const rodata = skipRodata ? new Uint8Array(0) : bytes.subarray(first.offset, first.offset + first.filesz);
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
    syscallNames: staticSyscallNames(text),
  };
}

/** Names of the Agave syscalls V3 code calls (`call` with src 0 carries the name's hash). */
function staticSyscallNames(text: Uint8Array): Map<number, string> {
  const names = new Map<number, string>();
  for (let pc = 0; pc < slotCount(text); pc++) {
    if (opcodeAt(text, pc) !== op.CALL_IMM || srcAt(text, pc) !== 0) continue;
    const hash = immAt(text, pc) >>> 0;
    const name = syscallNameByHash(hash);
    if (name !== undefined) names.set(hash, name);
  }
  return names;
}

/**
 * The lenient loader. As in the reference, the ELF is parsed from the caller's unrelocated `input`
 * (relocation entries and symbol names are read from there) while relocations patch `bytes`.
 */
function loadLenient(input: Uint8Array, bytes: Uint8Array, version: SBPFVersion, opts: LoadElfOptions): Loaded {
  const elf = new Elf64(new Reader(input));
  const deployment = opts.deployment === true;
  validate(elf, bytes);
  const text = section(elf, '.text');
  const textVaddr = text.addr + MM_REGION_SIZE;
  if ((deployment && text.addr !== text.offset) || textVaddr >= MM_STACK_START) throw elfError.valueOutOfBounds();

  const known = opts.syscalls ? new Set(opts.syscalls.map(hashSymbolName)) : defaultSyscallKeys();
  const registry = new FunctionRegistry(known, functionSymbolNames(elf, text));
  const syscallNames = new Map<number, string>();
  relocate({ elf, bytes, text, deployment, known, registry, syscallNames });

  const entryOffset = elf.header.entry - text.addr;
  if (entryOffset % INSN_SIZE !== 0 || entryOffset < 0) throw new ElfError('InvalidEntrypoint', 'Invalid entrypoint');
  const entryPc = entryOffset / INSN_SIZE;
  const entryKey = hashSymbolName('entrypoint');
  const functions = registry.functions;
  functions.delete(entryKey);
  registry.register(entryKey, entryPc, 'entrypoint');

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

/**
 * The function registry relocation fills. A class, not closures made per load: the relocation
 * loops then call the same functions for every program, which V8 keeps optimised across loads.
 */
class FunctionRegistry {
  readonly functions = new Map<number, FunctionEntry>();

  constructor(
    /** Keys of the loader's syscalls: function keys share the `call` immediate space with them. */
    private readonly syscallKeys: ReadonlySet<number>,
    /** Symbol names of function entry points, by pc. */
    private readonly names: ReadonlyMap<number, string>,
  ) {}

  /** Registers the function at `pc` under `key`; returns the key. */
  register(key: number, pc: number, name: string): number {
    if (this.syscallKeys.has(key)) throw elfError.collision(key);
    const existing = this.functions.get(key);
    if (existing && existing.pc !== pc) throw elfError.collision(key);
    if (!existing) this.functions.set(key, { pc, name });
    return key;
  }

  /** Label of the function at `pc`. */
  nameOf(pc: number): string {
    return this.names.get(pc) ?? `function_${pc}`;
  }
}

let defaultKeys: ReadonlySet<number> | undefined;

/** Keys of the syscalls a deployment may call by default: Agave's set minus `sol_alloc_free_`. */
function defaultSyscallKeys(): ReadonlySet<number> {
  return (defaultKeys ??= new Set(SOLANA_SYSCALL_NAMES.filter((n) => n !== 'sol_alloc_free_').map(hashSymbolName)));
}

function section(elf: Elf64, name: string): Shdr {
  for (const s of elf.shdrs) if (elf.sectionName(s.name) === name) return s;
  throw elfError.sectionNotFound(name);
}

/** Names for function entry points, from `.dynsym` (names only serve disassembly and diagnostics). */
function functionSymbolNames(elf: Elf64, text: Shdr): Map<number, string> {
  const names = new Map<number, string>();
  for (const sym of elf.dynamicSymbols ?? []) {
    if (symbolType(sym.info) !== STT_FUNC || sym.value < text.addr || sym.value >= text.addr + text.size) continue;
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
  if (h.ident[I.class] !== ELFCLASS64) throw new ElfError('WrongClass', 'Incompatible ELF: wrong class');
  if (h.ident[I.data] !== ELFDATA2LSB) throw new ElfError('WrongEndianess', 'Incompatible ELF: wrong endianess');
  if (h.ident[I.osabi] !== ELFOSABI_NONE) throw new ElfError('WrongAbi', 'Incompatible ELF: wrong ABI');
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

/** What relocation reads (the unrelocated ELF), patches (`bytes`) and fills in (functions, syscall names). */
interface Relocation {
  elf: Elf64;
  bytes: Uint8Array;
  text: Shdr;
  deployment: boolean;
  /** Keys of the syscalls a deployment may call. */
  known: ReadonlySet<number>;
  registry: FunctionRegistry;
  syscallNames: Map<number, string>;
}

function relocate(ctx: Relocation): void {
  const [textStart, textEnd] = sectionFileRange(ctx.text);
  if (textEnd > ctx.bytes.length) throw elfError.valueOutOfBounds();
  relocateCalls(ctx, textStart, textEnd);
  applyDynamicRelocations(ctx, textStart, textEnd);
}

/**
 * Pc-relative calls: registers each target under murmur3(pc) and patches the key into the
 * immediate. The scan jumps natively from one CALL_IMM byte to the next (only those starting a
 * slot are calls), and each target is registered once: programs call a few hundred functions from
 * thousands of sites.
 */
function relocateCalls({ bytes, registry }: Relocation, textStart: number, textEnd: number): void {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const count = Math.floor((textEnd - textStart) / INSN_SIZE);
  const keyOfTarget = new Map<number, number>();
  const slotsEnd = textStart + count * INSN_SIZE;
  for (let o = bytes.indexOf(op.CALL_IMM, textStart); o >= 0 && o < slotsEnd; o = bytes.indexOf(op.CALL_IMM, o + 1)) {
    if ((o - textStart) % INSN_SIZE !== 0) continue;
    const i = (o - textStart) / INSN_SIZE;
    const imm = view.getInt32(o + SLOT.imm, true);
    if (imm === -1) continue;
    const target = i + 1 + imm;
    if (target < 0 || target >= count) {
      throw new ElfError('RelativeJumpOutOfBounds', `Relative jump out of bounds at instruction #${i}`);
    }
    let key = keyOfTarget.get(target);
    if (key === undefined) keyOfTarget.set(target, (key = registry.register(hashPc(target), target, registry.nameOf(target))));
    view.setUint32(o + SLOT.imm, key, true);
  }
}

/** Throws unless `[o, o + len)` lies inside `bytes`. */
function needInside(bytes: Uint8Array, o: number, len: number): void {
  if (o < 0 || o + len > bytes.length) throw elfError.valueOutOfBounds();
}

/**
 * The dynamic relocation table, applied in order. Entries are read in place from the
 * unrelocated ELF (a program has thousands; an object per entry costs more than the patch).
 */
function applyDynamicRelocations(ctx: Relocation, textStart: number, textEnd: number): void {
  const { elf, bytes } = ctx;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const table = elf.r.view;
  // R_BPF_64_32 resolves the same few symbols (syscalls, mostly) at many sites: each symbol once.
  const keyOfSymbol = new Map<number, number>();
  const [relStart, relEnd] = elf.dynamicRelocationTable ?? [0, 0];
  for (let entry = relStart; entry < relEnd; entry += REL_SIZE) {
    const offset = table.getUint32(entry + REL_AT.offset, true) + table.getUint32(entry + REL_AT.offset + 4, true) * 0x1_0000_0000;
    const type = table.getUint32(entry + REL_AT.type, true);
    const sym = table.getUint32(entry + REL_AT.sym, true);
    const imm = offset + SLOT.imm; // the patched slot's immediate (an lddw's low half; its high half is a slot further)
    switch (type) {
      case R_BPF_64_64: {
        needInside(bytes, imm, 4);
        const symbol = elf.dynamicSymbols?.[sym];
        if (!symbol) throw elfError.unknownSymbol(sym);
        let addr = symbol.value + view.getUint32(imm, true);
        if (addr < MM_REGION_SIZE) addr += MM_REGION_SIZE;
        needInside(bytes, imm + INSN_SIZE, 4);
        view.setUint32(imm, addr % MM_REGION_SIZE, true);
        view.setUint32(imm + INSN_SIZE, Math.floor(addr / MM_REGION_SIZE), true);
        break;
      }
      case R_BPF_64_RELATIVE:
        if (offset >= textStart && offset < textEnd) {
          // An lddw's two immediates hold a 64-bit address; one below MM_REGION_SIZE (high half
          // zero) is moved up by MM_REGION_SIZE, i.e. its high half becomes 1.
          needInside(bytes, imm, 4);
          needInside(bytes, imm + INSN_SIZE, 4);
          const high = view.getUint32(imm + INSN_SIZE, true);
          if (high === 0 && view.getUint32(imm, true) === 0)
            throw new ElfError('InvalidVirtualAddress', 'Relocation failed, invalid referenced virtual address 0x0');
          if (high === 0) view.setUint32(imm + INSN_SIZE, 1, true);
        } else {
          // Outside .text (e.g. .data.rel.ro): a 32-bit offset becomes the 64-bit program address
          // MM_REGION_SIZE + offset, written over the whole 8-byte word.
          needInside(bytes, imm, 4);
          const low = view.getUint32(imm, true);
          needInside(bytes, offset, 8);
          view.setBigUint64(offset, BigInt(MM_REGION_SIZE + low), true);
        }
        break;
      case R_BPF_64_32: {
        let key = keyOfSymbol.get(sym);
        if (key === undefined) {
          key = resolveCallSymbol(ctx, sym, offset);
          keyOfSymbol.set(sym, key);
        }
        needInside(bytes, imm, 4);
        view.setUint32(imm, key, true);
        break;
      }
      default:
        throw new ElfError('UnknownRelocation', `Relocation failed, unknown type ${type}`);
    }
  }
}

/** The call key of an R_BPF_64_32 symbol: a function's registered pc key, or a syscall's name hash. */
function resolveCallSymbol({ elf, text, deployment, known, registry, syscallNames }: Relocation, symbolIndex: number, offset: number): number {
  const sym = elf.dynamicSymbols?.[symbolIndex];
  if (!sym) throw elfError.unknownSymbol(symbolIndex);
  let name: string;
  try {
    name = elf.dynamicSymbolName(sym.name);
  } catch {
    throw elfError.unknownSymbol(sym.name);
  }
  if (symbolType(sym.info) === STT_FUNC && sym.value !== 0) {
    if (!(sym.value >= text.addr && sym.value < text.addr + text.size)) throw elfError.valueOutOfBounds();
    const pc = Math.floor((sym.value - text.addr) / INSN_SIZE);
    return registry.register(hashPc(pc), pc, name || registry.nameOf(pc));
  }
  const key = hashSymbolName(name);
  if (deployment && !known.has(key)) {
    throw new ElfError(
      'UnresolvedSymbol',
      `Unresolved symbol (${name}) at instruction #${Math.floor(offset / INSN_SIZE)} (ELF file offset 0x${offset.toString(16)})`,
    );
  }
  syscallNames.set(key, name);
  return key;
}

/** `parse_ro_sections` with `optimize_rodata = false`: one image from vaddr 0 to the highest ro byte. */
function readOnlyImage(elf: Elf64, bytes: Uint8Array, deployment: boolean): Uint8Array {
  let lowest = Infinity;
  let highest = 0;
  let fill = 0;
  let invalidOffsets = false;
  const slices: [addr: number, start: number, end: number][] = [];
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
    lowest = Math.min(lowest, s.addr);
    highest = Math.max(highest, s.addr + (end - start));
    fill += end - start;
    if (end > start) slices.push([s.addr, start, end]);
  }
  if (deployment && lowest + fill > highest) throw elfError.valueOutOfBounds();
  if (highest > bytes.length) throw elfError.valueOutOfBounds();
  if (slices.every(([addr, start]) => addr === start)) {
    // Every section at its file offset (what linkers produce): the relocated copy becomes the
    // image once the bytes outside the sections are zeroed, sparing a second copy of the program.
    slices.sort((a, b) => a[0] - b[0]);
    let covered = 0;
    for (const [addr, , end] of slices) {
      if (addr > covered) bytes.fill(0, covered, addr);
      covered = Math.max(covered, end);
    }
    if (covered < highest) bytes.fill(0, covered, highest);
    return bytes.subarray(0, highest);
  }
  const image = new Uint8Array(highest);
  for (const [addr, start, end] of slices) image.set(bytes.subarray(start, end), addr);
  return image;
}
