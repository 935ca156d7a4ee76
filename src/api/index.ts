export { SVM, LiteSVM, SimulatedTransactionInfo, type Web3AccountInfo } from './svm.js';
export * from './results.js';
export * from './sysvars.js';
export type { AddressInput, TransactionInput } from './inputs.js';
export { InstructionHarness, InstructionResult, Check, AccountCheck, CheckFailure } from './harness.js';
export type { InstructionInput, AccountInput } from './inputs.js';
export { ComputeUnitBencher, parseLastTable, type BenchResult, type BencherOptions } from './bencher.js';
export { AnchorProgram, ANCHOR_FRAMEWORK_ERRORS, type AnchorIdl, type AnchorInstruction, type IdlType } from './anchor.js';
export type { ErrorNamer } from './harness.js';
