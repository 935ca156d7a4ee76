/**
 * Every ALU, PQR and jump opcode of every version against an independent BigInt model written
 * from SBPF_SEMANTICS §3 (itself read off solana-sbpf's interpreter): random operands, both the
 * immediate and the register form, V0 through V4.
 */
import { describe, expect, it } from 'vitest';
import { encodeInsn, execute, opcodeRole, op, SBPFVersion, type Executable } from '../../src/index.js';

const M64 = (1n << 64n) - 1n;
const u64 = (v: bigint) => v & M64;
const i64 = (v: bigint) => BigInt.asIntN(64, v);
const u32 = (v: bigint) => v & 0xffffffffn;
const i32 = (v: bigint) => BigInt.asIntN(32, v);
const sx = (v: bigint) => u64(i32(v)); // sign-extend the low 32 bits

type Outcome = bigint | 'DivideByZero' | 'DivideOverflow';

/** The model: result of `dst op operand` for an ALU/PQR opcode, or the error. */
function alu(v: SBPFVersion, opc: number, dst: bigint, operand: bigint, imm: number): Outcome {
  const v2 = v === SBPFVersion.V2;
  const isImm = (opc & op.BPF_X) === 0;
  const ext32 = (r: bigint) => (v2 ? u32(r) : sx(r)); // add/sub/mul32
  if ((opc & 7) === op.BPF_PQR) {
    const wide = (opc & 0x10) !== 0;
    const d = wide ? dst : u32(dst);
    const zeroExtImm = BigInt(imm >>> 0);
    switch (opc & 0xe0) {
      case op.BPF_LMUL:
        return wide ? u64(dst * operand) : u32(dst * operand);
      case op.BPF_UHMUL:
        return (dst * (isImm ? zeroExtImm : operand)) >> 64n;
      case op.BPF_SHMUL:
        return u64((i64(dst) * i64(operand)) >> 64n);
      case op.BPF_UDIV:
      case op.BPF_UREM: {
        const s = wide ? (isImm ? zeroExtImm : operand) : u32(operand);
        if (s === 0n) return 'DivideByZero';
        return (opc & 0xe0) === op.BPF_UDIV ? d / s : d % s;
      }
      default: {
        const a = wide ? i64(dst) : i32(dst);
        const s = wide ? i64(operand) : i32(operand);
        if (s === 0n) return 'DivideByZero';
        if (s === -1n && a === (wide ? -(1n << 63n) : -(1n << 31n))) return 'DivideOverflow';
        const r = (opc & 0xe0) === op.BPF_SDIV ? a / s : a % s;
        return wide ? u64(r) : u32(r);
      }
    }
  }
  const is64 = (opc & 7) === op.BPF_ALU64_STORE;
  switch (opc & 0xf0) {
    case op.BPF_ADD:
      return is64 ? u64(dst + operand) : ext32(dst + operand);
    case op.BPF_SUB:
      if (v2 && isImm) return is64 ? u64(operand - dst) : ext32(operand - dst);
      return is64 ? u64(dst - operand) : ext32(dst - operand);
    case op.BPF_MUL:
      return is64 ? u64(dst * operand) : sx(dst * operand);
    case op.BPF_DIV:
    case op.BPF_MOD: {
      const s = is64 ? operand : u32(operand);
      if (s === 0n) return 'DivideByZero';
      const d = is64 ? dst : u32(dst);
      return (opc & 0xf0) === op.BPF_DIV ? d / s : d % s;
    }
    case op.BPF_OR:
      return is64 ? dst | operand : u32(dst | operand);
    case op.BPF_AND:
      return is64 ? dst & operand : u32(dst & operand);
    case op.BPF_XOR:
      return is64 ? dst ^ operand : u32(dst ^ operand);
    case op.BPF_LSH:
      return is64 ? u64(dst << (operand & 63n)) : u32(dst << (operand & 31n));
    case op.BPF_RSH:
      return is64 ? dst >> (operand & 63n) : u32(dst) >> (operand & 31n);
    case op.BPF_ARSH:
      return is64 ? u64(i64(dst) >> (operand & 63n)) : u32(i32(dst) >> (operand & 31n));
    case op.BPF_NEG:
      return is64 ? u64(-dst) : u32(-dst);
    case op.BPF_MOV:
      if (is64) return operand;
      return isImm ? u32(operand) : v2 ? sx(operand) : u32(operand);
    case op.BPF_HOR:
      return dst | (u32(operand) << 32n);
    default:
      throw new Error(`no model for 0x${opc.toString(16)}`);
  }
}

/** The model: whether a conditional jump is taken. */
function taken(opc: number, a: bigint, b: bigint): boolean {
  const narrow = (opc & 7) === op.BPF_JMP32;
  const ua = narrow ? u32(a) : a;
  const ub = narrow ? u32(b) : b;
  const sa = narrow ? i32(a) : i64(a);
  const sb = narrow ? i32(b) : i64(b);
  switch (opc & 0xf0) {
    case op.BPF_JEQ:
      return ua === ub;
    case op.BPF_JNE:
      return ua !== ub;
    case op.BPF_JGT:
      return ua > ub;
    case op.BPF_JGE:
      return ua >= ub;
    case op.BPF_JLT:
      return ua < ub;
    case op.BPF_JLE:
      return ua <= ub;
    case op.BPF_JSET:
      return (ua & ub) !== 0n;
    case op.BPF_JSGT:
      return sa > sb;
    case op.BPF_JSGE:
      return sa >= sb;
    case op.BPF_JSLT:
      return sa < sb;
    case op.BPF_JSLE:
      return sa <= sb;
  }
  throw new Error(`no model for 0x${opc.toString(16)}`);
}

function exe(text: Uint8Array, sbpfVersion: SBPFVersion): Executable {
  return { sbpfVersion, text, textVaddr: 0x1_0000_0000, entryPc: 0, programRegions: [], functions: new Map(), syscallNames: new Map(), contentHash: '' };
}

/** Loads a 64-bit value into a register without lddw (absent in V2): mov32 + hor64, or mov + lsh + or. */
function load(text: Uint8Array, pc: number, reg: number, value: bigint, v: SBPFVersion): number {
  const lo = Number(BigInt.asIntN(32, value));
  const hi = Number(BigInt.asIntN(32, value >> 32n));
  if (v === SBPFVersion.V2) {
    encodeInsn(text, pc, { opc: op.MOV32_IMM, dst: reg, src: 0, off: 0, imm: lo });
    encodeInsn(text, pc + 1, { opc: op.HOR64_IMM, dst: reg, src: 0, off: 0, imm: hi });
  } else {
    encodeInsn(text, pc, { opc: op.LD_DW_IMM, dst: reg, src: 0, off: 0, imm: lo });
    encodeInsn(text, pc + 1, { opc: 0, dst: 0, src: 0, off: 0, imm: hi });
  }
  return pc + 2;
}

const VERSIONS = [SBPFVersion.V0, SBPFVersion.V1, SBPFVersion.V2, SBPFVersion.V3, SBPFVersion.V4];
let seed = 0x9e3779b97f4a7c15n;
const rnd64 = () => {
  seed ^= seed << 13n;
  seed &= M64;
  seed ^= seed >> 7n;
  seed ^= seed << 17n;
  seed &= M64;
  const pick = Number(seed % 8n);
  // Mix edge values in: 0, ±1, 32-bit and 64-bit boundaries.
  return [0n, 1n, M64, 0x7fffffffn, 0x80000000n, 1n << 63n, 0xffffffffn, seed][pick];
};
const interesting = (r: bigint) => Number(BigInt.asIntN(32, r));

describe.each(['interpreter', 'jit'] as const)('ALU and PQR opcodes vs the model (%s)', (engine) => {
  for (const v of VERSIONS) {
    it(`V${v}`, () => {
      let checked = 0;
      for (let opc = 0; opc < 256; opc++) {
        const role = opcodeRole(v, opc);
        const cls = opc & 7;
        if (!['alu', 'divImm', 'shift32', 'shift64'].includes(role)) continue;
        if (cls !== op.BPF_ALU32_LOAD && cls !== op.BPF_ALU64_STORE && cls !== op.BPF_PQR) continue;
        for (let trial = 0; trial < 24; trial++) {
          const dst = rnd64();
          let imm = interesting(rnd64());
          if (role === 'shift32') imm = ((imm % 32) + 32) % 32;
          if (role === 'shift64') imm = ((imm % 64) + 64) % 64;
          if (role === 'divImm' && imm === 0) imm = 3;
          const src = rnd64();
          const text = new Uint8Array(8 * 8);
          let pc = load(text, 0, 0, dst, v);
          pc = load(text, pc, 1, src, v);
          encodeInsn(text, pc, { opc, dst: 0, src: 1, off: 0, imm });
          encodeInsn(text, pc + 1, { opc: op.EXIT, dst: 0, src: 0, off: 0, imm: 0 });
          const operand = (opc & op.BPF_X) !== 0 || opc === op.NEG32 || opc === op.NEG64 ? src : u64(BigInt(imm));
          const expected = alu(v, opc, dst, operand, imm);
          const r = execute(exe(text, v), { engine });
          const label = `V${v} opc 0x${opc.toString(16)} dst ${dst} src ${src} imm ${imm}`;
          if (typeof expected === 'bigint') expect(r, label).toMatchObject({ ok: true, value: expected });
          else expect(r, label).toMatchObject({ ok: false, error: { kind: expected } });
          checked++;
        }
      }
      expect(checked).toBeGreaterThan(24 * 30);
    });
  }
});

describe.each(['interpreter', 'jit'] as const)('jump opcodes vs the model (%s)', (engine) => {
  for (const v of VERSIONS) {
    it(`V${v}`, () => {
      let checked = 0;
      for (let opc = 0; opc < 256; opc++) {
        if (opcodeRole(v, opc) !== 'jump' || opc === op.JA) continue;
        for (let trial = 0; trial < 24; trial++) {
          const a = rnd64();
          const b = trial % 3 === 0 ? a : rnd64();
          const imm = interesting(b);
          const text = new Uint8Array(9 * 8);
          let pc = load(text, 0, 2, a, v);
          pc = load(text, pc, 3, b, v);
          encodeInsn(text, pc, { opc, dst: 2, src: 3, off: 1, imm });
          encodeInsn(text, pc + 1, { opc: op.MOV64_IMM, dst: 0, src: 0, off: 0, imm: 0 });
          encodeInsn(text, pc + 2, { opc: op.EXIT, dst: 0, src: 0, off: 0, imm: 0 });
          const operand = (opc & op.BPF_X) !== 0 ? b : u64(BigInt(imm));
          const r = execute(exe(text, v), { engine });
          // r0 is 0 until the fall-through path clears it; it starts at 0 too, so compare pcs via the count.
          const expectedCount = BigInt(pc + (taken(opc, a, operand) ? 2 : 3));
          expect(r.instructions, `V${v} 0x${opc.toString(16)} ${a} ${operand}`).toBe(v === SBPFVersion.V2 ? expectedCount : expectedCount - 2n);
          checked++;
        }
      }
      expect(checked).toBeGreaterThan(24 * 20);
    });
  }
});
