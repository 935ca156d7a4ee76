/**
 * The Vote program (a builtin here, Agave's native program in LiteSVM): every instruction, its
 * refusals, stored states of older versions and stake delegation to a vote account; results,
 * logs, compute units and account data must be identical.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { address, generateKeyPairSigner, type Address, type Instruction, type KeyPairSigner } from '@solana/kit';
import { Clock as TheirClock } from 'litesvm';
import bs58 from 'bs58';
import { Dual, meta, setBoth, systemCreateAccount, toggled } from '../helpers/dual.js';
import { bytes, u32, u64 } from '../helpers/encoding.js';
import { BUNDLED } from '../helpers/bundled-programs.js';
import { Clock, FeatureSet } from '../../src/index.js';
import { createWithSeed } from '../../src/runtime/builtins/system.js';
import { signBlsProofOfPossession } from '../helpers/bls-pop.js';

const VOTE = address('Vote111111111111111111111111111111111111111');
const RENT = address('SysvarRent111111111111111111111111111111111');
const CLOCK = address('SysvarC1ock11111111111111111111111111111111');
const SLOT_HASHES = address('SysvarS1otHashes111111111111111111111111111');
const VOTE_STATE_SIZE = 3762n;
const key = (a: Address) => bs58.decode(a);
const none = 0;
const some = (...parts: Uint8Array[]) => bytes(1, ...parts);

/** Sets the same Clock in both (slot, epoch, leader-schedule epoch, timestamp). */
function setClock(d: Dual, slot: bigint, epoch: bigint, leaderScheduleEpoch = epoch + 1n, unixTimestamp = 1_700_000_000n): void {
  d.ours.setClock(new Clock(slot, 0n, epoch, leaderScheduleEpoch, unixTimestamp));
  d.theirs.setClock(new TheirClock(slot, 0n, epoch, leaderScheduleEpoch, unixTimestamp));
}

/** A new blockhash in both, so that a repeated transaction is not AlreadyProcessed. */
function expire(d: Dual): void {
  d.ours.expireBlockhash();
  d.theirs.expireBlockhash();
}

/** A distinct bank hash per slot. */
const bankHash = (slot: bigint) => bs58.encode(Uint8Array.from({ length: 32 }, (_, i) => Number((slot * 7n + BigInt(i)) % 251n)));

/** SlotHashes with `slots` (newest first) in both. */
function setSlotHashes(d: Dual, slots: bigint[]): void {
  const entries = slots.map((slot) => ({ slot, hash: bankHash(slot) }));
  d.ours.setSlotHashes(entries);
  d.theirs.setSlotHashes(entries as never);
}

/** InitializeAccount(VoteInit { node_pubkey, authorized_voter, authorized_withdrawer, commission }) with [vote, rent, clock, node]. */
const initializeIx = (
  vote: Address,
  node: KeyPairSigner,
  voter: Address,
  withdrawer: Address,
  commission = 10,
  nodeSigns = true,
  sysvars = [meta(RENT, false), meta(CLOCK, false)],
): Instruction => ({
  programAddress: VOTE,
  accounts: [meta(vote, true), ...sysvars, nodeSigns ? meta(node.address, false, node) : meta(node.address, false)],
  data: bytes(u32(0), key(node.address), key(voter), key(withdrawer), commission),
});

/** Both runtimes and four fresh keys: the vote account, its node, its withdrawer and a stranger. */
interface Fixture {
  d: Dual;
  vote: KeyPairSigner;
  node: KeyPairSigner;
  withdrawer: KeyPairSigner;
  other: KeyPairSigner;
}
async function fixture(): Promise<Fixture> {
  const [vote, node, withdrawer, other] = await Promise.all([0, 1, 2, 3].map(() => generateKeyPairSigner()));
  return { d: await Dual.create(), vote, node, withdrawer, other };
}
/** Creates and initializes `f.vote` with `extra` lamports above rent (node as voter), identically in both. */
async function initialized(f: Fixture, extra = 0n): Promise<void> {
  const rent = f.d.theirs.minimumBalanceForRentExemption(VOTE_STATE_SIZE);
  await f.d.expectSame(
    [
      systemCreateAccount(f.d.payer, f.vote, rent + extra, VOTE_STATE_SIZE, VOTE),
      initializeIx(f.vote.address, f.node, f.node.address, f.withdrawer.address, 5),
    ],
    [f.vote.address],
  );
}

describe('Vote program: websvm vs LiteSVM', () => {
  let d: Dual;
  let vote: KeyPairSigner;
  let node: KeyPairSigner;
  let voter: KeyPairSigner;
  let withdrawer: KeyPairSigner;
  beforeEach(async () => {
    ({ d, vote, node, withdrawer, other: voter } = await fixture());
  });
  const rent = (size = VOTE_STATE_SIZE) => d.theirs.minimumBalanceForRentExemption(size);
  const create = (lamports = rent(), size = VOTE_STATE_SIZE, owner: Address = VOTE) => systemCreateAccount(d.payer, vote, lamports, size, owner);
  const initialize = (nodeSigns = true, commission = 10, sysvars = [meta(RENT, false), meta(CLOCK, false)]) =>
    initializeIx(vote.address, node, voter.address, withdrawer.address, commission, nodeSigns, sysvars);
  const same = (instructions: Instruction[]) => d.expectSame(instructions, [vote.address]);

  it('initializes a vote account', async () => {
    await same([create(), initialize()]);
  });
  it('initializes at a later epoch', async () => {
    d.ours.warpToSlot(1_000_000n);
    d.theirs.warpToSlot(1_000_000n);
    await same([create(), initialize(true, 100)]);
  });
  it('refuses a second initialization', async () => {
    await same([create(), initialize()]);
    await same([initialize()]);
  });
  it('refuses without the node signature', async () => {
    await same([create(), initialize(false)]);
  });
  it('refuses an account that is not rent-exempt', async () => {
    await same([create(rent() - 1n), initialize()]);
  });
  it('refuses a wrong size', async () => {
    await same([create(rent(3761n), 3761n), initialize()]);
    await same([initialize()]);
  });
  it('refuses an account it does not own', async () => {
    await same([create(rent(), VOTE_STATE_SIZE, address('11111111111111111111111111111111')), initialize()]);
  });
  it('refuses wrong sysvars and missing accounts', async () => {
    await same([create(), initialize(true, 10, [meta(CLOCK, false), meta(CLOCK, false)])]);
    await same([initialize(true, 10, [meta(RENT, false), meta(RENT, false)])]);
    await same([initialize(true, 10, [meta(RENT, false)])]);
  });
  it('refuses bad instruction data', async () => {
    await same([create(), { ...initialize(), data: bytes(u32(0), 1, 2, 3) }]);
    await same([{ ...initialize(), data: bytes(u32(99)) }]);
  });
});

describe('Vote program Withdraw: websvm vs LiteSVM', () => {
  let f: Fixture;
  let d: Dual;
  let vote: KeyPairSigner;
  let node: KeyPairSigner;
  let withdrawer: KeyPairSigner;
  let other: KeyPairSigner;
  let recipient: Address;
  beforeEach(async () => {
    f = await fixture();
    ({ d, vote, node, withdrawer, other } = f);
    recipient = d.payer.address;
  });
  const rent = () => d.theirs.minimumBalanceForRentExemption(VOTE_STATE_SIZE);
  const setUp = (extra: bigint) => initialized(f, extra);
  const withdraw = (lamports: bigint, signer: KeyPairSigner = withdrawer, accounts = [meta(vote.address, true), meta(recipient, true)]): Instruction => ({
    programAddress: VOTE,
    accounts: [...accounts, meta(signer.address, false, signer)],
    data: bytes(u32(3), u64(lamports)),
  });
  const same = (instructions: Instruction[]) => d.expectSame(instructions, [vote.address, recipient]);

  it('withdraws down to the rent-exempt minimum', async () => {
    await setUp(1000n);
    await same([withdraw(400n)]);
    await same([withdraw(600n)]);
  });
  it('refuses to go below the rent-exempt minimum or beyond the balance', async () => {
    await setUp(1000n);
    await same([withdraw(1001n)]);
    await same([withdraw(rent() + 1001n)]);
  });
  it('closes the account when emptied', async () => {
    await setUp(1000n);
    await same([withdraw(rent() + 1000n)]);
  });
  it('refuses without the withdrawer', async () => {
    await setUp(1000n);
    await same([withdraw(1n, other)]);
    await same([withdraw(1n, node)]);
  });
  it('refuses a missing recipient and an uninitialized account', async () => {
    await setUp(1000n);
    await same([withdraw(1n, withdrawer, [meta(vote.address, true)])]);
    await same([
      systemCreateAccount(d.payer, other, rent(), VOTE_STATE_SIZE, VOTE),
      withdraw(1n, withdrawer, [meta(other.address, true), meta(recipient, true)]),
    ]);
  });
});

describe('Vote program Authorize (withdrawer) and UpdateValidatorIdentity: websvm vs LiteSVM', () => {
  let d: Dual;
  let vote: KeyPairSigner;
  let node: KeyPairSigner;
  let withdrawer: KeyPairSigner;
  let other: KeyPairSigner;
  beforeEach(async () => {
    const f = await fixture();
    ({ d, vote, node, withdrawer, other } = f);
    await initialized(f);
  });
  const same = (instructions: Instruction[]) => d.expectSame(instructions, [vote.address]);
  const authorize = (to: Address, role: number, signer: KeyPairSigner, sysvar: Address = CLOCK): Instruction => ({
    programAddress: VOTE,
    accounts: [meta(vote.address, true), meta(sysvar, false), meta(signer.address, false, signer)],
    data: bytes(u32(1), key(to), u32(role)),
  });
  const updateIdentity = (newNode: KeyPairSigner, signer: KeyPairSigner, nodeSigns = true): Instruction => ({
    programAddress: VOTE,
    accounts: [meta(vote.address, true), nodeSigns ? meta(newNode.address, false, newNode) : meta(newNode.address, false), meta(signer.address, false, signer)],
    data: bytes(u32(4)),
  });

  it('hands the withdraw authority over, and the new withdrawer then decides', async () => {
    await same([authorize(other.address, 1, withdrawer)]);
    await same([authorize(node.address, 1, withdrawer)]);
    await same([authorize(withdrawer.address, 1, other)]);
  });
  it('refuses a withdrawer change without the withdrawer, with a wrong sysvar or a bad role', async () => {
    await same([authorize(other.address, 1, other)]);
    await same([authorize(other.address, 1, withdrawer, RENT)]);
    await same([authorize(other.address, 7, withdrawer)]);
  });
  it('updates the validator identity', async () => {
    await same([updateIdentity(other, withdrawer)]);
  });
  it('refuses an identity update without the new node or the withdrawer', async () => {
    await same([updateIdentity(other, withdrawer, false)]);
    await same([updateIdentity(other, node)]);
  });
});

describe('Stake delegation to a vote account made by InitializeAccount: websvm vs LiteSVM', () => {
  const STAKE = address(BUNDLED.stake);
  const STAKE_HISTORY = address('SysvarStakeHistory1111111111111111111111111');
  const STAKE_CONFIG = address('StakeConfig11111111111111111111111111111111');
  const STAKE_SIZE = 200n;

  it('delegates a stake account to it', async () => {
    const f = await fixture();
    await initialized(f);
    const { d, vote, withdrawer: staker } = f;
    const stake = await generateKeyPairSigner();
    const lamports = d.theirs.minimumBalanceForRentExemption(STAKE_SIZE) + 10_000_000_000n;
    // StakeInstruction::Initialize(Authorized { staker, withdrawer }, Lockup::default()).
    const init: Instruction = {
      programAddress: STAKE,
      accounts: [meta(stake.address, true), meta(RENT, false)],
      data: bytes(u32(0), key(staker.address), key(staker.address), u64(0n), u64(0n), new Uint8Array(32)),
    };
    // StakeInstruction::DelegateStake: [stake, vote, clock, stake history, stake config, staker].
    const delegate: Instruction = {
      programAddress: STAKE,
      accounts: [
        meta(stake.address, true),
        meta(vote.address, false),
        meta(CLOCK, false),
        meta(STAKE_HISTORY, false),
        meta(STAKE_CONFIG, false),
        meta(staker.address, false, staker),
      ],
      data: bytes(u32(2)),
    };
    const observed = await d.expectSame([systemCreateAccount(d.payer, stake, lamports, STAKE_SIZE, STAKE), init, delegate], [stake.address, vote.address]);
    expect(observed.error).toBeUndefined();
  });
});

/** A vote account initialized identically in both (optionally with one feature switched), with `voter` as its authorized voter. */
async function voteAccount(feature?: [id: string, on: boolean]) {
  const d = await Dual.create();
  if (feature) {
    const [ours, theirs] = toggled(...feature);
    d.ours.withFeatureSet(ours);
    d.theirs.withFeatureSet(theirs);
  }
  const [vote, node, voter, withdrawer, other] = await Promise.all([0, 1, 2, 3, 4].map(() => generateKeyPairSigner()));
  const rent = d.theirs.minimumBalanceForRentExemption(VOTE_STATE_SIZE);
  await d.expectSame(
    [systemCreateAccount(d.payer, vote, rent + 1_000_000n, VOTE_STATE_SIZE, VOTE), initializeIx(vote.address, node, voter.address, withdrawer.address, 7)],
    [vote.address],
  );
  const same = (instructions: Instruction[]) => d.expectSame(instructions, [vote.address]);
  return { d, vote, node, voter, withdrawer, other, same };
}

const authorizeData = (to: Address, role: number) => bytes(u32(1), key(to), u32(role));
const authorizeIx = (vote: Address, to: Address, role: number, signer: KeyPairSigner): Instruction => ({
  programAddress: VOTE,
  accounts: [meta(vote, true), meta(CLOCK, false), meta(signer.address, false, signer)],
  data: authorizeData(to, role),
});

describe('Vote program voter authorization: websvm vs LiteSVM', () => {
  it('lets the withdrawer or the current voter name a voter for the epoch after the leader schedule, once per epoch', async () => {
    const { d, vote, voter, withdrawer, other, same } = await voteAccount();
    setClock(d, 1000n, 3n, 4n);
    await same([authorizeIx(vote.address, other.address, 0, withdrawer)]);
    await same([authorizeIx(vote.address, voter.address, 0, voter)]);
    setClock(d, 2000n, 5n, 6n);
    expire(d);
    // Epoch 5 is now the new voter's: the old one may no longer authorize, the new one may.
    await same([authorizeIx(vote.address, voter.address, 0, voter)]);
    await same([authorizeIx(vote.address, voter.address, 0, other)]);
    setClock(d, 3000n, 9n, 10n);
    await same([authorizeIx(vote.address, withdrawer.address, 0, withdrawer)]);
  });
  it('refuses a stranger, an unknown role and the BLS variant', async () => {
    const { vote, other, withdrawer, same } = await voteAccount();
    await same([authorizeIx(vote.address, other.address, 0, other)]);
    await same([authorizeIx(vote.address, other.address, 3, withdrawer)]);
    await same([{ ...authorizeIx(vote.address, other.address, 2, withdrawer), data: bytes(authorizeData(other.address, 2), new Uint8Array(144)) }]);
  });
  it('AuthorizeChecked needs the new authority to sign, for either role', async () => {
    const { vote, voter, withdrawer, other, same } = await voteAccount();
    const checked = (role: number, signer: KeyPairSigner, to: KeyPairSigner, toSigns = true): Instruction => ({
      programAddress: VOTE,
      accounts: [
        meta(vote.address, true),
        meta(CLOCK, false),
        meta(signer.address, false, signer),
        toSigns ? meta(to.address, false, to) : meta(to.address, false),
      ],
      data: bytes(u32(7), u32(role)),
    });
    await same([checked(1, withdrawer, other, false)]);
    await same([checked(1, withdrawer, other)]);
    await same([checked(0, voter, withdrawer)]);
    await same([{ ...checked(0, voter, other), accounts: checked(0, voter, other).accounts!.slice(0, 3) }]);
  });
  it('AuthorizeWithSeed and AuthorizeCheckedWithSeed accept the base key of a derived authority', async () => {
    const { d, vote, withdrawer, other, node, same } = await voteAccount();
    const owner = address('Stake11111111111111111111111111111111111111');
    const derived = address(createWithSeed(other.address, 'vote-authority', owner));
    await same([authorizeIx(vote.address, derived, 1, withdrawer)]);
    const withSeed = (role: number, base: KeyPairSigner, seed: string, to: Address, seedOwner: Address = owner): Instruction => ({
      programAddress: VOTE,
      accounts: [meta(vote.address, true), meta(CLOCK, false), meta(base.address, false, base)],
      data: bytes(u32(10), u32(role), key(seedOwner), u64(BigInt(seed.length)), new TextEncoder().encode(seed), key(to)),
    });
    await same([withSeed(1, other, 'another-seed', node.address)]);
    await same([withSeed(1, other, 'vote-authority', node.address, VOTE)]);
    await same([withSeed(1, other, 'x'.repeat(33), node.address)]);
    await same([withSeed(1, node, 'vote-authority', node.address)]);
    await same([withSeed(1, other, 'vote-authority', derived)]);
    const checkedWithSeed = (role: number, base: KeyPairSigner, to: KeyPairSigner): Instruction => ({
      programAddress: VOTE,
      accounts: [meta(vote.address, true), meta(CLOCK, false), meta(base.address, false, base), meta(to.address, false, to)],
      data: bytes(u32(11), u32(role), key(owner), u64(14n), new TextEncoder().encode('vote-authority')),
    });
    expect((await same([checkedWithSeed(1, other, node)])).error).toBeUndefined();
    expire(d);
    // The withdrawer is now `node` itself, no longer the derived address.
    await same([checkedWithSeed(1, other, node)]);
  });
});

describe('Vote program UpdateCommission: websvm vs LiteSVM', () => {
  const commission = (vote: Address, value: number, signer: KeyPairSigner): Instruction => ({
    programAddress: VOTE,
    accounts: [meta(vote, true), meta(signer.address, false, signer)],
    data: bytes(u32(5), value),
  });
  // The default schedule: 432 000 slots per epoch from slot 524 256.
  const epochStart = 524_256n + 432_000n * 1000n;

  it('lowers at any time and raises only in the first half of an epoch', async () => {
    const { d, vote, withdrawer, same } = await voteAccount();
    setClock(d, epochStart + 100n, 1014n);
    await same([commission(vote.address, 9, withdrawer)]);
    setClock(d, epochStart + 300_000n, 1014n);
    await same([commission(vote.address, 3, withdrawer)]);
    await same([commission(vote.address, 50, withdrawer)]);
    setClock(d, epochStart + 216_000n, 1014n);
    await same([commission(vote.address, 255, withdrawer)]);
  });
  it('refuses without the withdrawer and on uninitialized accounts', async () => {
    const { d, vote, node, other, same } = await voteAccount();
    await same([commission(vote.address, 1, node)]);
    const blank = await generateKeyPairSigner();
    await d.expectSame(
      [
        systemCreateAccount(d.payer, blank, d.theirs.minimumBalanceForRentExemption(VOTE_STATE_SIZE), VOTE_STATE_SIZE, VOTE),
        commission(blank.address, 1, other),
      ],
      [blank.address],
    );
  });
});

/** Legacy Vote (tag 2): slots, the hash of the newest, an optional timestamp; [vote, slot hashes, clock, voter]. */
const voteIx = (
  vote: Address,
  voter: KeyPairSigner,
  slots: bigint[],
  hashOf: bigint,
  timestamp?: bigint,
  sysvars: Address[] = [SLOT_HASHES, CLOCK],
): Instruction => ({
  programAddress: VOTE,
  accounts: [meta(vote, true), ...sysvars.map((s) => meta(s, false)), meta(voter.address, false, voter)],
  data: bytes(u32(2), u64(BigInt(slots.length)), ...slots.map(u64), key(address(bankHash(hashOf))), timestamp === undefined ? none : some(u64(timestamp))),
});

/** TowerSync (tag 14, compact): root (u64::MAX for none), offset-encoded lockouts, hash, timestamp, block id. */
const towerSyncIx = (
  vote: Address,
  voter: KeyPairSigner,
  lockouts: [bigint, number][],
  root: bigint | undefined,
  hashOf: bigint,
  timestamp?: bigint,
  tag = 14,
): Instruction => {
  let previous = root ?? 0n;
  const offsets = lockouts.map(([slot, confirmations]) => {
    const offset = slot - previous;
    previous = slot;
    return bytes(...varint(offset), confirmations);
  });
  return {
    programAddress: VOTE,
    accounts: [meta(vote, true), meta(voter.address, false, voter)],
    data: bytes(
      u32(tag),
      u64(root ?? 0xffff_ffff_ffff_ffffn),
      lockouts.length,
      ...offsets,
      key(address(bankHash(hashOf))),
      timestamp === undefined ? none : some(u64(timestamp)),
      ...(tag === 14 || tag === 15 ? [new Uint8Array(32)] : []),
      ...(tag % 2 === 1 ? [new Uint8Array(32)] : []),
    ),
  };
};
function varint(v: bigint): number[] {
  const out: number[] = [];
  do {
    const b = Number(v & 0x7fn);
    v >>= 7n;
    out.push(v > 0n ? b | 0x80 : b);
  } while (v > 0n);
  return out;
}

describe('Vote program votes and tower syncs: websvm vs LiteSVM', () => {
  const history = (from: bigint, to: bigint) => Array.from({ length: Number(to - from + 1n) }, (_, i) => to - BigInt(i));

  it('records legacy votes on slots in SlotHashes, with latency, timestamps and refusals', async () => {
    const { d, vote, voter, other, same } = await voteAccount();
    setClock(d, 110n, 0n);
    setSlotHashes(d, history(90n, 109n));
    await same([voteIx(vote.address, voter, [95n, 96n], 96n, 1_700_000_000n)]);
    await same([voteIx(vote.address, voter, [97n], 96n)]);
    await same([voteIx(vote.address, voter, [96n], 96n)]);
    await same([voteIx(vote.address, voter, [50n], 50n)]);
    await same([voteIx(vote.address, voter, [], 96n)]);
    await same([voteIx(vote.address, voter, [98n, 150n], 150n)]);
    await same([voteIx(vote.address, other, [98n], 98n)]);
    await same([voteIx(vote.address, voter, [98n], 98n, 1_600_000_000n)]);
    await same([voteIx(vote.address, voter, [98n], 98n, undefined, [CLOCK, SLOT_HASHES])]);
    await same([voteIx(vote.address, voter, [98n, 99n, 100n], 100n, 1_700_000_100n)]);
  });
  it('syncs whole towers: new slots, confirmations, roots, credits and every refusal', async () => {
    const { d, vote, voter, other, same } = await voteAccount();
    setClock(d, 200n, 2n);
    setSlotHashes(d, history(100n, 199n));
    await same([
      towerSyncIx(
        vote.address,
        voter,
        [
          [150n, 3],
          [151n, 2],
          [152n, 1],
        ],
        undefined,
        152n,
        1_700_000_000n,
      ),
    ]);
    await same([
      towerSyncIx(
        vote.address,
        voter,
        [
          [151n, 3],
          [152n, 2],
          [154n, 1],
        ],
        150n,
        154n,
      ),
    ]);
    await same([
      towerSyncIx(
        vote.address,
        voter,
        [
          [152n, 3],
          [154n, 2],
          [155n, 1],
        ],
        151n,
        155n,
        1_700_000_010n,
      ),
    ]);
    // Refusals: too old, empty, mismatched slot or hash, unordered, rolled-back root, wrong signer.
    await same([towerSyncIx(vote.address, voter, [[155n, 1]], 151n, 155n)]);
    await same([towerSyncIx(vote.address, voter, [], 151n, 155n)]);
    await same([towerSyncIx(vote.address, voter, [[156n, 1]], 151n, 157n)]);
    await same([
      towerSyncIx(
        vote.address,
        voter,
        [
          [160n, 2],
          [250n, 1],
        ],
        151n,
        250n,
      ),
    ]);
    await same([
      towerSyncIx(
        vote.address,
        voter,
        [
          [156n, 1],
          [157n, 2],
        ],
        151n,
        157n,
      ),
    ]);
    await same([towerSyncIx(vote.address, voter, [[156n, 1]], 120n, 156n)]);
    await same([towerSyncIx(vote.address, voter, [[156n, 1]], undefined, 156n)]);
    await same([towerSyncIx(vote.address, voter, [[156n, 0]], 151n, 156n)]);
    await same([towerSyncIx(vote.address, voter, [[156n, 40]], 151n, 156n)]);
    await same([
      towerSyncIx(
        vote.address,
        voter,
        [
          [154n, 3],
          [156n, 2],
          [157n, 1],
        ],
        151n,
        157n,
        1_600_000_000n,
      ),
    ]);
    await same([towerSyncIx(vote.address, other, [[156n, 1]], 151n, 156n)]);
    // The switch variant carries a proof hash after the tower.
    await same([
      towerSyncIx(
        vote.address,
        voter,
        [
          [154n, 3],
          [155n, 2],
          [156n, 1],
        ],
        152n,
        156n,
        undefined,
        15,
      ),
    ]);
  });
  it('keeps proposed slots older than SlotHashes only if the tower has them, and adjusts an old root', async () => {
    const { d, vote, voter, same } = await voteAccount();
    setClock(d, 130n, 0n);
    setSlotHashes(d, history(100n, 129n));
    await same([
      towerSyncIx(
        vote.address,
        voter,
        [
          [110n, 3],
          [111n, 2],
          [112n, 1],
        ],
        undefined,
        112n,
      ),
    ]);
    setSlotHashes(d, history(111n, 140n));
    setClock(d, 141n, 0n);
    await same([
      towerSyncIx(
        vote.address,
        voter,
        [
          [105n, 5],
          [110n, 4],
          [111n, 3],
          [112n, 2],
          [113n, 1],
        ],
        100n,
        113n,
      ),
    ]);
  });
  it('runs the legacy tower updates (UpdateVoteState, compact and switch forms) as LiteSVM does', async () => {
    const { d, vote, voter, same } = await voteAccount();
    setClock(d, 200n, 0n);
    setSlotHashes(d, history(100n, 199n));
    const update = (lockouts: [bigint, number][], root: bigint | undefined, hashOf: bigint, tag: number): Instruction => ({
      programAddress: VOTE,
      accounts: [meta(vote.address, true), meta(voter.address, false, voter)],
      data: bytes(
        u32(tag),
        u64(BigInt(lockouts.length)),
        ...lockouts.map(([s, c]) => bytes(u64(s), u32(c))),
        root === undefined ? none : some(u64(root)),
        key(address(bankHash(hashOf))),
        none,
        ...(tag === 9 ? [new Uint8Array(32)] : []),
      ),
    });
    await same([
      update(
        [
          [150n, 2],
          [151n, 1],
        ],
        undefined,
        151n,
        8,
      ),
    ]);
    await same([
      update(
        [
          [150n, 3],
          [151n, 2],
          [152n, 1],
        ],
        undefined,
        152n,
        9,
      ),
    ]);
    await same([
      towerSyncIx(
        vote.address,
        voter,
        [
          [151n, 3],
          [152n, 2],
          [153n, 1],
        ],
        150n,
        153n,
        undefined,
        12,
      ),
    ]);
    await same([
      towerSyncIx(
        vote.address,
        voter,
        [
          [152n, 3],
          [153n, 2],
          [154n, 1],
        ],
        151n,
        154n,
        undefined,
        13,
      ),
    ]);
  });
  it('earns credits as a full tower roots its oldest votes, and then refuses to close while active', async () => {
    const { d, vote, voter, withdrawer, same } = await voteAccount();
    setClock(d, 300n, 4n);
    setSlotHashes(d, history(200n, 299n));
    for (let slot = 200n; slot < 236n; slot += 4n) {
      await same([voteIx(vote.address, voter, [slot, slot + 1n, slot + 2n, slot + 3n], slot + 3n)]);
    }
    const recipient = address('11111111111111111111111111111112');
    const all = BigInt(d.account(vote.address).ours!.lamports);
    const close: Instruction = {
      programAddress: VOTE,
      accounts: [meta(vote.address, true), meta(recipient, true), meta(withdrawer.address, false, withdrawer)],
      data: bytes(u32(3), u64(all)),
    };
    await d.expectSame([close], [vote.address, recipient]);
    setClock(d, 300n, 5n);
    await d.expectSame([{ ...close, data: bytes(u32(3), u64(all - 1n)) }], [vote.address, recipient]);
    setClock(d, 300n, 6n);
    expire(d);
    expect((await d.expectSame([close], [vote.address, recipient])).error).toBeUndefined();
  });
  it('refuses votes on uninitialized accounts and votes before any SlotHashes', async () => {
    const { d, vote, voter, same } = await voteAccount();
    setSlotHashes(d, []);
    await same([towerSyncIx(vote.address, voter, [[5n, 1]], undefined, 5n)]);
    await same([voteIx(vote.address, voter, [5n], 5n)]);
    const blank = await generateKeyPairSigner();
    await d.expectSame(
      [
        systemCreateAccount(d.payer, blank, d.theirs.minimumBalanceForRentExemption(VOTE_STATE_SIZE), VOTE_STATE_SIZE, VOTE),
        towerSyncIx(blank.address, voter, [[5n, 1]], undefined, 5n),
      ],
      [blank.address],
    );
  });
});

/** A V3 (`VoteStateVersions::V3`) or V1_14_11 state as older validators stored it, padded with `fill`. */
function legacyState(version: 1 | 2, node: Address, withdrawer: Address, voter: Address, size: number, fill: number): Uint8Array {
  const vote = version === 2 ? bytes(7, u64(90n), u32(2)) : bytes(u64(90n), u32(2));
  const body = bytes(
    u32(version),
    key(node),
    key(withdrawer),
    12,
    u64(1n),
    vote,
    some(u64(80n)),
    u64(1n),
    u64(0n),
    key(voter),
    new Uint8Array(32 * 48 + 8),
    1,
    u64(1n),
    u64(0n),
    u64(30n),
    u64(10n),
    u64(90n),
    u64(1_600_000_000n),
  );
  const out = new Uint8Array(size).fill(fill);
  out.set(body);
  return out;
}

describe('Vote program on stored V1_14_11 and V3 states: websvm vs LiteSVM', () => {
  it('converts them to V4 on write, keeping the bytes past the encoding', async () => {
    const d = await Dual.create();
    const [vote, node, voter, withdrawer] = await Promise.all([0, 1, 2, 3].map(() => generateKeyPairSigner()));
    const lamports = d.theirs.minimumBalanceForRentExemption(VOTE_STATE_SIZE);
    setBoth(d, vote.address, { lamports, data: legacyState(2, node.address, withdrawer.address, voter.address, 3762, 0xab), owner: VOTE });
    const identity: Instruction = {
      programAddress: VOTE,
      accounts: [meta(vote.address, true), meta(voter.address, false, voter), meta(withdrawer.address, false, withdrawer)],
      data: bytes(u32(4)),
    };
    await d.expectSame([identity], [vote.address]);
    setBoth(d, vote.address, { lamports, data: legacyState(1, node.address, withdrawer.address, voter.address, 3762, 0xcd), owner: VOTE });
    await d.expectSame([authorizeIx(vote.address, node.address, 1, withdrawer)], [vote.address]);
  });
  it('grows a short account to the V4 size only when it stays rent-exempt', async () => {
    const d = await Dual.create();
    const [vote, node, voter, withdrawer] = await Promise.all([0, 1, 2, 3].map(() => generateKeyPairSigner()));
    const data = legacyState(1, node.address, withdrawer.address, voter.address, 3731, 0);
    setBoth(d, vote.address, { lamports: d.theirs.minimumBalanceForRentExemption(3731n), data, owner: VOTE });
    await d.expectSame([authorizeIx(vote.address, node.address, 1, withdrawer)], [vote.address]);
    setBoth(d, vote.address, { lamports: d.theirs.minimumBalanceForRentExemption(VOTE_STATE_SIZE), data, owner: VOTE });
    expire(d);
    expect((await d.expectSame([authorizeIx(vote.address, node.address, 1, withdrawer)], [vote.address])).error).toBeUndefined();
  });
  it('refuses V0_23_5 data and malformed states', async () => {
    const d = await Dual.create();
    const [vote, withdrawer] = await Promise.all([0, 1].map(() => generateKeyPairSigner()));
    const lamports = d.theirs.minimumBalanceForRentExemption(VOTE_STATE_SIZE);
    const v0 = new Uint8Array(3762);
    v0.set(key(withdrawer.address), 36);
    setBoth(d, vote.address, { lamports, data: v0, owner: VOTE });
    await d.expectSame([authorizeIx(vote.address, withdrawer.address, 1, withdrawer)], [vote.address]);
    const truncated = legacyState(2, withdrawer.address, withdrawer.address, withdrawer.address, 3762, 0);
    truncated.set(u64(1n << 40n), 69);
    setBoth(d, vote.address, { lamports, data: truncated, owner: VOTE });
    expire(d);
    await d.expectSame([authorizeIx(vote.address, withdrawer.address, 1, withdrawer)], [vote.address]);
    setBoth(d, vote.address, { lamports, data: bytes(u32(9), new Uint8Array(3758)), owner: VOTE });
    expire(d);
    await d.expectSame([authorizeIx(vote.address, withdrawer.address, 1, withdrawer)], [vote.address]);
  });
});

describe('Vote program instruction decoding: websvm vs LiteSVM', () => {
  it('refuses unknown and malformed instructions and missing accounts', async () => {
    const { d, vote, withdrawer, same } = await voteAccount();
    const raw = (data: Uint8Array, accounts = [meta(vote.address, true), meta(withdrawer.address, false, withdrawer)]): Instruction => ({
      programAddress: VOTE,
      accounts,
      data,
    });
    await same([raw(bytes(u32(16), new Uint8Array(340)))]);
    await same([raw(bytes(u32(17), new Uint8Array(64)))]);
    await same([raw(bytes(u32(5)))]);
    await same([raw(bytes(u32(14), u64(0n), 0x80, 0x80, 0x80))]);
    await same([raw(bytes(u32(14), u64(5n), 1, 0x80, 0x00, 1, new Uint8Array(65)))]);
    await same([raw(bytes(u32(3), u64(1n)), [])]);
    await same([raw(bytes(u32(4)), [meta(vote.address, true)])]);
    await d.expectSame([raw(bytes(u32(3), u64(1n)), [meta(vote.address, false), meta(withdrawer.address, true, withdrawer)])], [vote.address]);
  });
});

describe('Vote program commission in basis points and collectors: websvm vs LiteSVM', () => {
  const bpsIx = (vote: Address, bps: number, kind: number, signer: KeyPairSigner): Instruction => ({
    programAddress: VOTE,
    accounts: [meta(vote, true), meta(signer.address, false, signer)],
    data: bytes(u32(18), bps & 0xff, bps >> 8, u32(kind)),
  });
  it('sets the inflation-rewards commission in basis points at any time, and refuses block revenue', async () => {
    const { d, vote, withdrawer, node, same } = await voteAccount();
    setClock(d, 524_256n + 432_000n * 1000n + 400_000n, 1014n);
    await same([bpsIx(vote.address, 1234, 0, withdrawer)]);
    await same([bpsIx(vote.address, 65535, 0, withdrawer)]);
    await same([bpsIx(vote.address, 100, 1, withdrawer)]);
    await same([bpsIx(vote.address, 100, 0, node)]);
    await same([bpsIx(vote.address, 100, 2, withdrawer)]);
    await same([{ ...bpsIx(vote.address, 100, 0, withdrawer), data: bytes(u32(18), 100, 0, 0) }]);
  });
  it('refuses collector changes and delegator reward deposits while their features are off', async () => {
    const { vote, withdrawer, same } = await voteAccount();
    const collector: Instruction = {
      programAddress: VOTE,
      accounts: [meta(vote.address, true), meta(vote.address, true), meta(withdrawer.address, false, withdrawer)],
      data: bytes(u32(17), u32(0)),
    };
    await same([collector]);
    await same([{ programAddress: VOTE, accounts: [meta(vote.address, true), meta(withdrawer.address, true, withdrawer)], data: bytes(u32(19), u64(1000n)) }]);
  });
  it('changes collectors once SIMD-0232 is on, and the node no longer moves the block revenue collector', async () => {
    const { d, vote, node, withdrawer, other, same } = await voteAccount([FeatureSet.ids.customCommissionCollector, true]);
    const collector = (kind: number, to: Address, writable = true, signer = withdrawer): Instruction => ({
      programAddress: VOTE,
      accounts: [meta(vote.address, true), meta(to, writable), meta(signer.address, false, signer)],
      data: bytes(u32(17), u32(kind)),
    });
    await same([collector(0, d.payer.address)]);
    await same([collector(1, vote.address)]);
    await same([collector(1, d.payer.address, false)]);
    await same([collector(1, node.address)]);
    await same([collector(0, VOTE, false)]);
    await same([collector(0, d.payer.address, true, node)]);
    await same([
      {
        programAddress: VOTE,
        accounts: [meta(vote.address, true), meta(other.address, false, other), meta(withdrawer.address, false, withdrawer)],
        data: bytes(u32(4)),
      },
    ]);
    await same([{ programAddress: VOTE, accounts: [meta(vote.address, true), meta(withdrawer.address, true, withdrawer)], data: bytes(u32(19), u64(1000n)) }]);
  });
  it('applies the first-half-of-epoch rule to UpdateCommission again when delayed commission updates are off', async () => {
    const { d, vote, withdrawer } = await voteAccount([FeatureSet.ids.delayCommissionUpdates, false]);
    const commission = (value: number): Instruction => ({
      programAddress: VOTE,
      accounts: [meta(vote.address, true), meta(withdrawer.address, false, withdrawer)],
      data: bytes(u32(5), value),
    });
    const epochStart = 524_256n + 432_000n * 1000n;
    setClock(d, epochStart + 300_000n, 1014n);
    await d.expectSame([commission(3)], [vote.address]);
    await d.expectSame([commission(50)], [vote.address]);
    await d.expectSame([bpsIx(vote.address, 100, 0, withdrawer)], [vote.address]);
    setClock(d, epochStart + 1000n, 1014n);
    expire(d);
    expect((await d.expectSame([commission(50)], [vote.address])).error).toBeUndefined();
  });
});

describe('Vote program BLS voter keys (SIMD-0387): websvm vs LiteSVM', () => {
  const secret = (n: number) => Uint8Array.from({ length: 32 }, (_, i) => (i === 0 ? 0x1f : (n * 31 + i) % 256));
  const withBls = (vote: Address, to: Address, pubkey: Uint8Array, proof: Uint8Array, signer: KeyPairSigner): Instruction => ({
    programAddress: VOTE,
    accounts: [meta(vote, true), meta(CLOCK, false), meta(signer.address, false, signer)],
    data: bytes(authorizeData(to, 2), pubkey, proof),
  });

  it('stores a BLS key proven for this vote account, charging 34 500 units, and then refuses plain voter changes', async () => {
    const { d, vote, voter, withdrawer, other, same } = await voteAccount();
    const { pubkey, proof } = signBlsProofOfPossession(secret(1), key(vote.address));
    const stored = await same([withBls(vote.address, other.address, pubkey, proof, withdrawer)]);
    expect(stored.error).toBeUndefined();
    expect(stored.computeUnits).toBe(36_600n);
    await same([authorizeIx(vote.address, voter.address, 0, withdrawer)]);
    setClock(d, 5000n, 8n, 9n);
    const again = signBlsProofOfPossession(secret(2), key(vote.address));
    expect((await same([withBls(vote.address, voter.address, again.pubkey, again.proof, other)])).error).toBeUndefined();
    expire(d);
    await same([withBls(vote.address, voter.address, again.pubkey, again.proof, other)]);
  });
  it('refuses proofs for another account, wrong keys and malformed points with InvalidArgument', async () => {
    const { vote, other, withdrawer, same } = await voteAccount();
    const elsewhere = signBlsProofOfPossession(secret(3), key(other.address));
    await same([withBls(vote.address, other.address, elsewhere.pubkey, elsewhere.proof, withdrawer)]);
    const mine = signBlsProofOfPossession(secret(4), key(vote.address));
    const wrongKey = signBlsProofOfPossession(secret(5), key(vote.address)).pubkey;
    await same([withBls(vote.address, other.address, wrongKey, mine.proof, withdrawer)]);
    const identity = bytes(0xc0, new Uint8Array(47));
    await same([withBls(vote.address, other.address, identity, mine.proof, withdrawer)]);
    const flipped = mine.pubkey.slice();
    flipped[0] ^= 0x20;
    await same([withBls(vote.address, other.address, flipped, mine.proof, withdrawer)]);
    await same([withBls(vote.address, other.address, mine.pubkey, mine.proof, other)]);
  });
  it('is refused, and the Vote program budgets as a builtin again, when the feature is off', async () => {
    const { d, vote, node, withdrawer } = await voteAccount([FeatureSet.ids.blsPubkeyManagementInVoteAccount, false]);
    const { pubkey, proof } = signBlsProofOfPossession(secret(6), key(vote.address));
    const refused = await d.expectSame([withBls(vote.address, node.address, pubkey, proof, withdrawer)], [vote.address]);
    expect(refused.error).toContain('InvalidInstructionData');
  });
});

describe('Vote program with vote_state_v4 switched off: websvm vs LiteSVM', () => {
  // LiteSVM's Agave no longer reads the gate: V4 states, basis points and BLS voter keys stay.
  it('changes nothing', async () => {
    const { d, vote, voter, withdrawer, other, same } = await voteAccount(['Gx4XFcrVMt4HUvPzTpTSVkdDVgcDSjKhDN1RqRS6KDuZ', false]);
    setClock(d, 1000n, 3n, 4n);
    expect((await same([authorizeIx(vote.address, other.address, 0, withdrawer)])).error).toBeUndefined();
    await same([authorizeIx(vote.address, withdrawer.address, 1, withdrawer)]);
    await same([
      { programAddress: VOTE, accounts: [meta(vote.address, true), meta(withdrawer.address, false, withdrawer)], data: bytes(u32(18), 100, 0, u32(0)) },
    ]);
    const { pubkey, proof } = signBlsProofOfPossession(
      Uint8Array.from({ length: 32 }, (_, i) => (i === 0 ? 0x1f : i)),
      key(vote.address),
    );
    setClock(d, 2000n, 5n, 6n);
    const stored = await same([
      {
        programAddress: VOTE,
        accounts: [meta(vote.address, true), meta(CLOCK, false), meta(other.address, false, other)],
        data: bytes(authorizeData(voter.address, 2), pubkey, proof),
      },
    ]);
    expect(stored.error).toBeUndefined();
  });
});

describe('Vote program feature gates off by default: websvm vs LiteSVM', () => {
  it('refuses legacy votes but not TowerSync once deprecate_legacy_vote_ixs is on', async () => {
    const { d, vote, voter, same } = await voteAccount([FeatureSet.ids.deprecateLegacyVoteIxs, true]);
    setClock(d, 200n, 0n);
    setSlotHashes(
      d,
      Array.from({ length: 100 }, (_, i) => 199n - BigInt(i)),
    );
    await same([voteIx(vote.address, voter, [150n], 150n)]);
    await same([
      towerSyncIx(
        vote.address,
        voter,
        [
          [150n, 2],
          [151n, 1],
        ],
        undefined,
        151n,
        undefined,
        12,
      ),
    ]);
    expect(
      (
        await same([
          towerSyncIx(
            vote.address,
            voter,
            [
              [150n, 2],
              [151n, 1],
            ],
            undefined,
            151n,
          ),
        ])
      ).error,
    ).toBeUndefined();
  });
  it('refuses InitializeAccountV2 even with vote_account_initialize_v2 on', async () => {
    const d = await Dual.create();
    const [ours, theirs] = toggled('VoteAccount1nitia1izeV211111111111111111111', true);
    d.ours.withFeatureSet(ours);
    d.theirs.withFeatureSet(theirs);
    const [vote, node] = await Promise.all([0, 1].map(() => generateKeyPairSigner()));
    const { pubkey, proof } = signBlsProofOfPossession(
      Uint8Array.from({ length: 32 }, (_, i) => (i === 0 ? 0x1f : 7 * i)),
      key(vote.address),
    );
    const init: Instruction = {
      programAddress: VOTE,
      accounts: [meta(vote.address, true), meta(RENT, false), meta(CLOCK, false), meta(node.address, false, node)],
      data: bytes(
        u32(16),
        key(node.address),
        key(node.address),
        pubkey,
        proof,
        key(node.address),
        0xe8,
        0x03,
        key(vote.address),
        0x10,
        0x27,
        key(node.address),
      ),
    };
    await d.expectSame(
      [systemCreateAccount(d.payer, vote, d.theirs.minimumBalanceForRentExemption(VOTE_STATE_SIZE), VOTE_STATE_SIZE, VOTE), init],
      [vote.address],
    );
  });
});

describe('Vote program on random instructions: websvm vs LiteSVM', () => {
  it('gives the same result, logs, units and account for 400 seeded random instructions', async () => {
    let seed = 20261125;
    const int = (n: number) => Math.floor(((seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32) * n);
    const { d, vote, node, withdrawer } = await voteAccount();
    setSlotHashes(
      d,
      Array.from({ length: 50 }, (_, i) => 500n - BigInt(i)),
    );
    setClock(d, 510n, 0n);
    const pool = [
      meta(CLOCK, false),
      meta(SLOT_HASHES, false),
      meta(RENT, false),
      meta(withdrawer.address, false, withdrawer),
      meta(node.address, false, node),
      meta(d.payer.address, true),
    ];
    for (let n = 0; n < 400; n++) {
      const tag = int(21);
      // Mostly small values (bool and option tags, short lengths), sometimes any byte.
      const body = Uint8Array.from({ length: int(4) === 0 ? int(300) : int(80) }, () => (int(3) === 0 ? int(256) : int(3)));
      if (tag === 2 && body.length >= 24 && int(2) === 0) body.set(bytes(u64(2n), u64(BigInt(460 + int(40))), u64(BigInt(470 + int(30)))));
      const picked = [meta(vote.address, true), ...Array.from({ length: int(5) }, () => pool[int(pool.length)])];
      const accounts = picked.filter((a, i) => picked.findIndex((b) => b.address === a.address) === i);
      expire(d);
      await d.expectSame([{ programAddress: VOTE, accounts, data: bytes(u32(tag), body) }], [vote.address]);
    }
  });
});

describe('Vote program on random tower syncs and votes: websvm vs LiteSVM', () => {
  it('stays identical through 300 random tower syncs, legacy votes, withdrawals and re-authorizations as slots and epochs pass', async () => {
    let seed = 4242;
    const int = (n: number) => Math.floor(((seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32) * n);
    const { d, vote, voter, withdrawer, same } = await voteAccount();
    let slot = 100n;
    let epoch = 0n;
    const advance = () => {
      setClock(d, slot, epoch, epoch + 1n, 1_700_000_000n + slot);
      setSlotHashes(
        d,
        Array.from({ length: Math.min(Number(slot), 150) }, (_, i) => slot - 1n - BigInt(i)),
      );
    };
    advance();
    for (let n = 0; n < 300; n++) {
      if (int(4) === 0) {
        slot += BigInt(1 + int(40));
        if (int(10) === 0) epoch += 1n;
        advance();
      }
      // An ascending set of recent slots, confirmations mostly decreasing by one.
      const slots = [...new Set(Array.from({ length: 1 + int(31) }, () => slot - 1n - BigInt(int(120))))].sort((a, b) => (a < b ? -1 : 1));
      const last = slots[slots.length - 1];
      const kind = int(6);
      expire(d);
      if (kind <= 2) {
        const lockouts = slots.map((s, i): [bigint, number] => [s, Math.max(0, slots.length - i + (int(12) === 0 ? int(3) - 1 : 0))]);
        const root = int(3) === 0 ? undefined : slots[0] - BigInt(1 + int(20));
        await same([
          towerSyncIx(
            vote.address,
            int(10) ? voter : withdrawer,
            lockouts,
            root,
            int(8) === 0 ? last + 1n : last,
            int(2) ? undefined : 1_700_000_000n + slot - BigInt(int(50)),
          ),
        ]);
      } else if (kind === 3) {
        await same([voteIx(vote.address, voter, slots, last, int(2) ? undefined : 1_700_000_000n + slot)]);
      } else if (kind === 4) {
        const amount = BigInt(int(3) === 0 ? 2_000_000 : int(1000));
        await d.expectSame(
          [
            {
              programAddress: VOTE,
              accounts: [meta(vote.address, true), meta(d.payer.address, true), meta(withdrawer.address, false, withdrawer)],
              data: bytes(u32(3), u64(amount)),
            },
          ],
          [vote.address],
        );
      } else {
        await same([authorizeIx(vote.address, voter.address, 0, withdrawer)]);
      }
    }
  }, 120_000);
});
