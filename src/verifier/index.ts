/**
 * Static verification of bytecode: solana-sbpf's `RequisiteVerifier` (run by Agave at deployment
 * and when loading a program) and the V3+ deploy-time `LocalVerifier`, with the reference's error
 * variants, texts and check order.
 */
import { toBytes, toInstance, toInteger } from '../arguments.js';
import { WebsvmError } from '../errors.js';
import { toExecutable, type Executable } from '../executable.js';
import { FRAME_PTR_REG, INSN_SIZE } from '../isa/constants.js';
import { decodeInsn } from '../isa/instruction.js';
import * as op from '../isa/opcodes.js';
import { SLOT } from '../isa/slot.js';
import { opcodeRoles } from '../isa/validity.js';
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

/**
 * Per opcode byte of a version: 1 + the highest destination register with which a slot passes
 * every check without its offset or immediate being read (loads, stores, calls, exit and ALU
 * instructions whose checks are on registers only: dst ≤ 9, or ≤ 10 for stores), else 0. Three
 * slots in four take this shortcut in real programs.
 */
const quickDstLimits = new Map<SBPFVersion, Uint8Array>();

function quickDstLimit(v: SBPFVersion): Uint8Array {
  let limits = quickDstLimits.get(v);
  if (!limits) {
    const roles = opcodeRoles(v);
    limits = Uint8Array.from(roles, (role) => (role === 'store' ? 11 : role === 'load' || role === 'alu' || role === 'call' || role === 'exit' ? 10 : 0));
    quickDstLimits.set(v, limits);
  }
  return limits;
}

/** Where the verifier reads each field, in place (the slot's declaration). */
const { opc: OPC, regs: REGS, off: OFF, imm: IMM } = SLOT;

/** The reference prints a negative value as usize: it wraps around. */
const asUsize = (v: number): string => (v < 0 ? (BigInt(v) + (1n << 64n)).toString() : String(v));

/**
 * Verifies bytecode (`RequisiteVerifier`). Throws {@link VerifierError}. One pass reading each
 * slot's fields in place (programs reach 10^5 slots, and this runs when a program is first loaded).
 */
export function verifyText(text: Uint8Array, v: SBPFVersion): void {
  toBytes(text, 'text');
  toInteger(v, 'v', 0, SBPFVersion.Reserved, 'an SBPFVersion (0 to 5)');
  if (text.length % INSN_SIZE !== 0) fail('ProgramLengthNotMultiple', `program length must be a multiple of ${INSN_SIZE} octets`);
  if (text.length === 0) fail('NoProgram', 'no program set, call prog_set() to load one');
  const n = text.length / INSN_SIZE;
  const roles = opcodeRoles(v);
  const manualFrames = manualStackFrameBump(v);
  const callxRegister = callxUsesSrcReg(v) ? 'src' : callxUsesDstReg(v) ? 'dst' : 'imm';
  const quick = quickDstLimit(v);
  const view = new DataView(text.buffer, text.byteOffset, text.byteLength);
  let pc = 0;
  while (pc < n) {
    const o = pc * INSN_SIZE;
    const opc = text[o + OPC];
    const regs = text[o + REGS];
    const dst = regs & 0x0f;
    const src = regs >>> 4;
    if (dst < quick[opc] && src <= 10) {
      pc++;
      continue;
    }
    const imm = view.getInt32(o + IMM, true);
    let store = false;
    switch (roles[opc]) {
      case 'invalid':
        fail('UnknownOpCode', `unknown eBPF opcode 0x${opc.toString(16)} (insn #${pc})`, pc);
        break;
      case 'lddw':
        if (pc + 1 >= n) fail('LDDWCannotBeLast', 'LD_DW instruction cannot be last in program');
        if (text[o + INSN_SIZE + OPC] !== 0) fail('IncompleteLDDW', `incomplete LD_DW instruction (insn #${pc})`, pc);
        pc++;
        break;
      case 'store':
        store = true;
        break;
      case 'divImm':
        if (imm === 0) fail('DivisionByZero', `division by 0 (insn #${pc})`, pc);
        break;
      case 'shift32':
        if (imm < 0 || imm >= 32) fail('ShiftWithOverflow', `Shift with overflow of ${asUsize(imm)}-bit value by 32 (insn #${pc})`, pc);
        break;
      case 'shift64':
        if (imm < 0 || imm >= 64) fail('ShiftWithOverflow', `Shift with overflow of ${asUsize(imm)}-bit value by 64 (insn #${pc})`, pc);
        break;
      case 'endian':
        if (imm !== 16 && imm !== 32 && imm !== 64) fail('UnsupportedLEBEArgument', `unsupported argument for LE/BE (insn #${pc})`, pc);
        break;
      case 'alu':
        if (opc === op.ADD64_IMM && dst === FRAME_PTR_REG && manualFrames && (imm & 63) !== 0) {
          fail('UnalignedImmediate', `Unaligned immediate (insn #${pc})`, pc);
        }
        break;
      case 'jump': {
        const target = pc + 1 + view.getInt16(o + OFF, true);
        if (target < 0 || target >= n) fail('JumpOutOfCode', `jump out of code to #${asUsize(target)} (insn #${pc})`, pc);
        if (text[target * INSN_SIZE + OPC] === 0) fail('JumpToMiddleOfLDDW', `jump to middle of LD_DW at #${target} (insn #${pc})`, pc);
        break;
      }
      case 'callx': {
        const reg = callxRegister === 'src' ? src : callxRegister === 'dst' ? dst : imm;
        if (reg < 0 || reg >= 10) fail('InvalidRegister', `Invalid register specified at instruction ${pc}`, pc);
        break;
      }
    }
    // Register checks; `pc` is the reference's `insn_ptr` here (past an lddw's second slot).
    if (src > 10) fail('InvalidSourceRegister', `invalid source register (insn #${pc})`, pc);
    if (dst === 10 && !store && !(manualFrames && opc === op.ADD64_IMM)) fail('CannotWriteR10', `cannot write into register r10 (insn #${pc})`, pc);
    if (dst > 10) fail('InvalidDestinationRegister', `invalid destination register (insn #${pc})`, pc);
    pc++;
  }
  if (pc !== n) fail('JumpOutOfCode', `jump out of code to #${pc} (insn #${pc})`, pc);
}

/** Verifies an executable's bytecode (`RequisiteVerifier`). */
export function verify(exe: Executable): void {
  toExecutable(exe, 'exe');
  verifyText(exe.text, exe.sbpfVersion);
}

/**
 * The V3+ deploy-time checks (`LocalVerifier`): static syscalls must be registered, and a
 * relative call of -1 is invalid. Earlier versions have nothing to check.
 */
export function verifyLocal(exe: Executable, syscallHashes: ReadonlySet<number>): void {
  toExecutable(exe, 'exe');
  toInstance(syscallHashes, 'syscallHashes', Set, 'a Set of syscall hashes');
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
