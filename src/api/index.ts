export { SVM, LiteSVM, SimulatedTransactionInfo, type Web3AccountInfo } from './svm.js';
export * from './results.js';
export * from './sysvars.js';
export type { AddressInput, TransactionInput } from './inputs.js';
