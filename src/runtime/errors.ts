/**
 * Instruction and transaction errors with Agave's variant names and Display texts
 * (solana-sdk `instruction-error`, `transaction-error`, `program-error`).
 */
import { WebsvmError } from '../errors.js';

/** Every field-less `InstructionError` variant, in the enum's order (its bincode/napi index). */
export const INSTRUCTION_ERROR_TEXT = {
  GenericError: 'generic instruction error',
  InvalidArgument: 'invalid program argument',
  InvalidInstructionData: 'invalid instruction data',
  InvalidAccountData: 'invalid account data for instruction',
  AccountDataTooSmall: 'account data too small for instruction',
  InsufficientFunds: 'insufficient funds for instruction',
  IncorrectProgramId: 'incorrect program id for instruction',
  MissingRequiredSignature: 'missing required signature for instruction',
  AccountAlreadyInitialized: 'instruction requires an uninitialized account',
  UninitializedAccount: 'instruction requires an initialized account',
  UnbalancedInstruction: 'sum of account balances before and after instruction do not match',
  ModifiedProgramId: 'instruction illegally modified the program id of an account',
  ExternalAccountLamportSpend: 'instruction spent from the balance of an account it does not own',
  ExternalAccountDataModified: 'instruction modified data of an account it does not own',
  ReadonlyLamportChange: 'instruction changed the balance of a read-only account',
  ReadonlyDataModified: 'instruction modified data of a read-only account',
  DuplicateAccountIndex: 'instruction contains duplicate accounts',
  ExecutableModified: 'instruction changed executable bit of an account',
  RentEpochModified: 'instruction modified rent epoch of an account',
  NotEnoughAccountKeys: 'insufficient account keys for instruction',
  AccountDataSizeChanged: "program other than the account's owner changed the size of the account data",
  AccountNotExecutable: 'instruction expected an executable account',
  AccountBorrowFailed: 'instruction tries to borrow reference for an account which is already borrowed',
  AccountBorrowOutstanding: 'instruction left account with an outstanding borrowed reference',
  DuplicateAccountOutOfSync: 'instruction modifications of multiply-passed account differ',
  InvalidError: 'program returned invalid error code',
  ExecutableDataModified: 'instruction changed executable accounts data',
  ExecutableLamportChange: 'instruction changed the balance of an executable account',
  ExecutableAccountNotRentExempt: 'executable accounts must be rent exempt',
  UnsupportedProgramId: 'Unsupported program id',
  CallDepth: 'Cross-program invocation call depth too deep',
  MissingAccount: 'An account required by the instruction is missing',
  ReentrancyNotAllowed: 'Cross-program invocation reentrancy not allowed for this instruction',
  MaxSeedLengthExceeded: 'Length of the seed is too long for address generation',
  InvalidSeeds: 'Provided seeds do not result in a valid address',
  InvalidRealloc: 'Failed to reallocate account data',
  ComputationalBudgetExceeded: 'Computational budget exceeded',
  PrivilegeEscalation: 'Cross-program invocation with unauthorized signer or writable account',
  ProgramEnvironmentSetupFailure: 'Failed to create program execution environment',
  ProgramFailedToComplete: 'Program failed to complete',
  ProgramFailedToCompile: 'Program failed to compile',
  Immutable: 'Account is immutable',
  IncorrectAuthority: 'Incorrect authority provided',
  AccountNotRentExempt: 'An account does not have enough lamports to be rent-exempt',
  InvalidAccountOwner: 'Invalid account owner',
  ArithmeticOverflow: 'Program arithmetic overflowed',
  UnsupportedSysvar: 'Unsupported sysvar',
  IllegalOwner: 'Provided owner is not allowed',
  MaxAccountsDataAllocationsExceeded: 'Accounts data allocations exceeded the maximum allowed per transaction',
  MaxAccountsExceeded: 'Max accounts exceeded',
  MaxInstructionTraceLengthExceeded: 'Max instruction trace length exceeded',
  BuiltinProgramsMustConsumeComputeUnits: 'Builtin programs must consume compute units',
  BorshIoError: 'Failed to serialize or deserialize account data',
} as const;

/** Name of a field-less `InstructionError` variant. */
export type InstructionErrorName = keyof typeof INSTRUCTION_ERROR_TEXT;

/** Agave's `InstructionError`: a named variant, or `Custom(code)` returned by a program. */
export type InstructionError = { kind: InstructionErrorName } | { kind: 'Custom'; code: number };

/** Builds a field-less instruction error. */
export const ixError = (kind: InstructionErrorName): InstructionError => ({ kind });

/** The Display text Agave logs after `failed: `. */
export function instructionErrorText(err: InstructionError): string {
  return err.kind === 'Custom' ? `custom program error: 0x${err.code.toString(16)}` : INSTRUCTION_ERROR_TEXT[err.kind];
}

/** Builtin program error codes `k << 32` (solana-program-error), by k. */
const PROGRAM_ERROR_CODES: (InstructionErrorName | 'Custom0')[] = [
  'Custom0',
  'InvalidArgument',
  'InvalidInstructionData',
  'InvalidAccountData',
  'AccountDataTooSmall',
  'InsufficientFunds',
  'IncorrectProgramId',
  'MissingRequiredSignature',
  'AccountAlreadyInitialized',
  'UninitializedAccount',
  'NotEnoughAccountKeys',
  'AccountBorrowFailed',
  'MaxSeedLengthExceeded',
  'InvalidSeeds',
  'BorshIoError',
  'AccountNotRentExempt',
  'UnsupportedSysvar',
  'IllegalOwner',
  'MaxAccountsDataAllocationsExceeded',
  'InvalidRealloc',
  'MaxInstructionTraceLengthExceeded',
  'BuiltinProgramsMustConsumeComputeUnits',
  'InvalidAccountOwner',
  'ArithmeticOverflow',
  'Immutable',
  'IncorrectAuthority',
];

/** The error a program reports by exiting with a non-zero r0 (`InstructionError::from(u64)`). */
export function instructionErrorFromReturn(r0: bigint): InstructionError {
  const high = Number(r0 >> 32n);
  const low = Number(r0 & 0xffff_ffffn);
  if (low === 0 && high >= 1 && high <= PROGRAM_ERROR_CODES.length) {
    const name = PROGRAM_ERROR_CODES[high - 1];
    return name === 'Custom0' ? { kind: 'Custom', code: 0 } : { kind: name };
  }
  return high === 0 ? { kind: 'Custom', code: low } : { kind: 'InvalidError' };
}

/** Field-less `TransactionError` variants, in LiteSVM's `TransactionErrorFieldless` order. */
export const TRANSACTION_ERROR_NAMES = [
  'AccountInUse',
  'AccountLoadedTwice',
  'AccountNotFound',
  'ProgramAccountNotFound',
  'InsufficientFundsForFee',
  'InvalidAccountForFee',
  'AlreadyProcessed',
  'BlockhashNotFound',
  'CallChainTooDeep',
  'MissingSignatureForFee',
  'InvalidAccountIndex',
  'SignatureFailure',
  'InvalidProgramForExecution',
  'SanitizeFailure',
  'ClusterMaintenance',
  'AccountBorrowOutstanding',
  'WouldExceedMaxBlockCostLimit',
  'UnsupportedVersion',
  'InvalidWritableAccount',
  'WouldExceedMaxAccountCostLimit',
  'WouldExceedAccountDataBlockLimit',
  'TooManyAccountLocks',
  'AddressLookupTableNotFound',
  'InvalidAddressLookupTableOwner',
  'InvalidAddressLookupTableData',
  'InvalidAddressLookupTableIndex',
  'InvalidRentPayingAccount',
  'WouldExceedMaxVoteCostLimit',
  'WouldExceedAccountDataTotalLimit',
  'MaxLoadedAccountsDataSizeExceeded',
  'ResanitizationNeeded',
  'InvalidLoadedAccountsDataSizeLimit',
  'UnbalancedTransaction',
  'ProgramCacheHitMaxLimit',
  'CommitCancelled',
] as const;

/** Name of a field-less `TransactionError` variant. */
export type TransactionErrorName = (typeof TRANSACTION_ERROR_NAMES)[number];

/** Agave's `TransactionError`. */
export type TransactionError =
  | { kind: TransactionErrorName }
  | { kind: 'InstructionError'; index: number; error: InstructionError }
  | { kind: 'DuplicateInstruction'; index: number }
  | { kind: 'InsufficientFundsForRent'; accountIndex: number }
  | { kind: 'ProgramExecutionTemporarilyRestricted'; accountIndex: number };

/** Builds a field-less transaction error. */
export const txError = (kind: TransactionErrorName): TransactionError => ({ kind });

/**
 * Thrown inside the runtime to abort the current instruction with an `InstructionError` (kind
 * `InstructionError`, the variant as `error`, the message its Display text); the runtime turns it
 * into the transaction's result, so it reaches callers only where no transaction is running.
 */
export class InstructionFailure extends WebsvmError<'InstructionError', { readonly error: InstructionError }> {
  constructor(readonly error: InstructionError) {
    super('InstructionError', instructionErrorText(error), { error });
  }
}

/** Throws an {@link InstructionFailure} of the named variant. */
export function fail(kind: InstructionErrorName): never {
  throw new InstructionFailure({ kind });
}

/**
 * Thrown while checking a transaction before execution (kind `TransactionError`, the variant as
 * `error`, the message its Display text); the runtime turns it into the transaction's result.
 */
export class TransactionFailure extends WebsvmError<'TransactionError', { readonly error: TransactionError }> {
  constructor(readonly error: TransactionError) {
    super('TransactionError', transactionErrorText(error), { error });
  }
}

/** The Display text of each field-less `TransactionError` variant (what RPC error messages quote). */
const TRANSACTION_ERROR_TEXT: Record<TransactionErrorName, string> = {
  AccountInUse: 'Account in use',
  AccountLoadedTwice: 'Account loaded twice',
  AccountNotFound: 'Attempt to debit an account but found no record of a prior credit.',
  ProgramAccountNotFound: 'Attempt to load a program that does not exist',
  InsufficientFundsForFee: 'Insufficient funds for fee',
  InvalidAccountForFee: 'This account may not be used to pay transaction fees',
  AlreadyProcessed: 'This transaction has already been processed',
  BlockhashNotFound: 'Blockhash not found',
  CallChainTooDeep: 'Loader call chain is too deep',
  MissingSignatureForFee: 'Transaction requires a fee but has no signature present',
  InvalidAccountIndex: 'Transaction contains an invalid account reference',
  SignatureFailure: 'Transaction did not pass signature verification',
  InvalidProgramForExecution: 'This program may not be used for executing instructions',
  SanitizeFailure: 'Transaction failed to sanitize accounts offsets correctly',
  ClusterMaintenance: 'Transactions are currently disabled due to cluster maintenance',
  AccountBorrowOutstanding: 'Transaction processing left an account with an outstanding borrowed reference',
  WouldExceedMaxBlockCostLimit: 'Transaction would exceed max Block Cost Limit',
  UnsupportedVersion: 'Transaction version is unsupported',
  InvalidWritableAccount: 'Transaction loads a writable account that cannot be written',
  WouldExceedMaxAccountCostLimit: 'Transaction would exceed max account limit within the block',
  WouldExceedAccountDataBlockLimit: 'Transaction would exceed account data limit within the block',
  TooManyAccountLocks: 'Transaction locked too many accounts',
  AddressLookupTableNotFound: "Transaction loads an address table account that doesn't exist",
  InvalidAddressLookupTableOwner: 'Transaction loads an address table account with an invalid owner',
  InvalidAddressLookupTableData: 'Transaction loads an address table account with invalid data',
  InvalidAddressLookupTableIndex: 'Transaction address table lookup uses an invalid index',
  InvalidRentPayingAccount: 'Transaction leaves an account with a lower balance than rent-exempt minimum',
  WouldExceedMaxVoteCostLimit: 'Transaction would exceed max Vote Cost Limit',
  WouldExceedAccountDataTotalLimit: 'Transaction would exceed total account data limit',
  MaxLoadedAccountsDataSizeExceeded: 'Transaction exceeded max loaded accounts data size cap',
  ResanitizationNeeded: 'ResanitizationNeeded',
  InvalidLoadedAccountsDataSizeLimit: 'LoadedAccountsDataSizeLimit set for transaction must be greater than 0.',
  UnbalancedTransaction: 'Sum of account balances before and after transaction do not match',
  ProgramCacheHitMaxLimit: 'Program cache hit max limit',
  CommitCancelled: 'CommitCancelled',
};

/** `TransactionError`'s Display text, e.g. `Error processing Instruction 0: custom program error: 0x1`. */
export function transactionErrorText(e: TransactionError): string {
  switch (e.kind) {
    case 'InstructionError':
      return `Error processing Instruction ${e.index}: ${instructionErrorText(e.error)}`;
    case 'DuplicateInstruction':
      return `Transaction contains a duplicate instruction (${e.index}) that is not allowed`;
    case 'InsufficientFundsForRent':
      return `Transaction results in an account (${e.accountIndex}) with insufficient funds for rent`;
    case 'ProgramExecutionTemporarilyRestricted':
      return `Execution of the program referenced by account at index ${e.accountIndex} is temporarily restricted.`;
    default:
      return TRANSACTION_ERROR_TEXT[e.kind];
  }
}
