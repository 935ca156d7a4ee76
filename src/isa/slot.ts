/**
 * The byte layout of an sBPF instruction slot, declared once: every reader and patcher of a single
 * field (the loader's relocations, the linker, the verifier, the interpreter's decoder, the
 * assembler's ELF output) takes the field's offset from here. Internal: the package exports the
 * decoded form (`Insn`, in `instruction.ts`), not these.
 */
import { layout, u16, u32, u8 } from '../runtime/codec.js';

/**
 * An instruction slot as stored (little-endian): the opcode, a byte of registers (dst in its low
 * nibble, src in its high one), the signed 16-bit offset and the signed 32-bit immediate.
 */
export const INSN_SLOT = layout({ opc: u8, regs: u8, off: u16, imm: u32 });
/** Where each field of an instruction slot starts. */
export const SLOT = INSN_SLOT.offsets;

const SIZE = INSN_SLOT.fixedSize;

/** The opcode of slot `pc` of `text`. */
export const opcodeAt = (text: Uint8Array, pc: number): number => text[pc * SIZE + SLOT.opc];

/** The source register of slot `pc` of `text`. */
export const srcAt = (text: Uint8Array, pc: number): number => text[pc * SIZE + SLOT.regs] >>> 4;

/** The signed 16-bit offset of slot `pc` of `text`. */
export function offAt(text: Uint8Array, pc: number): number {
  const o = pc * SIZE + SLOT.off;
  return ((text[o] | (text[o + 1] << 8)) << 16) >> 16;
}

/** The signed 32-bit immediate of slot `pc` of `text`. */
export function immAt(text: Uint8Array, pc: number): number {
  const o = pc * SIZE + SLOT.imm;
  return text[o] | (text[o + 1] << 8) | (text[o + 2] << 16) | (text[o + 3] << 24);
}

/** Writes `imm` (a signed or unsigned 32-bit value) as the immediate of slot `pc` of `text`. */
export function setImmAt(text: Uint8Array, pc: number, imm: number): void {
  const o = pc * SIZE + SLOT.imm;
  text[o] = imm & 0xff;
  text[o + 1] = (imm >> 8) & 0xff;
  text[o + 2] = (imm >> 16) & 0xff;
  text[o + 3] = (imm >>> 24) & 0xff;
}

/** Sets the source register of slot `pc` of `text` (its destination register stays). */
export function setSrcAt(text: Uint8Array, pc: number, src: number): void {
  const o = pc * SIZE + SLOT.regs;
  text[o] = (text[o] & 0x0f) | (src << 4);
}

/** The 64-bit immediate of an `lddw` at slot `pc` as a number: its imm as the low u32, the next slot's as the high one. */
export const lddwValue = (text: Uint8Array, pc: number): number => (immAt(text, pc) >>> 0) + (immAt(text, pc + 1) >>> 0) * 2 ** 32;

/** Writes `value` (below 2^64) as the 64-bit immediate of the `lddw` at slot `pc`. */
export function setLddwValue(text: Uint8Array, pc: number, value: number): void {
  setImmAt(text, pc, value % 2 ** 32);
  setImmAt(text, pc + 1, Math.floor(value / 2 ** 32));
}
