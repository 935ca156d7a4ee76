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

/** One held result, chained to the next (older) one in its bucket. */
interface Entry<T> {
  hash: number;
  value: T;
  next: Entry<T> | undefined;
}

/** A history's state as {@link TransactionHistory.saved} gives it. */
export interface SavedHistory<T> {
  capacity: number;
  indexBuckets: number;
  /** The results, oldest first. */
  entries: T[];
}

/** Fewest buckets of the signature index. */
const MIN_BUCKETS = 64;

/** `n` empty buckets. */
const emptyBuckets = <T>(n: number): (Entry<T> | undefined)[] => new Array<Entry<T> | undefined>(n).fill(undefined);

/**
 * Transaction results by signature, oldest first, bounded as LiteSVM bounds them.
 *
 * The signature index is an array of buckets, not a `Map`: a `Map` that loses its oldest key and
 * gains a new one on every send is rehashed into a new table every few dozen sends, and each
 * discarded table points to its successor, so once one is promoted to the old generation every
 * later table and every result they hold survives the young-generation collections until the
 * next full one (history on cost 20-35 % of throughput, most of it in those collections).
 */
export class TransactionHistory<T extends Signed> {
  /** Entries by {@link signatureHash} modulo the bucket count (a power of two, at least twice the entries held), newest first in a bucket. */
  private buckets = emptyBuckets<T>(MIN_BUCKETS);
  /** Entries in insertion order from `head` on (the map's own order, kept so eviction is O(1)); evicted slots are cleared. */
  private order: (Entry<T> | undefined)[] = [];
  private head = 0;
  /** The entry vector's capacity: the history size (the index never holds fewer). */
  private capacity = INITIAL_CAPACITY;
  /** Buckets of the hash index (0: none allocated). */
  private indexBuckets = bucketsFor(INITIAL_CAPACITY);

  /** Whether anything is kept. */
  get enabled(): boolean {
    return this.capacity !== 0;
  }

  get size(): number {
    return this.order.length - this.head;
  }

  /** The result recorded under `signature`. */
  get(signature: Uint8Array): T | undefined {
    return this.find(signature)?.value;
  }

  has(signature: Uint8Array): boolean {
    return this.find(signature) !== undefined;
  }

  private find(signature: Uint8Array, hash = signatureHash(signature)): Entry<T> | undefined {
    if (signature.length !== 64) return undefined; // only a whole signature matches one
    let e = this.buckets[hash & (this.buckets.length - 1)];
    while (e && !(e.hash === hash && sameBytes(e.value.signature, signature))) e = e.next;
    return e;
  }

  /**
   * Records a result under its signature (which must not change afterwards); when full, the
   * oldest entry goes first (even if the signature is already held).
   */
  add(value: T): void {
    if (this.capacity === 0) return;
    if (this.size === this.capacity) {
      this.unlink(this.order[this.head]!);
      this.order[this.head++] = undefined; // an evicted result must not stay reachable until the next compaction
    }
    const hash = signatureHash(value.signature);
    const held = this.find(value.signature, hash);
    // A replaced entry keeps its place.
    if (held) held.value = value;
    else this.push(value, hash);
    if (this.head > 1024 && this.head * 2 > this.order.length) {
      this.order = this.order.slice(this.head);
      this.head = 0;
    }
  }

  /** Adds a result not held yet, as the newest. */
  private push(value: T, hash = signatureHash(value.signature)): void {
    const entry: Entry<T> = { hash, value, next: undefined };
    this.order.push(entry);
    if (this.size * 2 > this.buckets.length) this.reindex();
    else this.link(entry);
  }

  /** Puts `entry` at the head of its bucket. */
  private link(entry: Entry<T>): void {
    const i = entry.hash & (this.buckets.length - 1);
    entry.next = this.buckets[i];
    this.buckets[i] = entry;
  }

  /** Rebuilds the index over the held entries, with the fewest buckets that hold them (oldest linked first, so newest first in a bucket). */
  private reindex(): void {
    let n = MIN_BUCKETS;
    while (n < this.size * 2) n *= 2;
    this.buckets = emptyBuckets(n);
    for (let i = this.head; i < this.order.length; i++) this.link(this.order[i]!);
  }

  /** Takes `entry` out of its bucket (not out of `order`). */
  private unlink(entry: Entry<T>): void {
    const i = entry.hash & (this.buckets.length - 1);
    let e = this.buckets[i];
    if (e === entry) this.buckets[i] = entry.next;
    else {
      while (e!.next !== entry) e = e!.next;
      e!.next = entry.next;
    }
  }

  /** The held results, oldest first. */
  private values(): T[] {
    const out: T[] = [];
    for (let i = this.head; i < this.order.length; i++) out.push(this.order[i]!.value);
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
    this.order = [];
    this.head = 0;
    this.buckets = emptyBuckets(MIN_BUCKETS);
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
    while (this.size > length) this.unlink(this.order.pop()!);
    this.order = this.order.slice(this.head);
    this.head = 0;
    this.reindex();
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
