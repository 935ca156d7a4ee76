/**
 * Blocks as Agave's RPC writes them (`UiConfirmedBlock`), for getBlock and blockSubscribe: the
 * `transactionDetails` level (full, accounts, signatures, none), the transactions' encoding and
 * the rewards (none are paid here: an empty list when asked for).
 */
import type { Json } from './json-rpc.js';
import type { Block, Ledger } from './ledger.js';
import { maxSupportedVersion, optionalBool, variant } from './params.js';
import { TRANSACTION_ENCODINGS, transactionAccounts, transactionWithMeta, type TransactionEncodingOptions } from './transaction-encoding.js';

const TRANSACTION_DETAILS = ['full', 'signatures', 'none', 'accounts'] as const;

/** What a block is shown with. */
export interface BlockEncodingOptions extends TransactionEncodingOptions {
  transactionDetails: (typeof TRANSACTION_DETAILS)[number];
}

/** The block options of a config (`RpcBlockConfig`; blockSubscribe names `rewards` `showRewards`). */
export function blockEncodingOptions(cfg: { [key: string]: Json }, rewardsField: 'rewards' | 'showRewards'): BlockEncodingOptions {
  return {
    encoding: variant(cfg.encoding, TRANSACTION_ENCODINGS) ?? 'json',
    transactionDetails: variant(cfg.transactionDetails, TRANSACTION_DETAILS) ?? 'full',
    showRewards: optionalBool(cfg[rewardsField], true),
    maxVersion: maxSupportedVersion(cfg),
  };
}

/** `UiConfirmedBlock`; throws -32015 when a transaction's version is newer than the client takes. */
export function encodeBlock(ledger: Ledger, block: Block, o: BlockEncodingOptions) {
  const records = () => block.signatures.map((s) => ledger.record(s)!);
  const details =
    o.transactionDetails === 'full'
      ? { transactions: records().map((r) => transactionWithMeta(r, o)) }
      : o.transactionDetails === 'accounts'
        ? { transactions: records().map((r) => transactionAccounts(r, o)) }
        : o.transactionDetails === 'signatures'
          ? { signatures: block.signatures }
          : {};
  return {
    previousBlockhash: block.previousBlockhash,
    blockhash: block.blockhash,
    parentSlot: block.parentSlot,
    ...details,
    ...(o.showRewards ? { rewards: [] } : {}),
    blockTime: block.blockTime,
    blockHeight: block.blockHeight,
  };
}
