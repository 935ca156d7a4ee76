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
    const programData = found
      .map(([, account]) => (account.owner === BPF_LOADER_UPGRADEABLE ? programDataAddress(account.data) : undefined))
      .filter((a) => a !== undefined);
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
}
