/**
 * Feature gates switched the same way in websvm and in LiteSVM: the default set and its feature
 * accounts, and the gates websvm implements both ways (CPI costs, budget depletion, nesting depth).
 */
import { describe, expect, it } from 'vitest';
import { address } from '@solana/kit';
import { FeatureSet as OracleFeatures, LiteSVM } from 'litesvm';
import { FeatureSet, SVM } from '../../src/index.js';
import { deployBoth, Dual, meta, toggled } from '../helpers/dual.js';
import { programElf } from '../helpers/encoding.js';

describe('feature set: websvm vs LiteSVM', () => {
  it('starts from the same active features, with the same feature accounts', () => {
    const ours = new SVM();
    const theirs = new LiteSVM();
    const accounts = theirs.getProgramAccounts(address('Feature111111111111111111111111111111111111'));
    expect(FeatureSet.mainnet().getActiveFeaturesCount()).toBe(accounts.length);
    for (const a of accounts.slice(0, 40)) {
      const mine = ours.getAccount(a.address);
      expect(mine.exists && [mine.lamports, mine.data, mine.programAddress]).toEqual([a.lamports, a.data, a.programAddress]);
    }
    expect(FeatureSet.allEnabled().getActiveFeaturesCount()).toBe(OracleFeatures.allEnabled().getActiveFeaturesCount());
  });

  for (const [name, id, on] of [
    ['without SIMD-0339 CPI costs', FeatureSet.ids.increaseCpiAccountInfoLimit, false],
    ['with nesting depth 9 (SIMD-0268)', FeatureSet.ids.raiseCpiNestingLimitTo8, true],
    ['without budget depletion on VM failure', FeatureSet.ids.depleteCuMeterOnVmFailure, false],
    ['without r2 = instruction data (SIMD-0321)', FeatureSet.ids.provideInstructionDataOffsetInVmR2, false],
  ] as const) {
    it(name, async () => {
      const d = await Dual.create();
      const [ours, theirs] = toggled(id, on);
      d.ours.withFeatureSet(ours);
      d.theirs.withFeatureSet(theirs);
      const cpi = await deployBoth(d, programElf('cpi'));
      const callee = await deployBoth(d, programElf('cpi_callee'));
      const faults = await deployBoth(d, programElf('faults'));
      const accounts = await deployBoth(d, programElf('accounts'));
      for (const instructions of [
        [{ programAddress: cpi, accounts: [meta(callee, false)], data: Uint8Array.of(1, 0, 1, 2, 3) }],
        [{ programAddress: cpi, accounts: [meta(cpi, false)], data: Uint8Array.of(3, 7) }],
        [{ programAddress: faults, accounts: [], data: Uint8Array.of(1) }],
        [{ programAddress: accounts, accounts: [], data: Uint8Array.of(12) }],
      ]) {
        const r = d.send(await d.transaction(instructions));
        expect(r.ours).toEqual(r.theirs);
      }
    });
  }
});

describe('named feature gates', () => {
  it('are feature ids of the Agave version LiteSVM runs', async () => {
    const { ALL_FEATURES } = await import('../../src/runtime/litesvm-release.js');
    for (const [name, id] of Object.entries(FeatureSet.ids)) expect(ALL_FEATURES, name).toContain(id);
  });
});
