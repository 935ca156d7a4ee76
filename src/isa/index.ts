/**
 * The ISA as the package exports it. The helpers that the loader, verifier and engines call per
 * instruction are exported here behind checks of their arguments (a `WebsvmError` of kind
 * `InvalidArgument`); websvm's own code imports the unchecked ones from their modules.
 */
import { guarded, refused, toBytes, toChecked, toInteger, toU32, type FieldCheck } from '../arguments.js';
import * as instruction from './instruction.js';
import * as validity from './validity.js';
import * as version from './version.js';

export * from './constants.js';
export * from './instruction.js';
export * from './version.js';
export * as op from './opcodes.js';
export * from './validity.js';

/** An {@link version.SBPFVersion}, as a number from 0 to 5. */
const toVersion: FieldCheck<version.SBPFVersion> = (value, name) =>
  toInteger(value, name, version.SBPFVersion.V0, version.SBPFVersion.Reserved, 'an SBPFVersion (0 to 5)');
const VERSION: [string, FieldCheck<version.SBPFVersion>] = ['version', toVersion];
const toI32: FieldCheck<number> = (value, name) => toInteger(value, name, -(2 ** 31), 2 ** 31 - 1, 'a signed 32-bit integer');
const toRegister: FieldCheck<number> = (value, name) => toInteger(value, name, 0, 15, 'a register number (0 to 15)');

/** A slot index of `text` whose `count` slots from it are all in `text`. */
function toSlot(text: unknown, pc: unknown, count: number): [Uint8Array, number] {
  const bytes = toBytes(text, 'text');
  const last = instruction.slotCount(bytes) - count;
  if (last < 0) throw refused('text', `at least ${count} instruction slot${count > 1 ? 's' : ''}`, text);
  return [bytes, toInteger(pc, 'pc', 0, last, `a slot index from 0 to ${last}`)];
}

export const decodeInsn = (text: Uint8Array, pc: number): instruction.Insn => instruction.decodeInsn(...toSlot(text, pc, 1));
export const lddwImmediate = (text: Uint8Array, pc: number): bigint => instruction.lddwImmediate(...toSlot(text, pc, 2));
export const slotCount = guarded(instruction.slotCount, [['text', toBytes]]);

/** The fields of an instruction to encode, each in the range its bits hold. */
const toFieldsOfInsn = (value: unknown, name: string): Omit<instruction.Insn, 'pc'> =>
  toChecked(value, name, 'an instruction { opc, dst, src, off, imm }', name, {
    opc: (v, n) => toInteger(v, n, 0, 255),
    dst: toRegister,
    src: toRegister,
    off: (v, n) => toInteger(v, n, -(2 ** 15), 2 ** 15 - 1, 'a signed 16-bit integer'),
    imm: toI32,
  });
export function encodeInsn(out: Uint8Array, pc: number, insn: Omit<instruction.Insn, 'pc'>): void {
  instruction.encodeInsn(...toSlot(out, pc, 1), toFieldsOfInsn(insn, 'insn'));
}

export const versionFromElfFlags = guarded(version.versionFromElfFlags, [['flags', toU32]]);
export const manualStackFrameBump = guarded(version.manualStackFrameBump, [VERSION]);
export const stackFrameGaps = guarded(version.stackFrameGaps, [VERSION]);
export const enablePqr = guarded(version.enablePqr, [VERSION]);
export const explicitSignExtensionOfResults = guarded(version.explicitSignExtensionOfResults, [VERSION]);
export const swapSubRegImmOperands = guarded(version.swapSubRegImmOperands, [VERSION]);
export const disableNeg = guarded(version.disableNeg, [VERSION]);
export const callxUsesSrcReg = guarded(version.callxUsesSrcReg, [VERSION]);
export const disableLddw = guarded(version.disableLddw, [VERSION]);
export const disableLe = guarded(version.disableLe, [VERSION]);
export const moveMemoryInstructionClasses = guarded(version.moveMemoryInstructionClasses, [VERSION]);
export const staticSyscalls = guarded(version.staticSyscalls, [VERSION]);
export const enableStricterElfHeaders = guarded(version.enableStricterElfHeaders, [VERSION]);
export const enableLowerRodataVaddr = guarded(version.enableLowerRodataVaddr, [VERSION]);
export const enableJmp32 = guarded(version.enableJmp32, [VERSION]);
export const callxUsesDstReg = guarded(version.callxUsesDstReg, [VERSION]);
export const alwaysAlignedMemoryMapping = guarded(version.alwaysAlignedMemoryMapping, [VERSION]);
export const callxTargetRegister = guarded(version.callxTargetRegister, [
  VERSION,
  ['insn', (v, n) => toChecked(v, n, 'an instruction { dst, src, imm }', n, { dst: toRegister, src: toRegister, imm: toI32 })],
]);
export const callImmTargetKey = guarded(version.callImmTargetKey, [VERSION, ['pc', toU32], ['imm', toI32]]);

export const opcodeRoles = guarded(validity.opcodeRoles, [VERSION]);
export const opcodeRole = guarded(validity.opcodeRole, [VERSION, ['opc', (v, n) => toInteger(v, n, 0, 255, 'an opcode byte (0 to 255)')]]);
