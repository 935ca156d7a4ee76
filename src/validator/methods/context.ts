/** What every method handler reads: the ledger over the `SVM`, the node's identity, and the response context. */
import type { AccountsSnapshot, SVM } from '../../api/svm.js';
import type { Account } from '../../runtime/accounts.js';
import { AGAVE_VERSION } from '../../runtime/litesvm-release.js';
import type { Handler } from '../json-rpc.js';
import type { Fork } from '../fork.js';
import type { Ledger, LedgerState } from '../ledger.js';
import type { LedgerJournal } from '../ledger-store.js';
import type { PerformanceSamples } from '../performance-samples.js';
import type { SlotClock } from '../slot-clock.js';
import { checkMinContextSlot, commitment } from '../params.js';
import type { Json } from '../json-rpc.js';

export interface RpcContext {
  readonly svm: SVM;
  readonly ledger: Ledger;
  /** Samples of the chain's pace, one a minute. */
  readonly samples: PerformanceSamples;
  /** The node's identity address (`getIdentity`). */
  readonly identity: string;
  /** The node's vote account address (`getVoteAccounts`). */
  readonly voteAccount: string;
  /** `host:port` of the JSON-RPC and PubSub servers once they listen (`getClusterNodes`). */
  readonly addresses: { rpc: string | null; pubsub: string | null };
  /** What drives the slots (paused and resumed by the clock cheatcodes). */
  readonly slotClock: SlotClock;
  /** What `getSupply` answers instead of the sums it makes (`surfnet_setSupply`). */
  readonly supply: SupplyOverride;
  /** The upstream cluster accounts are copied from on first read (`--fork-url`), if any. */
  readonly fork?: Fork;
  /** The ledger directory's journal (`--ledger`), if any: notifications wait until what they report is on disk. */
  readonly journal?: LedgerJournal;
  /** `websvm_snapshot`'s snapshots, by id (ids count up from 1 and are never reused). */
  readonly snapshots: Map<string, ChainSnapshot>;
  /** The chain as the validator started (`surfnet_resetNetwork` returns to it). */
  readonly genesis: ChainSnapshot;
}

/** The whole chain at one point: the simulator's state and the ledger's history (`websvm_snapshot`). */
export interface ChainSnapshot {
  svm: AccountsSnapshot;
  ledger: LedgerState;
}

/** Values `getSupply` answers as set, each in place of the one it computes. */
export interface SupplyOverride {
  total?: bigint;
  circulating?: bigint;
  nonCirculating?: bigint;
  nonCirculatingAccounts?: string[];
}

/** A group of methods by name. */
export type MethodGroup = (ctx: RpcContext) => Record<string, Handler>;

/** Agave's `RpcResponse`: `{ context: { apiVersion, slot }, value }`. */
export const withContext = (ctx: RpcContext, value: unknown) => ({ context: { apiVersion: AGAVE_VERSION, slot: ctx.ledger.slot }, value });

/** Checks a config's `commitment` and `minContextSlot` (the fields most methods share). */
export function checkContextConfig(ctx: RpcContext, cfg: { [key: string]: Json }): void {
  commitment(cfg);
  checkMinContextSlot(cfg, ctx.ledger.slot);
}

/** With a fork, fetches those of `addresses` the upstream has and this node does not yet (see `fork.ts`). */
export async function reach(ctx: RpcContext, addresses: Iterable<string>): Promise<void> {
  if (ctx.fork) await ctx.fork.fetch(addresses);
}

/** An account as the bank shows it: one with no lamports does not exist. */
export function live(ctx: RpcContext, address: string): Account | undefined {
  const account = ctx.svm.runtime.getAccount(address);
  return account && account.lamports > 0n ? account : undefined;
}
