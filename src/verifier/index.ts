/**
 * Static verification of bytecode: solana-sbpf's `RequisiteVerifier` (run by Agave at deployment
 * and when loading a program) and the V3+ deploy-time `LocalVerifier`, with the reference's error
 * variants, texts and check order.
 */
import { WebsvmError } from '../errors.js';
import type { Executable } from '../executable.js';
import { FRAME_PTR_REG, INSN_SIZE } from '../isa/constants.js';
import { decodeInsn, type Insn } from '../isa/instruction.js';
import * as op from '../isa/opcodes.js';
import { opcodeRole } from '../isa/validity.js';
import { SBPFVersion, callxUsesDstReg, callxUsesSrcReg, manualStackFrameBump } from '../isa/version.js';

/** solana-sbpf `VerifierError` variant names. */
export type VerifierErrorKind =
  | 'ProgramLengthNotMultiple'
  | 'NoProgram'
  | 'DivisionByZero'
  | 'UnsupportedLEBEArgument'
  | 'LDDWCannotBeLast'
  | 'IncompleteLDDW'
  | 'JumpOutOfCode'
  | 'JumpToMiddleOfLDDW'
  | 'InvalidSourceRegister'
  | 'CannotWriteR10'
  | 'InvalidDestinationRegister'
  | 'UnknownOpCode'
  | 'ShiftWithOverflow'
  | 'InvalidRegister'
  | 'InvalidFunction'
  | 'InvalidSyscall'
  | 'UnalignedImmediate';

/** A verification failure; `pc` is the offending slot where the variant has one. */
export class VerifierError extends WebsvmError<VerifierErrorKind> {
  constructor(
    kind: VerifierErrorKind,
    message: string,
    readonly pc?: number,
  ) {
    super(kind, message);
  }
}

const fail = (kind: VerifierErrorKind, message: string, pc?: number): never => {
  throw new VerifierError(kind, message, pc);
};

function checkJump(text: Uint8Array, n: number, insn: Insn): void {
  const target = insn.pc + 1 + insn.off;
  if (target < 0 || target >= n) {
    // The reference prints the target as usize: a negative target wraps around.
    const shown = target < 0 ? (BigInt(target) + (1n << 64n)).toString() : String(target);
    fail('JumpOutOfCode', `jump out of code to #${shown} (insn #${insn.pc})`, insn.pc);
  }
  if (text[target * INSN_SIZE] === 0) fail('JumpToMiddleOfLDDW', `jump to middle of LD_DW at #${target} (insn #${insn.pc})`, insn.pc);
}

/** Register checks; `pc` is the reference's `insn_ptr` at this point (past an lddw's second slot). */
function checkRegisters(v: SBPFVersion, insn: Insn, store: boolean, pc: number): void {
  if (insn.src > 10) fail('InvalidSourceRegister', `invalid source register (insn #${pc})`, pc);
  if (insn.dst <= 9 || (insn.dst === 10 && store)) return;
  if (insn.dst === 10) {
    if (manualStackFrameBump(v) && insn.opc === op.ADD64_IMM) return;
    fail('CannotWriteR10', `cannot write into register r10 (insn #${pc})`, pc);
  }
  fail('InvalidDestinationRegister', `invalid destination register (insn #${pc})`, pc);
}

/** Verifies bytecode (`RequisiteVerifier`). Throws {@link VerifierError}. */
export function verifyText(text: Uint8Array, v: SBPFVersion): void {
  if (text.length % INSN_SIZE !== 0) fail('ProgramLengthNotMultiple', `program length must be a multiple of ${INSN_SIZE} octets`);
  if (text.length === 0) fail('NoProgram', 'no program set, call prog_set() to load one');
  const n = text.length / INSN_SIZE;
  let pc = 0;
  while (pc < n) {
    const insn = decodeInsn(text, pc);
    let store = false;
    switch (opcodeRole(v, insn.opc)) {
      case 'invalid':
        fail('UnknownOpCode', `unknown eBPF opcode 0x${insn.opc.toString(16)} (insn #${pc})`, pc);
        break;
      case 'lddw':
        if (pc + 1 >= n) fail('LDDWCannotBeLast', 'LD_DW instruction cannot be last in program');
        if (text[(pc + 1) * INSN_SIZE] !== 0) fail('IncompleteLDDW', `incomplete LD_DW instruction (insn #${pc})`, pc);
        pc++;
        break;
      case 'store':
        store = true;
        break;
      case 'divImm':
        if (insn.imm === 0) fail('DivisionByZero', `division by 0 (insn #${pc})`, pc);
        break;
      case 'shift32':
      case 'shift64': {
        const bits = opcodeRole(v, insn.opc) === 'shift32' ? 32 : 64;
        if (insn.imm < 0 || insn.imm >= bits) {
          const shown = insn.imm < 0 ? (BigInt(insn.imm) + (1n << 64n)).toString() : String(insn.imm);
          fail('ShiftWithOverflow', `Shift with overflow of ${shown}-bit value by ${bits} (insn #${pc})`, pc);
        }
        break;
      }
      case 'endian':
        if (insn.imm !== 16 && insn.imm !== 32 && insn.imm !== 64) fail('UnsupportedLEBEArgument', `unsupported argument for LE/BE (insn #${pc})`, pc);
        break;
      case 'alu':
        if (insn.opc === op.ADD64_IMM && insn.dst === FRAME_PTR_REG && manualStackFrameBump(v) && (insn.imm & 63) !== 0) {
          fail('UnalignedImmediate', `Unaligned immediate (insn #${pc})`, pc);
        }
        break;
      case 'jump':
        checkJump(text, n, insn);
        break;
      case 'callx': {
        const reg = callxUsesSrcReg(v) ? insn.src : callxUsesDstReg(v) ? insn.dst : insn.imm;
        if (reg < 0 || reg >= 10) fail('InvalidRegister', `Invalid register specified at instruction ${pc}`, pc);
        break;
      }
    }
    checkRegisters(v, insn, store, pc);
    pc++;
  }
  if (pc !== n) fail('JumpOutOfCode', `jump out of code to #${pc} (insn #${pc})`, pc);
}

/** Verifies an executable's bytecode (`RequisiteVerifier`). */
export function verify(exe: Executable): void {
  verifyText(exe.text, exe.sbpfVersion);
}

/**
 * The V3+ deploy-time checks (`LocalVerifier`): static syscalls must be registered, and a
 * relative call of -1 is invalid. Earlier versions have nothing to check.
 */
export function verifyLocal(exe: Executable, syscallHashes: ReadonlySet<number>): void {
  if (exe.sbpfVersion < SBPFVersion.V3 || exe.sbpfVersion === SBPFVersion.Reserved) return;
  const n = Math.floor(exe.text.length / INSN_SIZE);
  for (let pc = 0; pc < n; pc++) {
    const insn = decodeInsn(exe.text, pc);
    if (insn.opc === op.LD_DW_IMM) pc++;
    else if (insn.opc === op.CALL_IMM && insn.src === 0 && !syscallHashes.has(insn.imm >>> 0)) {
      fail('InvalidSyscall', `Invalid syscall code ${insn.imm >>> 0}`);
    } else if (insn.opc === op.CALL_IMM && insn.src === 1 && insn.imm === -1) {
      fail('InvalidFunction', `Invalid function at instruction ${pc}`, pc);
    }
  }
}
