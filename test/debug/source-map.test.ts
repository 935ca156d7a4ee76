/**
 * The DWARF reader against LLVM: programs/debuginfo (three C files, clang-19 -g -O1, linked by
 * `websvm link`) as V0 with DWARF 4, V3 with DWARF 5, and a stripped V0 with a separate DWARF 5
 * `.debug` file. Line tables must match `llvm-dwarfdump-19 --debug-line` row for row: run here
 * when LLVM is installed, else read from the table `npm run build:programs` committed.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { DebugInfoError, SourceMap } from '../../src/debug/index.js';
import { loadElf } from '../../src/elf/loader.js';
import { dumpDebugLine, symbolizeSlots, type DumpedLineTable } from '../helpers/dwarfdump.js';
import { textSectionAddress } from '../../src/elf/writer.js';
import { thrown } from '../helpers/errors.js';

const bin = (name: string) => new URL(`../../programs/bin/${name}`, import.meta.url);
const read = (name: string) => new Uint8Array(readFileSync(bin(name)));
const committed = JSON.parse(readFileSync(bin('debuginfo.lines.json'), 'utf8')) as Record<string, DumpedLineTable[]>;
const committedFrames = JSON.parse(readFileSync(bin('debuginfo.frames.json'), 'utf8')) as Record<string, string[][]>;

const builds = [
  { name: 'V0, DWARF 4 inside', elf: 'debuginfo.so', dwarf: 'debuginfo.so' },
  { name: 'V3, DWARF 5 inside', elf: 'debuginfo.v3.so', dwarf: 'debuginfo.v3.so' },
  { name: 'stripped V0 with a DWARF 5 .debug file', elf: 'debuginfo.split.so', dwarf: 'debuginfo.split.debug', debugFile: 'debuginfo.split.debug' },
];

function sourceMap(b: (typeof builds)[number]): SourceMap {
  const elf = read(b.elf);
  return SourceMap.fromElf(elf, { exe: loadElf(elf), debugFile: b.debugFile ? read(b.debugFile) : undefined });
}

/** Slot of a function by name (the same in every build: the code does not depend on -g). */
const pcOf = (name: string) => [...loadElf(read('debuginfo.so')).functions.values()].find((f) => f.name === name)!.pc;

describe.each(builds)('$name', (b) => {
  const map = sourceMap(b);
  it('reads every line table row as llvm-dwarfdump-19 does', () => {
    const live = dumpDebugLine(new URL(bin(b.dwarf)).pathname);
    if (live) expect(committed[b.dwarf]).toEqual(live); // the committed table is current
    const expected = live ?? committed[b.dwarf];
    const tables = map.lineTables();
    expect(tables.map((t) => `0x${t.offset.toString(16).padStart(8, '0')}`)).toEqual(expected.map((t) => t.offset));
    tables.forEach((t, i) => {
      const rows = t.rows.map((r) => ({
        address: `0x${r.address.toString(16).padStart(16, '0')}`,
        line: r.line,
        column: r.column,
        file: r.file,
        endSequence: r.endSequence,
      }));
      expect(rows).toEqual(expected[i].rows);
      for (const [index, name] of Object.entries(expected[i].files))
        expect(t.files.get(Number(index))).toMatch(new RegExp(`(^|/)${name.replace(/[.]/g, '\\.')}$`));
    });
    expect(tables.flatMap((t) => t.rows).length).toBeGreaterThan(50);
  });
  it('names the function and source line of a slot', () => {
    const store = pcOf('store_at');
    expect(map.locate(store)).toEqual([{ pc: store, function: 'store_at', file: 'programs/debuginfo/math.c', line: 7, column: 33, inlined: false }]);
    expect(map.locate(store + 1)[0]).toMatchObject({ function: 'store_at', line: 8 });
    expect(map.locate(pcOf('weigh'))[0]).toMatchObject({ function: 'weigh', file: 'programs/debuginfo/math.c', line: 4 });
  });
  it('expands inlined code into frames, innermost first, with the call site in the caller', () => {
    const entry = pcOf('entrypoint');
    const frames = map.locate(entry);
    expect(frames.map((f) => [f.function, f.inlined])).toEqual([
      ['parse_input', true],
      ['entrypoint', false],
    ]);
    expect(frames[0].file).toBe('programs/include/websvm.h');
    expect(frames[1]).toMatchObject({ file: 'programs/debuginfo/main.c', line: 15 });
  });
});

describe.each([
  ['debuginfo.so', 0],
  ['debuginfo.v3.so', 3],
] as const)('%s against llvm-symbolizer-19 --inlining', (name, version) => {
  it('gives every slot the same frames: function, file, line and column, inlined ones included', () => {
    const elf = read(name);
    const exe = loadElf(elf);
    const slots = exe.text.length / 8;
    const live = symbolizeSlots(new URL(bin(name)).pathname, textSectionAddress(version), slots);
    if (live) expect(committedFrames[name]).toEqual(live);
    const expected = (live ?? committedFrames[name]).map((frames) => frames.map((f) => f.replace('/debuginfo/../include/', '/include/')));
    const map = SourceMap.fromElf(elf, { exe });
    const ours = Array.from({ length: slots }, (_, pc) => map.locate(pc).map((f) => `${f.function} ${f.file}:${f.line ?? 0}:${f.column ?? 0}`));
    expect(ours).toEqual(expected);
    expect(expected.some((frames) => frames.length > 1)).toBe(true); // inlined code is covered
  });
});

describe.each(['debuginfo', 'typed', 'values'])('%s with DWARF 3 (V0)', (name) => {
  it('has the frames and the variables in scope that DWARF 4 gives, at every slot', () => {
    const [four, three] = [read(`${name}.so`), read(`${name}.dwarf3.so`)].map((elf) => ({ exe: loadElf(elf), elf }));
    expect(three!.exe.text).toEqual(four!.exe.text); // the code does not depend on the DWARF version
    const [m4, m3] = [four!, three!].map(({ elf, exe }) => SourceMap.fromElf(elf, { exe }));
    const names = (m: SourceMap, pc: number) => m.variablesAt(pc).map((frame) => frame.map((v) => v.name));
    for (let pc = 0; pc < four!.exe.text.length / 8; pc++) {
      expect(m3!.locate(pc), `slot ${pc}`).toEqual(m4!.locate(pc));
      expect(names(m3!, pc), `slot ${pc}`).toEqual(names(m4!, pc));
    }
  });
});

describe('without DWARF', () => {
  it('a stripped program is named from its symbols, then the loader registry, then pcs', () => {
    const elf = read('debuginfo.split.so');
    const exe = loadElf(elf);
    const map = SourceMap.fromElf(elf, { exe });
    expect(map.hasLines).toBe(false);
    const weigh = pcOf('weigh');
    expect(map.locate(weigh + 1)).toEqual([{ pc: weigh + 1, function: 'weigh', inlined: false }]);
    expect(SourceMap.fromExecutable(exe).locate(weigh)[0].function).toBe('weigh');
    const v3 = loadElf(read('calls.v3.so'));
    expect(SourceMap.fromExecutable(v3).locate(0)[0]).toMatchObject({ pc: 0, inlined: false });
  });
});

describe('malformed debug information', () => {
  it('is refused with a DebugInfoError', () => {
    const elf = read('debuginfo.v3.so');
    expect(thrown(DebugInfoError, () => SourceMap.fromElf(elf.subarray(0, 100))).kind).toBe('MalformedElf');
    const debugFile = read('debuginfo.split.debug');
    // Cut .debug_info's first unit length to something past the section's end.
    const at = Buffer.from(debugFile).indexOf(Buffer.from([0x05, 0x00, 0x01, 0x08])) - 4;
    const broken = Uint8Array.from(debugFile);
    new DataView(broken.buffer).setUint32(at, 0xfff0_0000, true);
    expect(thrown(DebugInfoError, () => SourceMap.fromElf(read('debuginfo.split.so'), { debugFile: broken })).kind).toBe('MalformedDwarf');
  });
});
