/**
 * What the ledger's history tells: getSignaturesForAddress, getTransactionCount,
 * getRecentPerformanceSamples and getRecentPrioritizationFees.
 */
import { COMPUTE_BUDGET_PROGRAM, MEMO_PROGRAM_V1, MEMO_PROGRAM_V3 } from '../../runtime/ids.js';
import { decodeOrUndefined } from '../../runtime/codec.js';
import { COMPUTE_BUDGET_INSTRUCTION } from '../../runtime/compute-budget.js';
import type { WireTransaction } from '../../runtime/message.js';
import { transactionErrorJson } from '../encodings.js';
import { invalidParams } from '../json-rpc.js';
import type { TransactionRecord } from '../ledger.js';
import { boundedList, checkMinContextSlot, config, confirmedCommitment, positional, pubkey, signature, string, u64 } from '../params.js';
import { PERFORMANCE_SAMPLES_LIMIT } from '../performance-samples.js';
import { checkContextConfig, type MethodGroup } from './context.js';

/** Agave's `MAX_GET_CONFIRMED_SIGNATURES_FOR_ADDRESS2_LIMIT`. */
const MAX_SIGNATURES_LIMIT = 1000n;
/** Agave's `MAX_TX_ACCOUNT_LOCKS`: the most addresses getRecentPrioritizationFees takes. */
const MAX_PRIORITIZATION_ADDRESSES = 128;
/** Blocks the prioritization fee cache keeps (`MAX_NUM_RECENT_BLOCKS`). */
const PRIORITIZATION_BLOCKS = 150;
/** The SPL Memo programs whose instructions `memo` shows (v1 and v3). */
const MEMO_PROGRAMS = new Set([MEMO_PROGRAM_V1, MEMO_PROGRAM_V3]);

/** `extract_and_fmt_memos`: each top-level memo as `[length] text`, joined by `; ` (null when none). */
function memoOf(tx: WireTransaction): string | null {
  const keys = tx.message.staticKeys;
  const memos = tx.message.instructions
    .filter((ix) => MEMO_PROGRAMS.has(keys[ix.programIdIndex]))
    .map((ix) => {
      let text: string;
      try {
        text = new TextDecoder('utf-8', { fatal: true }).decode(ix.data);
      } catch {
        text = '(unparseable)';
      }
      return `[${ix.data.length}] ${text}`;
    });
  return memos.length === 0 ? null : memos.join('; ');
}

/** The compute-unit price (micro-lamports) a transaction bid: its last well-formed `SetComputeUnitPrice`, or 0. */
function computeUnitPrice(tx: WireTransaction): bigint {
  let price = 0n;
  for (const ix of tx.message.instructions) {
    if (tx.message.staticKeys[ix.programIdIndex] !== COMPUTE_BUDGET_PROGRAM) continue;
    const decoded = decodeOrUndefined(COMPUTE_BUDGET_INSTRUCTION, ix.data);
    // Only an instruction of exactly that length counts.
    if (decoded?.kind === 'SetComputeUnitPrice' && ix.data.length === COMPUTE_BUDGET_INSTRUCTION.size(decoded)) price = decoded.microLamports;
  }
  return price;
}

/**
 * A block's prioritization fee for `addresses` (Agave's `PrioritizationFeeCache`): the lowest price
 * of its transactions, raised to the lowest price among those write-locking each address.
 */
function prioritizationFee(records: readonly TransactionRecord[], addresses: readonly string[]): bigint {
  const lowest = (list: TransactionRecord[]) =>
    list.map((r) => computeUnitPrice(r.tx)).reduce<bigint | undefined>((m, p) => (m === undefined || p < m ? p : m), undefined);
  let fee = lowest([...records]) ?? 0n;
  for (const address of addresses) {
    const writers = records.filter((r) => {
      const keys = [...r.tx.message.staticKeys, ...r.loadedAddresses.writable];
      const i = keys.indexOf(address);
      return i >= 0 && r.writable[i];
    });
    const accountFee = lowest(writers);
    if (accountFee !== undefined && accountFee > fee) fee = accountFee;
  }
  return fee;
}

export const historyMethods: MethodGroup = (ctx) => ({
  getSignaturesForAddress: (p) => {
    const [key, raw] = positional(p, 1, 2);
    const address = pubkey(key);
    const cfg = config(raw);
    const before = cfg.before === undefined || cfg.before === null ? undefined : signature(string(cfg.before));
    const until = cfg.until === undefined || cfg.until === null ? undefined : signature(string(cfg.until));
    const limit = cfg.limit === undefined || cfg.limit === null ? MAX_SIGNATURES_LIMIT : u64(cfg.limit, 'usize');
    if (limit === 0n || limit > MAX_SIGNATURES_LIMIT) throw invalidParams(`Invalid limit; max ${MAX_SIGNATURES_LIMIT}`);
    confirmedCommitment(cfg);
    checkMinContextSlot(cfg, ctx.ledger.rootSlot);
    const ledger = ctx.ledger;
    let newest = Infinity;
    if (before !== undefined) {
      const r = ledger.record(before);
      if (!r) return []; // an unknown `before`: nothing older is known either
      newest = r.sequence;
    }
    const oldest = until === undefined ? -1 : (ledger.record(until)?.sequence ?? -1);
    const out = [];
    const list = ledger.signaturesFor(address);
    for (let i = list.length - 1; i >= 0 && out.length < Number(limit); i--) {
      const r = ledger.record(list[i])!;
      if (r.sequence >= newest) continue;
      if (r.sequence <= oldest) break;
      out.push({
        signature: list[i],
        slot: r.slot,
        err: r.outcome.error ? transactionErrorJson(r.outcome.error) : null,
        memo: memoOf(r.tx),
        blockTime: r.blockTime,
        confirmationStatus: 'finalized',
      });
    }
    return out;
  },
  getTransactionCount: (p) => {
    checkContextConfig(ctx, config(positional(p, 0, 1)[0]));
    return ctx.ledger.transactionCount;
  },
  getRecentPerformanceSamples: (p) => {
    const [raw] = positional(p, 0, 1);
    const limit = raw === undefined || raw === null ? PERFORMANCE_SAMPLES_LIMIT : Number(u64(raw, 'usize'));
    if (limit > PERFORMANCE_SAMPLES_LIMIT) throw invalidParams(`Invalid limit; max ${PERFORMANCE_SAMPLES_LIMIT}`);
    return ctx.samples.recent(limit);
  },
  getRecentPrioritizationFees: (p) => {
    const [raw] = positional(p, 0, 1);
    const addresses = raw === undefined || raw === null ? [] : boundedList(raw, MAX_PRIORITIZATION_ADDRESSES).map(pubkey);
    const fees = [];
    for (const block of ctx.ledger.newestBlocks()) {
      if (fees.length === PRIORITIZATION_BLOCKS) break;
      const records = block.signatures.map((s) => ctx.ledger.record(s)!);
      fees.push({ slot: block.slot, prioritizationFee: prioritizationFee(records, addresses) });
    }
    return fees.reverse();
  },
});
