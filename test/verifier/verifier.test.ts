/**
 * Verifier: solana-sbpf's tests/verifier.rs vectors (variant, slot and — where the reference
 * formats it — the display text), plus the per-version opcode table derived independently from
 * `RequisiteVerifier`'s match arms.
 */
import { describe, expect, it } from 'vitest';
import { assemble, verify, verifyLocal, verifyText, VerifierError, SBPFVersion, hashSymbolName } from '../../src/index.js';
import { thrown } from '../helpers/errors.js';

const bytes = (...rows: number[][]) => Uint8Array.from(rows.flat());

const failure = (f: () => unknown) => thrown(VerifierError, f);

const asm =
  (src: string, v: 0 | 1 | 2 | 3 | 4 = 4) =>
  () =>
    verify(assemble(src, { sbpfVersion: v }));

describe('RequisiteVerifier (tests/verifier.rs)', () => {
  it('accepts a valid program', () => {
    expect(() => asm('mov32 r0, 0xBEE\nexit')()).not.toThrow();
  });
  it('NoProgram / ProgramLengthNotMultiple', () => {
    expect(failure(() => verifyText(new Uint8Array(0), SBPFVersion.V0))).toMatchObject({
      kind: 'NoProgram',
      message: 'no program set, call prog_set() to load one',
    });
    expect(failure(() => verifyText(new Uint8Array(12), SBPFVersion.V0))).toMatchObject({
      kind: 'ProgramLengthNotMultiple',
      message: 'program length must be a multiple of 8 octets',
    });
  });
  it('DivisionByZero(2)', () => {
    expect(failure(asm('add64 r10, 0\nmov32 r0, 1\ndiv32 r0, 0\nexit'))).toMatchObject({
      kind: 'DivisionByZero',
      pc: 2,
      message: 'division by 0 (insn #2)',
    });
  });
  it('UnsupportedLEBEArgument(1) in V2', () => {
    const prog = bytes([0x07, 0x0a, 0, 0, 0, 0, 0, 0], [0xdc, 0x01, 0, 0, 3, 0, 0, 0], [0xb7, 0x01, 0, 0, 0, 0, 0, 0], [0x95, 0, 0, 0, 0, 0, 0, 0]);
    expect(failure(() => verifyText(prog, SBPFVersion.V2))).toMatchObject({ kind: 'UnsupportedLEBEArgument', pc: 1 });
  });
  it('IncompleteLDDW(0) and LDDWCannotBeLast', () => {
    const prog = bytes([0x18, 0, 0, 0, 0x88, 0x77, 0x66, 0x55], [0x85, 0, 0, 0, 0, 0, 0, 0]);
    expect(failure(() => verifyText(prog, SBPFVersion.V0))).toMatchObject({ kind: 'IncompleteLDDW', pc: 0 });
    for (const v of [SBPFVersion.V0, SBPFVersion.V4]) {
      expect(failure(() => verifyText(bytes([0x18, 0, 0, 0, 0x88, 0x77, 0x66, 0x55]), v)).kind).toBe('LDDWCannotBeLast');
    }
  });
  it('InvalidDestinationRegister(0) / InvalidSourceRegister(0)', () => {
    expect(failure(asm('mov r11, 1\nexit'))).toMatchObject({ kind: 'InvalidDestinationRegister', pc: 0 });
    expect(failure(asm('mov r0, r11\nexit'))).toMatchObject({ kind: 'InvalidSourceRegister', pc: 0 });
  });
  it('stack pointer adjustment: aligned ok, unaligned UnalignedImmediate(0) in V1', () => {
    expect(() => asm('add r10, -64\nexit\nadd r10, 64\nexit', 1)()).not.toThrow();
    expect(failure(asm('add r10, -63\nexit', 1))).toMatchObject({ kind: 'UnalignedImmediate', pc: 0 });
    expect(failure(asm('add r10, 63\nexit', 1))).toMatchObject({ kind: 'UnalignedImmediate', pc: 0 });
  });
  it('JumpToMiddleOfLDDW(2, 0); a call into an lddw is not checked', () => {
    expect(failure(asm('ja +1\nlddw r0, 0x1122334455667788\nexit', 0))).toMatchObject({
      kind: 'JumpToMiddleOfLDDW',
      message: 'jump to middle of LD_DW at #2 (insn #0)',
    });
    expect(() => asm('call 1\nlddw r0, 0x1122334455667788\nexit', 0)()).not.toThrow();
  });
  it('callx r10 is InvalidRegister(0) in V0 and V4', () => {
    for (const v of [0, 4] as const) expect(failure(asm('callx r10\nexit', v))).toMatchObject({ kind: 'InvalidRegister', pc: 0 });
  });
  it('JumpOutOfCode(4, 1) and JumpOutOfCode(18446744073709551615, 1)', () => {
    expect(failure(asm('add64 r10, 0\nja +2\nexit')).message).toBe('jump out of code to #4 (insn #1)');
    expect(failure(asm('add64 r10, 0\nja -3\nexit')).message).toBe('jump out of code to #18446744073709551615 (insn #1)');
  });
  it('a known syscall passes; writing r10 fails with CannotWriteR10', () => {
    const prog = bytes([0x07, 0, 0, 0, 0, 0, 0, 0], [0x85, 0, 0, 0, 0xdd, 0x0c, 0x02, 0x91], [0x95, 0, 0, 0, 0, 0, 0, 0]);
    expect(() => verifyText(prog, SBPFVersion.V4)).not.toThrow();
    const addR10 = bytes([0x07, 0x0a, 0, 0, 0, 0, 0, 0], [0x95, 0, 0, 0, 0, 0, 0, 0]);
    expect(failure(() => verifyText(addR10, SBPFVersion.V0))).toMatchObject({ kind: 'CannotWriteR10', pc: 0 });
    expect(failure(asm('add64 r10, 0\nmov r10, 1\nexit'))).toMatchObject({ kind: 'CannotWriteR10', pc: 1 });
  });
  it('every shift overflow', () => {
    const cases: [string, [number, number] | null][] = [
      ['lsh32 r0, 16', null],
      ['lsh32 r0, 32', [32, 32]],
      ['lsh32 r0, 64', [64, 32]],
      ['rsh32 r0, 16', null],
      ['rsh32 r0, 32', [32, 32]],
      ['rsh32 r0, 64', [64, 32]],
      ['arsh32 r0, 16', null],
      ['arsh32 r0, 32', [32, 32]],
      ['arsh32 r0, 64', [64, 32]],
      ['lsh64 r0, 32', null],
      ['lsh64 r0, 64', [64, 64]],
      ['rsh64 r0, 32', null],
      ['rsh64 r0, 64', [64, 64]],
      ['arsh64 r0, 32', null],
      ['arsh64 r0, 64', [64, 64]],
    ];
    for (const [insn, expected] of cases) {
      const run = asm(`add64 r10, 0\n${insn}\nexit`);
      if (!expected) expect(run).not.toThrow();
      else
        expect(failure(run)).toMatchObject({
          kind: 'ShiftWithOverflow',
          pc: 1,
          message: `Shift with overflow of ${expected[0]}-bit value by ${expected[1]} (insn #1)`,
        });
    }
  });
  it('sdiv exists only in V2 (UnknownOpCode in V1)', () => {
    for (const [opc, insn] of [
      [0xc6, 'sdiv32 r0, 2'],
      [0xce, 'sdiv32 r0, r1'],
      [0xd6, 'sdiv64 r0, 4'],
      [0xde, 'sdiv64 r0, r1'],
    ] as const) {
      expect(() => asm(`add64 r10, 0\n${insn}\nexit`, 2)()).not.toThrow();
      expect(failure(asm(`add64 r10, 0\n${insn}\nexit`, 1))).toMatchObject({
        kind: 'UnknownOpCode',
        message: `unknown eBPF opcode 0x${opc.toString(16)} (insn #1)`,
      });
    }
  });
});

describe('LocalVerifier (V3+)', () => {
  it('rejects unknown static syscalls and call -1, ignores V0', () => {
    const known = new Set([hashSymbolName('sol_log_')]);
    expect(() => verifyLocal(assemble('syscall sol_log_\nexit', { sbpfVersion: 3 }), known)).not.toThrow();
    expect(failure(() => verifyLocal(assemble('syscall nope\nexit', { sbpfVersion: 3 }), known)).kind).toBe('InvalidSyscall');
    expect(failure(() => verifyLocal(assemble('call -1\nexit', { sbpfVersion: 3 }), known))).toMatchObject({ kind: 'InvalidFunction', pc: 0 });
    expect(() => verifyLocal(assemble('syscall nope\nexit', { sbpfVersion: 0 }), known)).not.toThrow();
  });
});

// Expected opcode sets written out from the reference's match arms (independent of src/isa/validity.ts).
const V0_VALID = [
  0x18, 0x71, 0x69, 0x61, 0x79, 0x72, 0x6a, 0x62, 0x7a, 0x73, 0x6b, 0x63, 0x7b, 0x04, 0x0c, 0x14, 0x1c, 0x24, 0x2c, 0x34, 0x3c, 0x44, 0x4c, 0x54, 0x5c, 0x64,
  0x6c, 0x74, 0x7c, 0x84, 0x94, 0x9c, 0xa4, 0xac, 0xb4, 0xbc, 0xc4, 0xcc, 0xd4, 0xdc, 0x07, 0x0f, 0x17, 0x1f, 0x27, 0x2f, 0x37, 0x3f, 0x47, 0x4f, 0x57, 0x5f,
  0x67, 0x6f, 0x77, 0x7f, 0x87, 0x97, 0x9f, 0xa7, 0xaf, 0xb7, 0xbf, 0xc7, 0xcf, 0x05, 0x15, 0x1d, 0x25, 0x2d, 0x35, 0x3d, 0x45, 0x4d, 0x55, 0x5d, 0x65, 0x6d,
  0x75, 0x7d, 0xa5, 0xad, 0xb5, 0xbd, 0xc5, 0xcd, 0xd5, 0xdd, 0x85, 0x8d, 0x95,
];
const JMP32 = [0x16, 0x1e, 0x26, 0x2e, 0x36, 0x3e, 0x46, 0x4e, 0x56, 0x5e, 0x66, 0x6e, 0x76, 0x7e, 0xa6, 0xae, 0xb6, 0xbe, 0xc6, 0xce, 0xd6, 0xde];
const V2_ONLY = [
  0xf7, 0x86, 0x8e, 0x96, 0x9e, 0x36, 0x3e, 0xb6, 0xbe, 0x46, 0x4e, 0x56, 0x5e, 0x66, 0x6e, 0x76, 0x7e, 0xc6, 0xce, 0xd6, 0xde, 0xe6, 0xee, 0xf6, 0xfe, 0x8c,
  0x8f,
];
const V2_REMOVED = [0x18, 0x71, 0x69, 0x61, 0x79, 0x72, 0x6a, 0x62, 0x7a, 0x73, 0x6b, 0x63, 0x7b, 0x24, 0x34, 0x94, 0x84, 0xd4];
// 0x87 (neg64) becomes the 4-byte immediate store in V2, so it stays valid.
// In V2 these opcodes change meaning but stay valid: 0x2c 0x3c 0x9c (loads), 0x27 0x2f 0x37 0x3f 0x97 0x9f (stores), 0x8c/0x8f added.

function expectedValid(v: SBPFVersion): Set<number> {
  const s = new Set(V0_VALID);
  if (v === SBPFVersion.V2) {
    V2_REMOVED.forEach((o) => s.delete(o));
    V2_ONLY.forEach((o) => s.add(o));
    // mul32 reg (0x2c), div32 reg (0x3c) and mod32 reg (0x9c) become 1/2/8-byte loads: still valid.
  }
  if (v >= SBPFVersion.V3) JMP32.forEach((o) => s.add(o));
  return s;
}

describe('opcode validity per version', () => {
  for (const v of [SBPFVersion.V0, SBPFVersion.V1, SBPFVersion.V2, SBPFVersion.V3, SBPFVersion.V4]) {
    it(`V${v}: UnknownOpCode exactly for opcodes outside the reference's arms`, () => {
      const valid = expectedValid(v);
      for (let opc = 0; opc < 256; opc++) {
        // A benign instruction with operands that pass every other check.
        const imm = opc === 0xd4 || opc === 0xdc ? 16 : 1;
        const prog = new Uint8Array(24);
        prog.set([opc, 0x01, 0, 0, imm, 0, 0, 0], 0);
        prog.set([0, 0, 0, 0, 0, 0, 0, 0], 8); // lddw tail / harmless second slot
        prog.set([0x95, 0, 0, 0, 0, 0, 0, 0], 16);
        let kind = 'ok';
        try {
          verifyText(opc === 0x18 ? prog : Uint8Array.from([...prog.subarray(0, 8), 0x95, 0, 0, 0, 0, 0, 0, 0]), v);
        } catch (e) {
          kind = (e as VerifierError).kind;
        }
        expect(kind === 'UnknownOpCode', `opcode 0x${opc.toString(16)}`).toBe(!valid.has(opc));
      }
    });
  }
});
