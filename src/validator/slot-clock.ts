/**
 * How a validator's slots advance: with time (a block ends every `ms` milliseconds, and at once
 * after a batch of transactions so that it confirms in milliseconds), only after each batch of
 * transactions, or only when asked (`advanceSlots`, for tests that count slots).
 */
import { WebsvmError } from '../errors.js';
import type { Ledger } from './ledger.js';

/** A slot time in milliseconds, `'transaction'` or `'manual'`. */
export type SlotTime = number | 'transaction' | 'manual';

/** solana-test-validator's slot time (`DEFAULT_MS_PER_SLOT`). */
export const DEFAULT_SLOT_TIME_MS = 400;

/** Drives `ledger`'s slots as `mode` says; returns the stop. */
export function driveSlots(ledger: Ledger, mode: SlotTime): () => void {
  if (typeof mode === 'number' ? !(Number.isInteger(mode) && mode > 0) : mode !== 'transaction' && mode !== 'manual') {
    throw new WebsvmError('InvalidArgument', `slotTime must be a positive whole number of milliseconds, 'transaction' or 'manual', got ${String(mode)}`);
  }
  ledger.endBlocksAfterTransactions = mode !== 'manual';
  if (typeof mode !== 'number') return () => {};
  const timer = setInterval(() => ledger.endBlock(), mode);
  timer.unref();
  return () => clearInterval(timer);
}
