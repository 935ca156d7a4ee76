/**
 * Copy-on-read forking (`--fork-url`), as Surfpool forks a cluster: an account the local store does
 * not hold is fetched from the upstream RPC (`getMultipleAccounts`, base64) the first time a method
 * or a transaction reads it, then kept locally; an upgradeable program comes with its ProgramData.
 * Writes stay local. Each address is asked upstream at most once, so an account closed or reset
 * locally is not brought back by a later read.
 *
 * The runtime reads accounts synchronously and fetches are asynchronous, so a transaction's accounts
 * are fetched before it runs: its static keys and lookup tables, then the keys the tables load.
 */
import type { WireTransaction } from '../runtime/message.js';
import type { Account } from '../runtime/accounts.js';
import { encodeAddress } from '../runtime/accounts.js';
import { BPF_LOADER_UPGRADEABLE } from '../runtime/ids.js';
import type { Runtime } from '../runtime/runtime.js';
import { WebsvmError } from '../errors.js';
import { base64ToBytes } from '../platform.js';
import { RpcError } from './json-rpc.js';
import type { Ledger } from './ledger.js';

/** Agave's `MAX_MULTIPLE_ACCOUNTS`: the most addresses one `getMultipleAccounts` takes. */
const MAX_ADDRESSES_PER_REQUEST = 100;
/** How long an upstream request may take before the read fails. */
const REQUEST_TIMEOUT_MS = 30_000;
/** `UpgradeableLoaderState::Program`'s tag: the account names its ProgramData at bytes 4..36. */
const PROGRAM_STATE_TAG = 2;

/** An account as `getAccountInfo` answers it with base64 data. */
interface UiAccount {
  lamports: number | string;
  data: [string, string];
  owner: string;
  executable: boolean;
  rentEpoch: number | string;
}

/**
 * JSON text with the integers of 16 digits and more turned into strings, so that u64 values beyond
 * 2^53 (a `rentEpoch` of u64::MAX, large balances) keep every digit. Account data is base64 and
 * addresses base58, so no digits in a string follow a `:`, `,` or `[`.
 */
const quoteLargeIntegers = (text: string) => text.replace(/([:,[]\s*)(\d{16,})(?=\s*[,}\]])/g, '$1"$2"');

/** The upstream's error, as clients of the fork see it. */
const upstreamError = (url: string, reason: string) => new RpcError(-32603, `Failed to fetch accounts from remote ${url}: ${reason}`);

function toAccount(ui: UiAccount): Account {
  const data = base64ToBytes(ui.data[0]);
  if (!data || ui.data[1] !== 'base64') throw new Error(`account data not in base64: ${JSON.stringify(ui.data).slice(0, 80)}`);
  return { lamports: BigInt(ui.lamports), data, owner: ui.owner, executable: ui.executable, rentEpoch: BigInt(ui.rentEpoch) };
}

/** The ProgramData address an upgradeable program account names, if it is one. */
function programDataOf(account: Account): string | undefined {
  const d = account.data;
  if (account.owner !== BPF_LOADER_UPGRADEABLE || d.length < 36 || new DataView(d.buffer, d.byteOffset).getUint32(0, true) !== PROGRAM_STATE_TAG)
    return undefined;
  return encodeAddress(d.subarray(4, 36));
}

/** The accounts a validator copies from an upstream cluster on first read. */
export class Fork {
  /** Addresses asked upstream already (found there or not), or written here first. */
  private readonly settled = new Set<string>();

  constructor(
    /** The upstream's JSON-RPC URL. */
    readonly url: string,
    private readonly runtime: Runtime,
    ledger: Ledger,
  ) {
    if (!/^https?:\/\/[^/]/.test(url)) throw new WebsvmError('InvalidArgument', `forkUrl must be an http:// or https:// URL, got ${url}`);
    // What a transaction wrote is local from then on, even once closed.
    ledger.listen({ processed: ({ written }) => written.forEach((a) => this.settled.add(a)) });
  }

  /** Marks `address` as local: reads never fetch it (a cheatcode wrote it). */
  keepLocal(address: string): void {
    this.settled.add(address);
  }

  /** Lets the next read of `address` fetch it upstream again (`surfnet_resetAccount`). */
  forget(address: string): void {
    this.settled.delete(address);
  }

  /** Fetches those of `addresses` not held here and not asked before, and the ProgramData of the programs among them. */
  async fetch(addresses: Iterable<string>): Promise<void> {
    const found = await this.fetchMissing(addresses);
    const programData = found.map(([, account]) => programDataOf(account)).filter((a) => a !== undefined);
    const more = await this.fetchMissing(programData);
    this.store([...more, ...found]);
  }

  /** Fetches what `tx` reads: its static keys and lookup tables first, then the keys those tables load. */
  async fetchForTransaction(tx: WireTransaction, ledger: Ledger): Promise<void> {
    await this.fetch([...tx.message.staticKeys, ...tx.message.lookups.map((l) => l.accountKey)]);
    if (tx.message.lookups.length === 0) return;
    const loaded = ledger.loadedKeys(tx);
    await this.fetch([...loaded.writable, ...loaded.readonly]);
  }

  /** The upstream accounts among `addresses` that are neither here nor asked before (each asked once). */
  private async fetchMissing(addresses: Iterable<string>): Promise<[string, Account][]> {
    const wanted = [...new Set(addresses)].filter((a) => !this.settled.has(a) && this.runtime.accounts.get(a) === undefined);
    const found: [string, Account][] = [];
    for (let i = 0; i < wanted.length; i += MAX_ADDRESSES_PER_REQUEST) {
      const chunk = wanted.slice(i, i + MAX_ADDRESSES_PER_REQUEST);
      const values = await this.getMultipleAccounts(chunk);
      chunk.forEach((address, j) => {
        const account = values[j];
        if (account) found.push([address, account]);
      });
    }
    // Asked only once every request succeeded: a failed read is retried by the next one.
    for (const a of wanted) this.settled.add(a);
    return found;
  }

  /** Keeps fetched accounts; programs load with their ProgramData, and one that does not load is kept as bytes. */
  private store(accounts: [string, Account][]): void {
    try {
      this.runtime.setAccounts(accounts);
    } catch {
      for (const entry of accounts) {
        try {
          this.runtime.setAccounts([entry]);
        } catch {
          this.runtime.accounts.set(...entry);
        }
      }
    }
  }

  private async getMultipleAccounts(addresses: string[]): Promise<(Account | null)[]> {
    const body = JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'getMultipleAccounts', params: [addresses, { encoding: 'base64', commitment: 'confirmed' }] });
    let text: string;
    try {
      const res = await fetch(this.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body,
        signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
      });
      text = await res.text();
      if (!res.ok) throw new Error(`HTTP ${res.status} ${text.slice(0, 200)}`);
    } catch (e) {
      const cause = (e as { cause?: { code?: string; message?: string } }).cause;
      throw upstreamError(this.url, cause?.code ?? cause?.message ?? (e as Error).message);
    }
    let reply: { result?: { value?: (UiAccount | null)[] }; error?: { code: number; message: string } };
    try {
      reply = JSON.parse(quoteLargeIntegers(text)) as typeof reply;
    } catch {
      throw upstreamError(this.url, `not a JSON-RPC answer: ${text.slice(0, 200)}`);
    }
    if (reply.error) throw upstreamError(this.url, `${reply.error.code} ${reply.error.message}`);
    const values = reply.result?.value;
    try {
      if (!Array.isArray(values) || values.length !== addresses.length) throw new Error(`unexpected answer: ${text.slice(0, 200)}`);
      return values.map((v) => v && toAccount(v));
    } catch (e) {
      throw upstreamError(this.url, (e as Error).message);
    }
  }
}
