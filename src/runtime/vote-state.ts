/**
 * Vote account state as Agave's vote program keeps it: `VoteStateVersions` in bincode at the start
 * of a 3 762-byte account. Every stored version (V0_23_5, V1_14_11, V3, V4) is read; states are
 * held and written as V4 (SIMD-0185, `vote_state_v4`, active in LiteSVM's feature set).
 */
import {
  bool,
  ByteReader,
  ByteWriter,
  bytes,
  type Codec,
  decode,
  enumeration,
  i64,
  layout,
  type Layout,
  option,
  pubkey,
  struct,
  u16,
  u32,
  u64,
  u8,
  vec,
} from './codec.js';
import { encodeAddress } from './accounts.js';
import { fail } from './errors.js';

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

// The stored layouts, by `VoteStateVersions` variant.
const LOCKOUT = struct({ slot: u64, confirmationCount: u32 });
const LANDED_VOTE = struct({ latency: u8, slot: u64, confirmationCount: u32 });
const EPOCH_CREDITS = vec(struct({ epoch: u64, credits: u64, prevCredits: u64 }), 24);
const BLOCK_TIMESTAMP = struct({ slot: u64, timestamp: i64 });
/** `AuthorizedVoters`, a BTreeMap by epoch: read in ascending epoch order, a repeated epoch keeping its last voter. */
const AUTHORIZED_VOTERS: Codec<VoteState['authorizedVoters']> = {
  ...vec(struct({ epoch: u64, voter: pubkey }), 40),
  read(r) {
    const map = new Map<bigint, string>();
    for (let n = r.length(40); n > 0; n--) map.set(r.u64(), r.pubkey());
    return [...map].sort((a, b) => (a[0] < b[0] ? -1 : 1)).map(([epoch, voter]) => ({ epoch, voter }));
  },
};
/** A prior voter: the key, the epoch of its last authorized switch and the target epoch (read in place). */
const PRIOR_VOTER_FIELDS = { pubkey: bytes(32), epochOfLastAuthorizedSwitch: u64, targetEpoch: u64 };
const PRIOR_VOTER = layout(PRIOR_VOTER_FIELDS);
/** V0_23_5's prior voter also kept a slot. */
const PRIOR_VOTER_0_23_5 = layout({ ...PRIOR_VOTER_FIELDS, slot: u64 });
type PriorVoterLayout = Layout<typeof PRIOR_VOTER_FIELDS>;
const PRIOR_VOTERS_CAPACITY = 32;
/** `CircBuf<T>` of 32 entries (kept as bytes), then `idx: usize` and `is_empty: bool`. */
const priorVoters = (entry: PriorVoterLayout) => struct({ buf: bytes(PRIOR_VOTERS_CAPACITY * entry.fixedSize), idx: u64, isEmpty: bool });
/** A compressed BLS public key, copied out of the account. */
const BLS_PUBKEY: Codec<Uint8Array> = { ...bytes(48), read: (r) => r.bytes(48).slice() };

const VOTE_STATE_V0_23_5 = struct({
  node: pubkey,
  authorizedVoter: bytes(32),
  authorizedVoterEpoch: u64,
  priorVoters: priorVoters(PRIOR_VOTER_0_23_5),
  withdrawer: pubkey,
  commission: u8,
  votes: vec(LOCKOUT, 12),
  rootSlot: option(u64),
  epochCredits: EPOCH_CREDITS,
  lastTimestamp: BLOCK_TIMESTAMP,
});
/** V1_14_11 and V3 differ only in their votes (V3's carry a latency). */
const olderVoteState = <V>(vote: Codec<V>, voteBytes: number) =>
  struct({
    node: pubkey,
    withdrawer: pubkey,
    commission: u8,
    votes: vec(vote, voteBytes),
    rootSlot: option(u64),
    authorizedVoters: AUTHORIZED_VOTERS,
    priorVoters: priorVoters(PRIOR_VOTER),
    epochCredits: EPOCH_CREDITS,
    lastTimestamp: BLOCK_TIMESTAMP,
  });
const VOTE_STATE_V4 = struct({
  node: pubkey,
  withdrawer: pubkey,
  inflationRewardsCollector: pubkey,
  blockRevenueCollector: pubkey,
  inflationRewardsCommissionBps: u16,
  blockRevenueCommissionBps: u16,
  pendingDelegatorRewards: u64,
  blsPubkey: option(BLS_PUBKEY),
  votes: vec(LANDED_VOTE, 13),
  rootSlot: option(u64),
  authorizedVoters: AUTHORIZED_VOTERS,
  epochCredits: EPOCH_CREDITS,
  lastTimestamp: BLOCK_TIMESTAMP,
});
const VOTE_STATE_VERSIONS = enumeration({
  V0_23_5: struct({ state: VOTE_STATE_V0_23_5 }),
  V1_14_11: struct({ state: olderVoteState(LOCKOUT, 12) }),
  V3: struct({ state: olderVoteState(LANDED_VOTE, 13) }),
  V4: struct({ state: VOTE_STATE_V4 }),
});
const VERSION_TAGS = { V0_23_5: 0, V1_14_11: 1, V3: 2, V4: 3 } as const;

/** A bincode `Option<u64>`. */
export const optionU64 = (r: ByteReader) => (r.option() ? r.u64() : undefined);

/**
 * `VoteStateVersions` from account data, converted to V4 (`try_convert_to_vote_state_v4`: the
 * vote account becomes the inflation-rewards collector, the node the block-revenue collector,
 * commission in basis points). Malformed data fails with InvalidAccountData.
 */
export function decodeVoteState(data: Uint8Array, voteAccount: string): StoredVoteState {
  const stored = decode(VOTE_STATE_VERSIONS, data, () => fail('InvalidAccountData'));
  const version = VERSION_TAGS[stored.kind];
  switch (stored.kind) {
    case 'V0_23_5': {
      const { node, authorizedVoter, authorizedVoterEpoch, withdrawer, commission, votes, rootSlot, epochCredits, lastTimestamp } = stored.state;
      const contents: VoteState = {
        node,
        withdrawer,
        ...v4Defaults(voteAccount, node, commission),
        votes: votes.map((v) => ({ latency: 0, ...v })),
        rootSlot,
        authorizedVoters: [{ epoch: authorizedVoterEpoch, voter: encodeAddress(authorizedVoter) }],
        epochCredits,
        lastTimestamp,
      };
      const initialized = authorizedVoter.some((b) => b !== 0);
      return { version, initialized, state: undefined, contents, priorVoters: readPriorVoters(stored.state.priorVoters.buf, PRIOR_VOTER_0_23_5) };
    }
    case 'V1_14_11':
    case 'V3': {
      const { node, withdrawer, commission, votes, rootSlot, authorizedVoters, epochCredits, lastTimestamp } = stored.state;
      const landed = votes.map((v) => ({ latency: 0, ...v }));
      const contents = {
        node,
        withdrawer,
        ...v4Defaults(voteAccount, node, commission),
        votes: landed,
        rootSlot,
        authorizedVoters,
        epochCredits,
        lastTimestamp,
      };
      const initialized = authorizedVoters.length > 0;
      return {
        version,
        initialized,
        state: initialized ? contents : undefined,
        contents,
        priorVoters: readPriorVoters(stored.state.priorVoters.buf, PRIOR_VOTER),
      };
    }
    case 'V4':
      return { version, initialized: true, state: stored.state, contents: stored.state, priorVoters: [] };
  }
}

/** The prior-voter ring buffer's entries, empty ones left out. */
function readPriorVoters(buf: Uint8Array, entry: PriorVoterLayout): PriorVoter[] {
  const out: PriorVoter[] = [];
  for (let at = 0; at + entry.fixedSize <= buf.length; at += entry.fixedSize) {
    const { pubkey: key, epochOfLastAuthorizedSwitch, targetEpoch } = decode(entry, buf.subarray(at), () => fail('InvalidAccountData'));
    if (key.every((b) => b === 0)) continue;
    out.push({ pubkey: encodeAddress(key), epochOfLastAuthorizedSwitch, targetEpoch });
  }
  return out;
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
  const versions = { kind: 'V4', state: s } as const;
  if (VOTE_STATE_VERSIONS.size(versions) > out.length) fail('AccountDataTooSmall');
  VOTE_STATE_VERSIONS.write(new ByteWriter(out), versions);
}
