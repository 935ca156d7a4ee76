/**
 * The eight features LiteSVM 1.5.0 activates that 1.4.1 did not, switched off in both runtimes:
 * all together (the previous release's behaviour), and one at a time. A workload touching what
 * each gate could change (sysvars read by a program, rent-paying accounts, the Stake and Vote
 * programs, a v1 transaction) must give identical results, logs, units and accounts, and the
 * Rent and Clock sysvars stay those of the release: the rent steps (SIMD-0437) and slot times
 * (SIMD-0525) are applied by Agave's bank at epoch boundaries, and the Stake program upgrade
 * (SIMD-0391) is a bank migration whose ELF LiteSVM bundles; LiteSVM runs none of them.
 */
import { describe, expect, it } from 'vitest';
import {
  address,
  generateKeyPairSigner,
  setTransactionMessageComputeUnitLimit,
  setTransactionMessageLoadedAccountsDataSizeLimit,
  type Instruction,
} from '@solana/kit';
import { FeatureSet as OracleFeatures } from 'litesvm';
import bs58 from 'bs58';
import { FeatureSet } from '../../src/index.js';
import { deployBoth, Dual, meta, setBoth, systemCreateAccount, systemTransfer } from '../helpers/dual.js';
import { bytes, programElf, SYSTEM_PROGRAM, u32, u64 } from '../helpers/encoding.js';

/** The features active in LiteSVM 1.5.0's default set and not in 1.4.1's. */
const NEW_IN_LITESVM_1_5_0: Record<string, string> = {
  relax_post_exec_min_balance_check: 'BY4JhHLahVzS9ynfDz4exzGPbVXhFmJvEyMWsXbDBqME',
  upgrade_bpf_stake_program_to_v5_1: 's51VGwCAgebo2745DSUris72RavoLkXGUmVJosESCXr',
  reduce_slot_time_to_300ms: 'iBRLL3k18HST852F1Mf3Lv83waTNQmmqvKDxvYGwQFL',
  reduce_slot_time_to_250ms: 'iBRLMc81UjRa8fn8A6eE8bJTnRbgQoPTynM51akENCV',
  enable_tx_v1: 'txv1aq4pp281K9um3tnPgkfX8UqtFT6wcVW3hNezGLL',
  set_lamports_per_byte_to_6333: '4a6f7o7iTcA8hRDCrPLkSatnt5Ykxiu36wo5p1Tt12wC',
  set_lamports_per_byte_to_5080: '61BtM7BkDEE8Yq5fskEVAQT9mYA8qCejJWoLe5apqg81',
  custom_commission_collector: '3HcSrCTGXTUnrTueHi4DAwNuMxZSsm5xui2Ax3mgxHqf',
};

const STAKE = address('Stake11111111111111111111111111111111111111');
const VOTE = address('Vote111111111111111111111111111111111111111');
const RENT = address('SysvarRent111111111111111111111111111111111');

/** Both runtimes on the default set less `off`. */
async function without(off: string[]): Promise<Dual> {
  const d = await Dual.create();
  const ours = FeatureSet.mainnet();
  const theirs = new OracleFeatures();
  for (const [id, slot] of ours.inner.entries()) theirs.activate(bs58.decode(id), slot);
  for (const id of off) {
    ours.deactivate(id);
    theirs.deactivate(bs58.decode(id));
  }
  d.ours.withFeatureSet(ours);
  d.theirs.withFeatureSet(theirs);
  return d;
}

/** Runs the workload in both, requiring identical observations and accounts throughout. */
async function workload(d: Dual): Promise<void> {
  const sysinfo = await deployBoth(d, programElf('sysinfo'));
  await d.expectSame([{ programAddress: sysinfo, accounts: [], data: bytes(0) }]);
  // A rent-paying account credited (allowed only under SIMD-0392) and debited (allowed only before it).
  const paying = await generateKeyPairSigner();
  setBoth(d, paying.address, { lamports: 500_000n, owner: SYSTEM_PROGRAM });
  await d.expectSame([systemTransfer(d.payer, paying.address, 7n)]);
  await d.expectSame([systemTransfer(paying, d.payer.address, 5n)]);
  // The Stake program initializes an account.
  const [stake, staker] = await Promise.all([generateKeyPairSigner(), generateKeyPairSigner()]);
  const stakeRent = d.theirs.minimumBalanceForRentExemption(200n);
  const initialize: Instruction = {
    programAddress: STAKE,
    accounts: [meta(stake.address, true), meta(RENT, false)],
    data: bytes(u32(0), bs58.decode(staker.address), bs58.decode(staker.address), u64(0n), u64(0n), new Uint8Array(32)),
  };
  await d.expectSame([systemCreateAccount(d.payer, stake, stakeRent + 2_000_000_000n, 200n, STAKE), initialize]);
  // The Vote program's collector change (SIMD-0232) on a vote account.
  const vote = await generateKeyPairSigner();
  setBoth(d, vote.address, { lamports: d.theirs.minimumBalanceForRentExemption(3762n), data: new Uint8Array(3762), owner: VOTE });
  await d.expectSame([
    {
      programAddress: VOTE,
      accounts: [meta(vote.address, true), meta(vote.address, true), meta(d.payer.address, false, d.payer)],
      data: bytes(u32(17), u32(0)),
    },
  ]);
  // A v1 transaction.
  const to = (await generateKeyPairSigner()).address;
  const v1 = await d.v1Transaction([systemTransfer(d.payer, to, 1_000_000n)], (m) =>
    setTransactionMessageComputeUnitLimit(1000, setTransactionMessageLoadedAccountsDataSizeLimit(1 << 20, m)),
  );
  const r = d.send(v1);
  expect(r.ours).toEqual(r.theirs);
  d.expectSameAccounts([d.payer.address, to]);
  // The sysvars and rent-exempt minimum stay the release's.
  expect(String(d.ours.getRent())).toBe(String(d.theirs.getRent()));
  expect(String(d.ours.getClock())).toBe(String(d.theirs.getClock()));
  expect(d.ours.minimumBalanceForRentExemption(0n)).toBe(d.theirs.minimumBalanceForRentExemption(0n));
}

describe('the features LiteSVM 1.5.0 newly activates, switched off: websvm vs LiteSVM', () => {
  it('are all in the default set', () => {
    for (const [name, id] of Object.entries(NEW_IN_LITESVM_1_5_0)) expect(FeatureSet.mainnet().isActive(id), name).toBe(true);
  });

  it('all eight off (the behaviour of LiteSVM 1.4.1)', async () => {
    await workload(await without(Object.values(NEW_IN_LITESVM_1_5_0)));
  });

  for (const [name, id] of Object.entries(NEW_IN_LITESVM_1_5_0)) {
    it(`${name} off`, async () => {
      await workload(await without([id]));
    });
  }

  it('all eight on (the default)', async () => {
    await workload(await without([]));
  });
});
