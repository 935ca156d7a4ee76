/**
 * Result types of transaction processing, shaped like the `litesvm` package's so that code
 * written against it (method calls, `instanceof`, enum comparisons) works unchanged.
 */
import bs58 from 'bs58';
import { toFields } from '../arguments.js';
import { decodeAddress } from '../runtime/accounts.js';
import { debugBytes, debugList, debugString, debugStruct, wrapped } from './rust-debug.js';
import { prettyLogs } from './pretty-logs.js';
import { backtraceOfFaults, type Backtrace, type SourceFrame } from '../debug/index.js';
import type { Profile } from '../profile/index.js';
import type { ProgramDecoder, ReportOptions } from '../inspect/index.js';
import { transactionReport } from './report.js';
import { TRANSACTION_ERROR_NAMES, type InstructionError, type TransactionError } from '../runtime/errors.js';
import type { InnerInstruction as RuntimeInner, TransactionOutcome } from '../runtime/runtime.js';

/** Field-less transaction errors, numbered as in `litesvm`. */
export enum TransactionErrorFieldless {
  AccountInUse,
  AccountLoadedTwice,
  AccountNotFound,
  ProgramAccountNotFound,
  InsufficientFundsForFee,
  InvalidAccountForFee,
  AlreadyProcessed,
  BlockhashNotFound,
  CallChainTooDeep,
  MissingSignatureForFee,
  InvalidAccountIndex,
  SignatureFailure,
  InvalidProgramForExecution,
  SanitizeFailure,
  ClusterMaintenance,
  AccountBorrowOutstanding,
  WouldExceedMaxBlockCostLimit,
  UnsupportedVersion,
  InvalidWritableAccount,
  WouldExceedMaxAccountCostLimit,
  WouldExceedAccountDataBlockLimit,
  TooManyAccountLocks,
  AddressLookupTableNotFound,
  InvalidAddressLookupTableOwner,
  InvalidAddressLookupTableData,
  InvalidAddressLookupTableIndex,
  InvalidRentPayingAccount,
  WouldExceedMaxVoteCostLimit,
  WouldExceedAccountDataTotalLimit,
  MaxLoadedAccountsDataSizeExceeded,
  ResanitizationNeeded,
  InvalidLoadedAccountsDataSizeLimit,
  UnbalancedTransaction,
  ProgramCacheHitMaxLimit,
  CommitCancelled,
}

/** Field-less instruction errors, numbered as in `litesvm`. */
export enum InstructionErrorFieldless {
  GenericError,
  InvalidArgument,
  InvalidInstructionData,
  InvalidAccountData,
  AccountDataTooSmall,
  InsufficientFunds,
  IncorrectProgramId,
  MissingRequiredSignature,
  AccountAlreadyInitialized,
  UninitializedAccount,
  UnbalancedInstruction,
  ModifiedProgramId,
  ExternalAccountLamportSpend,
  ExternalAccountDataModified,
  ReadonlyLamportChange,
  ReadonlyDataModified,
  DuplicateAccountIndex,
  ExecutableModified,
  RentEpochModified,
  NotEnoughAccountKeys,
  AccountDataSizeChanged,
  AccountNotExecutable,
  AccountBorrowFailed,
  AccountBorrowOutstanding,
  DuplicateAccountOutOfSync,
  InvalidError,
  ExecutableDataModified,
  ExecutableLamportChange,
  ExecutableAccountNotRentExempt,
  UnsupportedProgramId,
  CallDepth,
  MissingAccount,
  ReentrancyNotAllowed,
  MaxSeedLengthExceeded,
  InvalidSeeds,
  InvalidRealloc,
  ComputationalBudgetExceeded,
  PrivilegeEscalation,
  ProgramEnvironmentSetupFailure,
  ProgramFailedToComplete,
  ProgramFailedToCompile,
  Immutable,
  IncorrectAuthority,
  AccountNotRentExempt,
  InvalidAccountOwner,
  ArithmeticOverflow,
  UnsupportedSysvar,
  IllegalOwner,
  MaxAccountsDataAllocationsExceeded,
  MaxAccountsExceeded,
  MaxInstructionTraceLengthExceeded,
  BuiltinProgramsMustConsumeComputeUnits,
  BorshIoError,
}

/** `InstructionError::Custom(code)`: a program's own error code. */
export class InstructionErrorCustom {
  constructor(readonly code: number) {}
  toString(): string {
    return debugStruct('InstructionErrorCustom', { code: this.code });
  }
}

/** `TransactionError::InstructionError(index, err)`. */
export class TransactionErrorInstructionError {
  constructor(
    /** Index of the failing top-level instruction. */
    readonly index: number,
    private readonly error: InstructionError,
  ) {}
  /** The instruction's error: a {@link InstructionErrorFieldless} value or {@link InstructionErrorCustom}. */
  err(): InstructionErrorFieldless | InstructionErrorCustom {
    return this.error.kind === 'Custom' ? new InstructionErrorCustom(this.error.code) : InstructionErrorFieldless[this.error.kind];
  }
  toString(): string {
    const error = this.error.kind === 'Custom' ? new InstructionErrorCustom(this.error.code).toString() : this.error.kind;
    return debugStruct('TransactionErrorInstructionError', { index: this.index, error });
  }
}

/** `TransactionError::DuplicateInstruction(index)`. */
export class TransactionErrorDuplicateInstruction {
  constructor(readonly index: number) {}
  toString(): string {
    return debugStruct('TransactionErrorDuplicateInstruction', { index: this.index });
  }
}

/** `TransactionError::InsufficientFundsForRent { account_index }`. */
export class TransactionErrorInsufficientFundsForRent {
  constructor(readonly accountIndex: number) {}
  toString(): string {
    return debugStruct('TransactionErrorInsufficientFundsForRent', { account_index: this.accountIndex });
  }
}

/** `TransactionError::ProgramExecutionTemporarilyRestricted { account_index }`. */
export class TransactionErrorProgramExecutionTemporarilyRestricted {
  constructor(readonly accountIndex: number) {}
  toString(): string {
    return debugStruct('TransactionErrorProgramExecutionTemporarilyRestricted', { account_index: this.accountIndex });
  }
}

/** Any transaction error as `FailedTransactionMetadata.err()` returns it. */
export type TransactionErrorValue =
  | TransactionErrorFieldless
  | TransactionErrorInstructionError
  | TransactionErrorDuplicateInstruction
  | TransactionErrorInsufficientFundsForRent
  | TransactionErrorProgramExecutionTemporarilyRestricted;

/** Converts the runtime's error to the `litesvm` shapes. */
export function toErrorValue(e: TransactionError): TransactionErrorValue {
  toFields(e, 'error', 'a TransactionError');
  switch (e.kind) {
    case 'InstructionError':
      return new TransactionErrorInstructionError(e.index, e.error);
    case 'DuplicateInstruction':
      return new TransactionErrorDuplicateInstruction(e.index);
    case 'InsufficientFundsForRent':
      return new TransactionErrorInsufficientFundsForRent(e.accountIndex);
    case 'ProgramExecutionTemporarilyRestricted':
      return new TransactionErrorProgramExecutionTemporarilyRestricted(e.accountIndex);
    default:
      return TRANSACTION_ERROR_NAMES.indexOf(e.kind);
  }
}

/** A compiled instruction: indexes into the transaction's account keys. */
export class CompiledInstruction {
  constructor(
    private readonly index: number,
    private readonly accountIndexes: Uint8Array,
    private readonly bytes: Uint8Array,
  ) {}
  programIdIndex(): number {
    return this.index;
  }
  accounts(): Uint8Array {
    return this.accountIndexes;
  }
  data(): Uint8Array {
    return this.bytes;
  }
  toString(): string {
    return wrapped('CompiledInstruction', debugCompiled(this.index, this.accountIndexes, this.bytes));
  }
}

const debugCompiled = (programIdIndex: number, accounts: Uint8Array, data: Uint8Array) =>
  debugStruct('CompiledInstruction', { program_id_index: programIdIndex, accounts: debugBytes(accounts), data: debugBytes(data) });

const debugInner = (i: RuntimeInner) =>
  debugStruct('InnerInstruction', { instruction: debugCompiled(i.programIdIndex, i.accounts, i.data), stack_height: i.stackHeight });

const debugReturnData = (r: { programId: string; data: Uint8Array }) =>
  debugStruct('TransactionReturnData', { program_id: r.programId, data: debugBytes(r.data) });

/** LiteSVM's `TransactionMetadata` in Rust's Debug form. */
const debugMetadata = (o: TransactionOutcome) =>
  debugStruct('TransactionMetadata', {
    signature: bs58.encode(o.signature),
    logs: debugList(o.logs.map(debugString)),
    inner_instructions: debugList(o.innerInstructions.map((list) => debugList(list.map(debugInner)))),
    compute_units_consumed: o.computeUnitsConsumed,
    return_data: debugReturnData(o.returnData),
    fee: o.fee,
  });

/** A cross-program invocation recorded during a transaction. */
export class InnerInstruction {
  constructor(private readonly inner: RuntimeInner) {}
  instruction(): CompiledInstruction {
    return new CompiledInstruction(this.inner.programIdIndex, this.inner.accounts, this.inner.data);
  }
  /** 2 for a CPI from a top-level instruction, 3 for one level deeper … */
  stackHeight(): number {
    return this.inner.stackHeight;
  }
  toString(): string {
    return wrapped('InnerInstruction', debugInner(this.inner));
  }
}

/** The return data a transaction ended with and the program that set it. */
export class TransactionReturnData {
  constructor(private readonly value: { programId: string; data: Uint8Array }) {}
  programId(): Uint8Array {
    return decodeAddress(this.value.programId);
  }
  data(): Uint8Array {
    return this.value.data;
  }
  toString(): string {
    return wrapped('TransactionReturnData', debugReturnData(this.value));
  }
}

/** What every processed transaction reports. */
export class TransactionMetadata {
  /** @internal */
  constructor(
    readonly outcome: TransactionOutcome,
    /** @internal The IDLs the SVM was given (`useIdl`), for {@link report}. */
    private readonly idls: () => readonly ProgramDecoder[] = () => [],
  ) {}
  /** The first signature (the transaction id). */
  signature(): Uint8Array {
    return this.outcome.signature;
  }
  /** Program log lines, exactly as Agave records them. */
  logs(): string[] {
    return this.outcome.logs;
  }
  /** CPIs per top-level instruction. */
  innerInstructions(): InnerInstruction[][] {
    return this.outcome.innerInstructions.map((list) => list.map((i) => new InnerInstruction(i)));
  }
  computeUnitsConsumed(): bigint {
    return this.outcome.computeUnitsConsumed;
  }
  returnData(): TransactionReturnData {
    return new TransactionReturnData(this.outcome.returnData);
  }
  /** The fee charged, in lamports. */
  fee(): bigint {
    return this.outcome.fee;
  }
  /** The logs as LiteSVM prints them: one per line, coloured with ANSI codes by what they say. */
  prettyLogs(): string {
    return prettyLogs(this.outcome.logs);
  }
  /** Where the compute units went, when the SVM profiles (`withProfiling()`); else undefined. */
  profile(): Profile | undefined {
    return this.outcome.profile;
  }
  /**
   * The transaction inspector's page of this transaction: one self-contained HTML document with the
   * instruction and CPI tree (each frame's compute units, its logs in place), the account changes
   * before and after (decoded by `options.idls` and the SVM's `useIdl` programs), the return data
   * and, when the SVM profiles, the flamegraph. Write it to a file and open it in a browser.
   */
  report(options?: ReportOptions): string {
    const e = this.outcome.error;
    return transactionReport(this.outcome, e && describeError(e), options, this.idls());
  }
  /** LiteSVM's form: the Rust Debug of its metadata. */
  toString(): string {
    return wrapped('TransactionMetadata', debugMetadata(this.outcome));
  }
}

/** A transaction that failed: its error and its metadata. */
export class FailedTransactionMetadata {
  /** @internal */
  constructor(
    readonly outcome: TransactionOutcome,
    private readonly nameCustomError?: (programId: string, code: number) => string | undefined,
    /** @internal The IDLs the SVM was given (`useIdl`), for {@link report}. */
    private readonly idls: () => readonly ProgramDecoder[] = () => [],
  ) {}
  err(): TransactionErrorValue {
    return toErrorValue(this.outcome.error!);
  }
  meta(): TransactionMetadata {
    return new TransactionMetadata(this.outcome, this.idls);
  }
  /**
   * The error in words; a custom program error is named from the IDL of the program that raised
   * it (the first `Program <id> failed: custom program error` line) when `SVM.useIdl` knows it.
   */
  describeError(): string {
    const text = describeError(this.outcome.error!);
    const e = this.outcome.error!;
    if (e.kind !== 'InstructionError' || e.error.kind !== 'Custom' || !this.nameCustomError) return text;
    const line = this.outcome.logs.find((l) => / failed: custom program error: 0x[0-9a-f]+$/.test(l));
    const program = line?.split(' ')[1];
    const name = program && this.nameCustomError(program, e.error.code);
    return name ? `${text}: ${name} (program ${program})` : text;
  }
  /**
   * Where the failing sBPF program stopped with a VM error (access violation, panic, divide by
   * zero, exceeded budget …): its innermost frame, with function, file and line from the program's
   * DWARF when it has some, else the function's name and the pc. Undefined for other failures
   * (an error code the program returned, a transaction-level error).
   */
  sourceLocation(): SourceFrame | undefined {
    return this.backtrace()?.top;
  }
  /** Where the compute units went, when the SVM profiles (`withProfiling()`); else undefined. */
  profile(): Profile | undefined {
    return this.outcome.profile;
  }
  /** The sBPF call frames at the VM error, innermost first, across CPIs (see {@link sourceLocation}). */
  backtrace(): Backtrace | undefined {
    return backtraceOfFaults(this.outcome.faults);
  }
  /**
   * The transaction inspector's page (see `TransactionMetadata.report`), opening with the failure:
   * the error (named by the IDL), the instruction or CPI that failed with its failure log, and where
   * a VM error stopped the program, with the source line when the program has DWARF.
   */
  report(options?: ReportOptions): string {
    return transactionReport(this.outcome, this.describeError(), options, this.idls());
  }
  /** LiteSVM's form: the Rust Debug of its error and metadata. */
  toString(): string {
    return wrapped(
      'FailedTransactionMetadata',
      debugStruct('FailedTransactionMetadata', { err: describeError(this.outcome.error!), meta: debugMetadata(this.outcome) }),
    );
  }
}

/** A transaction error in Rust's Debug form (`InstructionError(0, Custom(1))` …). */
export function describeError(e: TransactionError): string {
  toFields(e, 'error', 'a TransactionError');
  switch (e.kind) {
    case 'InstructionError':
      return `InstructionError(${e.index}, ${e.error.kind === 'Custom' ? `Custom(${e.error.code})` : e.error.kind})`;
    case 'DuplicateInstruction':
      return `DuplicateInstruction(${e.index})`;
    case 'InsufficientFundsForRent':
    case 'ProgramExecutionTemporarilyRestricted':
      return debugStruct(e.kind, { account_index: e.accountIndex });
    default:
      return e.kind;
  }
}
