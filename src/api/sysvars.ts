/** Sysvar value classes with the constructors and accessors of the `litesvm` package. */
import * as sv from '../runtime/sysvars.js';
import { defaultExecutionCosts, type ExecutionCosts } from '../syscalls/costs.js';
import { WebsvmError } from '../errors.js';
import { toHash } from './inputs.js';
import { refused, toArray, toBoolean, toChecked, toF64, toFields, toI64, toU128, toU64, type U64Input } from '../arguments.js';
import type { ComputeBudgetOverride } from '../runtime/runtime.js';
import { DEFAULT_COMPUTE_BUDGET } from '../runtime/litesvm-release.js';
import { debugBytes, debugStruct, wrapped } from './rust-debug.js';

/** Network time. */
export class Clock implements sv.Clock {
  constructor(
    public slot: bigint,
    public epochStartTimestamp: bigint,
    public epoch: bigint,
    public leaderScheduleEpoch: bigint,
    public unixTimestamp: bigint,
  ) {}
  /** @internal */
  static from(value: sv.Clock): Clock {
    const c = toClock(value);
    return new Clock(c.slot, c.epochStartTimestamp, c.epoch, c.leaderScheduleEpoch, c.unixTimestamp);
  }
  /** LiteSVM's form: the Rust Debug of the sysvar. */
  toString(): string {
    return wrapped(
      'Clock',
      debugStruct('Clock', {
        slot: this.slot,
        epoch_start_timestamp: this.epochStartTimestamp,
        epoch: this.epoch,
        leader_schedule_epoch: this.leaderScheduleEpoch,
        unix_timestamp: this.unixTimestamp,
      }),
    );
  }
}

/** Rent parameters. */
export class Rent implements sv.Rent {
  constructor(
    public lamportsPerByteYear: bigint,
    public exemptionThreshold: number,
    public burnPercent: number,
  ) {}
  /** Mainnet's values (6960 lamports per byte, threshold 1.0, 50% burnt). */
  static default(): Rent {
    return Rent.from(sv.DEFAULT_RENT);
  }
  /** @internal */
  static from(value: sv.Rent): Rent {
    const r = toRent(value);
    return new Rent(r.lamportsPerByteYear, r.exemptionThreshold, r.burnPercent);
  }
  /** Lamports an account of `dataLen` bytes needs to be rent exempt. */
  minimumBalance(dataLen: bigint): bigint {
    return sv.minimumBalance(this, toU64(dataLen, 'dataLen'));
  }
  /** Whether `balance` makes an account of `dataLen` bytes rent exempt. */
  isExempt(balance: bigint, dataLen: bigint): boolean {
    return toU64(balance, 'balance') >= this.minimumBalance(dataLen);
  }
  /** LiteSVM's form: the Rust Debug of the sysvar, which keeps the threshold as its f64 bytes. */
  toString(): string {
    const threshold = new Uint8Array(8);
    new DataView(threshold.buffer).setFloat64(0, this.exemptionThreshold, true);
    return wrapped(
      'Rent',
      debugStruct('Rent', { lamports_per_byte: this.lamportsPerByteYear, exemption_threshold: debugBytes(threshold), burn_percent: this.burnPercent }),
    );
  }
}

/** The epoch schedule. */
export class EpochSchedule implements sv.EpochSchedule {
  constructor(
    public slotsPerEpoch: bigint,
    public leaderScheduleSlotOffset: bigint,
    public warmup: boolean,
    public firstNormalEpoch: bigint,
    public firstNormalSlot: bigint,
  ) {}
  /** @internal */
  static from(value: sv.EpochSchedule): EpochSchedule {
    const s = toEpochSchedule(value);
    return new EpochSchedule(s.slotsPerEpoch, s.leaderScheduleSlotOffset, s.warmup, s.firstNormalEpoch, s.firstNormalSlot);
  }
}

/** Epoch rewards distribution state. */
export class EpochRewards implements sv.EpochRewards {
  constructor(
    public distributionStartingBlockHeight: bigint,
    public numPartitions: bigint,
    public parentBlockhash: string,
    public totalPoints: bigint,
    public totalRewards: bigint,
    public distributedRewards: bigint,
    public active: boolean,
  ) {}
  /** @internal */
  static from(value: sv.EpochRewards): EpochRewards {
    const e = toEpochRewards(value);
    return new EpochRewards(
      e.distributionStartingBlockHeight,
      e.numPartitions,
      e.parentBlockhash,
      e.totalPoints,
      e.totalRewards,
      e.distributedRewards,
      e.active,
    );
  }
}

/** A SlotHashes entry. */
export class SlotHash implements sv.SlotHash {
  constructor(
    public slot: bigint,
    public hash: string,
  ) {}
}

/** Whether a slot is in a {@link SlotHistory}. */
export enum SlotHistoryCheck {
  Future,
  TooOld,
  Found,
  NotFound,
}

const MAX_ENTRIES = 1024n * 1024n;
const ZERO_WORD = '0'.repeat(64);

/** A bit per slot of the last 1 048 576 slots. */
export class SlotHistory implements sv.SlotHistory {
  constructor(
    public bits: BigUint64Array,
    public nextSlot: bigint,
  ) {}
  /** Slot 0 present, next slot 1. */
  static default(): SlotHistory {
    const d = sv.defaultSlotHistory();
    return new SlotHistory(d.bits, d.nextSlot);
  }
  add(value: bigint): void {
    const slot = toU64(value, 'slot');
    if (slot > this.nextSlot && slot - this.nextSlot >= MAX_ENTRIES) this.bits.fill(0n);
    else for (let s = this.nextSlot; s < slot; s++) this.#setBit(s, false);
    this.#setBit(slot, true);
    this.nextSlot = slot + 1n;
  }
  check(value: bigint): SlotHistoryCheck {
    const slot = toU64(value, 'slot');
    if (slot > this.newest()) return SlotHistoryCheck.Future;
    if (slot < this.oldest()) return SlotHistoryCheck.TooOld;
    const i = slot % MAX_ENTRIES;
    return (this.#word(Number(i / 64n)) >> (i % 64n)) & 1n ? SlotHistoryCheck.Found : SlotHistoryCheck.NotFound;
  }
  oldest(): bigint {
    return this.nextSlot > MAX_ENTRIES ? this.nextSlot - MAX_ENTRIES : 0n;
  }
  newest(): bigint {
    return this.nextSlot - 1n;
  }
  /** LiteSVM's form: Agave's Debug of the sysvar, every one of its 1 048 576 bits. */
  toString(): string {
    const words = Array.from({ length: Number(MAX_ENTRIES / 64n) }, (_, i) => {
      const word = this.#word(i);
      return word === 0n ? ZERO_WORD : [...word.toString(2).padStart(64, '0')].reverse().join('');
    });
    return wrapped('SlotHistory', `SlotHistory { slot: ${this.nextSlot} bits:${words.join('')}`);
  }
  /** Bit block `w`; blocks past the end of a shorter `bits` read as zeros (writes there are dropped, as a typed array drops them). */
  #word(w: number): bigint {
    return this.bits[w] ?? 0n;
  }
  #setBit(slot: bigint, on: boolean): void {
    const i = slot % MAX_ENTRIES;
    const w = Number(i / 64n);
    const mask = 1n << (i % 64n);
    this.bits[w] = on ? this.#word(w) | mask : this.#word(w) & ~mask;
  }
}

/** Stake totals of one epoch. */
export class StakeHistoryEntry {
  constructor(
    public effective: bigint,
    public activating: bigint,
    public deactivating: bigint,
  ) {}
  /** LiteSVM's form: the Rust Debug of the entry. */
  toString(): string {
    return wrapped(
      'StakeHistoryEntry',
      debugStruct('StakeHistoryEntry', { effective: this.effective, activating: this.activating, deactivating: this.deactivating }),
    );
  }
}

/** Stake totals by epoch, newest first. */
export class StakeHistory {
  /** @internal */
  readonly entries: sv.StakeHistoryEntry[] = [];
  get(epoch: bigint): StakeHistoryEntry | null {
    const e = this.entries.find((x) => x.epoch === epoch);
    return e ? new StakeHistoryEntry(e.effective, e.activating, e.deactivating) : null;
  }
  add(epoch: bigint, entry: StakeHistoryEntry): void {
    // Ranges are setStakeHistory's to check (naming the entry); here only what reading the arguments needs.
    if (typeof epoch !== 'bigint' && typeof epoch !== 'number') throw refused('epoch', 'an epoch (a bigint)', epoch);
    const { effective, activating, deactivating } = toFields(entry, 'entry', 'a StakeHistoryEntry') as unknown as StakeHistoryEntry;
    const at = this.entries.findIndex((x) => x.epoch <= epoch);
    const value = { epoch, effective, activating, deactivating };
    if (this.entries[at]?.epoch === epoch) this.entries[at] = value;
    else this.entries.splice(at < 0 ? this.entries.length : at, 0, value);
    if (this.entries.length > 512) this.entries.length = 512;
  }
}

/** Every price of {@link ExecutionCosts}, as a bigint field of {@link ComputeBudget}. */
type CostFields = { [K in keyof ExecutionCosts]: bigint };

// The interface merges the price fields into the class, named as in LiteSVM's ComputeBudget.
// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging
export interface ComputeBudget extends CostFields {}

/**
 * A fixed compute budget for every transaction, as LiteSVM's `ComputeBudget`: once installed with
 * `withComputeBudget` it replaces whatever Compute Budget instructions request and the feature-derived
 * nesting limit. Every syscall and runtime price (see {@link ExecutionCosts}) starts at Agave's default
 * and may be changed. `maxCallDepth` and `stackFrameSize` are fixed by the VM and must keep their defaults.
 */
// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging
export class ComputeBudget {
  /** Compute units per transaction. */
  computeUnitLimit = DEFAULT_COMPUTE_BUDGET.computeUnitLimit;
  /** Heap bytes per program invocation. */
  heapSize = DEFAULT_COMPUTE_BUDGET.heapSize;
  /** Deepest instruction nesting, the top level included (5; 9 is what SIMD-0268 raises it to). */
  maxInstructionStackDepth = DEFAULT_COMPUTE_BUDGET.maxInstructionStackDepth;
  /** Most instructions, top-level and inner, in one transaction. */
  maxInstructionTraceLength = DEFAULT_COMPUTE_BUDGET.maxInstructionTraceLength;
  /** sBPF call depth (fixed at 64). */
  maxCallDepth = DEFAULT_COMPUTE_BUDGET.maxCallDepth;
  /** Bytes per sBPF stack frame (fixed at 4096). */
  stackFrameSize = DEFAULT_COMPUTE_BUDGET.stackFrameSize;

  constructor() {
    const defaults = defaultExecutionCosts();
    for (const key of Object.keys(defaults) as (keyof ExecutionCosts)[]) this[key] = BigInt(defaults[key]);
  }
}

/** Prices we expose that LiteSVM's `ComputeBudget` lacks (its G2 operations use Agave's constants). */
type WebsvmOnlyCosts = 'altBn128G2AdditionCost' | 'altBn128G2MultiplicationCost' | Extract<keyof ExecutionCosts, `bls12381${string}`>;

/** What `withComputeBudget` accepts: our {@link ComputeBudget} or an instance of LiteSVM's. */
export type ComputeBudgetInput = Omit<ComputeBudget, WebsvmOnlyCosts> & Partial<Pick<ComputeBudget, WebsvmOnlyCosts>>;

/**
 * The runtime's form of a budget. A changed `maxCallDepth` or `stackFrameSize` is refused with a
 * `WebsvmError` of kind `Unsupported` (the VM fixes both), a value outside u64 with `InvalidArgument`.
 */
export function computeBudgetOverride(budget: ComputeBudgetInput): ComputeBudgetOverride {
  toFields(budget, 'budget', 'a ComputeBudget');
  const fixed = new ComputeBudget();
  for (const key of ['maxCallDepth', 'stackFrameSize'] as const) {
    if (toU64(budget[key], `ComputeBudget.${key}`) !== fixed[key])
      throw new WebsvmError('Unsupported', `ComputeBudget.${key} must stay ${fixed[key]}: the sBPF VM fixes it`);
  }
  // Agave's fields are u64; values above 2^53 behave alike here (beyond any budget).
  const unsigned = (name: string, value: U64Input): number => Math.min(Number(toU64(value, `ComputeBudget.${name}`)), Number.MAX_SAFE_INTEGER);
  const costs = defaultExecutionCosts();
  for (const key of Object.keys(costs) as (keyof ExecutionCosts)[]) {
    const value = budget[key];
    if (value !== undefined) costs[key] = unsigned(key, value);
  }
  return {
    computeUnitLimit: unsigned('computeUnitLimit', budget.computeUnitLimit),
    heapBytes: unsigned('heapSize', budget.heapSize),
    maxInstructionStackDepth: unsigned('maxInstructionStackDepth', budget.maxInstructionStackDepth),
    maxInstructionTraceLength: unsigned('maxInstructionTraceLength', budget.maxInstructionTraceLength),
    costs,
  };
}

// What the sysvar setters accept: our classes, LiteSVM's, or plain objects of the same fields. Each
// field is range-checked as LiteSVM's binding checks it when its sysvar objects are built (u64, i64,
// u128, u8), with a `WebsvmError` of kind `InvalidArgument` naming the field.

/** The clock given to `setClock`. */
export const toClock = (value: unknown): sv.Clock =>
  toChecked<sv.Clock>(value, 'clock', 'a Clock', 'Clock', {
    slot: toU64,
    epochStartTimestamp: toI64,
    epoch: toU64,
    leaderScheduleEpoch: toU64,
    unixTimestamp: toI64,
  });

/** A rent's `burnPercent`: truncated to an integer first, as LiteSVM's binding does, then it must fit a u8. */
function toBurnPercent(value: unknown, name: string): number {
  const percent = Math.trunc(toF64(value, name));
  if (!(percent >= 0 && percent <= 255)) throw refused(name, 'from 0 to 255', value);
  return percent;
}

/** The rent given to `setRent`. */
export const toRent = (value: unknown): sv.Rent =>
  toChecked<sv.Rent>(value, 'rent', 'a Rent', 'Rent', { lamportsPerByteYear: toU64, exemptionThreshold: toF64, burnPercent: toBurnPercent });

/** The schedule given to `setEpochSchedule`. */
export const toEpochSchedule = (value: unknown): sv.EpochSchedule =>
  toChecked<sv.EpochSchedule>(value, 'schedule', 'an EpochSchedule', 'EpochSchedule', {
    slotsPerEpoch: toU64,
    leaderScheduleSlotOffset: toU64,
    warmup: toBoolean,
    firstNormalEpoch: toU64,
    firstNormalSlot: toU64,
  });

/** The rewards state given to `setEpochRewards`. */
export const toEpochRewards = (value: unknown): sv.EpochRewards =>
  toChecked<sv.EpochRewards>(value, 'rewards', 'an EpochRewards', 'EpochRewards', {
    distributionStartingBlockHeight: toU64,
    numPartitions: toU64,
    parentBlockhash: toHash,
    totalPoints: toU128,
    totalRewards: toU64,
    distributedRewards: toU64,
    active: toBoolean,
  });

/** The entries given to `setSlotHashes`: at most 512, the sysvar's size (beyond it LiteSVM aborts the process). */
export function toSlotHashes(value: unknown): sv.SlotHash[] {
  const entries = toArray(value, 'hashes', 'an array of SlotHash');
  if (entries.length > sv.SLOT_HASHES_MAX_ENTRIES) throw refused('hashes', `at most ${sv.SLOT_HASHES_MAX_ENTRIES} entries`, entries);
  return entries.map((entry, i) => toChecked<sv.SlotHash>(entry, `hashes[${i}]`, 'a SlotHash', `hashes[${i}]`, { slot: toU64, hash: toHash }));
}

/** A slot history's bits: at most the sysvar's 16 384 words. */
function toHistoryBits(value: unknown, name: string): BigUint64Array {
  if (!(value instanceof BigUint64Array)) throw refused(name, 'a BigUint64Array', value);
  if (value.length > sv.SLOT_HISTORY_BLOCKS) throw refused(name, `at most ${sv.SLOT_HISTORY_BLOCKS} words`, value.length);
  return value;
}

/** The history given to `setSlotHistory`. */
export const toSlotHistory = (value: unknown): sv.SlotHistory =>
  toChecked<sv.SlotHistory>(value, 'history', 'a SlotHistory', 'SlotHistory', { bits: toHistoryBits, nextSlot: toU64 });

/** The entries of the history given to `setStakeHistory`. */
export function toStakeHistoryEntries(value: unknown): sv.StakeHistoryEntry[] {
  const { entries } = toFields(value, 'history', 'a StakeHistory');
  return toArray(entries, 'StakeHistory.entries', 'an array (a StakeHistory built with new StakeHistory())').map((entry, i) =>
    toChecked<sv.StakeHistoryEntry>(entry, `StakeHistory.entries[${i}]`, 'a stake history entry', `StakeHistory.entries[${i}]`, {
      epoch: toU64,
      effective: toU64,
      activating: toU64,
      deactivating: toU64,
    }),
  );
}
