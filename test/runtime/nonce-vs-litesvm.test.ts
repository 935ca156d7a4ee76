/**
 * Durable nonces in websvm and in LiteSVM: the System program's nonce instructions with their
 * errors and logs, and transactions whose lifetime is a nonce instead of a recent blockhash.
 */
import { describe, expect, it } from 'vitest';
import {
  address,
  appendTransactionMessageInstructions,
  createTransactionMessage,
  generateKeyPairSigner,
  getAddressEncoder,
  pipe,
  setTransactionMessageFeePayerSigner,
  setTransactionMessageLifetimeUsingDurableNonce,
  signTransactionMessageWithSigners,
  type Address,
  type Instruction,
  type Nonce,
} from '@solana/kit';
import bs58 from 'bs58';
import { Dual, meta, systemTransfer } from '../helpers/dual.js';
import { SYSTEM_PROGRAM, bytes, u32, u64 } from '../helpers/encoding.js';

const RECENT = address('SysvarRecentB1ockHashes11111111111111111111');
const RENT = address('SysvarRent111111111111111111111111111111111');
const enc = getAddressEncoder();

describe('durable nonces: websvm vs LiteSVM', () => {
  it('initializes, advances, authorizes and withdraws, with the same errors', async () => {
    const d = await Dual.create();
    const [nonce, authority, other, to] = await Promise.all([1, 2, 3, 4].map(() => generateKeyPairSigner()));
    const rent = d.theirs.minimumBalanceForRentExemption(80n);
    const same = async (instructions: Instruction[], accounts: Address[] = []) => (await d.expectSame(instructions, [nonce.address, ...accounts])).error;
    const create = {
      programAddress: SYSTEM_PROGRAM,
      accounts: [meta(d.payer.address, true, d.payer), meta(nonce.address, true, nonce)],
      data: bytes(u32(0), u64(rent + 1_000_000n), u64(80n), enc.encode(SYSTEM_PROGRAM)),
    };
    const initialize = (who: Address) => ({
      programAddress: SYSTEM_PROGRAM,
      accounts: [meta(nonce.address, true), meta(RECENT, false), meta(RENT, false)],
      data: bytes(u32(6), enc.encode(who)),
    });
    const advance = (signer = authority) => ({
      programAddress: SYSTEM_PROGRAM,
      accounts: [meta(nonce.address, true), meta(RECENT, false), meta(signer.address, false, signer)],
      data: u32(4),
    });
    const withdraw = (lamports: bigint, signer = authority) => ({
      programAddress: SYSTEM_PROGRAM,
      accounts: [meta(nonce.address, true), meta(to.address, true), meta(RECENT, false), meta(RENT, false), meta(signer.address, false, signer)],
      data: bytes(u32(5), u64(lamports)),
    });
    expect(await same([create, initialize(authority.address)])).toBeUndefined();
    expect(await same([initialize(authority.address)])).toBe('InstructionError(0, InvalidAccountData)');
    expect(await same([advance()])).toBe('InstructionError(0, Custom(7))'); // same blockhash: not expired
    d.ours.expireBlockhash();
    d.theirs.expireBlockhash();
    expect(await same([advance(other)])).toBe('InstructionError(0, MissingRequiredSignature)');
    expect(await same([advance()])).toBeUndefined();
    expect(
      await same([
        { programAddress: SYSTEM_PROGRAM, accounts: [meta(nonce.address, true), meta(RENT, false), meta(authority.address, false, authority)], data: u32(4) },
      ]),
    ).toBe('InstructionError(0, InvalidArgument)');
    expect(await same([withdraw(rent)], [to.address])).toBe('InstructionError(0, InsufficientFunds)');
    expect(await same([withdraw(1_000_000n)], [to.address])).toBeUndefined();
    expect(
      await same([
        {
          programAddress: SYSTEM_PROGRAM,
          accounts: [meta(nonce.address, true), meta(authority.address, false, authority)],
          data: bytes(u32(7), enc.encode(other.address)),
        },
      ]),
    ).toBeUndefined();
    expect(await same([withdraw(1n)], [to.address])).toBe('InstructionError(0, InsufficientFunds)'); // checked before the signer
    expect(await same([{ programAddress: SYSTEM_PROGRAM, accounts: [meta(nonce.address, true)], data: u32(12) }])).toBe('InstructionError(0, InvalidArgument)');
  });

  it('accepts a transaction whose lifetime is the stored nonce, even after the blockhash expired', async () => {
    const d = await Dual.create();
    const [nonce, to] = await Promise.all([generateKeyPairSigner(), generateKeyPairSigner()]);
    const rent = d.theirs.minimumBalanceForRentExemption(80n);
    const setup = d.send(
      await d.transaction([
        {
          programAddress: SYSTEM_PROGRAM,
          accounts: [meta(d.payer.address, true, d.payer), meta(nonce.address, true, nonce)],
          data: bytes(u32(0), u64(rent), u64(80n), enc.encode(SYSTEM_PROGRAM)),
        },
        {
          programAddress: SYSTEM_PROGRAM,
          accounts: [meta(nonce.address, true), meta(RECENT, false), meta(RENT, false)],
          data: bytes(u32(6), enc.encode(d.payer.address)),
        },
      ]),
    );
    expect(setup.ours).toEqual(setup.theirs);
    d.ours.expireBlockhash();
    d.theirs.expireBlockhash();
    const stored = d.ours.getAccount(nonce.address);
    if (!stored.exists) throw new Error('no nonce account');
    const nonceValue = bs58.encode(stored.data.subarray(40, 72)) as Nonce;
    const durable = async () =>
      pipe(
        createTransactionMessage({ version: 0 }),
        (m) => setTransactionMessageFeePayerSigner(d.payer, m),
        (m) =>
          setTransactionMessageLifetimeUsingDurableNonce({ nonce: nonceValue, nonceAccountAddress: nonce.address, nonceAuthorityAddress: d.payer.address }, m),
        (m) => appendTransactionMessageInstructions([systemTransfer(d.payer, to.address, 1_000_000n)], m),
        (m) => signTransactionMessageWithSigners(m),
      );
    const tx = await durable();
    const r = d.send(tx);
    expect(r.ours).toEqual(r.theirs);
    expect(r.ours.error).toBeUndefined();
    expect(d.account(nonce.address).ours).toEqual(d.account(nonce.address).theirs);
    // The nonce advanced: the same lifetime is no longer accepted.
    const again = d.send(await durable());
    expect(again.ours).toEqual(again.theirs);
    expect(again.ours.error).toBe('BlockhashNotFound');
  });
});
