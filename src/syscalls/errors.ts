/**
 * Why a syscall aborted the program: Agave's `SyscallError` variants (agave `syscalls/src/lib.rs`,
 * with the CPI ones of `syscalls/src/cpi.rs` `CpiError` and the Poseidon parameter errors), each
 * with the reference's Display text, which the program's `failed:` log line quotes.
 */
import { WebsvmError } from '../errors.js';

/** The variants a syscall of websvm can raise. */
export type SyscallErrorKind =
  | 'InvalidString'
  | 'Abort'
  | 'Panic'
  | 'BadSeeds'
  | 'ProgramNotSupported'
  | 'UnalignedPointer'
  | 'TooManySigners'
  | 'CopyOverlapping'
  | 'ReturnDataTooLarge'
  | 'TooManySlices'
  | 'InvalidLength'
  | 'MaxInstructionDataLenExceeded'
  | 'MaxInstructionAccountsExceeded'
  | 'MaxInstructionAccountInfosExceeded'
  | 'InvalidAttribute'
  | 'InvalidPointer'
  /** `PoseidonSyscallError::InvalidParameters`. */
  | 'InvalidParameters'
  /** `PoseidonSyscallError::InvalidEndianness`. */
  | 'InvalidEndianness';

/** The Display texts that carry no data. */
const FIXED_TEXT = {
  Abort: 'SBF program panicked',
  UnalignedPointer: 'Unaligned pointer',
  TooManySigners: 'Too many signers',
  CopyOverlapping: 'Overlapping copy',
  TooManySlices: 'Hashing too many sequences',
  InvalidLength: 'InvalidLength',
  InvalidAttribute: 'InvalidAttribute',
  InvalidPointer: 'Invalid pointer',
  InvalidParameters: 'Invalid parameters.',
  InvalidEndianness: 'Invalid endianness.',
} as const satisfies Partial<Record<SyscallErrorKind, string>>;

/** A syscall failure; the VM reports it as `EbpfError` `SyscallError` with this as its cause. */
export class SyscallError extends WebsvmError<SyscallErrorKind> {
  /** A variant whose text carries data, with that text. */
  constructor(kind: Exclude<SyscallErrorKind, keyof typeof FIXED_TEXT>, message: string);
  /** A variant whose text carries no data. */
  constructor(kind: keyof typeof FIXED_TEXT);
  constructor(kind: SyscallErrorKind, message?: string) {
    super(kind, message ?? FIXED_TEXT[kind as keyof typeof FIXED_TEXT]);
  }
}
