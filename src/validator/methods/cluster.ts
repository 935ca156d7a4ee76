/**
 * The cluster, which is this one node: getClusterNodes, getVoteAccounts, getLeaderSchedule,
 * getSlotLeader, getSlotLeaders, getBlockProduction. The node leads every slot and votes with one
 * vote account of no stake.
 */
import { AGAVE_VERSION } from '../../runtime/litesvm-release.js';
import { epochOf, firstSlotOfEpoch } from '../epochs.js';
import { invalidParams } from '../json-rpc.js';
import { commitment, config, optionalBool, positional, pubkey, u64 } from '../params.js';
import { checkContextConfig, withContext, type MethodGroup } from './context.js';
import { featureSet } from './node.js';

/** Agave's `MAX_GET_SLOT_LEADERS`. */
const MAX_SLOT_LEADERS = 5000n;

export const clusterMethods: MethodGroup = (ctx) => ({
  getClusterNodes: (p) => {
    positional(p, 0, 0);
    const none = { gossip: null, tvu: null, tpu: null, tpuQuic: null, tpuForwards: null, tpuForwardsQuic: null, tpuVote: null, serveRepair: null };
    return [
      {
        pubkey: ctx.identity,
        ...none,
        rpc: ctx.addresses.rpc,
        pubsub: ctx.addresses.pubsub,
        version: AGAVE_VERSION,
        featureSet: featureSet(),
        shredVersion: 0,
      },
    ];
  },
  getVoteAccounts: (p) => {
    const cfg = config(positional(p, 0, 1)[0]);
    commitment(cfg);
    const only = cfg.votePubkey === undefined || cfg.votePubkey === null ? undefined : pubkey(cfg.votePubkey);
    optionalBool(cfg.keepUnstakedDelinquents);
    if (cfg.delinquentSlotDistance !== undefined && cfg.delinquentSlotDistance !== null) u64(cfg.delinquentSlotDistance);
    const slot = ctx.ledger.slot;
    const ours = {
      votePubkey: ctx.voteAccount,
      nodePubkey: ctx.identity,
      activatedStake: 0,
      epochVoteAccount: true,
      commission: 0,
      lastVote: slot,
      epochCredits: [],
      rootSlot: ctx.ledger.rootSlot,
    };
    return { current: only === undefined || only === ctx.voteAccount ? [ours] : [], delinquent: [] };
  },
  getLeaderSchedule: (p) => {
    const [first, second] = positional(p, 0, 2);
    // The first argument is a slot or, with no slot, the config.
    const slot = typeof first === 'number' ? u64(first) : ctx.ledger.slot;
    const cfg = config(typeof first === 'object' && first !== null ? first : second);
    commitment(cfg);
    const identity = cfg.identity === undefined || cfg.identity === null ? undefined : pubkey(cfg.identity);
    const schedule = ctx.svm.runtime.epochSchedule;
    const { epoch, slotsInEpoch } = epochOf(schedule, slot);
    // A leader schedule is known one epoch ahead.
    if (epoch > epochOf(schedule, ctx.ledger.slot).epoch + 1n) return null;
    if (identity !== undefined && identity !== ctx.identity) return {};
    return { [ctx.identity]: Array.from({ length: Number(slotsInEpoch) }, (_, i) => i) };
  },
  getSlotLeader: (p) => {
    checkContextConfig(ctx, config(positional(p, 0, 1)[0]));
    return ctx.identity;
  },
  getSlotLeaders: (p) => {
    const [start, rawLimit] = positional(p, 2, 2);
    u64(start);
    const limit = u64(rawLimit);
    if (limit > MAX_SLOT_LEADERS) throw invalidParams(`Invalid limit; max ${MAX_SLOT_LEADERS}`);
    return Array.from({ length: Number(limit) }, () => ctx.identity);
  },
  getBlockProduction: (p) => {
    const cfg = config(positional(p, 0, 1)[0]);
    commitment(cfg);
    const identity = cfg.identity === undefined || cfg.identity === null ? undefined : pubkey(cfg.identity);
    const ledger = ctx.ledger;
    const range = cfg.range === undefined || cfg.range === null ? {} : config(cfg.range);
    const epochStart = firstSlotOfEpoch(ctx.svm.runtime.epochSchedule, epochOf(ctx.svm.runtime.epochSchedule, ledger.slot).epoch);
    const firstSlot = range.firstSlot === undefined ? (epochStart > ledger.firstSlot ? epochStart : ledger.firstSlot) : u64(range.firstSlot);
    const lastSlot = range.lastSlot === undefined || range.lastSlot === null ? ledger.slot : u64(range.lastSlot);
    if (lastSlot < firstSlot) throw invalidParams(`lastSlot, ${lastSlot}, cannot be less than firstSlot, ${firstSlot}`);
    if (firstSlot < ledger.firstSlot) throw invalidParams(`firstSlot, ${firstSlot}, is too small; min ${ledger.firstSlot}`);
    if (lastSlot > ledger.slot) throw invalidParams(`lastSlot, ${lastSlot}, is too large; max ${ledger.slot}`);
    const produced = ledger.slotsFrom(firstSlot, Number(lastSlot - firstSlot) + 1).filter((s) => s <= lastSlot).length;
    const byIdentity = identity === undefined || identity === ctx.identity ? { [ctx.identity]: [Number(lastSlot - firstSlot) + 1, produced] } : {};
    return withContext(ctx, { byIdentity, range: { firstSlot, lastSlot } });
  },
});
