/**
 * The ELF writer and the readers share one declaration of the ELF64 structures (src/elf/layouts.ts):
 * what writeElf writes, the parser, the loader and the debug-info reader read back field by field.
 */
import { describe, expect, it } from 'vitest';
import { readElfContents } from '../../src/debug/elf-sections.js';
import {
  EM_BPF,
  ET_DYN,
  PF_R,
  PF_W,
  PF_X,
  PT_DYNAMIC,
  PT_LOAD,
  R_BPF_64_32,
  R_BPF_64_RELATIVE,
  REL,
  SHT_DYNAMIC,
  SHT_DYNSYM,
  SHT_PROGBITS,
  SHT_REL,
  SHT_STRTAB,
  SHT_SYMTAB,
} from '../../src/elf/layouts.js';
import { loadElf } from '../../src/elf/loader.js';
import { hashSymbolName } from '../../src/elf/murmur3.js';
import { Elf64, Reader } from '../../src/elf/parser.js';
import { rodataAddress, textSectionAddress, writeElf, type ElfImage } from '../../src/elf/writer.js';
import { decodeInsn, encodeInsn, INSN_SIZE, MM_BYTECODE_START, op } from '../../src/isa/index.js';

/** lddw r1, <rodata + 2>; call sol_log_; call helper; exit; helper: exit. */
function program(sbpfVersion: 0 | 3): ElfImage {
  const text = new Uint8Array(6 * INSN_SIZE);
  encodeInsn(text, 0, { opc: op.LD_DW_IMM, dst: 1, src: 0, off: 0, imm: 2 });
  encodeInsn(text, 2, { opc: op.CALL_IMM, dst: 0, src: 0, off: 0, imm: sbpfVersion === 3 ? hashSymbolName('sol_log_') : 0 });
  encodeInsn(text, 3, { opc: op.CALL_IMM, dst: 0, src: 1, off: 0, imm: 1 });
  encodeInsn(text, 4, { opc: op.EXIT, dst: 0, src: 0, off: 0, imm: 0 });
  encodeInsn(text, 5, { opc: op.EXIT, dst: 0, src: 0, off: 0, imm: 0 });
  return {
    sbpfVersion,
    text,
    rodata: new TextEncoder().encode('hello'),
    entryPc: 0,
    functions:
      sbpfVersion === 3
        ? undefined
        : [
            { name: 'entrypoint', pc: 0 },
            { name: 'helper', pc: 5 },
          ],
    syscalls: sbpfVersion === 3 ? undefined : [{ pc: 2, name: 'sol_log_' }],
    addressRefs: [{ pc: 0, section: 'rodata' }],
    unloadedSections: [{ name: '.debug_abbrev', type: SHT_PROGBITS, data: Uint8Array.of(1, 2, 3) }],
    symbolTable: [
      { name: 'entrypoint', pc: 0, global: true },
      { name: 'helper', pc: 5, global: false },
    ],
  };
}

describe('writeElf read back', () => {
  it('V0: the parser reads the header, segments, sections, dynamic symbols and relocations it wrote', () => {
    const image = program(0);
    const bytes = writeElf(image);
    const elf = new Elf64(new Reader(bytes));
    const h = elf.header;
    expect([h.type, h.machine, h.flags]).toEqual([ET_DYN, EM_BPF, 0]);
    expect(h.entry).toBe(textSectionAddress(0));
    expect(elf.phdrs.map((p) => [p.type, p.flags])).toEqual([
      [PT_LOAD, PF_R | PF_X],
      [PT_LOAD, PF_R],
      [PT_LOAD, PF_R],
      [PT_DYNAMIC, PF_R | PF_W],
    ]);
    expect(elf.phdrs[0]).toMatchObject({ offset: textSectionAddress(0), vaddr: textSectionAddress(0), filesz: image.text.length, memsz: image.text.length });
    const sections = elf.shdrs.map((s) => [elf.sectionName(s.name), s.type]);
    expect(sections).toEqual([
      ['', 0],
      ['.text', SHT_PROGBITS],
      ['.rodata', SHT_PROGBITS],
      ['.dynamic', SHT_DYNAMIC],
      ['.dynsym', SHT_DYNSYM],
      ['.dynstr', SHT_STRTAB],
      ['.rel.dyn', SHT_REL],
      ['.debug_abbrev', SHT_PROGBITS],
      ['.symtab', SHT_SYMTAB],
      ['.strtab', SHT_STRTAB],
      ['.shstrtab', SHT_STRTAB],
    ]);
    const symbols = elf.dynamicSymbols!.map((s) => elf.dynamicSymbolName(s.name));
    expect(symbols).toEqual(['', 'entrypoint', 'helper', 'sol_log_']);
    const [start, end] = elf.dynamicRelocationTable!;
    const relocations = [];
    for (let o = start; o < end; o += REL.fixedSize) relocations.push(elf.relocationAt(o));
    const textAt = textSectionAddress(0);
    expect(relocations).toEqual([
      { offset: textAt + 2 * INSN_SIZE, type: R_BPF_64_32, sym: 3 },
      { offset: textAt, type: R_BPF_64_RELATIVE, sym: 0 },
    ]);
  });

  it('V0: the loader resolves what was written (entry, functions, the syscall, the rodata address)', () => {
    const exe = loadElf(writeElf(program(0)));
    expect(exe.entryPc).toBe(0);
    expect([...exe.syscallNames.values()]).toEqual(['sol_log_']);
    expect([...exe.functions.values()].map((f) => f.pc).sort()).toEqual([0, 5]);
    const lddw = BigInt(decodeInsn(exe.text, 0).imm >>> 0) | (BigInt(decodeInsn(exe.text, 1).imm >>> 0) << 32n);
    expect(lddw).toBe(BigInt(rodataAddress(0, exe.text.length) + 2));
  });

  it.each([0, 3] as const)('V%i: the debug-info reader finds the unloaded sections and the symbol table', (v) => {
    const contents = readElfContents(writeElf(program(v)));
    expect([...contents.sections.get('.debug_abbrev')!.data]).toEqual([1, 2, 3]);
    expect(contents.sections.get('.text')!.addr).toBe(textSectionAddress(v));
    const symtab = contents.functions.filter((f) => f.size > 0);
    expect(symtab).toEqual([
      { name: 'helper', address: textSectionAddress(v) + 5 * INSN_SIZE, size: INSN_SIZE },
      { name: 'entrypoint', address: textSectionAddress(v), size: 5 * INSN_SIZE },
    ]);
  });

  it('V3: the strict loader accepts the header and segments, and maps the rodata at 0', () => {
    const exe = loadElf(writeElf(program(3)));
    expect(exe.sbpfVersion).toBe(3);
    expect(exe.textVaddr).toBe(MM_BYTECODE_START);
    expect(exe.programRegions.map((r) => r.vaddr)).toEqual([0]);
    expect(new TextDecoder().decode(exe.programRegions[0].bytes.subarray(0, 5))).toBe('hello');
    expect(exe.syscallNames.get(hashSymbolName('sol_log_'))).toBe('sol_log_');
    expect(decodeInsn(exe.text, 0).imm).toBe(2); // rodata's offset is its address
  });
});
