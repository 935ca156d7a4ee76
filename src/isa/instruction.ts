/** Decoding of 8-byte sBPF instruction slots (solana-sbpf `ebpf.rs` `get_insn_unchecked`). */
import { INSN_SIZE } from './constants.js';
import { immAt, offAt, setImmAt, SLOT } from './slot.js';

/** A decoded instruction slot. `imm` is the sign-extended 32-bit immediate (a JS number). */
export interface Insn {
  /** Slot index within `.text`. */
  pc: number;
  /** Opcode byte. */
  opc: number;
  /** Destination register (low nibble of the registers byte). */
  dst: number;
  /** Source register (high nibble of the registers byte). */
  src: number;
  /** Signed 16-bit offset. */
  off: number;
  /** Signed 32-bit immediate. */
  imm: number;
}

const { opc: OPC, regs: REGS, off: OFF } = SLOT;

/** Decodes slot `pc` of `text` (no bounds check beyond the typed-array access). */
export function decodeInsn(text: Uint8Array, pc: number): Insn {
  const o = pc * INSN_SIZE;
  const regs = text[o + REGS];
  return {
    pc,
    opc: text[o + OPC],
    dst: regs & 0x0f,
    src: regs >>> 4,
    off: offAt(text, pc),
    imm: immAt(text, pc),
  };
}

/** Encodes an instruction into `out` at slot `pc` (inverse of {@link decodeInsn}). */
export function encodeInsn(out: Uint8Array, pc: number, insn: Omit<Insn, 'pc'>): void {
  const o = pc * INSN_SIZE;
  out[o + OPC] = insn.opc;
  out[o + REGS] = ((insn.src & 0x0f) << 4) | (insn.dst & 0x0f);
  out[o + OFF] = insn.off & 0xff;
  out[o + OFF + 1] = (insn.off >> 8) & 0xff;
  setImmAt(out, pc, insn.imm);
}

/** The 64-bit immediate of an `lddw` at slot `pc`: low imm as u32 plus the next slot's imm << 32. */
export function lddwImmediate(text: Uint8Array, pc: number): bigint {
  return (BigInt(immAt(text, pc + 1) >>> 0) << 32n) | BigInt(immAt(text, pc) >>> 0);
}

/** Number of whole instruction slots in `text`. */
export const slotCount = (text: Uint8Array): number => Math.floor(text.length / INSN_SIZE);
