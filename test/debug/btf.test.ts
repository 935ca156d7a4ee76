/**
 * BTF as the second source of functions and lines: programs/debuginfo with its DWARF sections
 * renamed away must name the same functions from `.BTF`/`.BTF.ext` and the same line wherever
 * DWARF gives one (BTF has no line-0 rows: such code keeps the line before it), coverage then
 * reports source files; malformed BTF only ever throws DebugInfoError.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { InstructionHarness } from '../../src/api/harness.js';
import { readBtf } from '../../src/debug/btf.js';
import { readElfContents } from '../../src/debug/elf-sections.js';
import { evaluateLocation } from '../../src/debug/locations.js';
import { Coverage, DebugInfoError, SourceMap } from '../../src/index.js';
import { loadElf } from '../../src/elf/loader.js';
import { withoutDwarf } from '../helpers/encoding.js';

const read = (name: string) => new Uint8Array(readFileSync(new URL(`../../programs/bin/${name}`, import.meta.url)));

/** A program, and its source maps with its DWARF and with only its BTF. */
function withAndWithoutDwarf(name: string) {
  const elf = read(name);
  const exe = loadElf(elf);
  return { elf, exe, dwarf: SourceMap.fromElf(elf, { exe }), btf: SourceMap.fromElf(withoutDwarf(elf), { exe }) };
}

describe.each(['debuginfo.so', 'debuginfo.v3.so'])('%s without DWARF', (name) => {
  const { elf, exe, dwarf, btf } = withAndWithoutDwarf(name);

  it('names the functions DWARF names, at the same slots', () => {
    expect(btf.lineTables()).toEqual([]);
    expect(btf.functions().map(({ name: n, pc }) => ({ n, pc }))).toEqual(dwarf.functions().map(({ name: n, pc }) => ({ n, pc })));
    expect(btf.functions().map((f) => f.name)).toContain('weigh');
  });

  it('gives each slot the line DWARF gives it, where DWARF gives one', () => {
    const slots = exe.text.length / 8;
    let compared = 0;
    for (let pc = 0; pc < slots; pc++) {
      const expected = dwarf.lineAt(pc);
      if (!expected) continue;
      expect(btf.lineAt(pc), `slot ${pc}`).toEqual(expected);
      compared++;
    }
    expect(compared).toBeGreaterThan(80);
  });

  it('lets coverage report source files', () => {
    const harness = new InstructionHarness();
    const coverage = new Coverage();
    harness.runtime.config.coverage = coverage;
    const program = 'Prog111111111111111111111111111111111111111';
    harness.addProgram(program, withoutDwarf(elf));
    harness.process({ programId: program, keys: [], data: Uint8Array.from([0, 1, 2, 3, 4, 5]) }, []);
    expect([...coverage.report().files.keys()].sort()).toEqual([
      'programs/debuginfo/checks.c',
      'programs/debuginfo/main.c',
      'programs/debuginfo/math.c',
      'programs/include/websvm.h',
    ]);
    expect(coverage.lcov()).toContain('FNDA:5,weigh\n');
  });
});

describe('readBtf', () => {
  it('throws only DebugInfoError on mutated or truncated sections', () => {
    const { sections } = readElfContents(read('debuginfo.so'));
    const btf = sections.get('.BTF')!.data;
    const ext = sections.get('.BTF.ext')!.data;
    expect(readBtf(btf, ext).functions.length).toBe(7);
    let seed = 7;
    const random = (n: number) => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) % n;
    for (let i = 0; i < 1000; i++) {
      const [b, e] = [btf.slice(), ext.slice()];
      const target = random(2) ? b : e;
      for (let k = 1 + random(4); k > 0; k--) target[random(target.length)] = random(256);
      const cut = random(4) === 0 ? random(target.length) : target.length;
      try {
        readBtf(target === b ? b.subarray(0, cut) : b, target === e ? e.subarray(0, cut) : e);
      } catch (error) {
        expect(error).toBeInstanceOf(DebugInfoError);
      }
    }
  });
});

describe.each(['values.so', 'values.v3.so'])('the types of %s in BTF and in DWARF', (name) => {
  const { dwarf, btf } = withAndWithoutDwarf(name);

  it('lay out every named structure alike: members, offsets, bitfields and sizes', () => {
    const layout = (map: SourceMap, name: string) => {
      const t = map.typeNamed(name)!;
      const s = map.types.stripped(t);
      if (s.kind !== 'struct') throw new Error(`${name} is no structure`);
      return {
        size: map.types.sizeOf(s),
        members: s.members.map((m) => ({ name: m.name, offset: m.offset, bits: m.bits, type: map.types.nameOf(map.types.resolve(m.type)) })),
      };
    };
    // BTF has the types its functions and variables use: pair is a local's only.
    expect(btf.typeNamed('pair')).toBeUndefined();
    for (const struct of ['point', 'struct point', 'Flags']) {
      expect(layout(btf, struct), struct).toEqual(layout(dwarf, struct));
    }
    expect(layout(btf, 'Flags').members.map((m) => m.bits)).toEqual([
      { offset: 0, size: 1 },
      { offset: 1, size: 3 },
      { offset: 4, size: 5 },
      { offset: 1, size: 12 }, // from bit 9: byte 1, bit 1
    ]);
  });

  it('give every function the same parameters, and the same globals', () => {
    const parameters = (map: SourceMap) =>
      map.functions().map((f) => map.argumentsAt(f.pc)?.map((p) => ({ name: p.name, type: map.types.nameOf(map.types.resolve(p.type)), at: p.location })));
    expect(parameters(btf)).toEqual(parameters(dwarf));
    const globals = (map: SourceMap) =>
      map.globals().map((g) => {
        const at = evaluateLocation(g.location!, { register: () => undefined, frameBase: () => undefined, ...(g.unit ? { unit: g.unit } : {}) });
        return { name: g.name, type: map.types.nameOf(map.types.resolve(g.type)), at };
      });
    expect(globals(btf)).toEqual(globals(dwarf));
    expect(globals(btf).map((g) => g.name)).toEqual(['ORIGIN', 'TABLE']);
  });
});
