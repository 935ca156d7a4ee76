/**
 * The chain a validator shows over its `SVM`: one block (slot) per processed transaction, a new
 * blockhash each block, the last 150 blockhashes accepted as a cluster accepts them, and the
 * record of every transaction (slot, balances, wire bytes) that `getTransaction` and the
 * signature statuses read.
 */
import bs58 from 'bs58';
import type { SVM } from '../api/svm.js';
import { decodeTransaction, type WireTransaction } from '../runtime/message.js';
import { LoadedMessage } from '../runtime/loaded-message.js';
import type { TransactionOutcome } from '../runtime/runtime.js';
import { tokenBalances, type TokenBalance } from './token-balances.js';

/** Agave's `MAX_PROCESSING_AGE`: how many blocks a blockhash stays usable. */
export const MAX_PROCESSING_AGE = 150n;

/** A transaction that made it into a block. */
export interface TransactionRecord {
  slot: bigint;
  /** Unix seconds of its block (the Clock sysvar's time). */
  blockTime: bigint;
  wire: Uint8Array;
  tx: WireTransaction;
  /** The keys its lookup tables loaded. */
  loadedAddresses: { writable: string[]; readonly: string[] };
  outcome: TransactionOutcome;
  preBalances: bigint[];
  postBalances: bigint[];
  preTokenBalances: TokenBalance[];
  postTokenBalances: TokenBalance[];
}

/** What listeners hear after each block. */
export interface Processed {
  signature: string;
  record: TransactionRecord;
  /** Accounts the transaction wrote (all writable accounts on success, the fee payer on failure). */
  written: string[];
}

export class Ledger {
  /** The hash of the first block. */
  readonly genesisHash: string;
  blockHeight = 0n;
  transactionCount = 0n;
  /** Recent blockhashes, oldest first, with the block height each was made at. */
  private readonly recent: { blockhash: string; height: bigint }[] = [];
  private readonly records = new Map<string, TransactionRecord>();
  private readonly listeners = new Set<(p: Processed) => void>();

  constructor(readonly svm: SVM) {
    this.genesisHash = svm.latestBlockhash();
    this.recent.push({ blockhash: this.genesisHash, height: 0n });
  }

  get slot(): bigint {
    return this.svm.runtime.clock.slot;
  }

  get latestBlockhash(): { blockhash: string; lastValidBlockHeight: bigint } {
    return { blockhash: this.svm.latestBlockhash(), lastValidBlockHeight: this.blockHeight + MAX_PROCESSING_AGE };
  }

  /** The keys `tx`'s lookup tables load now (none when they cannot load: the transaction then fails). */
  loadedKeys(tx: WireTransaction): { writable: string[]; readonly: string[] } {
    if (tx.message.lookups.length === 0) return { writable: [], readonly: [] };
    const runtime = this.svm.runtime;
    try {
      const keys = new LoadedMessage(tx.message, {
        getAccount: (a) => runtime.accounts.get(a),
        currentSlot: runtime.clock.slot,
        slotHashes: runtime.slotHashes,
      }).keys;
      const start = tx.message.staticKeys.length;
      const writable = start + tx.message.lookups.reduce((n, l) => n + l.writableIndexes.length, 0);
      return { writable: keys.slice(start, writable), readonly: keys.slice(writable) };
    } catch {
      return { writable: [], readonly: [] };
    }
  }

  /** Whether `blockhash` is at most {@link MAX_PROCESSING_AGE} blocks old. */
  isBlockhashValid(blockhash: string): boolean {
    return this.recent.some((r) => r.blockhash === blockhash);
  }

  /** A transaction in a block, by its base58 signature. */
  record(signature: string): TransactionRecord | undefined {
    return this.records.get(signature);
  }

  /** Calls `listener` after every block; returns the unsubscribe. */
  onProcessed(listener: (p: Processed) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * Runs `run` with the runtime taking `tx`'s blockhash as its latest when that one is still
   * recent: the runtime accepts only its latest blockhash, a cluster any recent one.
   */
  private withRecentBlockhash<T>(tx: WireTransaction, run: () => T): T {
    const runtime = this.svm.runtime;
    const latest = runtime.latestBlockhash;
    const wanted = tx.message.recentBlockhash;
    if (wanted === latest || !this.isBlockhashValid(wanted)) return run();
    runtime.latestBlockhash = wanted;
    try {
      return run();
    } finally {
      runtime.latestBlockhash = latest;
    }
  }

  /** Runs `wire` without committing anything; `sigverify` as asked (Agave's simulation skips it by default). */
  simulate(tx: WireTransaction, sigverify: boolean): TransactionOutcome {
    const config = this.svm.runtime.config;
    const saved = config.sigverify;
    config.sigverify = sigverify && saved;
    try {
      return this.withRecentBlockhash(tx, () => this.svm.runtime.simulate(tx));
    } finally {
      config.sigverify = saved;
    }
  }

  /** Processes `wire`; a transaction that is included gets a block of its own. Throws when `wire` does not decode. */
  submit(wire: Uint8Array): TransactionOutcome {
    const tx = decodeTransaction(wire);
    const runtime = this.svm.runtime;
    const get = (a: string) => runtime.accounts.get(a);
    const loaded = this.loadedKeys(tx);
    const keys = [...tx.message.staticKeys, ...loaded.writable, ...loaded.readonly];
    const preBalances = keys.map((k) => get(k)?.lamports ?? 0n);
    const preTokenBalances = tokenBalances(keys, get);
    const outcome = this.withRecentBlockhash(tx, () => runtime.send(wire));
    if (!outcome.included) return outcome;
    const record: TransactionRecord = {
      slot: this.slot,
      blockTime: runtime.clock.unixTimestamp,
      wire,
      tx,
      loadedAddresses: loaded,
      outcome,
      preBalances,
      postBalances: keys.map((k) => get(k)?.lamports ?? 0n),
      preTokenBalances,
      postTokenBalances: tokenBalances(keys, get),
    };
    const signature = bs58.encode(outcome.signature);
    this.records.set(signature, record);
    this.transactionCount++;
    const written = outcome.error ? [keys[0]] : outcome.postAccounts.map(([a]) => a);
    this.nextBlock();
    for (const listener of this.listeners) listener({ signature, record, written });
    return outcome;
  }

  /** Ends the current block: the slot and block height advance and a new blockhash is made. */
  private nextBlock(): void {
    this.svm.warpToSlot(this.slot + 1n);
    this.svm.expireBlockhash();
    this.blockHeight++;
    this.recent.push({ blockhash: this.svm.latestBlockhash(), height: this.blockHeight });
    while (this.recent[0].height + MAX_PROCESSING_AGE < this.blockHeight) this.recent.shift();
  }
}
