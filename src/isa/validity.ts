/**
 * Which opcodes exist in which sBPF version, and what the verifier must check for each — the
 * match arms of solana-sbpf's `RequisiteVerifier`, as one table shared by the verifier, the
 * disassembler and the engines.
 */
import * as op from './opcodes.js';
import { disableLddw, disableLe, disableNeg, enableJmp32, enablePqr, moveMemoryInstructionClasses, type SBPFVersion } from './version.js';

/** The role of an opcode in a given version (`invalid` = UnknownOpCode). */
export type OpcodeRole =
  | 'invalid'
  | 'lddw'
  | 'load'
  | 'store'
  | 'alu'
  /** Immediate divisor that must be non-zero. */
  | 'divImm'
  /** Immediate shift below 32 / 64. */
  | 'shift32'
  | 'shift64'
  /** le/be with an immediate of 16, 32 or 64. */
  | 'endian'
  | 'jump'
  | 'call'
  | 'callx'
  | 'exit';

const V0_LOADS = [op.LD_B_REG, op.LD_H_REG, op.LD_W_REG, op.LD_DW_REG];
const V0_STORES = [op.ST_B_IMM, op.ST_H_IMM, op.ST_W_IMM, op.ST_DW_IMM, op.ST_B_REG, op.ST_H_REG, op.ST_W_REG, op.ST_DW_REG];
const V2_LOADS = [op.LD_1B_REG, op.LD_2B_REG, op.LD_4B_REG, op.LD_8B_REG];
const V2_STORES = [op.ST_1B_IMM, op.ST_2B_IMM, op.ST_4B_IMM, op.ST_8B_IMM, op.ST_1B_REG, op.ST_2B_REG, op.ST_4B_REG, op.ST_8B_REG];
const ALWAYS_ALU = [
  op.ADD32_IMM,
  op.ADD32_REG,
  op.SUB32_IMM,
  op.SUB32_REG,
  op.OR32_IMM,
  op.OR32_REG,
  op.AND32_IMM,
  op.AND32_REG,
  op.LSH32_REG,
  op.RSH32_REG,
  op.XOR32_IMM,
  op.XOR32_REG,
  op.MOV32_IMM,
  op.MOV32_REG,
  op.ARSH32_REG,
  op.ADD64_IMM,
  op.ADD64_REG,
  op.SUB64_IMM,
  op.SUB64_REG,
  op.OR64_IMM,
  op.OR64_REG,
  op.AND64_IMM,
  op.AND64_REG,
  op.LSH64_REG,
  op.RSH64_REG,
  op.XOR64_IMM,
  op.XOR64_REG,
  op.MOV64_IMM,
  op.MOV64_REG,
  op.ARSH64_REG,
];
const MUL_DIV_MOD_REG = [op.MUL32_IMM, op.MUL32_REG, op.DIV32_REG, op.MOD32_REG, op.MUL64_IMM, op.MUL64_REG, op.DIV64_REG, op.MOD64_REG];
const DIV_MOD_IMM = [op.DIV32_IMM, op.MOD32_IMM, op.DIV64_IMM, op.MOD64_IMM];
const PQR_REG = [
  op.LMUL32_IMM,
  op.LMUL32_REG,
  op.LMUL64_IMM,
  op.LMUL64_REG,
  op.UHMUL64_IMM,
  op.UHMUL64_REG,
  op.SHMUL64_IMM,
  op.SHMUL64_REG,
  op.UDIV32_REG,
  op.UDIV64_REG,
  op.UREM32_REG,
  op.UREM64_REG,
  op.SDIV32_REG,
  op.SDIV64_REG,
  op.SREM32_REG,
  op.SREM64_REG,
];
const PQR_DIV_IMM = [op.UDIV32_IMM, op.UDIV64_IMM, op.UREM32_IMM, op.UREM64_IMM, op.SDIV32_IMM, op.SDIV64_IMM, op.SREM32_IMM, op.SREM64_IMM];
const JUMP_OPS = [op.BPF_JEQ, op.BPF_JGT, op.BPF_JGE, op.BPF_JLT, op.BPF_JLE, op.BPF_JSET, op.BPF_JNE, op.BPF_JSGT, op.BPF_JSGE, op.BPF_JSLT, op.BPF_JSLE];

function buildTable(v: SBPFVersion): OpcodeRole[] {
  const t: OpcodeRole[] = new Array(256).fill('invalid');
  const set = (codes: number[], role: OpcodeRole) => codes.forEach((c) => (t[c] = role));
  const moved = moveMemoryInstructionClasses(v);
  const pqr = enablePqr(v);
  if (!disableLddw(v)) t[op.LD_DW_IMM] = 'lddw';
  else t[op.HOR64_IMM] = 'alu';
  set(moved ? V2_LOADS : V0_LOADS, 'load');
  set(moved ? V2_STORES : V0_STORES, 'store');
  set(ALWAYS_ALU, 'alu');
  set([op.LSH32_IMM, op.RSH32_IMM, op.ARSH32_IMM], 'shift32');
  set([op.LSH64_IMM, op.RSH64_IMM, op.ARSH64_IMM], 'shift64');
  if (!pqr) {
    set(MUL_DIV_MOD_REG, 'alu');
    set(DIV_MOD_IMM, 'divImm');
  } else {
    set(PQR_REG, 'alu');
    set(PQR_DIV_IMM, 'divImm');
  }
  if (!disableNeg(v)) set([op.NEG32, op.NEG64], 'alu');
  if (!disableLe(v)) t[op.LE] = 'endian';
  t[op.BE] = 'endian';
  t[op.JA] = 'jump';
  for (const j of JUMP_OPS) {
    t[op.BPF_JMP64 | op.BPF_K | j] = 'jump';
    t[op.BPF_JMP64 | op.BPF_X | j] = 'jump';
    if (enableJmp32(v)) {
      t[op.BPF_JMP32 | op.BPF_K | j] = 'jump';
      t[op.BPF_JMP32 | op.BPF_X | j] = 'jump';
    }
  }
  t[op.CALL_IMM] = 'call';
  t[op.CALL_REG] = 'callx';
  t[op.EXIT] = 'exit';
  return t;
}

const tables = new Map<SBPFVersion, OpcodeRole[]>();

/** The role of every opcode byte in version `v`, indexed by opcode (for loops over whole programs). */
export function opcodeRoles(v: SBPFVersion): readonly OpcodeRole[] {
  let t = tables.get(v);
  if (!t) tables.set(v, (t = buildTable(v)));
  return t;
}

/** Role of `opc` in version `v` (see {@link OpcodeRole}). */
export function opcodeRole(v: SBPFVersion, opc: number): OpcodeRole {
  return opcodeRoles(v)[opc & 0xff];
}
