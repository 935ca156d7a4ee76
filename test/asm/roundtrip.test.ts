/**
 * Disassembler ↔ assembler: the reference's execution vectors and random instruction streams of
 * every version re-assemble to identical bytecode; a real program (SPL Token) re-assembles to the
 * same instructions with every call resolving to the same target.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { assemble, disassemble, loadElf, encodeInsn, type Executable } from '../../src/index.js';
import { BUNDLED, bundledElf } from '../helpers/bundled-programs.js';

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
    const rand = (k: number) => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) % k);
    const opcodes = [0x18, 0x61, 0x7b, 0x72, 0x07, 0x0f, 0x17, 0x37, 0x67, 0xb7, 0xbf, 0x84, 0x87, 0xd4, 0xdc, 0x05, 0x15, 0x1d, 0x2d, 0x16, 0x36, 0x96, 0xde, 0xf7, 0x2c, 0x8f, 0x85, 0x8d, 0x95];
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
