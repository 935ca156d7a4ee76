/**
 * The processed-transaction history behind `getTransaction` and the AlreadyProcessed check, with
 * LiteSVM's capacity rules. LiteSVM keeps an `IndexMap<Signature, _>` and treats the map's
 * *allocated* capacity as the history size: it starts at 32, evicts the oldest entry when that
 * many are held, and `with_transaction_history(n)` either truncates and shrinks the allocation to
 * what is held (n at most the current capacity: the oldest n stay, and an empty history ends up
 * disabled) or reserves `n - capacity` more slots, which the hash index rounds up to its bucket
 * sizes. We model those allocation sizes (indexmap 2 over hashbrown) so that the same sequence of
 * calls keeps the same transactions.
 *
 * One thing is not modelled: hashbrown tombstones left by evictions can make LiteSVM's index grow
 * early (at a moment that depends on its random hash keys), which only matters to a later
 * `with_transaction_history` that reserves more.
 */
import { WebsvmError } from '../errors.js';
import { sameBytes } from './bytes.js';

/** A saved history no sequence of calls could have reached (kind `InvalidHistory`), with its sizes. */
const invalidHistory = (reason: string, { capacity, indexBuckets, entries }: SavedHistory<unknown>) =>
  new WebsvmError('InvalidHistory', reason, { capacity, indexBuckets, entries: entries.length });

/** The capacity LiteSVM's history is created with. */
const INITIAL_CAPACITY = 32;

/** Buckets hashbrown allocates for at least `items` items (a power of two, at most 7/8 full). */
function bucketsFor(items: number): number {
  if (items < 4) return 4;
  if (items < 8) return 8;
  if (items < 15) return 16;
  let buckets = 1;
  while (buckets < Math.floor((items * 8) / 7)) buckets *= 2;
  return buckets;
}

/** Items a hashbrown table of `buckets` buckets holds before it grows (an unallocated one: 0). */
const itemsIn = (buckets: number) => (buckets <= 8 ? Math.max(buckets - 1, 0) : (buckets / 8) * 7);

/** A hash of a signature's 64 bytes (FNV-1a over 32-bit words, cut to 30 bits so V8 keeps it a small integer): no string is built per lookup. */
export function signatureHash(signature: Uint8Array): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < 64; i += 4) {
    h = Math.imul(h ^ (signature[i]! | (signature[i + 1]! << 8) | (signature[i + 2]! << 16) | (signature[i + 3]! << 24)), 0x01000193);
  }
  return h & 0x3fffffff;
}

/** What a history holds: results that carry the signature they are recorded under. */
interface Signed {
  signature: Uint8Array;
}

/** A history's state as {@link TransactionHistory.saved} gives it. */
export interface SavedHistory<T> {
  capacity: number;
  indexBuckets: number;
  /** The results, oldest first. */
  entries: T[];
}

/** Fewest slots the ring grows to. */
const MIN_SLOTS = 32;

/** No slot (the end of a bucket's chain, an empty bucket). */
const NONE = -1;

/**
 * Transaction results by signature, oldest first, bounded as LiteSVM bounds them.
 *
 * The results sit in a ring of slots and the signature index is integer arrays over the slots,
 * not a `Map` of entry objects: recording a result allocates nothing. A `Map` that loses its
 * oldest key and gains a new one on every send is rehashed into a new table every few dozen
 * sends, and each discarded table points to its successor, so once one is promoted to the old
 * generation every later table and every result they hold survive the young-generation
 * collections until the next full one (history on cost 20-35 % of throughput, most of it there).
 */
export class TransactionHistory<T extends Signed> {
  /** The held results, `count` of them from `head` (the oldest) on, wrapping; other slots are empty. */
  private slots: (T | undefined)[] = [];
  private head = 0;
  private count = 0;
  /** Each slot's {@link signatureHash}. */
  private hashes = new Int32Array(0);
  /** The slot after each one in its bucket (older), or NONE. */
  private nexts = new Int32Array(0);
  /** The newest slot of each bucket (by hash modulo their number, a power of two at least twice the slots), or NONE. */
  private buckets = new Int32Array(0);
  /** The entry vector's capacity: the history size (the index never holds fewer). */
  private capacity = INITIAL_CAPACITY;
  /** Buckets of the hash index (0: none allocated). */
  private indexBuckets = bucketsFor(INITIAL_CAPACITY);

  /** Whether anything is kept. */
  get enabled(): boolean {
    return this.capacity !== 0;
  }

  get size(): number {
    return this.count;
  }

  /** The result recorded under `signature`. */
  get(signature: Uint8Array): T | undefined {
    const slot = this.find(signature);
    return slot === NONE ? undefined : this.slots[slot];
  }

  has(signature: Uint8Array): boolean {
    return this.find(signature) !== NONE;
  }

  /** The slot holding `signature`, or NONE. */
  private find(signature: Uint8Array, hash = signatureHash(signature)): number {
    if (signature.length !== 64 || this.count === 0) return NONE; // only a whole signature matches one
    let slot = this.buckets[hash & (this.buckets.length - 1)]!;
    while (slot !== NONE && !(this.hashes[slot] === hash && sameBytes(this.slots[slot]!.signature, signature))) slot = this.nexts[slot]!;
    return slot;
  }

  /** The slot of the `i`-th oldest result. */
  private slotAt(i: number): number {
    const slot = this.head + i;
    return slot < this.slots.length ? slot : slot - this.slots.length;
  }

  /**
   * Records a result under its signature (which must not change afterwards); when full, the
   * oldest entry goes first (even if the signature is already held).
   */
  add(value: T): void {
    if (this.capacity === 0) return;
    if (this.count === this.capacity) {
      this.unlink(this.head);
      this.slots[this.head] = undefined;
      this.head = this.slotAt(1);
      this.count--;
    }
    const hash = signatureHash(value.signature);
    const held = this.find(value.signature, hash);
    // A replaced entry keeps its place.
    if (held !== NONE) this.slots[held] = value;
    else this.push(value, hash);
  }

  /** Adds a result not held yet, as the newest. */
  private push(value: T, hash = signatureHash(value.signature)): void {
    if (this.count === this.slots.length) this.relayout(Math.max(MIN_SLOTS, 2 * this.count));
    const slot = this.slotAt(this.count++);
    this.slots[slot] = value;
    this.hashes[slot] = hash;
    this.link(slot);
  }

  /** Puts `slot` at the head of its bucket. */
  private link(slot: number): void {
    const bucket = this.hashes[slot]! & (this.buckets.length - 1);
    this.nexts[slot] = this.buckets[bucket]!;
    this.buckets[bucket] = slot;
  }

  /** Takes `slot` out of its bucket. */
  private unlink(slot: number): void {
    const bucket = this.hashes[slot]! & (this.buckets.length - 1);
    let at = this.buckets[bucket]!;
    if (at === slot) this.buckets[bucket] = this.nexts[slot]!;
    else {
      while (this.nexts[at] !== slot) at = this.nexts[at]!;
      this.nexts[at] = this.nexts[slot]!;
    }
  }

  /** Moves the held results (the oldest `count`) to a ring of `length` slots from slot 0, and rebuilds the index. */
  private relayout(length: number): void {
    const slots = new Array<T | undefined>(length).fill(undefined);
    const hashes = new Int32Array(length);
    for (let i = 0; i < this.count; i++) {
      const from = this.slotAt(i);
      slots[i] = this.slots[from];
      hashes[i] = this.hashes[from]!;
    }
    let buckets = 1;
    while (buckets < 2 * length) buckets *= 2;
    this.slots = slots;
    this.hashes = hashes;
    this.nexts = new Int32Array(length);
    this.buckets = new Int32Array(buckets).fill(NONE);
    this.head = 0;
    for (let i = 0; i < this.count; i++) this.link(i); // oldest first, so newest first in a bucket
  }

  /** The held results, oldest first. */
  private values(): T[] {
    const out: T[] = [];
    for (let i = 0; i < this.count; i++) out.push(this.slots[this.slotAt(i)]!);
    return out;
  }

  /** An independent copy (results shared: they are never changed), for snapshots. */
  copy(): TransactionHistory<T> {
    const out = new TransactionHistory<T>();
    out.restore(this);
    return out;
  }

  /** Becomes a copy of `other`. */
  restore(other: TransactionHistory<T>): void {
    const values = other.values();
    this.count = 0;
    this.relayout(values.length);
    for (const value of values) this.push(value);
    this.capacity = other.capacity;
    this.indexBuckets = other.indexBuckets;
  }

  /** What a saved state keeps of the history: its size rules' state and the results, oldest first. */
  saved(): SavedHistory<T> {
    return { capacity: this.capacity, indexBuckets: this.indexBuckets, entries: this.values() };
  }

  /** The history `saved` describes (throws when it is not one this class could have reached). */
  static fromSaved<T extends Signed>(saved: SavedHistory<T>): TransactionHistory<T> {
    const { capacity, indexBuckets, entries } = saved;
    if (indexBuckets !== 0 && (indexBuckets < 4 || (indexBuckets & (indexBuckets - 1)) !== 0 || indexBuckets > 2 ** 31)) {
      throw invalidHistory(`${indexBuckets} is not a hash index size`, saved);
    }
    if (entries.length > capacity) throw invalidHistory(`${entries.length} transactions exceed the history's capacity of ${capacity}`, saved);
    const out = new TransactionHistory<T>();
    for (const value of entries) {
      if (out.has(value.signature)) throw invalidHistory('a transaction is in the history twice', saved);
      out.push(value);
    }
    out.capacity = capacity;
    out.indexBuckets = indexBuckets;
    return out;
  }

  /** `with_transaction_history(capacity)`. */
  setCapacity(capacity: number): void {
    if (capacity <= this.capacity) this.truncate(capacity);
    else this.reserve(capacity - this.capacity);
  }

  /** `IndexMap::truncate` then `shrink_to_fit`: keeps the oldest `length` and allocates just those. */
  private truncate(length: number): void {
    this.count = Math.min(this.count, length);
    this.relayout(this.count);
    const held = this.size;
    this.capacity = held;
    if (held === 0) this.indexBuckets = 0;
    else this.indexBuckets = Math.min(this.indexBuckets, bucketsFor(held));
  }

  /** `IndexMap::reserve(additional)`: the index grows to fit, the entries up to the index's capacity. */
  private reserve(additional: number): void {
    const held = this.size;
    if (additional > itemsIn(this.indexBuckets) - held) {
      this.indexBuckets = bucketsFor(Math.max(held + additional, itemsIn(this.indexBuckets) + 1));
    }
    if (additional > this.capacity - held) {
      const indexCapacity = itemsIn(this.indexBuckets);
      this.capacity = indexCapacity - held > additional ? indexCapacity : held + additional;
    }
  }
}
