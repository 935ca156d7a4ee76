/**
 * A ledger directory (`--ledger DIR`): the whole chain, accounts and history, kept across restarts
 * and crashes. Two files:
 *
 * - `checkpoint`: one frame (see `append-log.ts`) holding the runtime's saved state
 *   (`state-codec.ts`: accounts, settings, processed signatures), the chain's history (every
 *   transaction record and block) and the name of the journal that follows it. It is replaced
 *   whole (written aside, flushed, renamed) when the validator starts, closes, or its chain is
 *   replaced (`websvm_restore`, `surfnet_resetNetwork`).
 * - `journal-N`: what happened since, one frame per event, appended as it happens: a transaction
 *   with the accounts it left, a block as it ends, accounts set by a cheatcode, a time travel, and
 *   the node's own state changing (see {@link NodeState}: a supply override, the clock paused or
 *   resumed, addresses the fork settled, a snapshot taken).
 *   An entry is written before anything reports the event (a killed process loses nothing a client
 *   saw), and responses wait for the fdatasync that covers it (see {@link LedgerJournal.durable}).
 *
 * Opening reads the checkpoint, then the journal up to its first torn entry, and writes a fresh
 * checkpoint so that the next journal starts empty.
 */
import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import bs58 from 'bs58';
import type { SVM } from '../api/svm.js';
import { WebsvmError } from '../errors.js';
import type { Account } from '../runtime/accounts.js';
import {
  array,
  bool,
  ByteReader,
  ByteWriter,
  type Codec,
  fixedBytes,
  layoutMalformed,
  mapped,
  option,
  pubkey as address,
  struct,
  tagged,
  u32,
  u32Bytes as bytes,
  u64,
  u8,
  utf8Text as utf8,
} from '../runtime/codec.js';
import { SYSTEM_PROGRAM, SYSVAR } from '../runtime/ids.js';
import { decodeTransaction } from '../runtime/message.js';
import { account, decodeRuntimeState, encodeRuntimeState, recordedTransaction, runtimeSnapshot } from '../runtime/state-codec.js';
import { AppendLog, frame, readLog } from './append-log.js';
import { storeFetched } from './fork.js';
import type { Block, Ledger, LedgerState, TransactionRecord } from './ledger.js';
import type { ChainSnapshot, SupplyOverride } from './methods/context.js';
import { uiTokenAmount } from './spl-token.js';
import type { TokenBalance } from './token-balances.js';

const CHECKPOINT = 'checkpoint';
const JOURNAL_PREFIX = 'journal-';

const signature: Codec<string> = mapped(
  fixedBytes(64),
  (b) => bs58.encode(b),
  (s) => bs58.decode(s),
);

/** A signed 64-bit integer kept as a number (the chain's time offset may be below zero). */
const i64Number: Codec<number> = mapped(
  u64,
  (v) => Number(BigInt.asIntN(64, v)),
  (n) => BigInt.asUintN(64, BigInt(n)),
);

const tokenBalance: Codec<TokenBalance> = mapped(
  struct({ accountIndex: u32, mint: address, owner: address, programId: address, amount: u64, decimals: u8 }),
  ({ amount, decimals, ...rest }) => ({ ...rest, uiTokenAmount: uiTokenAmount(amount, decimals) }),
  ({ uiTokenAmount: ui, ...rest }) => ({ ...rest, amount: BigInt(ui.amount), decimals: ui.decimals }),
);

/** A transaction record without what is derived from its wire bytes (the decoded transaction, its place in order). */
const record: Codec<[string, TransactionRecord]> = mapped(
  struct({
    signature,
    slot: u64,
    blockTime: u64,
    wire: bytes,
    loadedWritable: array(address),
    loadedReadonly: array(address),
    writable: array(bool),
    outcome: recordedTransaction,
    preBalances: array(u64),
    postBalances: array(u64),
    preTokenBalances: array(tokenBalance),
    postTokenBalances: array(tokenBalance),
  }),
  ({ signature, loadedWritable, loadedReadonly, ...r }) => [
    signature,
    { ...r, sequence: 0, tx: decodeTransaction(r.wire), loadedAddresses: { writable: loadedWritable, readonly: loadedReadonly } },
  ],
  ([signature, { loadedAddresses, ...r }]) => ({ ...r, signature, loadedWritable: loadedAddresses.writable, loadedReadonly: loadedAddresses.readonly }),
);

const block: Codec<Block> = struct({
  slot: u64,
  parentSlot: u64,
  blockhash: address,
  previousBlockhash: address,
  blockHeight: u64,
  blockTime: u64,
  signatures: array(signature),
});

/** The ledger's own state. */
const ledgerState: Codec<LedgerState> = struct({
  genesisHash: address,
  blockHeight: u64,
  transactionCount: u64,
  firstSlot: u64,
  openSlot: u64,
  parentSlot: u64,
  timeOffsetMs: i64Number,
  records: array(record),
  blocks: array(block),
  open: array(signature),
});

/** What the validator keeps besides the chain and the runtime, so that a restart finds it too. */
export interface NodeState {
  /** `surfnet_setSupply`'s override. */
  supply: SupplyOverride;
  /** Whether the slot clock is paused (`surfnet_pauseClock`). */
  clockPaused: boolean;
  /** With a fork: the addresses it never fetches (asked upstream already, or written here). */
  forkLocal: string[];
  /** `websvm_snapshot`'s snapshots, by id. */
  snapshots: [string, ChainSnapshot][];
}

const supplyOverride: Codec<SupplyOverride> = struct({
  total: option(u64),
  circulating: option(u64),
  nonCirculating: option(u64),
  nonCirculatingAccounts: option(array(address)),
});

const chainSnapshot: Codec<ChainSnapshot> = struct({
  svm: mapped(
    runtimeSnapshot,
    (state) => ({ state }),
    (s) => s.state,
  ),
  ledger: ledgerState,
});

const nodeState: Codec<NodeState> = struct({
  supply: supplyOverride,
  clockPaused: bool,
  forkLocal: array(address),
  snapshots: array(
    mapped(
      struct({ id: utf8, snapshot: chainSnapshot }),
      ({ id, snapshot }): [string, ChainSnapshot] => [id, snapshot],
      ([id, snapshot]) => ({ id, snapshot }),
    ),
  ),
});

/** The checkpoint's one frame. */
const checkpoint = struct({
  runtime: bytes,
  journal: utf8,
  ledger: ledgerState,
  node: nodeState,
});

/** A change of the node's state, as the journal records it. */
export type NodeChange =
  | { kind: 'supply'; supply: SupplyOverride }
  | { kind: 'clock'; paused: boolean }
  /** Addresses the fork settled or forgot, and the accounts it fetched with them. */
  | { kind: 'fork'; settled: string[]; forgotten: string[]; accounts: [string, Account][] }
  | { kind: 'snapshot'; id: string; snapshot: ChainSnapshot };

/** What the journal records, one entry per event. */
type JournalEntry =
  | { kind: 'transaction'; record: [string, TransactionRecord]; accounts: [string, Account][] }
  | { kind: 'block'; block: Block; accounts: [string, Account][] }
  | { kind: 'accounts'; accounts: [string, Account][] }
  | { kind: 'travel'; slot: bigint; timeOffsetMs: number }
  | NodeChange;

const journalEntry: Codec<JournalEntry> = tagged('journal entry', [], {
  transaction: struct({ record, accounts: array(account) }),
  block: struct({ block, accounts: array(account) }),
  accounts: struct({ accounts: array(account) }),
  travel: struct({ slot: u64, timeOffsetMs: i64Number }),
  supply: struct({ supply: supplyOverride }),
  clock: struct({ paused: bool }),
  fork: struct({ settled: array(address), forgotten: array(address), accounts: array(account) }),
  snapshot: struct({ id: utf8, snapshot: chainSnapshot }),
});

const encode = <T>(codec: Codec<T>, value: T): Uint8Array => {
  const w = new ByteWriter();
  codec.write(w, value);
  return w.finish();
};

/** The accounts at `addresses` now, a removed one as a zero-lamport account. */
function accountsAt(svm: SVM, addresses: Iterable<string>): [string, Account][] {
  const removed: Account = { lamports: 0n, data: new Uint8Array(), owner: SYSTEM_PROGRAM, executable: false, rentEpoch: 0n };
  return [...new Set(addresses)].map((a) => [a, svm.runtime.accounts.get(a) ?? removed]);
}

/** Writes `bytes` to `path` so that a crash leaves either the old file or the new one, whole. */
function replaceFile(dir: string, name: string, bytes: Uint8Array): void {
  const aside = join(dir, `${name}.new`);
  writeFileSync(aside, bytes);
  const fd = openSync(aside, 'r');
  fsyncSync(fd);
  closeSync(fd);
  renameSync(aside, join(dir, name));
  const dirFd = openSync(dir, 'r');
  fsyncSync(dirFd);
  closeSync(dirFd);
}

/** The chain and node state a journal entry adds to `stored`, applying its accounts to `svm`. */
function replay(svm: SVM, stored: { ledger: LedgerState; node: NodeState }, entry: JournalEntry): void {
  const runtime = svm.runtime;
  const state = stored.ledger;
  const node = stored.node;
  switch (entry.kind) {
    case 'transaction': {
      const [sig, r] = entry.record;
      runtime.setAccounts(entry.accounts);
      runtime.history.add(r.outcome);
      state.records.push([sig, r]);
      state.open.push(sig);
      state.transactionCount++;
      return;
    }
    case 'block':
      runtime.setAccounts(entry.accounts);
      runtime.latestBlockhash = entry.block.blockhash;
      state.blocks.push(entry.block);
      state.open = [];
      state.parentSlot = entry.block.slot;
      state.blockHeight = entry.block.blockHeight + 1n;
      state.openSlot = entry.block.slot + 1n;
      return;
    case 'accounts':
      runtime.setAccounts(entry.accounts);
      return;
    case 'travel':
      state.openSlot = entry.slot;
      state.timeOffsetMs = entry.timeOffsetMs;
      return;
    case 'supply':
      node.supply = entry.supply;
      return;
    case 'clock':
      node.clockPaused = entry.paused;
      return;
    case 'fork': {
      storeFetched(runtime, entry.accounts);
      const forgotten = new Set(entry.forgotten);
      node.forkLocal = [...new Set([...node.forkLocal, ...entry.settled])].filter((a) => !forgotten.has(a));
      return;
    }
    case 'snapshot':
      node.snapshots.push([entry.id, entry.snapshot]);
      return;
  }
}

/**
 * Opens `dir` for `svm`: with `reset`, empties it first; when it holds a ledger, loads its accounts
 * into `svm` (over those it has) and returns the chain and the node state it keeps; otherwise
 * returns undefined.
 */
export function openLedgerDir(dir: string, svm: SVM, reset: boolean): { chain: LedgerState; node: NodeState } | undefined {
  if (reset) rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const path = join(dir, CHECKPOINT);
  if (!existsSync(path)) return undefined;
  let stored: typeof checkpoint extends Codec<infer T> ? T : never;
  let entries: JournalEntry[];
  try {
    const [body] = readLog(path);
    if (body === undefined) throw new WebsvmError('InvalidLedger', `${dir}: the checkpoint is damaged`);
    stored = checkpoint.read(new ByteReader(body, layoutMalformed));
    entries = readLog(join(dir, stored.journal)).map((b) => journalEntry.read(new ByteReader(b, layoutMalformed)));
  } catch (e) {
    if (e instanceof WebsvmError && e.kind === 'InvalidLedger') throw e;
    throw new WebsvmError('InvalidLedger', `${dir}: ${(e as Error).message}`, undefined, { cause: e });
  }
  const saved = decodeRuntimeState(stored.runtime);
  const runtime = svm.runtime;
  runtime.loadAccounts([...saved.accounts.entries()]);
  runtime.history.restore(saved.history);
  runtime.latestBlockhash = saved.latestBlockhash;
  for (const entry of entries) replay(svm, stored, entry);
  return { chain: stored.ledger, node: stored.node };
}

/** Keeps a ledger directory in step with a running ledger (see the module comment). */
export class LedgerJournal {
  private log: AppendLog;
  private generation = 0;
  private readonly stopListening: () => void;

  /**
   * Writes a fresh checkpoint of `ledger` and of `node` (the node's state as it is when called) into
   * `dir` (the journals before it are removed), then journals what follows.
   */
  constructor(
    private readonly dir: string,
    private readonly ledger: Ledger,
    private readonly node: () => NodeState,
  ) {
    this.log = new AppendLog(this.checkpoint());
    for (const name of readdirSync(dir)) if (name.startsWith(JOURNAL_PREFIX) && join(dir, name) !== this.log.path) rmSync(join(dir, name));
    const svm = ledger.svm;
    this.stopListening = ledger.listen({
      processed: ({ signature: sig, record: r }) => {
        const keys = [...r.tx.message.staticKeys, ...r.loadedAddresses.writable, ...r.loadedAddresses.readonly];
        this.append({
          kind: 'transaction',
          record: [sig, r],
          accounts: accountsAt(
            svm,
            keys.filter((_, i) => r.writable[i]),
          ),
        });
      },
      block: (b) => this.append({ kind: 'block', block: b, accounts: accountsAt(svm, [SYSVAR.recentBlockhashes]) }),
      accountsSet: (addresses) => this.append({ kind: 'accounts', accounts: accountsAt(svm, addresses) }),
      travelled: ({ slot, timeOffsetMs }) => this.append({ kind: 'travel', slot, timeOffsetMs }),
      replaced: () => this.rotate(),
    });
  }

  /** Journals a change of the node's state (before the answer that reports it, which waits for {@link durable}). */
  record(change: NodeChange): void {
    this.append(change);
  }

  /** Resolves once everything journaled so far is on disk. */
  durable(): Promise<void> {
    return this.log.durable();
  }

  /** Stops journaling and writes a last checkpoint. */
  async close(): Promise<void> {
    this.stopListening();
    const last = this.log;
    await last.close();
    this.checkpoint();
    rmSync(last.path, { force: true });
  }

  private append(entry: JournalEntry): void {
    this.log.append(encode(journalEntry, entry));
  }

  /** Checkpoints the whole chain and journals into the new, empty journal from then on. */
  private rotate(): void {
    const previous = this.log;
    this.log = new AppendLog(this.checkpoint());
    void previous.close().then(() => rmSync(previous.path, { force: true }));
  }

  /** Writes the whole chain as the checkpoint, naming a new empty journal after it; returns that journal's path. */
  private checkpoint(): string {
    const journal = `${JOURNAL_PREFIX}${Date.now()}-${this.generation++}`;
    writeFileSync(join(this.dir, journal), new Uint8Array());
    const body = encode(checkpoint, { runtime: encodeRuntimeState(this.ledger.svm.runtime), journal, ledger: this.ledger.state, node: this.node() });
    replaceFile(this.dir, CHECKPOINT, frame(body));
    return join(this.dir, journal);
  }
}
