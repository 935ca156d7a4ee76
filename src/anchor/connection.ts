/**
 * The part of web3.js's `Connection` that Anchor's client and typical Anchor tests call, answered
 * in-process from an {@link SVM}: account reads (one, several, by program with memcmp/dataSize
 * filters), balances, rent, blockhashes, airdrops, sending and simulating transactions, looking up
 * a sent transaction's logs, and `onLogs` subscriptions (how `program.addEventListener` hears
 * events). Values have web3.js's shapes (`Buffer` data, `PublicKey` owners, numbers for lamports).
 */
import { PublicKey, SendTransactionError, type AccountInfo, type Commitment, type Context, type Logs } from '@solana/web3.js';
import bs58 from 'bs58';
import { FailedTransactionMetadata, SVM, WebsvmError, type TransactionInput, type TransactionMetadata } from '../index.js';
import { toTransaction } from '../api/inputs.js';
import { refused, toArray, toFields, toU64 } from '../arguments.js';

/** A key as web3.js and Anchor pass them. */
type Key = PublicKey | string;

/** What `getProgramAccounts` filters by (web3.js's `GetProgramAccountsFilter`). */
type ProgramAccountsFilter = { dataSize: number } | { memcmp: { offset: number; bytes: string; encoding?: 'base58' | 'base64' } };

/** The slot-and-value envelope of web3.js's `...AndContext` answers. */
type WithContext<T> = { context: Context; value: T };

/** A transaction error as the RPC's JSON spells it (`{ InstructionError: [0, { Custom: 6000 }] }`). */
export type RpcTransactionError = string | { InstructionError: [number, string | { Custom: number }] } | Record<string, unknown>;

export class WebsvmConnection {
  /** What web3.js would show as the cluster's address. */
  readonly rpcEndpoint = 'websvm://in-process';
  readonly commitment: Commitment = 'confirmed';
  private readonly logListeners = new Map<number, { filter: string; callback: (logs: Logs, context: Context) => void }>();
  private nextListener = 0;

  constructor(readonly svm: SVM) {
    if (!(svm instanceof SVM)) throw refused('svm', 'an SVM', svm);
  }

  private context(): Context {
    return { slot: Number(this.svm.getClock().slot) };
  }

  async getAccountInfo(address: Key): Promise<AccountInfo<Buffer> | null> {
    const account = this.svm.getAccount(String(address));
    if (!account.exists) return null;
    return {
      data: Buffer.from(account.data),
      executable: account.executable,
      lamports: Number(account.lamports),
      owner: new PublicKey(account.programAddress),
      rentEpoch: Number.MAX_SAFE_INTEGER,
    };
  }

  async getAccountInfoAndContext(address: Key): Promise<WithContext<AccountInfo<Buffer> | null>> {
    return { context: this.context(), value: await this.getAccountInfo(address) };
  }

  async getMultipleAccountsInfo(addresses: Key[]): Promise<(AccountInfo<Buffer> | null)[]> {
    return Promise.all(toArray(addresses, 'addresses', 'an array of addresses').map((a) => this.getAccountInfo(a as Key)));
  }

  async getMultipleAccountsInfoAndContext(addresses: Key[]): Promise<WithContext<(AccountInfo<Buffer> | null)[]>> {
    return { context: this.context(), value: await this.getMultipleAccountsInfo(addresses) };
  }

  /** The accounts `programId` owns that pass every filter (what `program.account.x.all()` asks). */
  async getProgramAccounts(
    programId: Key,
    config?: Commitment | { filters?: ProgramAccountsFilter[]; withContext?: boolean },
  ): Promise<{ pubkey: PublicKey; account: AccountInfo<Buffer> }[] | WithContext<{ pubkey: PublicKey; account: AccountInfo<Buffer> }[]>> {
    if (config === null || (config !== undefined && typeof config !== 'string' && typeof config !== 'object'))
      throw refused('config', 'a commitment or { filters?, withContext? }', config);
    const filters = (typeof config === 'object' && config.filters) || [];
    const matches = (data: Uint8Array) =>
      filters.every((f) => {
        if ('dataSize' in f) return data.length === f.dataSize;
        const want = f.memcmp.encoding === 'base64' ? Buffer.from(f.memcmp.bytes, 'base64') : bs58.decode(f.memcmp.bytes);
        return Buffer.from(data.subarray(f.memcmp.offset, f.memcmp.offset + want.length)).equals(Buffer.from(want));
      });
    const value = await Promise.all(
      this.svm
        .getProgramAccounts(String(programId))
        .filter((a) => matches(a.data as Uint8Array))
        .map(async (a) => ({ pubkey: new PublicKey(a.address), account: (await this.getAccountInfo(a.address))! })),
    );
    return typeof config === 'object' && config.withContext ? { context: this.context(), value } : value;
  }

  async getBalance(address: Key): Promise<number> {
    return Number(this.svm.getBalance(String(address)) ?? 0n);
  }

  async getMinimumBalanceForRentExemption(dataLength: number): Promise<number> {
    return Number(this.svm.minimumBalanceForRentExemption(toU64(dataLength, 'dataLength')));
  }

  async getLatestBlockhash(): Promise<{ blockhash: string; lastValidBlockHeight: number }> {
    return { blockhash: this.svm.latestBlockhash(), lastValidBlockHeight: Number(this.svm.getClock().slot) + 150 };
  }

  async getLatestBlockhashAndContext(): Promise<WithContext<{ blockhash: string; lastValidBlockHeight: number }>> {
    return { context: this.context(), value: await this.getLatestBlockhash() };
  }

  async getSlot(): Promise<number> {
    return this.context().slot;
  }

  /** Airdrops at once (a real System transfer from the SVM's faucet); returns its signature. */
  async requestAirdrop(to: Key, lamports: number): Promise<string> {
    const result = this.svm.airdrop(String(to), toU64(lamports, 'lamports'));
    if (!result || result instanceof FailedTransactionMetadata) {
      const reason = result?.describeError() ?? 'no faucet';
      throw new WebsvmError('AirdropFailed', `airdrop to ${String(to)} failed: ${reason}`, { to: String(to), reason });
    }
    return bs58.encode(result.signature());
  }

  /** Every transaction is final when sent: confirmation reports the transaction's error, if any. */
  async confirmTransaction(strategy: string | { signature: string }): Promise<WithContext<{ err: RpcTransactionError | null }>> {
    const signature = typeof strategy === 'string' ? strategy : (toFields(strategy, 'strategy', 'a signature or { signature }').signature as string);
    const result = this.svm.getTransaction(signature);
    return { context: this.context(), value: { err: result instanceof FailedTransactionMetadata ? rpcError(result) : null } };
  }

  /** Sends wire bytes; a failure throws `SendTransactionError` with the logs, as the RPC's preflight does. */
  async sendRawTransaction(raw: Uint8Array): Promise<string> {
    return this.send(raw);
  }

  /** Sends a transaction signed beforehand (the signers of web3.js's legacy overload are not taken). */
  async sendTransaction(tx: TransactionInput): Promise<string> {
    return this.send(tx);
  }

  /** Runs `tx` and reports its logs to `onLogs` listeners; throws `SendTransactionError` on failure. @internal */
  send(tx: TransactionInput, signature = transactionSignature(tx)): string {
    const result = this.svm.sendTransaction(tx);
    this.notify(signature, result);
    if (result instanceof FailedTransactionMetadata) {
      throw new SendTransactionError({ action: 'send', signature, transactionMessage: rpcErrorMessage(result), logs: result.meta().logs() });
    }
    return signature;
  }

  /** Simulates `tx` (signatures are checked as the SVM is configured to); web3.js's RPC answer shape. */
  async simulateTransaction(tx: TransactionInput): Promise<
    WithContext<{
      err: RpcTransactionError | null;
      logs: string[];
      unitsConsumed: number;
      returnData: { programId: string; data: [string, 'base64'] } | null;
      accounts: null;
    }>
  > {
    const result = this.svm.simulateTransaction(tx);
    const meta = result instanceof FailedTransactionMetadata ? result.meta() : result.meta();
    return {
      context: this.context(),
      value: {
        err: result instanceof FailedTransactionMetadata ? rpcError(result) : null,
        logs: meta.logs(),
        unitsConsumed: Number(meta.computeUnitsConsumed()),
        returnData: returnData(meta),
        accounts: null,
      },
    };
  }

  /** A sent transaction's outcome, in the fields tests read (`meta.logMessages`, `meta.err`…); null if unknown. */
  async getTransaction(signature: string) {
    const result = this.svm.getTransaction(signature);
    if (!result) return null;
    const meta = result instanceof FailedTransactionMetadata ? result.meta() : result;
    return {
      slot: this.context().slot,
      blockTime: null,
      meta: {
        err: result instanceof FailedTransactionMetadata ? rpcError(result) : null,
        fee: Number(meta.fee()),
        logMessages: meta.logs(),
        computeUnitsConsumed: Number(meta.computeUnitsConsumed()),
        returnData: returnData(meta),
      },
    };
  }

  /** Calls `callback` with the logs of every later transaction that names `filter` (a program), or of all (`'all'`). */
  onLogs(filter: Key | 'all' | 'allWithVotes', callback: (logs: Logs, context: Context) => void): number {
    const id = this.nextListener++;
    this.logListeners.set(id, { filter: String(filter), callback });
    return id;
  }

  async removeOnLogsListener(id: number): Promise<void> {
    this.logListeners.delete(id);
  }

  private notify(signature: string, result: TransactionMetadata | FailedTransactionMetadata): void {
    if (this.logListeners.size === 0) return;
    const meta = result instanceof FailedTransactionMetadata ? result.meta() : result;
    const logs: Logs = { signature, err: result instanceof FailedTransactionMetadata ? rpcError(result) : null, logs: meta.logs() };
    for (const { filter, callback } of this.logListeners.values()) {
      if (filter === 'all' || filter === 'allWithVotes' || logs.logs.some((l) => l.startsWith(`Program ${filter} `))) callback(logs, this.context());
    }
  }
}

/** The base58 signature that names a signed transaction (its first). */
export function transactionSignature(tx: TransactionInput): string {
  if (typeof tx !== 'object' || tx === null) toTransaction(tx); // refuses it, typed
  if ('signatures' in tx && Array.isArray(tx.signatures)) {
    const first = tx.signatures[0] as Uint8Array | { signature: Uint8Array | null };
    const bytes = first instanceof Uint8Array ? first : first?.signature;
    if (bytes) return bs58.encode(bytes);
  }
  if ('signatures' in tx && !Array.isArray(tx.signatures)) {
    const first = Object.values(tx.signatures as Record<string, Uint8Array | null>)[0];
    if (first) return bs58.encode(first);
  }
  throw new WebsvmError('InvalidTransaction', 'the transaction is not signed by its fee payer');
}

/** The RPC's words for a failed transaction: `Error processing Instruction 0: custom program error: 0x1770` (what Anchor's error parser reads). */
export function rpcErrorMessage(failed: FailedTransactionMetadata): string {
  const instruction = /^InstructionError\((\d+), /.exec(failed.describeError());
  const lastFailure = [...failed.meta().logs()].reverse().find((l) => /^Program \S+ failed: /.test(l));
  return instruction && lastFailure
    ? `Error processing Instruction ${instruction[1]}: ${lastFailure.replace(/^Program \S+ failed: /, '')}`
    : failed.describeError();
}

/** The RPC's JSON form of a transaction error. */
function rpcError(failed: FailedTransactionMetadata): RpcTransactionError {
  const text = failed.describeError();
  const instruction = /^InstructionError\((\d+), (?:Custom\((\d+)\)|(\w+))\)/.exec(text);
  if (instruction) return { InstructionError: [Number(instruction[1]), instruction[2] !== undefined ? { Custom: Number(instruction[2]) } : instruction[3]] };
  return text;
}

/** Return data in the RPC's shape, or null when the transaction set none. */
export function returnData(meta: TransactionMetadata): { programId: string; data: [string, 'base64'] } | null {
  const data = meta.returnData();
  if (data.data().length === 0) return null;
  return { programId: bs58.encode(data.programId()), data: [Buffer.from(data.data()).toString('base64'), 'base64'] };
}
