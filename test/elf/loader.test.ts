/**
 * ELF loader: real Rust-built programs (from LiteSVM's bundle), every reachable ElfError variant
 * by mutation, the strict V3 header rules, and a mutation fuzz asserting only typed errors.
 */
import { describe, expect, it } from 'vitest';
import { ElfError, SBPFVersion, hashSymbolName, loadElf, verify, execute, type Executable } from '../../src/index.js';
import { BUNDLED, bundledElf } from '../helpers/bundled-programs.js';
import { thrown } from '../helpers/errors.js';
import { mutateElf } from '../fuzz/elf-mutation.js';
import { Rng } from '../jit/fuzz.js';

const elfError = (f: () => unknown) => thrown(ElfError, f);

const token = bundledElf(BUNDLED.splToken);
const patch = (bytes: Uint8Array, at: number, values: number[]) => {
  const copy = bytes.slice();
  copy.set(values, at);
  return copy;
};
const u32le = (v: number) => [v & 0xff, (v >>> 8) & 0xff, (v >>> 16) & 0xff, v >>> 24];
const u64le = (v: number) => [...u32le(v % 2 ** 32), ...u32le(Math.floor(v / 2 ** 32))];
const entryOf = (b: Uint8Array) => Number(new DataView(b.buffer, b.byteOffset).getBigUint64(24, true));

describe('real programs', () => {
  for (const [name, id, deployment] of [
    ['SPL Token', BUNDLED.splToken, true],
    ['Token-2022', BUNDLED.token2022, true],
    ['Memo v2', BUNDLED.memoV2, true],
    ['Memo v1', BUNDLED.memoV1, false],
  ] as const) {
    it(`loads and verifies ${name}`, () => {
      // A Node Buffer, whose slice() aliases: the loader must still leave the caller's bytes alone.
      const elf = Buffer.from(bundledElf(id));
      const before = new Uint8Array(elf);
      const exe = loadElf(elf, { deployment });
      expect(new Uint8Array(elf)).toEqual(before);
      expect(exe.sbpfVersion).toBe(SBPFVersion.V0);
      expect(exe.entryPc).toBeLessThan(exe.text.length / 8);
      expect(exe.functions.get(0x71e3cf81)).toMatchObject({ pc: exe.entryPc });
      expect([...exe.syscallNames.values()]).toContain('sol_log_');
      expect(() => verify(exe)).not.toThrow();
      const again = loadElf(elf, { deployment });
      expect(again.text).toEqual(exe.text);
      expect(again.contentHash).toBe(exe.contentHash);
    });
  }
  it('rejects Memo v1 for deployment: it calls the retired sol_alloc_free_', () => {
    const e = elfError(() => loadElf(bundledElf(BUNDLED.memoV1), { deployment: true }));
    expect(e.kind).toBe('UnresolvedSymbol');
    expect(e.message).toMatch(/^Unresolved symbol \(sol_alloc_free_\) at instruction #\d+ \(ELF file offset 0x[0-9a-f]+\)$/);
  });
  it('patches every relocated call with a registered key', () => {
    const exe = loadElf(token);
    const view = new DataView(exe.text.buffer, exe.text.byteOffset, exe.text.byteLength);
    for (let pc = 0; pc < exe.text.length / 8; pc++) {
      if (exe.text[pc * 8] !== 0x85) continue;
      const key = view.getUint32(pc * 8 + 4, true);
      expect(exe.functions.has(key) || exe.syscallNames.has(key), `call at ${pc}`).toBe(true);
    }
  });
  it('maps the read-only image at 0x1_0000_0000 with text at its section address', () => {
    const exe = loadElf(token);
    expect(exe.programRegions).toHaveLength(1);
    expect(exe.programRegions[0].vaddr).toBe(0x1_0000_0000);
    const region = exe.programRegions[0].bytes;
    const start = exe.textVaddr - 0x1_0000_0000;
    expect(region.subarray(start, start + exe.text.length)).toEqual(exe.text);
  });
});

describe('ElfError variants', () => {
  const cases: [string, Uint8Array, string, string?][] = [
    ['WrongMachine', patch(token, 18, [0x3e, 0]), 'Incompatible ELF: wrong machine'],
    ['WrongType', patch(token, 16, [2, 0]), 'Incompatible ELF: wrong type'],
    ['WrongAbi', patch(token, 7, [3]), 'Incompatible ELF: wrong ABI'],
    ['UnsupportedSBPFVersion', patch(token, 48, u32le(9)), 'Detected sbpf_version required by the executable which are not enabled'],
    ['FailedToParse', patch(token, 4, [1]), 'Failed to parse ELF file: invalid file header'],
    ['FailedToParse', patch(token, 62, [0xff, 0xff]), 'Failed to parse ELF file: invalid file header'],
    ['ValueOutOfBounds', token.subarray(0, 40), 'Offset or value is out of bounds'],
    ['EntrypointOutOfBounds', patch(token, 24, u64le(0)), 'Entrypoint out of bounds'],
    ['InvalidEntrypoint', patch(token, 24, u64le(entryOf(token) + 4)), 'Invalid entrypoint'],
  ];
  for (const [kind, bytes, message] of cases) {
    it(`${kind}: ${message}`, () => {
      expect(elfError(() => loadElf(bytes))).toMatchObject({ kind, message });
    });
  }
  it('respects the enabled version range', () => {
    expect(elfError(() => loadElf(token, { sbpfVersions: [1, 3] })).kind).toBe('UnsupportedSBPFVersion');
  });
});

/** A strict (SIMD-0189) V3 ELF laid out by hand: header, phdrs, rodata, bytecode. */
function strictElf(code: Uint8Array, rodata = new Uint8Array(0)): Uint8Array {
  const phnum = rodata.length ? 2 : 1;
  const start = 64 + 56 * phnum;
  const out = new Uint8Array(start + rodata.length + code.length);
  const v = new DataView(out.buffer);
  out.set([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0], 0);
  v.setUint16(16, 3, true);
  v.setUint16(18, 247, true);
  v.setUint32(20, 1, true);
  v.setBigUint64(24, 0x1_0000_0000n, true);
  v.setBigUint64(32, 64n, true);
  v.setUint32(48, 3, true);
  v.setUint16(52, 64, true);
  v.setUint16(54, 56, true);
  v.setUint16(56, phnum, true);
  let o = start;
  const ph = (i: number, flags: number, vaddr: bigint, size: number) => {
    const b = 64 + 56 * i;
    v.setUint32(b, 1, true);
    v.setUint32(b + 4, flags, true);
    v.setBigUint64(b + 8, BigInt(o), true);
    v.setBigUint64(b + 16, vaddr, true);
    v.setBigUint64(b + 24, vaddr, true);
    v.setBigUint64(b + 32, BigInt(size), true);
    v.setBigUint64(b + 40, BigInt(size), true);
    o += size;
  };
  if (rodata.length) ph(0, 4, 0n, rodata.length);
  ph(phnum - 1, 1, 0x1_0000_0000n, code.length);
  out.set(rodata, start);
  out.set(code, start + rodata.length);
  return out;
}

describe('strict V3 loader', () => {
  // lddw r0, 0 (rodata address); ldxdw r0, [r0]; exit
  const code = Uint8Array.from([0x18, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x79, 0, 0, 0, 0, 0, 0, 0, 0x95, 0, 0, 0, 0, 0, 0, 0]);
  const rodata = Uint8Array.from([1, 2, 3, 4, 5, 6, 7, 8]);
  it('loads bytecode at 0x1_0000_0000 and rodata at 0, and runs', () => {
    const exe: Executable = loadElf(strictElf(code, rodata));
    expect(exe.sbpfVersion).toBe(SBPFVersion.V3);
    expect(exe.textVaddr).toBe(0x1_0000_0000);
    expect(exe.programRegions[0]).toMatchObject({ vaddr: 0 });
    expect(execute(exe, { engine: 'interpreter' })).toMatchObject({ ok: true, value: 0x0807060504030201n, instructions: 3n });
  });
  const bad: [string, (b: Uint8Array) => void, string][] = [
    ['OSABI', (b) => (b[7] = 1), 'FailedToParse'],
    ['padding', (b) => (b[12] = 1), 'FailedToParse'],
    ['machine EM_SBPF', (b) => b.set([0x07, 0x01], 18), 'FailedToParse'],
    ['phoff', (b) => (b[32] = 72), 'FailedToParse'],
    ['phnum 0', (b) => b.set([0, 0], 56), 'FailedToParse'],
    ['entry misaligned', (b) => (b[24] = 4), 'FailedToParse'],
    ['entry past code', (b) => (b[24] = 40), 'FailedToParse'],
    ['rodata vaddr', (b) => (b[64 + 16] = 8), 'InvalidProgramHeader'],
    ['filesz != memsz', (b) => (b[64 + 40] = 16), 'InvalidProgramHeader'],
    ['code offset', (b) => (b[120 + 8] += 8), 'InvalidProgramHeader'],
    ['code flags', (b) => (b[120 + 4] = 5), 'InvalidProgramHeader'],
  ];
  for (const [what, mutate, kind] of bad) {
    it(`rejects a wrong ${what} (${kind})`, () => {
      const b = strictElf(code, rodata);
      mutate(b);
      expect(elfError(() => loadElf(b)).kind).toBe(kind);
    });
  }
});

describe('robustness', () => {
  it('3 000 random mutants of a real and a small ELF only ever give ElfError', () => {
    const rng = new Rng(0x1234567);
    const small = strictElf(Uint8Array.from([0x95, 0, 0, 0, 0, 0, 0, 0]));
    const memo = bundledElf(BUNDLED.memoV2);
    for (let i = 0; i < 3000; i++) {
      const b = mutateElf(i % 2 ? small : memo, rng);
      try {
        loadElf(b);
      } catch (e) {
        if (!(e instanceof ElfError)) throw new Error(`mutant ${i}: ${String(e)}`, { cause: e });
      }
    }
  });
  it('hash of the entrypoint symbol is the registry key', () => {
    expect(hashSymbolName('entrypoint')).toBe(0x71e3cf81);
  });
});
