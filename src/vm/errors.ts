/**
 * Runtime errors of the VM: the solana-sbpf `EbpfError` variants with their Display texts.
 * `pc` (slot index) is extra information of ours; the reference's texts do not include it.
 */
import { refused, toText } from '../arguments.js';
import { WebsvmError } from '../errors.js';

/** solana-sbpf `EbpfError` variant names. */
export type EbpfErrorKind =
  | 'CallDepthExceeded'
  | 'ExitRootCallFrame'
  | 'DivideByZero'
  | 'DivideOverflow'
  | 'ExecutionOverrun'
  | 'CallOutsideTextSegment'
  | 'ExceededMaxInstructions'
  | 'InvalidMemoryRegion'
  | 'AccessViolation'
  | 'StackAccessViolation'
  | 'InvalidInstruction'
  | 'UnsupportedInstruction'
  | 'SyscallError';

const FIXED_TEXT: Partial<Record<EbpfErrorKind, string>> = {
  CallDepthExceeded: 'exceeded max BPF to BPF call depth',
  ExitRootCallFrame: 'attempted to exit root call frame',
  DivideByZero: 'divide by zero at BPF instruction',
  DivideOverflow: 'division overflow at BPF instruction',
  ExecutionOverrun: 'attempted to execute past the end of the text segment at BPF instruction',
  CallOutsideTextSegment: 'callx attempted to call outside of the text segment',
  ExceededMaxInstructions: 'exceeded CUs meter at BPF instruction',
  InvalidInstruction: 'invalid BPF instruction',
  UnsupportedInstruction: 'unsupported BPF instruction',
};

/** A VM runtime error. */
export class EbpfError extends WebsvmError<EbpfErrorKind> {
  /** Slot index of the instruction that raised the error, when known. */
  pc?: number;
  /** Return slots of the call frames active at the error, outermost first (for backtraces). */
  returnPcs?: number[];

  constructor(kind: EbpfErrorKind, message?: string, pc?: number) {
    super(kind, message ?? FIXED_TEXT[kind] ?? kind);
    if (pc !== undefined) this.pc = pc;
  }

  /** An error of one of the variants whose text carries no data. */
  static of(kind: keyof typeof FIXED_TEXT & EbpfErrorKind): EbpfError {
    if (!Object.hasOwn(FIXED_TEXT, kind)) throw refused('kind', `an EbpfError kind with a fixed text (${Object.keys(FIXED_TEXT).join(', ')})`, kind);
    return new EbpfError(kind);
  }

  /** `SyscallError`: a host function failed; `Syscall error: <inner display>`. */
  static syscall(inner: string): EbpfError {
    return new EbpfError('SyscallError', `Syscall error: ${toText(inner, 'inner', 'the syscall error text')}`);
  }
}

/** `{:#x}` formatting of a u64. */
export const hex = (v: bigint): string => `0x${v.toString(16)}`;
