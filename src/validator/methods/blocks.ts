/**
 * The blocks the ledger holds: getBlock, getBlockTime, getBlocks, getBlocksWithLimit,
 * getBlockCommitment, getFirstAvailableBlock, minimumLedgerSlot. Every block is rooted as it ends
 * (a single node confirms alone), so `confirmed` and `finalized` read the same blocks.
 */
import { blockEncodingOptions, encodeBlock } from '../block-encoding.js';
import { invalidParams, RpcError, SERVER_ERROR, type Json } from '../json-rpc.js';
import type { Block } from '../ledger.js';
import { checkMinContextSlot, config, confirmedCommitment, positional, u64 } from '../params.js';
import type { MethodGroup, RpcContext } from './context.js';

/** Agave's `MAX_GET_CONFIRMED_BLOCKS_RANGE`. */
const MAX_BLOCKS_RANGE = 500_000n;

/** Agave's -32001 for a slot older than the ledger holds. */
export const blockCleanedUp = (slot: bigint, first: bigint) =>
  new RpcError(SERVER_ERROR.BLOCK_CLEANED_UP, `Block ${slot} cleaned up, does not exist on node. First available block: ${first}`);

/** Agave's -32004 for a slot whose block has not ended yet. */
export const blockNotAvailable = (slot: bigint) => new RpcError(SERVER_ERROR.BLOCK_NOT_AVAILABLE, `Block not available for slot ${slot}`);

/** The block at `slot`, or Agave's error for a slot it has none for (cleaned up, not yet made, or skipped). */
export function findBlock(ctx: RpcContext, slot: bigint): Block {
  const ledger = ctx.ledger;
  if (slot < ledger.firstSlot) throw blockCleanedUp(slot, ledger.firstSlot);
  const block = ledger.block(slot);
  if (block) return block;
  if (slot >= ledger.slot) throw blockNotAvailable(slot);
  throw new RpcError(SERVER_ERROR.SLOT_SKIPPED, `Slot ${slot} was skipped, or missing due to ledger jump to recent snapshot`);
}

/** The config of getBlocks / getBlocksWithLimit (`RpcContextConfig`, at least confirmed). */
function blocksConfig(ctx: RpcContext, raw: Json | undefined): void {
  const cfg = config(raw);
  confirmedCommitment(cfg);
  checkMinContextSlot(cfg, ctx.ledger.rootSlot);
}

export const blockMethods: MethodGroup = (ctx) => ({
  getBlock: (p) => {
    const [rawSlot, raw] = positional(p, 1, 2);
    const slot = u64(rawSlot);
    // The old form: the encoding as the second argument.
    const cfg = typeof raw === 'string' ? { encoding: raw } : config(raw);
    const options = blockEncodingOptions(cfg, 'rewards');
    confirmedCommitment(cfg);
    return encodeBlock(ctx.ledger, findBlock(ctx, slot), options);
  },
  getBlockTime: (p) => {
    const [slot] = positional(p, 1, 1);
    return findBlock(ctx, u64(slot)).blockTime;
  },
  getBlocks: (p) => {
    const [rawStart, second, third] = positional(p, 1, 3);
    const start = u64(rawStart);
    // The second argument is the end slot or, with no end slot, the config.
    const endGiven = typeof second === 'number' ? u64(second) : undefined;
    blocksConfig(ctx, typeof second === 'object' && second !== null ? second : third);
    const wanted = endGiven ?? start + MAX_BLOCKS_RANGE;
    const end = wanted < ctx.ledger.rootSlot ? wanted : ctx.ledger.rootSlot;
    if (end < start) return [];
    if (end - start > MAX_BLOCKS_RANGE) throw invalidParams(`Slot range too large; max ${MAX_BLOCKS_RANGE}`);
    return ctx.ledger.slotsFrom(start, Number(end - start) + 1).filter((slot) => slot <= end);
  },
  getBlocksWithLimit: (p) => {
    const [rawStart, rawLimit, raw] = positional(p, 2, 3);
    const start = u64(rawStart);
    const limit = u64(rawLimit, 'usize');
    blocksConfig(ctx, raw);
    if (limit > MAX_BLOCKS_RANGE) throw invalidParams(`Limit too large; max ${MAX_BLOCKS_RANGE}`);
    return ctx.ledger.slotsFrom(start, Number(limit));
  },
  getBlockCommitment: (p) => {
    const [slot] = positional(p, 1, 1);
    u64(slot);
    // No stake is delegated here: no vote weight to report for any block.
    return { commitment: null, totalStake: 0 };
  },
  getFirstAvailableBlock: (p) => (positional(p, 0, 0), ctx.ledger.firstSlot),
  minimumLedgerSlot: (p) => (positional(p, 0, 0), ctx.ledger.firstSlot),
});
