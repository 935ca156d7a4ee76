/**
 * Slots, blocks and fees: getSlot, getBlockHeight, getEpochInfo, getEpochSchedule,
 * getLatestBlockhash, isBlockhashValid, getFeeForMessage, getMinimumBalanceForRentExemption.
 */
import { decodeTransaction } from '../../runtime/message.js';
import { isWebsvmError } from '../../errors.js';
import { epochOf } from '../epochs.js';
import { invalidParams, RpcError } from '../json-rpc.js';
import { base64Param, commitment, config, positional, string, u64 } from '../params.js';
import { checkContextConfig, withContext, type MethodGroup, type RpcContext } from './context.js';

/** A message's bytes from base64 as `getFeeForMessage` takes them, wrapped as an unsigned transaction. */
function unsignedTransaction(base64: string): Uint8Array {
  const message = base64Param(base64);
  const versioned = (message[0] ?? 0) & 0x80;
  const signatures = message[versioned ? 1 : 0] ?? 0;
  const out = new Uint8Array(1 + 64 * signatures + message.length);
  out[0] = signatures; // a count below 128 fits the one-byte compact-u16 form
  out.set(message, 1 + 64 * signatures);
  return out;
}

/** `EpochInfo` of the open slot. */
export function epochInfo(ctx: RpcContext) {
  const slot = ctx.ledger.slot;
  const { epoch, slotIndex, slotsInEpoch } = epochOf(ctx.svm.runtime.epochSchedule, slot);
  return { absoluteSlot: slot, blockHeight: ctx.ledger.blockHeight, epoch, slotIndex, slotsInEpoch, transactionCount: ctx.ledger.transactionCount };
}

export const chainMethods: MethodGroup = (ctx) => ({
  getSlot: (p) => {
    checkContextConfig(ctx, config(positional(p, 0, 1)[0]));
    return ctx.ledger.slot;
  },
  getBlockHeight: (p) => {
    checkContextConfig(ctx, config(positional(p, 0, 1)[0]));
    return ctx.ledger.blockHeight;
  },
  getEpochInfo: (p) => {
    checkContextConfig(ctx, config(positional(p, 0, 1)[0]));
    return epochInfo(ctx);
  },
  getEpochSchedule: (p) => {
    positional(p, 0, 0);
    const s = ctx.svm.runtime.epochSchedule;
    return {
      slotsPerEpoch: s.slotsPerEpoch,
      leaderScheduleSlotOffset: s.leaderScheduleSlotOffset,
      warmup: s.warmup,
      firstNormalEpoch: s.firstNormalEpoch,
      firstNormalSlot: s.firstNormalSlot,
    };
  },
  getLatestBlockhash: (p) => {
    checkContextConfig(ctx, config(positional(p, 0, 1)[0]));
    return withContext(ctx, ctx.ledger.latestBlockhash);
  },
  isBlockhashValid: (p) => {
    const [hash, cfg] = positional(p, 1, 2);
    checkContextConfig(ctx, config(cfg));
    return withContext(ctx, ctx.ledger.isBlockhashValid(string(hash)));
  },
  getFeeForMessage: (p) => {
    const [message, cfg] = positional(p, 1, 2);
    checkContextConfig(ctx, config(cfg));
    let tx;
    try {
      tx = decodeTransaction(unsignedTransaction(string(message)));
    } catch (e) {
      throw e instanceof RpcError ? e : invalidParams(`invalid transaction message: ${e instanceof Error ? e.message : String(e)}`);
    }
    try {
      return withContext(ctx, ctx.svm.runtime.feeForMessage(tx) ?? null);
    } catch (e) {
      // By kind, not class: the CommonJS build of this entry has its own copy of the runtime's error classes.
      if (isWebsvmError(e, 'TransactionError')) throw invalidParams(`invalid transaction message: ${e.message}`);
      throw e;
    }
  },
  getMinimumBalanceForRentExemption: (p) => {
    const [size, cfg] = positional(p, 1, 2);
    commitment(config(cfg));
    return ctx.svm.runtime.minimumBalance(u64(size, 'usize'));
  },
});
