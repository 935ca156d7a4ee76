/**
 * Sysvars: their values, their account encodings (bincode, as Agave stores them) and the default
 * cluster state LiteSVM starts from.
 */
import { decodeAddress, encodeAddress } from './accounts.js';
import * as release from './litesvm-release.js';

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
export const legacyStakeConfigData = (): Uint8Array =>
  new Out(17)
    .u64(0n)
    .f64(0.25)
    .u8(Math.floor((5 * 255) / 100)).bytes;
/** The stake `Config` itself (bincode, after the config account's keys). */
export function decodeStakeConfig(d: Uint8Array): { warmupCooldownRate: number; slashPenalty: number } {
  const r = reader(d);
  return { warmupCooldownRate: r.f64(), slashPenalty: r.u8() };
}

/** Rent::minimum_balance (the f64 threshold product is truncated, as in Rust). */
export function minimumBalance(rent: Rent, dataLen: number | bigint): bigint {
  const bytes = ACCOUNT_STORAGE_OVERHEAD + BigInt(dataLen);
  const perYear = bytes * rent.lamportsPerByteYear;
  if (rent.exemptionThreshold === 1) return perYear;
  return BigInt(Math.floor(Number(perYear) * rent.exemptionThreshold));
}

/** A little-endian writer for sysvar layouts. */
class Out {
  readonly bytes: Uint8Array;
  readonly view: DataView;
  at = 0;
  constructor(size: number) {
    this.bytes = new Uint8Array(size);
    this.view = new DataView(this.bytes.buffer);
  }
  u64(v: bigint): this {
    this.view.setBigUint64(this.at, BigInt.asUintN(64, v), true);
    this.at += 8;
    return this;
  }
  u8(v: number): this {
    this.bytes[this.at++] = v;
    return this;
  }
  f64(v: number): this {
    this.view.setFloat64(this.at, v, true);
    this.at += 8;
    return this;
  }
  key(address: string): this {
    this.bytes.set(decodeAddress(address), this.at);
    this.at += 32;
    return this;
  }
}

const reader = (d: Uint8Array) => {
  const view = new DataView(d.buffer, d.byteOffset, d.byteLength);
  let at = 0;
  const need = (n: number) => {
    if (at + n > d.length) throw new Error('sysvar data too short');
  };
  return {
    u64: () => (need(8), (at += 8), view.getBigUint64(at - 8, true)),
    i64: () => (need(8), (at += 8), view.getBigInt64(at - 8, true)),
    u8: () => (need(1), d[at++]),
    f64: () => (need(8), (at += 8), view.getFloat64(at - 8, true)),
    key: () => (need(32), (at += 32), encodeAddress(d.subarray(at - 32, at))),
  };
};

export const encodeClock = (c: Clock) => new Out(40).u64(c.slot).u64(c.epochStartTimestamp).u64(c.epoch).u64(c.leaderScheduleEpoch).u64(c.unixTimestamp).bytes;
export function decodeClock(d: Uint8Array): Clock {
  const r = reader(d);
  return { slot: r.u64(), epochStartTimestamp: r.i64(), epoch: r.u64(), leaderScheduleEpoch: r.u64(), unixTimestamp: r.i64() };
}

export const encodeRent = (x: Rent) => new Out(17).u64(x.lamportsPerByteYear).f64(x.exemptionThreshold).u8(x.burnPercent).bytes;
export function decodeRent(d: Uint8Array): Rent {
  const r = reader(d);
  return { lamportsPerByteYear: r.u64(), exemptionThreshold: r.f64(), burnPercent: r.u8() };
}

export const encodeEpochSchedule = (s: EpochSchedule) =>
  new Out(33)
    .u64(s.slotsPerEpoch)
    .u64(s.leaderScheduleSlotOffset)
    .u8(s.warmup ? 1 : 0)
    .u64(s.firstNormalEpoch)
    .u64(s.firstNormalSlot).bytes;
export function decodeEpochSchedule(d: Uint8Array): EpochSchedule {
  const r = reader(d);
  return { slotsPerEpoch: r.u64(), leaderScheduleSlotOffset: r.u64(), warmup: r.u8() !== 0, firstNormalEpoch: r.u64(), firstNormalSlot: r.u64() };
}

export function encodeEpochRewards(e: EpochRewards): Uint8Array {
  const o = new Out(81).u64(e.distributionStartingBlockHeight).u64(e.numPartitions).key(e.parentBlockhash);
  return o
    .u64(e.totalPoints & 0xffff_ffff_ffff_ffffn)
    .u64(e.totalPoints >> 64n)
    .u64(e.totalRewards)
    .u64(e.distributedRewards)
    .u8(e.active ? 1 : 0).bytes;
}
export function decodeEpochRewards(d: Uint8Array): EpochRewards {
  const r = reader(d);
  const distributionStartingBlockHeight = r.u64();
  const numPartitions = r.u64();
  const parentBlockhash = r.key();
  const totalPoints = r.u64() | (r.u64() << 64n);
  return {
    distributionStartingBlockHeight,
    numPartitions,
    parentBlockhash,
    totalPoints,
    totalRewards: r.u64(),
    distributedRewards: r.u64(),
    active: r.u8() !== 0,
  };
}

export const encodeU64 = (v: bigint) => new Out(8).u64(v).bytes;
export const decodeU64 = (d: Uint8Array) => reader(d).u64();

/** Most entries SlotHashes keeps (`slot_hashes::MAX_ENTRIES`). */
export const SLOT_HASHES_MAX_ENTRIES = 512;
/** Bytes of the SlotHashes account (512 entries of 40 bytes and a length). */
export const SLOT_HASHES_SIZE = 8 + 40 * SLOT_HASHES_MAX_ENTRIES;
export function encodeSlotHashes(entries: SlotHash[]): Uint8Array {
  const o = new Out(SLOT_HASHES_SIZE).u64(BigInt(entries.length));
  for (const e of entries) o.u64(e.slot).key(e.hash);
  return o.bytes;
}
export function decodeSlotHashes(d: Uint8Array): SlotHash[] {
  const r = reader(d);
  const n = Number(r.u64());
  return Array.from({ length: n }, () => ({ slot: r.u64(), hash: r.key() }));
}

export function encodeStakeHistory(entries: StakeHistoryEntry[]): Uint8Array {
  const o = new Out(8 + 32 * entries.length).u64(BigInt(entries.length));
  for (const e of entries) o.u64(e.epoch).u64(e.effective).u64(e.activating).u64(e.deactivating);
  return o.bytes;
}
export function decodeStakeHistory(d: Uint8Array): StakeHistoryEntry[] {
  const r = reader(d);
  const n = Number(r.u64());
  return Array.from({ length: n }, () => ({ epoch: r.u64(), effective: r.u64(), activating: r.u64(), deactivating: r.u64() }));
}

/** RecentBlockhashes with one entry (blockhash, lamports per signature). */
export const encodeRecentBlockhashes = (blockhash: string, lamportsPerSignature: bigint) => new Out(48).u64(1n).key(blockhash).u64(lamportsPerSignature).bytes;
/** RecentBlockhashes' entries: each blockhash with its fee calculator's lamports per signature. */
export function decodeRecentBlockhashes(d: Uint8Array): { blockhash: string; lamportsPerSignature: bigint }[] {
  const r = reader(d);
  const n = Number(r.u64());
  return Array.from({ length: n }, () => ({ blockhash: r.key(), lamportsPerSignature: r.u64() }));
}

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
export function encodeSlotHistory(h: SlotHistory): Uint8Array {
  const o = new Out(SLOT_HISTORY_SIZE).u8(1).u64(BigInt(h.bits.length));
  if (LITTLE_ENDIAN_HOST) {
    o.bytes.set(new Uint8Array(h.bits.buffer, h.bits.byteOffset, h.bits.byteLength), o.at);
    o.at += h.bits.byteLength;
  } else for (const b of h.bits) o.u64(b);
  return o.u64(BigInt(h.bits.length) * 64n).u64(h.nextSlot).bytes;
}
let defaultSlotHistoryBytes: Uint8Array | undefined;
/**
 * The default history's account data, encoded once: stored accounts are never written in place,
 * so every runtime can hold the same 128 KiB.
 */
export const encodedDefaultSlotHistory = (): Uint8Array => (defaultSlotHistoryBytes ??= encodeSlotHistory(defaultSlotHistory()));
export function decodeSlotHistory(d: Uint8Array): SlotHistory {
  const r = reader(d);
  const some = r.u8();
  const n = some ? Number(r.u64()) : 0;
  const bits = new BigUint64Array(n);
  for (let i = 0; i < n; i++) bits[i] = r.u64();
  r.u64();
  return { bits, nextSlot: r.u64() };
}
