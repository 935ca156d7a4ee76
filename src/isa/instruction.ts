/** Decoding of 8-byte sBPF instruction slots (solana-sbpf `ebpf.rs` `get_insn_unchecked`). */
import { INSN_SIZE } from './constants.js';

/** A decoded instruction slot. `imm` is the sign-extended 32-bit immediate (a JS number). */
export interface Insn {
  /** Slot index within `.text`. */
  pc: number;
  /** Opcode byte. */
  opc: number;
  /** Destination register (low nibble of byte 1). */
  dst: number;
  /** Source register (high nibble of byte 1). */
  src: number;
  /** Signed 16-bit offset. */
  off: number;
  /** Signed 32-bit immediate. */
  imm: number;
}

/** Decodes slot `pc` of `text` (no bounds check beyond the typed-array access). */
export function decodeInsn(text: Uint8Array, pc: number): Insn {
  const o = pc * INSN_SIZE;
  return {
    pc,
    opc: text[o],
    dst: text[o + 1] & 0x0f,
    src: text[o + 1] >>> 4,
    off: ((text[o + 2] | (text[o + 3] << 8)) << 16) >> 16,
    imm: text[o + 4] | (text[o + 5] << 8) | (text[o + 6] << 16) | (text[o + 7] << 24),
  };
}

/** Encodes an instruction into `out` at slot `pc` (inverse of {@link decodeInsn}). */
export function encodeInsn(out: Uint8Array, pc: number, insn: Omit<Insn, 'pc'>): void {
  const o = pc * INSN_SIZE;
  out[o] = insn.opc;
  out[o + 1] = ((insn.src & 0x0f) << 4) | (insn.dst & 0x0f);
  out[o + 2] = insn.off & 0xff;
  out[o + 3] = (insn.off >> 8) & 0xff;
  out[o + 4] = insn.imm & 0xff;
  out[o + 5] = (insn.imm >> 8) & 0xff;
  out[o + 6] = (insn.imm >> 16) & 0xff;
  out[o + 7] = (insn.imm >>> 24) & 0xff;
}

/** The 64-bit immediate of an `lddw` at slot `pc`: low imm as u32 plus the next slot's imm << 32. */
export function lddwImmediate(text: Uint8Array, pc: number): bigint {
  const lo = decodeInsn(text, pc).imm >>> 0;
  const hi = decodeInsn(text, pc + 1).imm >>> 0;
  return (BigInt(hi) << 32n) | BigInt(lo);
}

/** Number of whole instruction slots in `text`. */
export const slotCount = (text: Uint8Array): number => Math.floor(text.length / INSN_SIZE);
