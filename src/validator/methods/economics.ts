/**
 * Lamports and inflation: getSupply, getLargestAccounts, getInflationGovernor, getInflationRate,
 * getInflationReward, getStakeMinimumDelegation. Nothing is locked up here: every lamport circulates
 * (unless `surfnet_setSupply` says otherwise).
 */
import { epochOf, firstSlotOfEpoch } from '../epochs.js';
import { boundedList, commitment, config, optionalBool, positional, pubkey, u64, variant } from '../params.js';
import { blockCleanedUp, blockNotAvailable } from './blocks.js';
import { checkContextConfig, withContext, type MethodGroup } from './context.js';

/** Agave's `NUM_LARGEST_ACCOUNTS`. */
const NUM_LARGEST_ACCOUNTS = 20;
/** Agave's `MAX_MULTIPLE_ACCOUNTS`: the most addresses getInflationReward takes. */
const MAX_REWARD_ADDRESSES = 100;
/** `Inflation::default()`, the genesis inflation of solana-test-validator. */
const INFLATION = { initial: 0.08, terminal: 0.015, taper: 0.15, foundation: 0.05, foundationTerm: 7 };
/** Slots in a year at 400 ms a slot (`slots_per_year` of the default genesis). */
const SLOTS_PER_YEAR = (365.242199 * 24 * 60 * 60 * 1000) / 400;
/** The stake program's minimum delegation while `stake_raise_minimum_delegation_to_1_sol` is inactive. */
const MINIMUM_DELEGATION = 1n;

/** `Inflation::total`, `foundation` and `validator` for a point in years. */
function inflationAt(year: number) {
  const tapered = INFLATION.initial * Math.pow(1 - INFLATION.taper, year);
  const total = tapered > INFLATION.terminal ? tapered : INFLATION.terminal;
  const foundation = year < INFLATION.foundationTerm ? total * INFLATION.foundation : 0;
  return { total, validator: total - foundation, foundation };
}

export const economicsMethods: MethodGroup = (ctx) => {
  /** Every account with lamports, by address. */
  const liveAccounts = () => [...ctx.svm.runtime.accounts.entries()].filter(([, a]) => a.lamports > 0n);
  return {
    getSupply: (p) => {
      const cfg = config(positional(p, 0, 1)[0]);
      commitment(cfg);
      const excludeList = optionalBool(cfg.excludeNonCirculatingAccountsList);
      const sum = liveAccounts().reduce((total, [, a]) => total + a.lamports, 0n);
      const set = ctx.supply;
      return withContext(ctx, {
        total: set.total ?? sum,
        circulating: set.circulating ?? sum,
        nonCirculating: set.nonCirculating ?? 0n,
        nonCirculatingAccounts: excludeList ? [] : (set.nonCirculatingAccounts ?? []),
      });
    },
    getLargestAccounts: (p) => {
      const cfg = config(positional(p, 0, 1)[0]);
      commitment(cfg);
      const filter = variant(cfg.filter, ['circulating', 'nonCirculating'] as const);
      const largest =
        filter === 'nonCirculating'
          ? []
          : liveAccounts()
              .sort(([, a], [, b]) => (a.lamports === b.lamports ? 0 : a.lamports > b.lamports ? -1 : 1))
              .slice(0, NUM_LARGEST_ACCOUNTS)
              .map(([address, a]) => ({ address, lamports: a.lamports }));
      return withContext(ctx, largest);
    },
    getInflationGovernor: (p) => {
      commitment(config(positional(p, 0, 1)[0]));
      return INFLATION;
    },
    getInflationRate: (p) => {
      positional(p, 0, 0);
      const schedule = ctx.svm.runtime.epochSchedule;
      const { epoch } = epochOf(schedule, ctx.ledger.slot);
      return { ...inflationAt(Number(firstSlotOfEpoch(schedule, epoch)) / SLOTS_PER_YEAR), epoch };
    },
    getInflationReward: (p) => {
      const [list, raw] = positional(p, 1, 2);
      const addresses = boundedList(list, MAX_REWARD_ADDRESSES).map(pubkey);
      const cfg = config(raw);
      checkContextConfig(ctx, cfg);
      const schedule = ctx.svm.runtime.epochSchedule;
      const current = epochOf(schedule, ctx.ledger.slot).epoch;
      const epoch = cfg.epoch === undefined || cfg.epoch === null ? (current > 0n ? current - 1n : 0n) : u64(cfg.epoch);
      // An epoch's rewards are paid in the first block of the next one.
      const paidAt = firstSlotOfEpoch(schedule, epoch + 1n);
      const ledger = ctx.ledger;
      if (paidAt < ledger.firstSlot) throw blockCleanedUp(paidAt, ledger.firstSlot);
      if (ledger.slotsFrom(paidAt, 1).length === 0) throw blockNotAvailable(paidAt);
      return addresses.map(() => null); // no rewards are paid here
    },
    getStakeMinimumDelegation: (p) => {
      checkContextConfig(ctx, config(positional(p, 0, 1)[0]));
      return withContext(ctx, MINIMUM_DELEGATION);
    },
  };
};
