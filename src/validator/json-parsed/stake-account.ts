/**
 * `jsonParsed` for stake accounts (agave account-decoder/src/parse_stake.rs): `uninitialized`,
 * `initialized` and `delegated` with `{ meta, stake }`, `rewardsPool`; amounts and epochs of the
 * delegation as strings, lockup and credits as numbers.
 */
import { decodeStakeState, type StakeMeta } from '../../runtime/stake-state.js';

const metaJson = (m: StakeMeta) => ({
  rentExemptReserve: m.rentExemptReserve.toString(),
  authorized: { staker: m.staker, withdrawer: m.withdrawer },
  lockup: { unixTimestamp: m.lockup.unixTimestamp, epoch: m.lockup.epoch, custodian: m.lockup.custodian },
});

/** `parse_stake`, or undefined where the state does not deserialize. */
export function parseStake(data: Uint8Array): object | undefined {
  const state = decodeStakeState(data);
  switch (state?.kind) {
    case undefined:
      return undefined;
    case 'Uninitialized':
      return { type: 'uninitialized' };
    case 'RewardsPool':
      return { type: 'rewardsPool' };
    case 'Initialized':
      return { type: 'initialized', info: { meta: metaJson(state.meta), stake: null } };
    case 'Stake': {
      const d = state.stake;
      const delegation = {
        voter: d.voter,
        stake: d.stake.toString(),
        activationEpoch: d.activationEpoch.toString(),
        deactivationEpoch: d.deactivationEpoch.toString(),
      };
      return { type: 'delegated', info: { meta: metaJson(state.meta), stake: { delegation, creditsObserved: d.creditsObserved } } };
    }
  }
}
