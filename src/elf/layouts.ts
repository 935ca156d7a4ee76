/**
 * The ELF64 structures websvm reads and writes, declared once (little-endian, as sBPF files are):
 * every reader and writer of ELF headers, section and program headers, symbols and relocations
 * takes its field offsets and sizes from here. The offsets are plain numbers fixed at load time,
 * so reading a field costs what a literal offset costs.
 */
import { bytes, layout, u16, u32, u64, u8 } from '../runtime/codec.js';

/** `Elf64_Ehdr`. */
export const EHDR = layout({
  ident: bytes(16),
  type: u16,
  machine: u16,
  version: u32,
  entry: u64,
  phoff: u64,
  shoff: u64,
  flags: u32,
  ehsize: u16,
  phentsize: u16,
  phnum: u16,
  shentsize: u16,
  shnum: u16,
  shstrndx: u16,
});

/** `Elf64_Phdr`. */
export const PHDR = layout({ type: u32, flags: u32, offset: u64, vaddr: u64, paddr: u64, filesz: u64, memsz: u64, align: u64 });

/** `Elf64_Shdr`. */
export const SHDR = layout({
  name: u32,
  type: u32,
  flags: u64,
  addr: u64,
  offset: u64,
  size: u64,
  link: u32,
  info: u32,
  addralign: u64,
  entsize: u64,
});

/** `Elf64_Sym`. */
export const SYM = layout({ name: u32, info: u8, other: u8, shndx: u16, value: u64, size: u64 });

/** `Elf64_Rel`: `info` holds the symbol index in its high half and the type in its low half. */
export const REL = layout({ offset: u64, info: u64 });
/** Where a relocation's type and symbol index sit (the low and high u32 of `r_info`). */
export const REL_TYPE = REL.offsets.info;
export const REL_SYM = REL.offsets.info + 4;

/** `Elf64_Dyn`. */
export const DYN = layout({ tag: u64, value: u64 });
