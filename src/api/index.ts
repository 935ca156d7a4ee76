export { SVM, LiteSVM, SimulatedTransactionInfo, type Web3AccountInfo } from './svm.js';
export { Account } from './account.js';
export * from './results.js';
export * from './sysvars.js';
export type { AddressInput, TransactionInput } from './inputs.js';
export { InstructionHarness, InstructionResult, Check, AccountCheck, CheckFailure, HarnessContext } from './harness.js';
export type { InstructionInput, AccountInput } from './inputs.js';
export { ComputeUnitBencher, parseLastTable, type BenchResult, type BencherOptions } from './bencher.js';
export { AnchorProgram, ANCHOR_FRAMEWORK_ERRORS, type AnchorIdl, type AnchorInstruction, type IdlType } from './anchor.js';
export type { ErrorNamer } from './harness.js';
export { FeatureSet } from './feature-set.js';
export {
  DEFAULT_PROGRAMS,
  defaultProgramSource,
  programsFromDirectory,
  programsFromLiteSvm,
  programsFromRpc,
  type DefaultProgram,
  type ProgramElf,
  type ProgramSource,
} from './default-programs.js';
