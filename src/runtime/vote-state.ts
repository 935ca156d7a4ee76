/**
 * Vote account state as Agave's vote program keeps it: `VoteStateVersions` in bincode at the start
 * of a 3 762-byte account. Every stored version (V0_23_5, V1_14_11, V3, V4) is read; states are
 * held and written as V4 (SIMD-0185, `vote_state_v4`, active in LiteSVM's feature set).
 */
import { decodeAddress } from './accounts.js';
import { fail } from './errors.js';
import { BincodeReader } from './builtins/bincode.js';

/** `VoteStateV4::size_of()` (the V3 size, so accounts never need resizing). */
export const VOTE_STATE_SIZE = 3762;
/** Most votes a tower holds (`MAX_LOCKOUT_HISTORY`). */
export const MAX_LOCKOUT_HISTORY = 31;
/** Most epochs of credit history kept (`MAX_EPOCH_CREDITS_HISTORY`). */
export const MAX_EPOCH_CREDITS_HISTORY = 64;

/** A vote in the tower, with the slots it took to land (0 when not recorded). */
export interface LandedVote {
  latency: number;
  slot: bigint;
  confirmationCount: number;
}

/** Credits at the end of an epoch: `(epoch, credits, prev_credits)`. */
export interface EpochCredits {
  epoch: bigint;
  credits: bigint;
  prevCredits: bigint;
}

/** `VoteStateV4`, the in-memory form of every vote account. */
export interface VoteState {
  node: string;
  withdrawer: string;
  inflationRewardsCollector: string;
  blockRevenueCollector: string;
  inflationRewardsCommissionBps: number;
  blockRevenueCommissionBps: number;
  pendingDelegatorRewards: bigint;
  /** Compressed BLS public key (48 bytes), if set. */
  blsPubkey: Uint8Array | undefined;
  votes: LandedVote[];
  rootSlot: bigint | undefined;
  /** Authorized voter per epoch, in ascending epoch order (a BTreeMap in Agave). */
  authorizedVoters: { epoch: bigint; voter: string }[];
  epochCredits: EpochCredits[];
  lastTimestamp: { slot: bigint; timestamp: bigint };
}

/**
 * What an account's data holds. `state` is the V4 conversion; it is absent when uninitialized and
 * for initialized V0_23_5 states, which the V4 program cannot convert.
 */
export interface StoredVoteState {
  /** The `VoteStateVersions` variant: 0 V0_23_5, 1 V1_14_11, 2 V3, 3 V4. */
  version: number;
  initialized: boolean;
  state: VoteState | undefined;
  /**
   * The fields the data holds whatever the version and initialization, in V4's form (V0_23_5's
   * single voter as the only authorized voter); RPC's jsonParsed shows them.
   */
  contents: VoteState;
  /**
   * The older versions' `prior_voters` ring buffer in storage order, empty slots left out (V4 has
   * none); RPC's jsonParsed shows it.
   */
  priorVoters: PriorVoter[];
}

/** A voter replaced by an authorization: `(pubkey, epoch of the switch, target epoch)`. */
export interface PriorVoter {
  pubkey: string;
  epochOfLastAuthorizedSwitch: bigint;
  targetEpoch: bigint;
}

const reader = (data: Uint8Array) => new BincodeReader(data, { error: 'InvalidAccountData', limit: Infinity });

function lockouts(r: BincodeReader, landed: boolean): LandedVote[] {
  const n = r.length(landed ? 13 : 12);
  const out: LandedVote[] = [];
  for (let i = 0; i < n; i++) out.push({ latency: landed ? r.u8() : 0, slot: r.u64(), confirmationCount: r.u32() });
  return out;
}

/** A bincode `Option<u64>`. */
export const optionU64 = (r: BincodeReader) => (r.option() ? r.u64() : undefined);

function authorizedVoters(r: BincodeReader): VoteState['authorizedVoters'] {
  const map = new Map<bigint, string>();
  for (let n = r.length(40); n > 0; n--) map.set(r.u64(), r.pubkey());
  return [...map].sort((a, b) => (a[0] < b[0] ? -1 : 1)).map(([epoch, voter]) => ({ epoch, voter }));
}

function epochCredits(r: BincodeReader): EpochCredits[] {
  const out: EpochCredits[] = [];
  for (let n = r.length(24); n > 0; n--) out.push({ epoch: r.u64(), credits: r.u64(), prevCredits: r.u64() });
  return out;
}

const DEFAULT_PUBKEY = '11111111111111111111111111111111';

/**
 * The `CircBuf` of 32 prior voters (`(Pubkey, Epoch, Epoch)`, V0_23_5's with a slot after), then
 * `idx: usize` and `is_empty: bool`: its occupied entries in storage order.
 */
function priorVoters(r: BincodeReader, withSlot: boolean): PriorVoter[] {
  const out: PriorVoter[] = [];
  for (let i = 0; i < 32; i++) {
    const entry = { pubkey: r.pubkey(), epochOfLastAuthorizedSwitch: r.u64(), targetEpoch: r.u64() };
    if (withSlot) r.u64();
    if (entry.pubkey !== DEFAULT_PUBKEY) out.push(entry);
  }
  r.u64();
  r.bool();
  return out;
}

/**
 * `VoteStateVersions` from account data, converted to V4 (`try_convert_to_vote_state_v4`: the
 * vote account becomes the inflation-rewards collector, the node the block-revenue collector,
 * commission in basis points). Malformed data fails with InvalidAccountData.
 */
export function decodeVoteState(data: Uint8Array, voteAccount: string): StoredVoteState {
  const r = reader(data);
  const version = r.u32();
  if (version === 0) {
    // V0_23_5: node, authorized voter, its epoch, prior voters, withdrawer, commission, votes, root, credits, timestamp.
    const node = r.pubkey();
    const voter = r.pubkey();
    const voterEpoch = r.u64();
    const prior = priorVoters(r, true);
    const withdrawer = r.pubkey();
    const commission = r.u8();
    const contents: VoteState = {
      node,
      withdrawer,
      ...v4Defaults(voteAccount, node, commission),
      votes: lockouts(r, false),
      rootSlot: optionU64(r),
      authorizedVoters: [{ epoch: voterEpoch, voter }],
      epochCredits: epochCredits(r),
      lastTimestamp: { slot: r.u64(), timestamp: r.i64() },
    };
    return { version, initialized: voter !== DEFAULT_PUBKEY, state: undefined, contents, priorVoters: prior };
  }
  if (version === 1 || version === 2) {
    const node = r.pubkey();
    const withdrawer = r.pubkey();
    const commission = r.u8();
    const votes = lockouts(r, version === 2);
    const rootSlot = optionU64(r);
    const voters = authorizedVoters(r);
    const prior = priorVoters(r, false);
    const contents: VoteState = {
      node,
      withdrawer,
      ...v4Defaults(voteAccount, node, commission),
      votes,
      rootSlot,
      authorizedVoters: voters,
      epochCredits: epochCredits(r),
      lastTimestamp: { slot: r.u64(), timestamp: r.i64() },
    };
    const initialized = voters.length > 0;
    return { version, initialized, state: initialized ? contents : undefined, contents, priorVoters: prior };
  }
  if (version === 3) {
    const state: VoteState = {
      node: r.pubkey(),
      withdrawer: r.pubkey(),
      inflationRewardsCollector: r.pubkey(),
      blockRevenueCollector: r.pubkey(),
      inflationRewardsCommissionBps: r.u16(),
      blockRevenueCommissionBps: r.u16(),
      pendingDelegatorRewards: r.u64(),
      blsPubkey: r.option() ? r.bytes(48).slice() : undefined,
      votes: lockouts(r, true),
      rootSlot: optionU64(r),
      authorizedVoters: authorizedVoters(r),
      epochCredits: epochCredits(r),
      lastTimestamp: { slot: r.u64(), timestamp: r.i64() },
    };
    return { version, initialized: true, state, contents: state, priorVoters: [] };
  }
  fail('InvalidAccountData');
}

/**
 * The SIMD-0185 fields a V4 state starts with, both when InitializeAccount creates it and when an
 * older version is read: rewards to the vote account, block revenue to the node, the u8
 * commission as basis points, all block revenue kept, nothing pending, no BLS key.
 */
function v4Defaults(voteAccount: string, node: string, commission: number) {
  return {
    inflationRewardsCollector: voteAccount,
    blockRevenueCollector: node,
    inflationRewardsCommissionBps: commission * 100,
    blockRevenueCommissionBps: 10_000,
    pendingDelegatorRewards: 0n,
    blsPubkey: undefined,
  };
}

/** `VoteStateV4::new_with_defaults`: the state InitializeAccount writes. */
export function newVoteState(voteAccount: string, init: { node: string; voter: string; withdrawer: string; commission: number }, epoch: bigint): VoteState {
  return {
    node: init.node,
    withdrawer: init.withdrawer,
    ...v4Defaults(voteAccount, init.node, init.commission),
    votes: [],
    rootSlot: undefined,
    authorizedVoters: [{ epoch, voter: init.voter }],
    epochCredits: [],
    lastTimestamp: { slot: 0n, timestamp: 0n },
  };
}

/**
 * Writes `VoteStateVersions::V4(state)` over the start of `out` (bincode `serialize_into`: bytes
 * past the encoding keep their values); AccountDataTooSmall when it does not fit.
 */
export function encodeVoteState(s: VoteState, out: Uint8Array): void {
  const view = new DataView(out.buffer, out.byteOffset, out.byteLength);
  let at = 0;
  const room = (n: number) => {
    if (at + n > out.length) fail('AccountDataTooSmall');
    at += n;
    return at - n;
  };
  const u8 = (v: number) => (out[room(1)] = v);
  const u16 = (v: number) => view.setUint16(room(2), v, true);
  const u32 = (v: number) => view.setUint32(room(4), v, true);
  const u64 = (v: bigint) => view.setBigUint64(room(8), BigInt.asUintN(64, v), true);
  const bytes = (b: Uint8Array) => out.set(b, room(b.length));
  const key = (k: string) => bytes(decodeAddress(k));
  u32(3);
  key(s.node);
  key(s.withdrawer);
  key(s.inflationRewardsCollector);
  key(s.blockRevenueCollector);
  u16(s.inflationRewardsCommissionBps);
  u16(s.blockRevenueCommissionBps);
  u64(s.pendingDelegatorRewards);
  if (s.blsPubkey) {
    u8(1);
    bytes(s.blsPubkey);
  } else u8(0);
  u64(BigInt(s.votes.length));
  for (const v of s.votes) {
    u8(v.latency);
    u64(v.slot);
    u32(v.confirmationCount);
  }
  if (s.rootSlot !== undefined) {
    u8(1);
    u64(s.rootSlot);
  } else u8(0);
  u64(BigInt(s.authorizedVoters.length));
  for (const v of s.authorizedVoters) {
    u64(v.epoch);
    key(v.voter);
  }
  u64(BigInt(s.epochCredits.length));
  for (const c of s.epochCredits) {
    u64(c.epoch);
    u64(c.credits);
    u64(c.prevCredits);
  }
  u64(s.lastTimestamp.slot);
  u64(s.lastTimestamp.timestamp);
}
