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
import { BPF_LOADER_UPGRADEABLE } from '../runtime/ids.js';
import type { Runtime } from '../runtime/runtime.js';
import { WebsvmError } from '../errors.js';
import { fetchClusterAccounts } from '../api/cluster-accounts.js';
import { programDataAddress } from '../runtime/loader-state.js';
import { RpcError } from './json-rpc.js';
import type { Ledger } from './ledger.js';

/** The upstream's error, as clients of the fork see it. */
const upstreamError = (url: string, reason: string) => new RpcError(-32603, `Failed to fetch accounts from remote ${url}: ${reason}`);

/** Addresses a fork settled or forgot, and the accounts it fetched with them. */
export interface ForkChange {
  settled: string[];
  forgotten: string[];
  accounts: [string, Account][];
}

/** The accounts a validator copies from an upstream cluster on first read. */
export class Fork {
  /** Addresses asked upstream already (found there or not), or written here first. */
  private readonly settled = new Set<string>();

  /**
   * `local`: addresses settled before (a reopened ledger directory's). `changed` hears each change
   * of the settled addresses, with the accounts fetched along (the ledger directory journals them).
   */
  constructor(
    /** The upstream's JSON-RPC URL. */
    readonly url: string,
    private readonly runtime: Runtime,
    ledger: Ledger,
    local: Iterable<string> = [],
    private readonly changed?: (change: ForkChange) => void,
  ) {
    if (!/^https?:\/\/[^/]/.test(url)) throw new WebsvmError('InvalidArgument', `forkUrl must be an http:// or https:// URL, got ${url}`);
    for (const address of local) this.settled.add(address);
    // What a transaction wrote is local from then on, even once closed.
    ledger.listen({ processed: ({ written }) => written.forEach((a) => this.settled.add(a)) });
  }

  /** Marks `address` as local: reads never fetch it (a cheatcode wrote it). */
  keepLocal(address: string): void {
    this.settled.add(address);
    this.changed?.({ settled: [address], forgotten: [], accounts: [] });
  }

  /** Lets the next read of `address` fetch it upstream again (`surfnet_resetAccount`). */
  forget(address: string): void {
    this.settled.delete(address);
    this.changed?.({ settled: [], forgotten: [address], accounts: [] });
  }

  /** The addresses reads never fetch. */
  get localAddresses(): string[] {
    return [...this.settled];
  }

  /** Fetches those of `addresses` not held here and not asked before, and the ProgramData of the programs among them. */
  async fetch(addresses: Iterable<string>): Promise<void> {
    const first = await this.fetchMissing(addresses);
    const programData = first.found
      .map(([, account]) => (account.owner === BPF_LOADER_UPGRADEABLE ? programDataAddress(account.data) : undefined))
      .filter((a) => a !== undefined);
    const then = await this.fetchMissing(programData);
    const accounts = [...then.found, ...first.found];
    storeFetched(this.runtime, accounts);
    const settled = [...first.asked, ...then.asked];
    if (settled.length > 0) this.changed?.({ settled, forgotten: [], accounts });
  }

  /** Fetches what `tx` reads: its static keys and lookup tables first, then the keys those tables load. */
  async fetchForTransaction(tx: WireTransaction, ledger: Ledger): Promise<void> {
    await this.fetch([...tx.message.staticKeys, ...tx.message.lookups.map((l) => l.accountKey)]);
    if (tx.message.lookups.length === 0) return;
    const loaded = ledger.loadedKeys(tx);
    await this.fetch([...loaded.writable, ...loaded.readonly]);
  }

  /** Asks upstream for those of `addresses` that are neither here nor asked before (each asked once): what was asked, and found. */
  private async fetchMissing(addresses: Iterable<string>): Promise<{ asked: string[]; found: [string, Account][] }> {
    const wanted = [...new Set(addresses)].filter((a) => !this.settled.has(a) && this.runtime.accounts.get(a) === undefined);
    let values: (Account | null)[];
    try {
      values = await fetchClusterAccounts(this.url, wanted);
    } catch (e) {
      if (e instanceof WebsvmError && e.kind === 'FetchFailed') throw upstreamError(this.url, e.message);
      throw e;
    }
    const found: [string, Account][] = [];
    wanted.forEach((address, j) => {
      const account = values[j];
      if (account) found.push([address, account]);
    });
    // Asked only once every request succeeded: a failed read is retried by the next one.
    for (const a of wanted) this.settled.add(a);
    return { asked: wanted, found };
  }
}

/** Keeps fetched accounts in `runtime`; programs load with their ProgramData, and one that does not load is kept as bytes. */
export function storeFetched(runtime: Runtime, accounts: [string, Account][]): void {
  try {
    runtime.setAccounts(accounts);
  } catch {
    for (const entry of accounts) {
      try {
        runtime.setAccounts([entry]);
      } catch {
        runtime.accounts.set(...entry);
      }
    }
  }
}
