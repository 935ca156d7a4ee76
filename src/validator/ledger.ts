/**
 * The chain a validator shows over its `SVM`: blocks (slots) that end when the slot clock ticks or
 * after a batch of transactions, a new blockhash each block, the last 150 blockhashes accepted as a
 * cluster accepts them, and the record of every transaction (slot, balances, wire bytes) and block
 * that `getTransaction`, `getBlock`, `getSignaturesForAddress` and the signature statuses read.
 */
import bs58 from 'bs58';
import type { SVM } from '../api/svm.js';
import { SYSVAR } from '../runtime/ids.js';
import { encodeAddress, type Account } from '../runtime/accounts.js';
import { decodeTransaction, type WireTransaction } from '../runtime/message.js';
import { LoadedMessage } from '../runtime/loaded-message.js';
import type { TransactionOutcome } from '../runtime/runtime.js';
import { encodeClock } from '../runtime/sysvars.js';
import { epochOf } from './epochs.js';
import { tokenBalances, type TokenBalance } from './token-balances.js';

/** Agave's `MAX_PROCESSING_AGE`: how many blocks a blockhash stays usable. */
export const MAX_PROCESSING_AGE = 150n;

/** A blockhash still usable: the block height it was made at, and when (wall milliseconds). */
interface RecentBlockhash {
  blockhash: string;
  height: bigint;
  madeAt: number;
}

/** A transaction that made it into a block. */
export interface TransactionRecord {
  /** Its place in the order transactions were processed (0 for the first). */
  sequence: number;
  slot: bigint;
  /** Unix seconds of its block (the Clock sysvar's time). */
  blockTime: bigint;
  wire: Uint8Array;
  tx: WireTransaction;
  /** The keys its lookup tables loaded. */
  loadedAddresses: { writable: string[]; readonly: string[] };
  /** Write lock per key (static keys, then the loaded writable and read-only ones). */
  writable: boolean[];
  outcome: TransactionOutcome;
  preBalances: bigint[];
  postBalances: bigint[];
  preTokenBalances: TokenBalance[];
  postTokenBalances: TokenBalance[];
}

/** A block as `getBlock` shows it. */
export interface Block {
  slot: bigint;
  parentSlot: bigint;
  blockhash: string;
  previousBlockhash: string;
  blockHeight: bigint;
  /** Unix seconds (the Clock sysvar's time while the block was open). */
  blockTime: bigint;
  /** Its transactions' signatures, in the order they were processed. */
  signatures: string[];
}

/** What listeners hear after each transaction. */
export interface Processed {
  signature: string;
  record: TransactionRecord;
  /** Accounts the transaction wrote (all writable accounts on success, the fee payer on failure). */
  written: string[];
}

/** What the chain tells its listeners. */
export interface LedgerEvents {
  /** A transaction was processed into the open block. */
  processed?(p: Processed): void;
  /** A block ended (and, on this single node, was rooted at once). */
  block?(b: Block): void;
  /** A new slot opened after `parent`; `root` is the newest rooted slot. */
  slot?(s: { slot: bigint; parent: bigint; root: bigint }): void;
  /** Accounts were written outside transactions (cheatcodes). */
  accountsSet?(addresses: readonly string[]): void;
  /** Time travel moved the open slot and the chain's time. */
  travelled?(t: { slot: bigint; timeOffsetMs: number }): void;
  /** The whole chain was replaced (a snapshot restored, the network reset). */
  replaced?(): void;
}

/**
 * Everything the chain holds besides the accounts: what a ledger directory keeps (`ledger-store.ts`)
 * and a snapshot brings back (`websvm_snapshot`).
 */
export interface LedgerState {
  genesisHash: string;
  blockHeight: bigint;
  transactionCount: bigint;
  /** The oldest slot the history holds. */
  firstSlot: bigint;
  /** The open block's slot and the slot of the block before it. */
  openSlot: bigint;
  parentSlot: bigint;
  /** How far the chain's time is ahead of the wall time, in milliseconds. */
  timeOffsetMs: number;
  /** The transactions in blocks (and in the open one), in the order they were processed. */
  records: [string, TransactionRecord][];
  /** The ended blocks, by ascending slot. */
  blocks: Block[];
  /** The open block's signatures. */
  open: string[];
}

/** The keys a transaction loads and their write locks, or undefined when its lookups do not load. */
function loadMessage(svm: SVM, tx: WireTransaction): LoadedMessage | undefined {
  const runtime = svm.runtime;
  try {
    return new LoadedMessage(tx.message, { getAccount: (a) => runtime.accounts.get(a), currentSlot: runtime.clock.slot, slotHashes: runtime.slotHashes });
  } catch {
    return undefined;
  }
}

export class Ledger {
  /** The hash of the first block. */
  genesisHash!: string;
  blockHeight = 0n;
  transactionCount = 0n;
  /** The oldest slot this ledger holds (`minimumLedgerSlot`, `getFirstAvailableBlock`). */
  firstSlot!: bigint;
  /** Whether a batch of transactions ends its block at once (so that it confirms in milliseconds). */
  endBlocksAfterTransactions = true;
  /** Recent blockhashes, oldest first, with the block height each was made at. */
  private recent: RecentBlockhash[] = [];
  /** The blockhashes of {@link recent}, for lookups. */
  private recentSet = new Set<string>();
  /**
   * How long a blockhash stays usable at least, in milliseconds, however many blocks end meanwhile
   * (0: only {@link MAX_PROCESSING_AGE} blocks count). Blocks end after each batch of transactions
   * here, so under load 150 of them can pass in a second; clients (web3.js caches a blockhash for
   * 30 s) count on the minute 150 slots of 400 ms last on a cluster.
   */
  blockhashLifetimeMs = 0;
  private records = new Map<string, TransactionRecord>();
  private blocks = new Map<bigint, Block>();
  /** The slots of {@link blocks}, ascending. */
  private blockSlots: bigint[] = [];
  /** Signatures by every account key their transaction names, oldest first. */
  private byAddress = new Map<string, string[]>();
  /** The open block's signatures. */
  private open: string[] = [];
  private parentSlot = 0n;
  private endScheduled = false;
  /** How far the chain's time is ahead of the wall time, in milliseconds (time travel moves it). */
  private timeOffsetMs = 0;
  private readonly listeners = new Set<LedgerEvents>();

  /**
   * A ledger over `svm`, resuming `state` when given (a reopened ledger directory). `now` gives the
   * wall time in milliseconds that block times follow.
   */
  constructor(
    readonly svm: SVM,
    state?: LedgerState,
    private readonly now: () => number = Date.now,
  ) {
    this.adopt(state ?? this.genesis());
  }

  /** A chain with no history, starting at the runtime's slot and blockhash. */
  private genesis(): LedgerState {
    const slot = this.slot;
    const genesisHash = this.svm.latestBlockhash();
    return {
      genesisHash,
      blockHeight: 0n,
      transactionCount: 0n,
      firstSlot: slot,
      openSlot: slot,
      parentSlot: slot,
      timeOffsetMs: 0,
      records: [],
      blocks: [],
      open: [],
    };
  }

  /** Takes `state` as the chain's (the runtime's accounts and latest blockhash already match it) and opens its slot. */
  private adopt(state: LedgerState): void {
    this.genesisHash = state.genesisHash;
    this.blockHeight = state.blockHeight;
    this.transactionCount = state.transactionCount;
    this.firstSlot = state.firstSlot;
    this.parentSlot = state.parentSlot;
    this.timeOffsetMs = state.timeOffsetMs;
    this.records = new Map(state.records.map(([signature, record], sequence) => [signature, { ...record, sequence }]));
    this.blocks = new Map(state.blocks.map((b) => [b.slot, b]));
    this.blockSlots = state.blocks.map((b) => b.slot);
    this.open = [...state.open];
    this.byAddress = new Map();
    for (const [signature, record] of this.records) this.index(signature, record);
    // The blockhashes of the last blocks stay usable, as before the chain was put away.
    const madeAt = this.now();
    this.recent = state.blocks.slice(-Number(MAX_PROCESSING_AGE)).map((b) => ({ blockhash: b.blockhash, height: b.blockHeight + 1n, madeAt }));
    const latest = this.svm.latestBlockhash();
    if (this.recent.at(-1)?.blockhash !== latest) this.recent.push({ blockhash: latest, height: this.blockHeight, madeAt });
    this.recentSet = new Set(this.recent.map((r) => r.blockhash));
    this.startSlot(state.openSlot);
  }

  /** The chain's state: what {@link replace} brings back. */
  get state(): LedgerState {
    return {
      genesisHash: this.genesisHash,
      blockHeight: this.blockHeight,
      transactionCount: this.transactionCount,
      firstSlot: this.firstSlot,
      openSlot: this.slot,
      parentSlot: this.parentSlot,
      timeOffsetMs: this.timeOffsetMs,
      records: [...this.records],
      blocks: this.blockSlots.map((slot) => this.blocks.get(slot)!),
      open: [...this.open],
    };
  }

  /**
   * Replaces the whole chain with `state` (the runtime already set back to the accounts that go
   * with it): a restored snapshot or a reset network. Listeners hear `replaced`.
   */
  replace(state: LedgerState): void {
    // The chain goes on as a new fork, from a blockhash never shown before: clients that remember
    // the blockhashes they used (web3.js does) would otherwise wait for one the same chain gave.
    const runtime = this.svm.runtime;
    runtime.latestBlockhash = encodeAddress(crypto.getRandomValues(new Uint8Array(32)));
    this.svm.expireBlockhash();
    this.adopt(state);
    for (const l of this.listeners) l.replaced?.();
  }

  /** Writes accounts outside any transaction (cheatcodes); `rejected` words a refusal as `runtime.setAccounts` does. */
  setAccounts(entries: [string, Account][], rejected?: (address: string, error: unknown) => unknown): void {
    try {
      this.svm.runtime.setAccounts(entries, rejected);
    } finally {
      const addresses = entries.map(([address]) => address);
      for (const l of this.listeners) l.accountsSet?.(addresses);
    }
  }

  /** Files `signature` under every key `record` names. */
  private index(signature: string, record: TransactionRecord): void {
    const keys = [...record.tx.message.staticKeys, ...record.loadedAddresses.writable, ...record.loadedAddresses.readonly];
    for (const key of new Set(keys)) {
      const list = this.byAddress.get(key);
      if (list) list.push(signature);
      else this.byAddress.set(key, [signature]);
    }
  }

  /** The open block's slot. */
  get slot(): bigint {
    return this.svm.runtime.clock.slot;
  }

  /** The newest rooted slot: the last block that ended (every block is final at once here). */
  get rootSlot(): bigint {
    return this.blockSlots.at(-1) ?? this.firstSlot;
  }

  get latestBlockhash(): { blockhash: string; lastValidBlockHeight: bigint } {
    return { blockhash: this.svm.latestBlockhash(), lastValidBlockHeight: this.blockHeight + MAX_PROCESSING_AGE };
  }

  /** The keys `tx`'s lookup tables load now (none when they cannot load: the transaction then fails). */
  loadedKeys(tx: WireTransaction): { writable: string[]; readonly: string[] } {
    const loaded = tx.message.lookups.length === 0 ? undefined : loadMessage(this.svm, tx);
    if (!loaded) return { writable: [], readonly: [] };
    const start = tx.message.staticKeys.length;
    const writable = start + tx.message.lookups.reduce((n, l) => n + l.writableIndexes.length, 0);
    return { writable: loaded.keys.slice(start, writable), readonly: loaded.keys.slice(writable) };
  }

  /** Whether `blockhash` is at most {@link MAX_PROCESSING_AGE} blocks old. */
  isBlockhashValid(blockhash: string): boolean {
    return this.recentSet.has(blockhash);
  }

  /** A transaction in a block, by its base58 signature. */
  record(signature: string): TransactionRecord | undefined {
    return this.records.get(signature);
  }

  /** An ended block by slot. */
  block(slot: bigint): Block | undefined {
    return this.blocks.get(slot);
  }

  /** The slots of the ended blocks from `start` (at most `limit` of them, ascending). */
  slotsFrom(start: bigint, limit: number): bigint[] {
    let lo = 0;
    let hi = this.blockSlots.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.blockSlots[mid] < start) lo = mid + 1;
      else hi = mid;
    }
    return this.blockSlots.slice(lo, lo + limit);
  }

  /** The ended blocks, newest first. */
  *newestBlocks(): Generator<Block> {
    for (let i = this.blockSlots.length - 1; i >= 0; i--) yield this.blocks.get(this.blockSlots[i])!;
  }

  /** Signatures of the transactions naming `address`, oldest first. */
  signaturesFor(address: string): readonly string[] {
    return this.byAddress.get(address) ?? [];
  }

  /** The transactions in blocks, newest first. */
  *newestTransactions(): Generator<[string, TransactionRecord]> {
    const signatures = [...this.records.keys()];
    for (let i = signatures.length - 1; i >= 0; i--) yield [signatures[i], this.records.get(signatures[i])!];
  }

  /**
   * Moves the chain to `slot` at `unixTimestamp` seconds (time travel, never backwards): the open block
   * ends first when it holds transactions, the slots between are skipped, and block times go on from
   * the new time.
   */
  travelTo(slot: bigint, unixTimestamp: bigint): void {
    if (this.open.length > 0) this.endBlock();
    this.timeOffsetMs = Number(unixTimestamp) * 1000 - this.now();
    this.startSlot(slot > this.slot ? slot : this.slot);
    for (const l of this.listeners) l.travelled?.({ slot: this.slot, timeOffsetMs: this.timeOffsetMs });
  }

  /** Subscribes to the chain's events; returns the unsubscribe. */
  listen(events: LedgerEvents): () => void {
    this.listeners.add(events);
    return () => this.listeners.delete(events);
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

  /** Processes `wire` into the open block when it is included. Throws when `wire` does not decode. */
  submit(wire: Uint8Array): TransactionOutcome {
    const tx = decodeTransaction(wire);
    const runtime = this.svm.runtime;
    const get = (a: string) => runtime.accounts.get(a);
    const message = loadMessage(this.svm, tx);
    const loaded = this.loadedKeys(tx);
    const keys = [...tx.message.staticKeys, ...loaded.writable, ...loaded.readonly];
    const preBalances = keys.map((k) => get(k)?.lamports ?? 0n);
    const preTokenBalances = tokenBalances(keys, get);
    const outcome = this.withRecentBlockhash(tx, () => runtime.send(wire));
    if (!outcome.included) return outcome;
    const record: TransactionRecord = {
      sequence: this.records.size,
      slot: this.slot,
      blockTime: runtime.clock.unixTimestamp,
      wire,
      tx,
      loadedAddresses: loaded,
      writable: message?.writable ?? keys.map(() => false),
      outcome,
      preBalances,
      postBalances: keys.map((k) => get(k)?.lamports ?? 0n),
      preTokenBalances,
      postTokenBalances: tokenBalances(keys, get),
    };
    const signature = bs58.encode(outcome.signature);
    this.records.set(signature, record);
    this.transactionCount++;
    this.open.push(signature);
    this.index(signature, record);
    const written = outcome.error ? [keys[0]] : outcome.postAccounts.map(([a]) => a);
    for (const l of this.listeners) l.processed?.({ signature, record, written });
    if (this.endBlocksAfterTransactions && !this.endScheduled) {
      // The block ends after this turn of the event loop, with every transaction of the batch.
      this.endScheduled = true;
      setImmediate(() => {
        this.endScheduled = false;
        if (this.open.length > 0) this.endBlock();
      });
    }
    return outcome;
  }

  /**
   * Ends the open block: it gets its blockhash (the runtime's next one) and is rooted; the next
   * slot opens, with the block height one more and the clock at the wall time.
   */
  endBlock(): void {
    const slot = this.slot;
    const previousBlockhash = this.svm.latestBlockhash();
    this.svm.expireBlockhash();
    const block: Block = {
      slot,
      parentSlot: this.parentSlot,
      blockhash: this.svm.latestBlockhash(),
      previousBlockhash,
      blockHeight: this.blockHeight,
      blockTime: this.svm.runtime.clock.unixTimestamp,
      signatures: this.open,
    };
    this.blocks.set(slot, block);
    this.blockSlots.push(slot);
    this.open = [];
    this.parentSlot = slot;
    this.blockHeight++;
    const now = this.now();
    this.recent.push({ blockhash: block.blockhash, height: this.blockHeight, madeAt: now });
    this.recentSet.add(block.blockhash);
    for (
      let oldest = this.recent[0];
      oldest.height + MAX_PROCESSING_AGE < this.blockHeight && now - oldest.madeAt >= this.blockhashLifetimeMs;
      oldest = this.recent[0]
    ) {
      this.recentSet.delete(oldest.blockhash);
      this.recent.shift();
    }
    this.startSlot(slot + 1n);
    for (const l of this.listeners) l.block?.(block);
    for (const l of this.listeners) l.slot?.({ slot: slot + 1n, parent: slot, root: slot });
  }

  /** Sets the Clock sysvar for the slot that opens: its epoch, and the wall time (never going back). */
  private startSlot(slot: bigint): void {
    const runtime = this.svm.runtime;
    const clock = runtime.clock;
    const seconds = BigInt(Math.floor((this.now() + this.timeOffsetMs) / 1000));
    const unixTimestamp = seconds > clock.unixTimestamp ? seconds : clock.unixTimestamp;
    runtime.setSysvarAccount(SYSVAR.clock, encodeClock({ ...clock, slot, epoch: epochOf(runtime.epochSchedule, slot).epoch, unixTimestamp }));
  }
}
