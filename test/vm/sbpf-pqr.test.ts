/**
 * solana-sbpf's test_pqr_v0 / test_pqr_v2 tables (extracted by scripts/extract-sbpf-pqr-tables.py):
 * the same byte programs the reference builds, for the immediate and the register form of each
 * operation, with the reference's expected r0 and instruction count.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { encodeInsn, execute, op, SBPFVersion, type Executable } from '../../src/index.js';

type Row = { op: keyof typeof op; dst: string; src: string; expected: string };
const tables = JSON.parse(readFileSync(new URL('./vectors/sbpf-pqr.json', import.meta.url), 'utf8')) as { v0: Row[]; v2: Row[] };

const exeOf = (text: Uint8Array, sbpfVersion: SBPFVersion): Executable => ({
  sbpfVersion,
  text,
  textVaddr: 0x1_0000_0000,
  entryPc: 0,
  programRegions: [{ vaddr: sbpfVersion >= SBPFVersion.V3 ? 0 : 0x1_0000_0000, bytes: text }],
  functions: new Map(),
  syscallNames: new Map(),
  contentHash: '',
});
const lo = (v: bigint) => Number(BigInt.asIntN(32, v));
const hi = (v: bigint) => Number(BigInt.asIntN(32, v >> 32n));

/** test_pqr_v0: lddw r0, dst; lddw r1, src; <op> r0, (r1 | imm = low half of src); exit — 4 instructions. */
function v0Program(opc: number, dst: bigint, src: bigint): Uint8Array {
  const t = new Uint8Array(48);
  encodeInsn(t, 0, { opc: op.LD_DW_IMM, dst: 0, src: 0, off: 0, imm: lo(dst) });
  encodeInsn(t, 1, { opc: 0, dst: 0, src: 0, off: 0, imm: hi(dst) });
  encodeInsn(t, 2, { opc: op.LD_DW_IMM, dst: 1, src: 0, off: 0, imm: lo(src) });
  encodeInsn(t, 3, { opc: 0, dst: 0, src: 0, off: 0, imm: hi(src) });
  encodeInsn(t, 4, { opc, dst: 0, src: 1, off: 0, imm: lo(src) });
  encodeInsn(t, 5, { opc: op.EXIT, dst: 0, src: 0, off: 0, imm: 0 });
  return t;
}

/** test_pqr_v2: add64 r10, 0; mov32 r0, lo; hor64 r0, hi; mov32 r1, lo; hor64 r1, hi; <op>; exit — 7 instructions. */
function v2Program(opc: number, dst: bigint, src: bigint): Uint8Array {
  const t = new Uint8Array(56);
  encodeInsn(t, 0, { opc: op.ADD64_IMM, dst: 10, src: 0, off: 0, imm: 0 });
  encodeInsn(t, 1, { opc: op.MOV32_IMM, dst: 0, src: 0, off: 0, imm: lo(dst) });
  encodeInsn(t, 2, { opc: op.HOR64_IMM, dst: 0, src: 0, off: 0, imm: hi(dst) });
  encodeInsn(t, 3, { opc: op.MOV32_IMM, dst: 1, src: 0, off: 0, imm: lo(src) });
  encodeInsn(t, 4, { opc: op.HOR64_IMM, dst: 1, src: 0, off: 0, imm: hi(src) });
  encodeInsn(t, 5, { opc, dst: 0, src: 1, off: 0, imm: lo(src) });
  encodeInsn(t, 6, { opc: op.EXIT, dst: 0, src: 0, off: 0, imm: 0 });
  return t;
}

for (const engine of ['interpreter', 'jit'] as const)
  for (const [name, rows, build, version, count] of [
    ['test_pqr_v0', tables.v0, v0Program, SBPFVersion.V0, 4n],
    ['test_pqr_v2', tables.v2, v2Program, SBPFVersion.V2, 7n],
  ] as const) {
    describe(`${name} (${engine})`, () => {
      it('has the reference rows', () => expect(rows.length).toBeGreaterThan(20));
      rows.forEach((r, i) => {
        for (const form of ['imm', 'reg'] as const) {
          it(`#${i} ${r.op} ${form} ${r.dst} ${r.src}`, () => {
            const opc = (op[r.op] as number) | (form === 'reg' ? op.BPF_X : 0);
            const result = execute(exeOf(build(opc, BigInt(r.dst), BigInt(r.src)), version), { computeUnits: count, engine });
            expect(result).toEqual({ ok: true, value: BigInt(r.expected), instructions: count });
          });
        }
      });
    });
  }
