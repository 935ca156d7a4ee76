/**
 * The core-BPF Stake program (LiteSVM's bundled ELF, deployed in both by default): initialize,
 * authorize, split, withdraw, lockups, deactivation and the minimum-delegation query, with their
 * failures: identical results, logs, compute units, return data and accounts.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { address, generateKeyPairSigner, type Address, type Instruction, type KeyPairSigner } from '@solana/kit';
import bs58 from 'bs58';
import { Dual, meta, systemCreateAccount } from '../helpers/dual.js';
import { bytes, u32, u64 } from '../helpers/encoding.js';
import { BUNDLED } from '../helpers/bundled-programs.js';

const STAKE = address(BUNDLED.stake);
const RENT = address('SysvarRent111111111111111111111111111111111');
const CLOCK = address('SysvarC1ock11111111111111111111111111111111');
const STAKE_HISTORY = address('SysvarStakeHistory1111111111111111111111111');
const STAKE_ACCOUNT_SIZE = 200n;
const SOL = 1_000_000_000n;
const key = (a: Address) => bs58.decode(a);

describe('Stake program: websvm vs LiteSVM', () => {
  let d: Dual;
  let staker: KeyPairSigner;
  let withdrawer: KeyPairSigner;
  const same = (instructions: Instruction[], accounts: Address[] = []) => d.expectSame(instructions, accounts);
  const rent = () => d.theirs.minimumBalanceForRentExemption(STAKE_ACCOUNT_SIZE);
  const create = (account: KeyPairSigner, lamports: bigint) => systemCreateAccount(d.payer, account, lamports, STAKE_ACCOUNT_SIZE, STAKE);
  /** Initialize(Authorized { staker, withdrawer }, Lockup { unix_timestamp, epoch, custodian }). */
  const initialize = (stake: Address, lockupEpoch = 0n): Instruction => ({
    programAddress: STAKE,
    accounts: [meta(stake, true), meta(RENT, false)],
    data: bytes(u32(0), key(staker.address), key(withdrawer.address), u64(0n), u64(lockupEpoch), new Uint8Array(32)),
  });
  const authorize = (stake: Address, signer: KeyPairSigner, to: Address, role: 0 | 1): Instruction => ({
    programAddress: STAKE,
    accounts: [meta(stake, true), meta(CLOCK, false), meta(signer.address, false, signer)],
    data: bytes(u32(1), key(to), u32(role)),
  });
  const withdraw = (stake: Address, to: Address, lamports: bigint, signer: KeyPairSigner): Instruction => ({
    programAddress: STAKE,
    accounts: [meta(stake, true), meta(to, true), meta(CLOCK, false), meta(STAKE_HISTORY, false), meta(signer.address, false, signer)],
    data: bytes(u32(4), u64(lamports)),
  });

  beforeAll(async () => {
    d = await Dual.create();
    [staker, withdrawer] = await Promise.all([generateKeyPairSigner(), generateKeyPairSigner()]);
  });

  it('initializes once; a second initialize and a too-small account fail', async () => {
    const stake = await generateKeyPairSigner();
    expect((await same([create(stake, rent() + 5n * SOL), initialize(stake.address)], [stake.address])).error).toBeUndefined();
    expect((await same([initialize(stake.address)], [stake.address])).error).toMatch(/^InstructionError\(0, /);
    const small = await generateKeyPairSigner();
    const r = await same([systemCreateAccount(d.payer, small, SOL, 100n, STAKE), initialize(small.address)], [small.address]);
    expect(r.error).toMatch(/^InstructionError\(1, /);
  });

  it('authorizes a new staker and withdrawer only with the current authority', async () => {
    const stake = await generateKeyPairSigner();
    const next = await generateKeyPairSigner();
    await same([create(stake, rent() + 2n * SOL), initialize(stake.address)], [stake.address]);
    expect((await same([authorize(stake.address, next, next.address, 0)], [stake.address])).error).toMatch(/^InstructionError/);
    expect((await same([authorize(stake.address, staker, next.address, 0)], [stake.address])).error).toBeUndefined();
    expect((await same([authorize(stake.address, withdrawer, next.address, 1)], [stake.address])).error).toBeUndefined();
  });

  it('splits into a prefunded account and withdraws down to the reserve, not beyond', async () => {
    const stake = await generateKeyPairSigner();
    const split = await generateKeyPairSigner();
    const recipient = (await generateKeyPairSigner()).address;
    await same([create(stake, rent() + 3n * SOL), initialize(stake.address)], [stake.address]);
    const splitIx: Instruction = {
      programAddress: STAKE,
      accounts: [meta(stake.address, true), meta(split.address, true), meta(staker.address, false, staker)],
      data: bytes(u32(3), u64(SOL)),
    };
    expect((await same([create(split, rent()), splitIx], [stake.address, split.address])).error).toBeUndefined();
    expect((await same([withdraw(stake.address, recipient, SOL / 2n, withdrawer)], [stake.address, recipient])).error).toBeUndefined();
    expect((await same([withdraw(stake.address, recipient, 10n * SOL, withdrawer)], [stake.address, recipient])).error).toMatch(/^InstructionError/);
    expect((await same([withdraw(stake.address, recipient, SOL / 2n, staker)], [stake.address, recipient])).error).toMatch(/^InstructionError/);
  });

  it('sets a lockup, refuses deactivating an undelegated stake, and reports the minimum delegation', async () => {
    const stake = await generateKeyPairSigner();
    await same([create(stake, rent() + SOL), initialize(stake.address)], [stake.address]);
    // SetLockup(LockupArgs { unix_timestamp: None, epoch: Some(9), custodian: None }) by the withdrawer.
    const setLockup: Instruction = {
      programAddress: STAKE,
      accounts: [meta(stake.address, true), meta(withdrawer.address, false, withdrawer)],
      data: bytes(u32(6), 0, 1, u64(9n), 0),
    };
    expect((await same([setLockup], [stake.address])).error).toBeUndefined();
    const deactivate: Instruction = {
      programAddress: STAKE,
      accounts: [meta(stake.address, true), meta(CLOCK, false), meta(staker.address, false, staker)],
      data: u32(5),
    };
    expect((await same([deactivate], [stake.address])).error).toMatch(/^InstructionError/);
    const minimum = await same([{ programAddress: STAKE, accounts: [], data: u32(13) }]);
    expect(minimum.returnData.data).toHaveLength(8);
  });
});
