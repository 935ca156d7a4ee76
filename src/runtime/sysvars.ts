/**
 * Sysvars: their values, their account encodings (bincode, as Agave stores them) and the default
 * cluster state LiteSVM starts from.
 */
import { bool, type Codec, decode, encode, f64, i64, layout, type Malformation, padding, pubkey, struct, u128, u64, u8, vec } from './codec.js';
import * as release from './litesvm-release.js';
import { WebsvmError } from '../errors.js';

/** Network time (the Clock sysvar). */
export interface Clock {
  slot: bigint;
  epochStartTimestamp: bigint;
  epoch: bigint;
  leaderScheduleEpoch: bigint;
  unixTimestamp: bigint;
}

/** Rent parameters (SIMD-0194 form: lamports per byte, threshold 1.0). */
export interface Rent {
  lamportsPerByteYear: bigint;
  exemptionThreshold: number;
  burnPercent: number;
}

/** The epoch schedule. */
export interface EpochSchedule {
  slotsPerEpoch: bigint;
  leaderScheduleSlotOffset: bigint;
  warmup: boolean;
  firstNormalEpoch: bigint;
  firstNormalSlot: bigint;
}

/** Partitioned epoch rewards state. */
export interface EpochRewards {
  distributionStartingBlockHeight: bigint;
  numPartitions: bigint;
  parentBlockhash: string;
  totalPoints: bigint;
  totalRewards: bigint;
  distributedRewards: bigint;
  active: boolean;
}

/** One SlotHashes entry. */
export interface SlotHash {
  slot: bigint;
  hash: string;
}

/** One StakeHistory entry. */
export interface StakeHistoryEntry {
  epoch: bigint;
  effective: bigint;
  activating: bigint;
  deactivating: bigint;
}

// LiteSVM's starting values, copied from its release (litesvm-release.ts).
/** The clock LiteSVM starts with: its slot is the latest activation slot LiteSVM knows. */
export const DEFAULT_CLOCK: Readonly<Clock> = release.DEFAULT_CLOCK;
/** Lamports to keep 1 byte for 2 years under the legacy rule (3480 × 2). */
export const DEFAULT_RENT: Readonly<Rent> = release.DEFAULT_RENT;
export const DEFAULT_EPOCH_SCHEDULE: Readonly<EpochSchedule> = release.DEFAULT_EPOCH_SCHEDULE;
export const DEFAULT_EPOCH_REWARDS: Readonly<EpochRewards> = release.DEFAULT_EPOCH_REWARDS;
export const DEFAULT_LAST_RESTART_SLOT = release.DEFAULT_LAST_RESTART_SLOT;
/** Bytes every account is charged for besides its data. */
export const ACCOUNT_STORAGE_OVERHEAD = 128n;

/**
 * The Rent sysvar LiteSVM writes for a feature set: the release's, or without SIMD-0194
 * (`deprecate_rent_exemption_threshold`) its legacy form, half the rate for two years (the same
 * minimum balances).
 */
export const defaultRent = (exemptionThresholdDeprecated: boolean): Rent =>
  exemptionThresholdDeprecated ? DEFAULT_RENT : { ...DEFAULT_RENT, lamportsPerByteYear: DEFAULT_RENT.lamportsPerByteYear / 2n, exemptionThreshold: 2 };

/**
 * The deprecated stake `Config` account LiteSVM keeps for older stake callers: no keys, then
 * bincode `Config::default()` (warm-up/cool-down rate 0.25, slash penalty 12).
 */
export const legacyStakeConfigData = (): Uint8Array => encode(STAKE_CONFIG, { keys: [], warmupCooldownRate: 0.25, slashPenalty: Math.floor((5 * 255) / 100) });

/** Rent::minimum_balance (the f64 threshold product is truncated, as in Rust). */
export function minimumBalance(rent: Rent, dataLen: number | bigint): bigint {
  if (typeof dataLen !== 'number') return computeMinimumBalance(rent, dataLen);
  // Remembered per size under the latest rent values: a transaction asks for each of its accounts
  // at least twice (before and after), each time four bigint operations.
  if (rent.lamportsPerByteYear !== minimumsRent.lamportsPerByteYear || rent.exemptionThreshold !== minimumsRent.exemptionThreshold) {
    minimumsRent = { lamportsPerByteYear: rent.lamportsPerByteYear, exemptionThreshold: rent.exemptionThreshold };
    minimums.clear();
  }
  let minimum = minimums.get(dataLen);
  if (minimum === undefined) {
    if (minimums.size >= MAX_MINIMUMS) minimums.clear();
    minimum = computeMinimumBalance(rent, dataLen);
    minimums.set(dataLen, minimum);
  }
  return minimum;
}

const MAX_MINIMUMS = 1024;
const minimums = new Map<number, bigint>();
let minimumsRent: Pick<Rent, 'lamportsPerByteYear' | 'exemptionThreshold'> = { lamportsPerByteYear: -1n, exemptionThreshold: -1 };

function computeMinimumBalance(rent: Rent, dataLen: number | bigint): bigint {
  const bytes = ACCOUNT_STORAGE_OVERHEAD + BigInt(dataLen);
  const perYear = bytes * rent.lamportsPerByteYear;
  if (rent.exemptionThreshold === 1) return perYear;
  return BigInt(Math.floor(Number(perYear) * rent.exemptionThreshold));
}

// The account layouts (bincode of Agave's sysvar structs).
const CLOCK = struct({ slot: u64, epochStartTimestamp: i64, epoch: u64, leaderScheduleEpoch: u64, unixTimestamp: i64 });
const RENT = struct({ lamportsPerByteYear: u64, exemptionThreshold: f64, burnPercent: u8 });
const EPOCH_SCHEDULE = struct({ slotsPerEpoch: u64, leaderScheduleSlotOffset: u64, warmup: bool, firstNormalEpoch: u64, firstNormalSlot: u64 });
const EPOCH_REWARDS = struct({
  distributionStartingBlockHeight: u64,
  numPartitions: u64,
  parentBlockhash: pubkey,
  totalPoints: u128,
  totalRewards: u64,
  distributedRewards: u64,
  active: bool,
});

// The sysvars as a program holds them in memory (`#[repr(C)]`, what `sol_get_*_sysvar` writes):
// the same fields, with the padding their alignment adds.
const RENT_IN_MEMORY = layout({ lamportsPerByteYear: u64, exemptionThreshold: f64, burnPercent: u8, padding: padding(7) });
const EPOCH_SCHEDULE_IN_MEMORY = layout({
  slotsPerEpoch: u64,
  leaderScheduleSlotOffset: u64,
  warmup: bool,
  padding: padding(7),
  firstNormalEpoch: u64,
  firstNormalSlot: u64,
});
const EPOCH_REWARDS_IN_MEMORY = layout({
  distributionStartingBlockHeight: u64,
  numPartitions: u64,
  parentBlockhash: pubkey,
  totalPoints: u128,
  totalRewards: u64,
  distributedRewards: u64,
  active: bool,
  padding: padding(15),
});
/** The in-memory images of the sysvars, for the getter syscalls. */
export const SYSVAR_IN_MEMORY = {
  clock: (c: Clock) => encode(CLOCK, c),
  rent: (x: Rent) => encode(RENT_IN_MEMORY, { ...x, padding: undefined }),
  epochSchedule: (s: EpochSchedule) => encode(EPOCH_SCHEDULE_IN_MEMORY, { ...s, padding: undefined }),
  epochRewards: (e: EpochRewards) => encode(EPOCH_REWARDS_IN_MEMORY, { ...e, padding: undefined }),
  lastRestartSlot: (slot: bigint) => encode(u64, slot),
};
/** Bytes of each in-memory image (what the getter syscalls charge and write). */
export const SYSVAR_IN_MEMORY_SIZE = {
  clock: CLOCK.fixedSize as number,
  rent: RENT_IN_MEMORY.fixedSize,
  epochSchedule: EPOCH_SCHEDULE_IN_MEMORY.fixedSize,
  epochRewards: EPOCH_REWARDS_IN_MEMORY.fixedSize,
  lastRestartSlot: u64.fixedSize as number,
};

const SLOT_HASH = struct({ slot: u64, hash: pubkey });
const SLOT_HASHES = vec(SLOT_HASH, 40);
const STAKE_HISTORY = vec(struct({ epoch: u64, effective: u64, activating: u64, deactivating: u64 }), 32);
const RECENT_BLOCKHASHES = vec(struct({ blockhash: pubkey, lamportsPerSignature: u64 }), 40);
/** The stake program's `Config`: its config keys (none here), then the rates. */
/** The stake `Config` itself, as the config account holds it after its keys. */
const STAKE_CONFIG_VALUES = { warmupCooldownRate: f64, slashPenalty: u8 };
const STAKE_CONFIG = struct({ keys: vec(struct({ key: pubkey, isSigner: bool }), 33), ...STAKE_CONFIG_VALUES });
/** The stake `Config` (bincode, after the config account's keys). */
export const decodeStakeConfig = (d: Uint8Array): { warmupCooldownRate: number; slashPenalty: number } =>
  decode(struct(STAKE_CONFIG_VALUES), d, malformedSysvar);

/** Sysvar data that does not decode (kind `MalformedSysvar`): too short, or a bool or tag out of range. */
const malformedSysvar = (why: Malformation): never => {
  throw new WebsvmError('MalformedSysvar', why === 'short' ? 'sysvar data too short' : 'sysvar data is not a valid encoding', { why });
};

export const encodeClock = (c: Clock) => encode(CLOCK, c);
export const decodeClock = (d: Uint8Array): Clock => decode(CLOCK, d, malformedSysvar);

export const encodeRent = (x: Rent) => encode(RENT, x);
export const decodeRent = (d: Uint8Array): Rent => decode(RENT, d, malformedSysvar);

export const encodeEpochSchedule = (s: EpochSchedule) => encode(EPOCH_SCHEDULE, s);
export const decodeEpochSchedule = (d: Uint8Array): EpochSchedule => decode(EPOCH_SCHEDULE, d, malformedSysvar);

export const encodeEpochRewards = (e: EpochRewards) => encode(EPOCH_REWARDS, e);
export const decodeEpochRewards = (d: Uint8Array): EpochRewards => decode(EPOCH_REWARDS, d, malformedSysvar);

/** LastRestartSlot: one u64. */
export const encodeU64 = (v: bigint) => encode(u64, v);
export const decodeU64 = (d: Uint8Array) => decode(u64, d, malformedSysvar);

/** Most entries SlotHashes keeps (`slot_hashes::MAX_ENTRIES`). */
export const SLOT_HASHES_MAX_ENTRIES = 512;
/** Bytes of the SlotHashes account (512 entries of 40 bytes and a length). */
export const SLOT_HASHES_SIZE = 8 + 40 * SLOT_HASHES_MAX_ENTRIES;
/** The SlotHashes account: the entries, zero-padded to the account's fixed size. */
export const encodeSlotHashes = (entries: SlotHash[]): Uint8Array => encode(SLOT_HASHES, entries, SLOT_HASHES_SIZE);
export const decodeSlotHashes = (d: Uint8Array): SlotHash[] => decode(SLOT_HASHES, d, malformedSysvar);

export const encodeStakeHistory = (entries: StakeHistoryEntry[]): Uint8Array => encode(STAKE_HISTORY, entries);
export const decodeStakeHistory = (d: Uint8Array): StakeHistoryEntry[] => decode(STAKE_HISTORY, d, malformedSysvar);

/** RecentBlockhashes with one entry (blockhash, lamports per signature). */
export const encodeRecentBlockhashes = (blockhash: string, lamportsPerSignature: bigint) => encode(RECENT_BLOCKHASHES, [{ blockhash, lamportsPerSignature }]);
/** RecentBlockhashes' entries: each blockhash with its fee calculator's lamports per signature. */
export const decodeRecentBlockhashes = (d: Uint8Array): { blockhash: string; lamportsPerSignature: bigint }[] => decode(RECENT_BLOCKHASHES, d, malformedSysvar);

/** SlotHistory: a bit vector of 1 048 576 slots. */
export interface SlotHistory {
  bits: BigUint64Array;
  nextSlot: bigint;
}
export const SLOT_HISTORY_BLOCKS = 16_384;
export const SLOT_HISTORY_SIZE = 1 + 8 + 8 * SLOT_HISTORY_BLOCKS + 8 + 8;
/** The default history: slot 0 present, next slot 1. */
export function defaultSlotHistory(): SlotHistory {
  const bits = new BigUint64Array(SLOT_HISTORY_BLOCKS);
  bits[0] = 1n;
  return { bits, nextSlot: 1n };
}
/** Typed arrays are little-endian here, so the bit blocks can be copied as bytes. */
const LITTLE_ENDIAN_HOST = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
/** `BitVec<u64>`'s blocks: an `Option<Box<[u64]>>` (always Some when written). */
const BIT_BLOCKS: Codec<BigUint64Array> = {
  size: (bits) => 1 + 8 + bits.byteLength,
  write: (w, bits) => {
    w.u8(1);
    w.u64(BigInt(bits.length));
    if (LITTLE_ENDIAN_HOST) w.raw(new Uint8Array(bits.buffer, bits.byteOffset, bits.byteLength));
    else for (const b of bits) w.u64(b);
  },
  read: (r) => {
    const bits = new BigUint64Array(r.option() ? r.length(8) : 0);
    for (let i = 0; i < bits.length; i++) bits[i] = r.u64();
    return bits;
  },
};
/** The bit vector (its blocks and its length in bits), then the next slot. */
const SLOT_HISTORY = struct({ bits: BIT_BLOCKS, bitCount: u64, nextSlot: u64 });
export const encodeSlotHistory = (h: SlotHistory): Uint8Array =>
  encode(SLOT_HISTORY, { bits: h.bits, bitCount: BigInt(h.bits.length) * 64n, nextSlot: h.nextSlot });
let defaultSlotHistoryBytes: Uint8Array | undefined;
/**
 * The default history's account data, encoded once: stored accounts are never written in place,
 * so every runtime can hold the same 128 KiB.
 */
export const encodedDefaultSlotHistory = (): Uint8Array => (defaultSlotHistoryBytes ??= encodeSlotHistory(defaultSlotHistory()));
export function decodeSlotHistory(d: Uint8Array): SlotHistory {
  const { bits, nextSlot } = decode(SLOT_HISTORY, d, malformedSysvar);
  return { bits, nextSlot };
}
