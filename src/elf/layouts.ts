/**
 * The ELF64 format as websvm reads and writes it, declared once (little-endian, as sBPF files are):
 * the structures (file header, program and section headers, symbols, relocations, dynamic
 * entries) and the values of their fields that websvm uses. Every reader and writer takes its
 * field offsets, sizes and values from here. The offsets are plain numbers fixed at load time, so
 * reading a field costs what a literal offset costs. 64-bit fields are numbers in memory (see
 * {@link u64Number}): sBPF files never need more than 2^53.
 */
import { bytes, layout, padding, u16, u32, u64Number, u8 } from '../runtime/codec.js';

/** `e_ident`: the magic, the file's class, data encoding and version, its OS ABI and ABI version, then padding. */
export const IDENT = layout({ magic: bytes(4), class: u8, data: u8, version: u8, osabi: u8, abiversion: u8, padding: padding(7) });
/** `\x7fELF`. */
export const ELF_MAGIC = Uint8Array.of(0x7f, 0x45, 0x4c, 0x46);
/** Whether `bytes` start with {@link ELF_MAGIC}. */
export const hasElfMagic = (bytes: Uint8Array): boolean => ELF_MAGIC.every((b, i) => bytes[IDENT.offsets.magic + i] === b);

/** `Elf64_Ehdr`. */
export const EHDR = layout({
  ident: IDENT,
  type: u16,
  machine: u16,
  version: u32,
  entry: u64Number,
  phoff: u64Number,
  shoff: u64Number,
  flags: u32,
  ehsize: u16,
  phentsize: u16,
  phnum: u16,
  shentsize: u16,
  shnum: u16,
  shstrndx: u16,
});

/** `Elf64_Phdr`. */
export const PHDR = layout({
  type: u32,
  flags: u32,
  offset: u64Number,
  vaddr: u64Number,
  paddr: u64Number,
  filesz: u64Number,
  memsz: u64Number,
  align: u64Number,
});

/** `Elf64_Shdr`. */
export const SHDR = layout({
  name: u32,
  type: u32,
  flags: u64Number,
  addr: u64Number,
  offset: u64Number,
  size: u64Number,
  link: u32,
  info: u32,
  addralign: u64Number,
  entsize: u64Number,
});

/** `Elf64_Sym`: `info` holds the binding in its high nibble and the type in its low one. */
export const SYM = layout({ name: u32, info: u8, other: u8, shndx: u16, value: u64Number, size: u64Number });

/**
 * `Elf64_Rel`. Its `r_info` is a u64 with the symbol index in the high half and the type in the
 * low half, so in little-endian bytes it is the type's u32, then the symbol's.
 */
export const REL = layout({ offset: u64Number, type: u32, sym: u32 });

/** `Elf64_Dyn`. */
export const DYN = layout({ tag: u64Number, value: u64Number });

export const ELFCLASS64 = 2;
export const ELFDATA2LSB = 1;
export const ELFOSABI_NONE = 0;
export const EV_CURRENT = 1;
export const ET_REL = 1;
export const ET_DYN = 3;
export const EM_BPF = 247;
export const EM_SBPF = 263;
export const PT_LOAD = 1;
export const PT_DYNAMIC = 2;
export const PF_X = 1;
export const PF_W = 2;
export const PF_R = 4;
export const SHT_NULL = 0;
export const SHT_PROGBITS = 1;
export const SHT_SYMTAB = 2;
export const SHT_STRTAB = 3;
export const SHT_DYNAMIC = 6;
export const SHT_NOBITS = 8;
export const SHT_REL = 9;
export const SHT_DYNSYM = 11;
export const SHF_WRITE = 1;
export const SHF_ALLOC = 2;
export const SHF_EXECINSTR = 4;
export const SHN_UNDEF = 0;
export const STB_LOCAL = 0;
export const STB_GLOBAL = 1;
export const STT_NOTYPE = 0;
export const STT_FUNC = 2;
export const STT_SECTION = 3;
/** A symbol's `st_info` from its binding and type. */
export const symbolInfo = (bind: number, type: number): number => (bind << 4) | type;
/** The binding (`STB_*`) in a symbol's `st_info`. */
export const symbolBind = (info: number): number => info >> 4;
/** The type (`STT_*`) in a symbol's `st_info`. */
export const symbolType = (info: number): number => info & 0xf;
export const DT_NULL = 0;
export const DT_STRTAB = 5;
export const DT_SYMTAB = 6;
export const DT_STRSZ = 10;
export const DT_SYMENT = 11;
export const DT_REL = 17;
export const DT_RELSZ = 18;
export const DT_RELENT = 19;
/** Tags at or above this are outside the table the reference keeps. */
export const DT_NUM = 35;
/** Relocation types of BPF ELFs. */
export const R_BPF_64_64 = 1;
export const R_BPF_64_RELATIVE = 8;
export const R_BPF_64_32 = 10;
/** Relocation types of debug sections in objects (LLVM's BPF backend). */
export const R_BPF_64_ABS64 = 2;
export const R_BPF_64_ABS32 = 3;
/** A 32-bit offset from the start of the symbol's section (BTF.ext instruction offsets). */
export const R_BPF_64_NODYLD32 = 4;
