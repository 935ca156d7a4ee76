/**
 * `websvm link` and debug information: the DWARF and BTF sections of clang-19 `-g` objects
 * (fixtures/debuginfo: programs/debuginfo compiled with -gdwarf-5, committed so CI needs no
 * compiler) are kept and relocated; LLVM's verifier and bpftool read the output when installed.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readBtf } from '../../src/debug/btf.js';
import { readElfContents } from '../../src/debug/elf-sections.js';
import { INSN_SIZE, link, LinkError, linkWithDebugFile, loadElf, SourceMap } from '../../src/index.js';
import { DWARFDUMP } from '../helpers/dwarfdump.js';
import { thrown } from '../helpers/errors.js';

const objects = ['checks', 'main', 'math'].map((n) => ({ name: `${n}.c`, bytes: readFileSync(new URL(`./fixtures/debuginfo/${n}.o`, import.meta.url)) }));
const committed = (name: string) => new Uint8Array(readFileSync(new URL(`../../programs/bin/${name}`, import.meta.url)));

/** Section names of an ELF, in order. */
function sectionNames(elf: Uint8Array): string[] {
  const v = new DataView(elf.buffer, elf.byteOffset, elf.byteLength);
  const shoff = Number(v.getBigUint64(40, true));
  const shnum = v.getUint16(60, true);
  const names = Number(v.getBigUint64(shoff + 64 * v.getUint16(62, true) + 24, true));
  return Array.from({ length: shnum }, (_, i) => {
    const at = names + v.getUint32(shoff + 64 * i, true);
    return new TextDecoder().decode(elf.subarray(at, elf.indexOf(0, at)));
  });
}

/** Runs a tool on `elf` written to a file; undefined when the tool is not installed. */
function tool(command: string, args: string[], elf: Uint8Array): string | undefined {
  const path = join(mkdtempSync(join(tmpdir(), 'websvm-debug-')), 'prog.so');
  writeFileSync(path, elf);
  try {
    return execFileSync(command, [...args, path], { encoding: 'utf8', stdio: 'pipe' });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  }
}

describe('link() with debug information', () => {
  it('keeps every DWARF and BTF section, relocated, and a symbol table (what build:programs committed)', () => {
    const elf = link(objects, { sbpfVersion: 3 });
    expect(elf).toEqual(committed('debuginfo.v3.so'));
    expect(sectionNames(elf)).toEqual(
      expect.arrayContaining([
        '.debug_info',
        '.debug_abbrev',
        '.debug_line',
        '.debug_line_str',
        '.debug_str',
        '.debug_str_offsets',
        '.debug_addr',
        '.debug_rnglists',
        '.debug_frame',
        '.BTF',
        '.BTF.ext',
        '.symtab',
        '.strtab',
      ]),
    );
    const verified = tool(DWARFDUMP, ['--verify'], elf);
    if (verified !== undefined) expect(verified).toContain('No errors.');
  });

  it('merges the BTF of several objects into one that bpftool reads, every object’s functions in it', () => {
    const elf = link(objects, { sbpfVersion: 3 });
    const dump = tool('bpftool', ['btf', 'dump', 'file'], elf);
    if (dump === undefined) return; // bpftool is not installed
    for (const f of ['checked_sum', 'require_sorted', 'entrypoint', 'weigh', 'store_at', 'scatter', 'average'])
      expect(dump).toMatch(new RegExp(`FUNC '${f}' type_id=\\d+ linkage=global`));
  });

  it('merges the BTF into one that websvm’s BTF reader reads back: every function at its linked slot, lines in every object’s file', () => {
    const elf = link(objects, { sbpfVersion: 3 });
    const { sections } = readElfContents(elf);
    const btf = readBtf(sections.get('.BTF')!.data, sections.get('.BTF.ext')!.data);
    const dwarf = SourceMap.fromElf(elf, { exe: loadElf(elf) });
    expect(btf.functions.map((f) => ({ name: f.name, pc: f.offset / INSN_SIZE }))).toEqual(dwarf.functions().map(({ name, pc }) => ({ name, pc })));
    const files = new Set(btf.lines.map((l) => l.file));
    for (const object of ['checks.c', 'main.c', 'math.c']) expect(files).toContain(`programs/debuginfo/${object}`);
  });

  it('refuses DWARF 5 in V0 output, whose loader cannot read .debug_str_offsets’ name', () => {
    const e = thrown(LinkError, () => link(objects, { sbpfVersion: 0 }));
    expect(e.kind).toBe('UnloadableDebugSection');
    expect(e.message).toContain('-gdwarf-4');
  });

  it('strips on request, or writes a separate .debug file beside a stripped program', () => {
    const stripped = link(objects, { sbpfVersion: 0, debugInfo: 'strip' });
    expect(sectionNames(stripped).some((n) => n.startsWith('.debug_'))).toBe(false);
    const { program, debug } = linkWithDebugFile(objects, { sbpfVersion: 0 });
    expect(program).toEqual(stripped);
    expect(program).toEqual(committed('debuginfo.split.so'));
    expect(debug).toEqual(committed('debuginfo.split.debug'));
    loadElf(program, { deployment: true });
    expect(SourceMap.fromElf(program).hasLines).toBe(false);
    expect(SourceMap.fromElf(program, { debugFile: debug }).hasLines).toBe(true);
  });
});
