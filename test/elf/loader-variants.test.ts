/**
 * ElfError variants reached by patching ELFs our writer produced: relocation failures, section
 * rules and symbol lookups (solana-sbpf `elf.rs` `validate` and `relocate`).
 */
import { describe, expect, it } from 'vitest';
import { assembleToElf, ElfError, loadElf, writeElf } from '../../src/index.js';
import { thrown } from '../helpers/errors.js';

const elfError = (f: () => unknown) => thrown(ElfError, f);

interface Section {
  name: string;
  at: number; // header offset
  offset: number;
  size: number;
}
function sections(elf: Uint8Array): Section[] {
  const v = new DataView(elf.buffer, elf.byteOffset);
  const shoff = Number(v.getBigUint64(40, true));
  const n = v.getUint16(60, true);
  const strtab = Number(v.getBigUint64(shoff + 64 * v.getUint16(62, true) + 24, true));
  return Array.from({ length: n }, (_, i) => {
    const at = shoff + 64 * i;
    const nameAt = strtab + v.getUint32(at, true);
    const name = new TextDecoder().decode(elf.subarray(nameAt, elf.indexOf(0, nameAt)));
    return { name, at, offset: Number(v.getBigUint64(at + 24, true)), size: Number(v.getBigUint64(at + 32, true)) };
  });
}
const find = (elf: Uint8Array, name: string) => sections(elf).find((s) => s.name === name)!;
/** Renames a section in place by overwriting its name bytes (same length). */
function rename(elf: Uint8Array, from: string, to: string): Uint8Array {
  const out = elf.slice();
  const v = new DataView(out.buffer);
  const shoff = Number(v.getBigUint64(40, true));
  const strtab = Number(v.getBigUint64(shoff + 64 * v.getUint16(62, true) + 24, true));
  const at = strtab + v.getUint32(find(out, from).at, true);
  out.set(new TextEncoder().encode(to), at);
  return out;
}

// A V0 program with a syscall relocation, an internal call and a rodata reference.
const withRelocations = () => {
  const text = new Uint8Array(6 * 8);
  const v = new DataView(text.buffer);
  const put = (pc: number, bytes: number[], imm = 0) => {
    text.set(bytes, pc * 8);
    v.setInt32(pc * 8 + 4, imm, true);
  };
  put(0, [0x18, 0x01], 0); // lddw r1, rodata+0
  put(1, [0x00]);
  put(2, [0x85, 0x00], -1); // call sol_log_
  put(3, [0x85, 0x10], 1); // call +1 (pc 5)
  put(4, [0x95]);
  put(5, [0x95]);
  return writeElf({
    sbpfVersion: 0,
    text,
    rodata: new TextEncoder().encode('hi!'),
    entryPc: 0,
    syscalls: [{ pc: 2, name: 'sol_log_' }],
    addressRefs: [{ pc: 0, section: 'rodata' }],
  });
};

describe('relocation failures', () => {
  it('the unpatched program loads: rodata address, call key and syscall name are in place', () => {
    const exe = loadElf(withRelocations(), { deployment: true });
    const v = new DataView(exe.text.buffer, exe.text.byteOffset);
    const rodataAddr = 0x1_0000_0000 + find(withRelocations(), '.rodata').offset;
    expect(v.getUint32(4, true) + v.getUint32(12, true) * 2 ** 32).toBe(rodataAddr);
    expect(exe.syscallNames.get(v.getUint32(20, true))).toBe('sol_log_');
    expect(exe.functions.get(v.getUint32(28, true))?.pc).toBe(5);
  });
  it('UnknownRelocation', () => {
    const elf = withRelocations();
    const rel = find(elf, '.rel.dyn');
    elf[rel.offset + 8] = 5;
    expect(elfError(() => loadElf(elf))).toMatchObject({ kind: 'UnknownRelocation', message: 'Relocation failed, unknown type 5' });
  });
  it('UnknownSymbol', () => {
    const elf = withRelocations();
    const rel = find(elf, '.rel.dyn');
    new DataView(elf.buffer).setUint32(rel.offset + 12, 99, true); // syscall relocation → symbol 99
    expect(elfError(() => loadElf(elf))).toMatchObject({ kind: 'UnknownSymbol', message: 'Unknown symbol with index 99' });
  });
  it('InvalidVirtualAddress for an lddw relocated to address 0', () => {
    const elf = withRelocations();
    const text = find(elf, '.text');
    new DataView(elf.buffer).setUint32(text.offset + 4, 0, true);
    expect(elfError(() => loadElf(elf))).toMatchObject({ kind: 'InvalidVirtualAddress', message: 'Relocation failed, invalid referenced virtual address 0x0' });
  });
  it('relocations overwriting section or symbol names leave them as the unrelocated file has them (as the reference reads them)', () => {
    const elf = withRelocations();
    const rel = find(elf, '.rel.dyn');
    const v = new DataView(elf.buffer);
    let relative = rel.offset;
    while (v.getUint32(relative + 8, true) !== 8) relative += 16;
    for (const [section, name] of [
      ['.shstrtab', '.text'],
      ['.dynstr', 'sol_log_'],
    ]) {
      const patched = elf.slice();
      const table = find(patched, section);
      const at = Buffer.from(patched.buffer).indexOf(`\0${name}\0`, table.offset) + 1;
      new DataView(patched.buffer).setBigUint64(relative, BigInt(at), true); // 8 bytes written there
      const exe = loadElf(patched, { deployment: true });
      expect([...exe.syscallNames.values()]).toEqual(['sol_log_']);
    }
  });
  it('an lddw relocation keeps all 64 bits of an address above 2^53 (u64 arithmetic, as the reference)', () => {
    const elf = withRelocations();
    const text = find(elf, '.text');
    const v = new DataView(elf.buffer);
    v.setUint32(text.offset + 4, 0x1234_5677, true); // low half, odd
    v.setUint32(text.offset + 12, 0x40_0000, true); // high half: the address is above 2^53
    const exe = loadElf(elf);
    const out = new DataView(exe.text.buffer, exe.text.byteOffset);
    expect([out.getUint32(4, true), out.getUint32(12, true)]).toEqual([0x1234_5677, 0x40_0000]);
  });
  it('RelativeJumpOutOfBounds', () => {
    const elf = withRelocations();
    const text = find(elf, '.text');
    new DataView(elf.buffer).setInt32(text.offset + 3 * 8 + 4, 50, true);
    expect(elfError(() => loadElf(elf))).toMatchObject({ kind: 'RelativeJumpOutOfBounds', message: 'Relative jump out of bounds at instruction #3' });
  });
});

describe('section rules', () => {
  const elf = assembleToElf('mov r0, 0\nexit', { sbpfVersion: 0 });
  const rodataElf = withRelocations();
  it('NotOneTextSection', () => {
    expect(elfError(() => loadElf(rename(elf, '.text', '.txet')))).toMatchObject({
      kind: 'NotOneTextSection',
      message: 'Multiple or no text sections, consider removing llc option: -function-sections',
    });
  });
  it('WritableSectionNotSupported for .bss', () => {
    expect(elfError(() => loadElf(rename(rodataElf, '.rodata', '.bss_xx')))).toMatchObject({
      kind: 'WritableSectionNotSupported',
      message: 'Found writable section (.bss_xx) in ELF, read-write data not supported',
    });
  });
  it('WritableSectionNotSupported for writable .data, but not for .data.rel*', () => {
    const writable = rename(rodataElf, '.rodata', '.data_x');
    new DataView(writable.buffer).setBigUint64(find(writable, '.data_x').at + 8, 3n, true);
    expect(elfError(() => loadElf(writable)).kind).toBe('WritableSectionNotSupported');
  });
  it('deployment rejects read-only sections whose address differs from their offset', () => {
    const moved = rodataElf.slice();
    const v = new DataView(moved.buffer);
    const ro = find(moved, '.rodata');
    v.setBigUint64(ro.at + 16, BigInt(ro.offset + 8), true);
    expect(elfError(() => loadElf(moved, { deployment: true })).kind).toBe('ValueOutOfBounds');
    expect(() => loadElf(moved)).not.toThrow();
  });
  it('deployment rejects unknown syscalls; execution loading defers them', () => {
    const unknown = assembleToElf('syscall not_a_syscall\nexit', { sbpfVersion: 0 });
    expect(elfError(() => loadElf(unknown, { deployment: true })).kind).toBe('UnresolvedSymbol');
    expect(loadElf(unknown).syscallNames.size).toBe(1);
  });
});
