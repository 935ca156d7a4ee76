/**
 * Disassembler ↔ assembler: the reference's execution vectors and random instruction streams of
 * every version re-assemble to identical bytecode; a real program (SPL Token) re-assembles to the
 * same instructions with every call resolving to the same target; ELFs (ours and real ones)
 * disassembled and assembled back to an ELF load as the same program, read-only data included.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { AsmError, assemble, assembleToElf, disassemble, execute, loadElf, encodeInsn, type Executable } from '../../src/index.js';
import { BUNDLED, bundledElf } from '../helpers/bundled-programs.js';
import { thrown } from '../helpers/errors.js';

const vectors = (
  JSON.parse(readFileSync(new URL('../vm/vectors/sbpf-execution.json', import.meta.url), 'utf8')) as {
    vectors: { asm: string; version: 0 | 1 | 2 | 3 | 4 }[];
  }
).vectors;

describe('round trip', () => {
  it('every solana-sbpf vector', () => {
    for (const v of vectors) {
      const exe = assemble(v.asm, { sbpfVersion: v.version });
      const again = assemble(disassemble(exe), { sbpfVersion: v.version });
      expect(again.text, `${v.asm}\n---\n${disassemble(exe)}`).toEqual(exe.text);
      expect(again.entryPc).toBe(exe.entryPc);
    }
  });

  it('random instruction streams of every version, valid or not', () => {
    let seed = 42;
    const rand = (k: number) => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) % k;
    const opcodes = [
      0x18, 0x61, 0x7b, 0x72, 0x07, 0x0f, 0x17, 0x37, 0x67, 0xb7, 0xbf, 0x84, 0x87, 0xd4, 0xdc, 0x05, 0x15, 0x1d, 0x2d, 0x16, 0x36, 0x96, 0xde, 0xf7, 0x2c,
      0x8f, 0x85, 0x8d, 0x95,
    ];
    for (const version of [0, 1, 2, 3, 4] as const) {
      for (let round = 0; round < 60; round++) {
        const n = 2 + rand(30);
        const text = new Uint8Array(n * 8);
        for (let pc = 0; pc < n; pc++) {
          const canonical = rand(4) !== 0;
          const opc = rand(5) === 0 ? rand(256) : opcodes[rand(opcodes.length)];
          encodeInsn(text, pc, {
            opc,
            dst: rand(11),
            src: canonical ? 0 : rand(16),
            off: canonical ? rand(2 * n) - n : rand(65536) - 32768,
            imm: canonical ? rand(64) : (rand(2 ** 31) - 2 ** 30) * 2,
          });
        }
        const exe: Executable = {
          sbpfVersion: version,
          text,
          textVaddr: 0x1_0000_0000,
          entryPc: 0,
          programRegions: [],
          functions: new Map(),
          syscallNames: new Map(),
          contentHash: '',
        };
        const src = disassemble(exe);
        expect(assemble(src, { sbpfVersion: version }).text, src).toEqual(text);
      }
    }
  });

  it('SPL Token re-assembles to the same program', () => {
    const exe = loadElf(bundledElf(BUNDLED.splToken));
    const again = assemble(disassemble(exe), { sbpfVersion: 0 });
    expect(again.text.length).toBe(exe.text.length);
    expect(again.entryPc).toBe(exe.entryPc);
    const a = new DataView(exe.text.buffer, exe.text.byteOffset);
    const b = new DataView(again.text.buffer, again.text.byteOffset);
    for (let pc = 0; pc < exe.text.length / 8; pc++) {
      const isCall = exe.text[pc * 8] === 0x85;
      if (isCall && exe.functions.has(a.getUint32(pc * 8 + 4, true))) {
        expect(again.functions.get(b.getUint32(pc * 8 + 4, true))?.pc).toBe(exe.functions.get(a.getUint32(pc * 8 + 4, true))?.pc);
      } else {
        expect(again.text.subarray(pc * 8, pc * 8 + 8), `slot ${pc}`).toEqual(exe.text.subarray(pc * 8, pc * 8 + 8));
      }
    }
  });
});

/** What a loaded program is made of, for comparison. */
function loaded(exe: Executable) {
  return {
    sbpfVersion: exe.sbpfVersion,
    text: exe.text,
    textVaddr: exe.textVaddr,
    entryPc: exe.entryPc,
    programRegions: exe.programRegions.map((r) => ({ vaddr: r.vaddr, bytes: r.bytes })),
    functions: [...exe.functions].map(([key, f]) => [key, f.pc]).sort(([a], [b]) => a - b),
    syscallNames: [...exe.syscallNames].sort(([a], [b]) => a - b),
  };
}

/** disassemble → assembleToElf → loadElf. */
const rebuilt = (exe: Executable) => loadElf(assembleToElf(disassemble(exe), { sbpfVersion: exe.sbpfVersion === 0 ? 0 : 3 }), { deployment: true });

describe('ELF round trip (disasm, then asm to an ELF)', () => {
  const programs = new URL('../../programs/bin/', import.meta.url);

  it('every committed program, V0 and V3, loads back the same: code, read-only data, functions, syscalls', () => {
    const names = readdirSync(programs).filter((f) => f.endsWith('.so'));
    expect(names.length).toBeGreaterThan(30);
    for (const name of names) {
      const exe = loadElf(readFileSync(new URL(name, programs)));
      expect(loaded(rebuilt(exe)), name).toEqual(loaded(exe));
    }
    const rodata = loadElf(readFileSync(new URL('rodata.so', programs)));
    expect(disassemble(rodata)).toMatch(/\n\.rodata 0x100000328\n {4}\.byte 0x77, 0x65, 0x62, 0x73, 0x76, 0x6d, /); // "websvm reads .rodata"
  });

  it("real programs (LiteSVM's bundle) too; one whose text starts below 0x120 is refused with the reason", () => {
    // SPL Token has .rodata and .data.rel.ro (pointers); Memo v1's text starts at 0xe8.
    for (const [name, id] of Object.entries({ splToken: BUNDLED.splToken, memoV2: BUNDLED.memoV2, memoV1: BUNDLED.memoV1 })) {
      const exe = loadElf(bundledElf(id));
      if (exe.textVaddr === 0x1_0000_0120) {
        expect(loaded(rebuilt(exe)), name).toEqual(loaded(exe));
      } else {
        const e = thrown(AsmError, () => rebuilt(exe));
        expect(e.message, name).toMatch(/^read-only data at 0x[0-9a-f]+\.\.0x[0-9a-f]+ does not fit where the program maps it: /);
      }
    }
  });
});

describe('.rodata', () => {
  // Reads the byte at 0x1_0000_0140 (V0) or 0x40 (V3) and returns it.
  const v0 = 'entrypoint:\n  lddw r1, 0x100000140\n  ldxb r0, [r1]\n  exit\n.rodata 0x100000140\n  .byte 0x2a, 0x00\n';
  const v3 = 'entrypoint:\n  mov64 r1, 0x40\n  ldxb r0, [r1]\n  exit\n.rodata 0x40\n  .byte 0x2a, 0x00\n';

  it('puts the bytes at their address, in memory and in an ELF', () => {
    for (const [source, sbpfVersion] of [
      [v0, 0],
      [v3, 3],
    ] as const) {
      expect(execute(assemble(source, { sbpfVersion }), { engine: 'interpreter' })).toMatchObject({ ok: true, value: 42n });
      const exe = loadElf(assembleToElf(source, { sbpfVersion }), { deployment: true });
      expect(execute(exe, { engine: 'interpreter' })).toMatchObject({ ok: true, value: 42n });
      expect(disassemble(exe)).toContain(`.rodata ${sbpfVersion === 0 ? '0x100000140' : '0x40'}\n    .byte 0x2a, 0x00`);
    }
    // Without .rodata an assembled V3 program maps its text at 0, as the reference's from_text_bytes does.
    const plain = assemble('entrypoint:\n  exit\n', { sbpfVersion: 3 });
    expect(plain.programRegions).toEqual([{ vaddr: 0, bytes: plain.text }]);
    expect(disassemble(plain)).not.toContain('.rodata');
  });

  it('refuses what it cannot place', () => {
    const error = (source: string, sbpfVersion: 0 | 3 = 0) => thrown(AsmError, () => assembleToElf(source, { sbpfVersion }));
    expect(error('entrypoint:\n  exit\n.rodata 0x100000200\n  .byte 1\n  exit\n')).toMatchObject({
      kind: 'InvalidInstruction',
      message: 'line 5: only .rodata and .byte may follow .rodata (code comes first)',
    });
    expect(error('entrypoint:\n  exit\n.rodata 0x100000200\n  .byte 256\n').kind).toBe('OutOfRange');
    expect(error('entrypoint:\n  exit\n.rodata 0x100000200\n  .byte 1, 2\n.rodata 0x100000201\n  .byte 3\n').message).toContain('overlaps the data before it');
    expect(error('entrypoint:\n  exit\n.rodata\n').kind).toBe('UnexpectedOperands');
    // The V0 text of an ELF starts at 0x1_0000_0120: data there would overlap it.
    expect(error('entrypoint:\n  exit\n.rodata 0x100000120\n  .byte 1\n').message).toBe(
      'read-only data at 0x100000120..0x100000121 does not fit where the program maps it: 0x100000128..0x200000000',
    );
    expect(error('entrypoint:\n  exit\n.rodata 0x100000000\n  .byte 1\n', 3).message).toContain('does not fit');
  });
});
