/**
 * A ledger directory (`--ledger DIR`): the accounts as `solana account --output json` files under
 * `accounts/` and the chain's counters in `ledger.json`, written when the validator closes and read
 * when it starts again. The transaction history and blocks are not kept: a reopened ledger's first
 * available block is the slot it reopens at.
 */
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { SVM } from '../api/svm.js';
import { WebsvmError } from '../errors.js';
import type { LedgerState } from './ledger.js';

const STATE_FILE = 'ledger.json';
const ACCOUNTS_DIR = 'accounts';

/** What `ledger.json` holds: the chain's counters and the blockhash to continue from. */
interface StoredState {
  genesisHash: string;
  blockHeight: string;
  transactionCount: string;
  latestBlockhash: string;
}

/**
 * Opens `dir` for `svm`: with `reset`, empties it first; when it holds a ledger, loads its accounts
 * into `svm` (and its latest blockhash) and returns its state; otherwise returns undefined.
 */
export function openLedgerDir(dir: string, svm: SVM, reset: boolean): LedgerState | undefined {
  if (reset) rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const statePath = join(dir, STATE_FILE);
  if (!existsSync(statePath)) return undefined;
  let stored: StoredState;
  try {
    stored = JSON.parse(readFileSync(statePath, 'utf8')) as StoredState;
  } catch (e) {
    throw new WebsvmError('InvalidLedger', `${statePath}: ${(e as Error).message}`);
  }
  svm.loadAccountsFromDirectory(join(dir, ACCOUNTS_DIR));
  svm.runtime.latestBlockhash = stored.latestBlockhash;
  return { genesisHash: stored.genesisHash, blockHeight: BigInt(stored.blockHeight), transactionCount: BigInt(stored.transactionCount) };
}

/** Writes `svm`'s accounts and `state` into `dir`, replacing what it held (a fresh copy renamed into place). */
export function saveLedgerDir(dir: string, svm: SVM, state: LedgerState): void {
  const fresh = join(dir, `${ACCOUNTS_DIR}.new`);
  rmSync(fresh, { recursive: true, force: true });
  svm.saveAccountsToDirectory(fresh);
  const accounts = join(dir, ACCOUNTS_DIR);
  rmSync(accounts, { recursive: true, force: true });
  renameSync(fresh, accounts);
  const stored: StoredState = {
    genesisHash: state.genesisHash,
    blockHeight: String(state.blockHeight),
    transactionCount: String(state.transactionCount),
    latestBlockhash: svm.latestBlockhash(),
  };
  writeFileSync(join(dir, STATE_FILE), `${JSON.stringify(stored, null, 2)}\n`);
}
