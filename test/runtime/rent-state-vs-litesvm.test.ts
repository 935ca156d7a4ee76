/**
 * The rent-state rule on writable accounts, with SIMD-0392 (`relax_post_exec_min_balance_check`,
 * active in LiteSVM 1.5.0) on and off: rent-paying accounts credited, debited, resized or
 * reassigned, a rent-paying fee payer, and the incinerator, which the rule exempts.
 */
import { describe, expect, it } from 'vitest';
import { generateKeyPairSigner, type Address } from '@solana/kit';
import { FeatureSet } from '../../src/index.js';
import { deployBoth, Dual, meta, setBoth, systemTransfer, toggled } from '../helpers/dual.js';
import { bytes, programElf, SYSTEM_PROGRAM, u64 } from '../helpers/encoding.js';

const INCINERATOR = '1nc1nerator11111111111111111111111111111111' as Address;
/** Well below the rent-exempt minimum of any size. */
const RENT_PAYING = 500_000n;

for (const on of [true, false]) {
  describe(`rent states with SIMD-0392 ${on ? 'on' : 'off'}: websvm vs LiteSVM`, () => {
    const dual = async () => {
      const d = await Dual.create();
      const [ours, theirs] = toggled(FeatureSet.ids.relaxPostExecMinBalanceCheck, on);
      d.ours.withFeatureSet(ours);
      d.theirs.withFeatureSet(theirs);
      return d;
    };

    it('System transfers into and out of a rent-paying account, and to the incinerator', async () => {
      const d = await dual();
      const paying = await generateKeyPairSigner();
      setBoth(d, paying.address, { lamports: RENT_PAYING, owner: SYSTEM_PROGRAM });
      const accounts = [paying.address, d.payer.address, INCINERATOR];
      await d.expectSame([systemTransfer(d.payer, paying.address, 7n)], accounts);
      await d.expectSame([systemTransfer(paying, d.payer.address, 5n)], accounts);
      await d.expectSame([systemTransfer(paying, d.payer.address, RENT_PAYING)], accounts);
      await d.expectSame([systemTransfer(d.payer, INCINERATOR, 1n)], accounts);
    });

    it('a program resizing, debiting, crediting and reassigning a rent-paying account it owns', async () => {
      const d = await dual();
      const program = await deployBoth(d, programElf('accounts'));
      const [paying, rich, other] = await Promise.all([0, 1, 2].map(() => generateKeyPairSigner()));
      const reset = () => {
        setBoth(d, paying.address, { lamports: RENT_PAYING, data: new Uint8Array(100), owner: program });
        setBoth(d, rich.address, { lamports: 10_000_000_000n, data: new Uint8Array(100), owner: program });
      };
      const run = async (data: Uint8Array, first = paying.address, second = other.address) => {
        reset();
        await d.expectSame([{ programAddress: program, accounts: [meta(first, true), meta(second, true)], data }], [paying.address, rich.address]);
      };
      await run(bytes(9, 10)); // shrinks, keeps its lamports
      await run(bytes(9, 0)); // unchanged
      await run(bytes(0, 10)); // grows
      await run(bytes(2, u64(100n))); // debited
      await run(bytes(2, u64(100n)), rich.address, paying.address); // credited, still short of exemption
      await run(bytes(8), paying.address, rich.address); // reassigned
    });

    it('a rent-paying fee payer', async () => {
      const d = await dual();
      const payer = await generateKeyPairSigner();
      setBoth(d, payer.address, { lamports: RENT_PAYING, owner: SYSTEM_PROGRAM });
      d.payer = payer;
      const r = await d.expectSame([systemTransfer(payer, payer.address, 0n)], [payer.address]);
      expect(r.error).toBe(on ? 'InsufficientFundsForRent { account_index: 0 }' : undefined);
    });
  });
}
