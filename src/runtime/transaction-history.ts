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
import { bytesKey } from './bytes.js';

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

/** A signature's 64 bytes as a map key (one UTF-16 unit per byte: cheap, unlike base58). */
export const signatureKey = (signature: Uint8Array): string => bytesKey(signature);

/** A history's state as {@link TransactionHistory.saved} gives it. */
export interface SavedHistory<T> {
  capacity: number;
  indexBuckets: number;
  /** Keys ({@link signatureKey}) and results, oldest first. */
  entries: [string, T][];
}

/** Transaction results by signature, oldest first, bounded as LiteSVM bounds them. */
export class TransactionHistory<T> {
  private readonly entries = new Map<string, T>();
  /** Keys in insertion order from `head` on (the map's own order, kept so eviction is O(1)). */
  private order: string[] = [];
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
    return this.entries.size;
  }

  /** The result recorded under `key` ({@link signatureKey}). */
  get(key: string): T | undefined {
    return this.entries.get(key);
  }

  has(key: string): boolean {
    return this.entries.has(key);
  }

  /** Records a result; when full, the oldest entry goes first (even if `key` is already held). */
  add(key: string, value: T): void {
    if (this.capacity === 0) return;
    if (this.entries.size === this.capacity) this.entries.delete(this.order[this.head++]);
    const held = this.entries.size;
    this.entries.set(key, value);
    if (this.entries.size > held) this.order.push(key); // new, not a replaced entry
    if (this.head > 1024 && this.head * 2 > this.order.length) {
      this.order = this.order.slice(this.head);
      this.head = 0;
    }
  }

  /** An independent copy (entries shared: they are never changed), for snapshots. */
  copy(): TransactionHistory<T> {
    const out = new TransactionHistory<T>();
    for (const [key, value] of this.entries) out.entries.set(key, value);
    out.order = this.order.slice(this.head);
    out.capacity = this.capacity;
    out.indexBuckets = this.indexBuckets;
    return out;
  }

  /** Becomes a copy of `other`. */
  restore(other: TransactionHistory<T>): void {
    const copy = other.copy();
    this.entries.clear();
    for (const [key, value] of copy.entries) this.entries.set(key, value);
    this.order = copy.order;
    this.head = 0;
    this.capacity = copy.capacity;
    this.indexBuckets = copy.indexBuckets;
  }

  /** What a saved state keeps of the history: its size rules' state and the entries, oldest first. */
  saved(): SavedHistory<T> {
    return { capacity: this.capacity, indexBuckets: this.indexBuckets, entries: [...this.entries] };
  }

  /** The history `saved` describes (throws when it is not one this class could have reached). */
  static fromSaved<T>(saved: SavedHistory<T>): TransactionHistory<T> {
    const { capacity, indexBuckets, entries } = saved;
    if (indexBuckets !== 0 && (indexBuckets < 4 || (indexBuckets & (indexBuckets - 1)) !== 0 || indexBuckets > 2 ** 31)) {
      throw invalidHistory(`${indexBuckets} is not a hash index size`, saved);
    }
    if (entries.length > capacity) throw invalidHistory(`${entries.length} transactions exceed the history's capacity of ${capacity}`, saved);
    const out = new TransactionHistory<T>();
    for (const [key, value] of entries) {
      if (out.entries.has(key)) throw invalidHistory('a transaction is in the history twice', saved);
      out.entries.set(key, value);
      out.order.push(key);
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
    while (this.entries.size > length) this.entries.delete(this.order.pop()!);
    this.order = this.order.slice(this.head);
    this.head = 0;
    const held = this.entries.size;
    this.capacity = held;
    if (held === 0) this.indexBuckets = 0;
    else this.indexBuckets = Math.min(this.indexBuckets, bucketsFor(held));
  }

  /** `IndexMap::reserve(additional)`: the index grows to fit, the entries up to the index's capacity. */
  private reserve(additional: number): void {
    const held = this.entries.size;
    if (additional > itemsIn(this.indexBuckets) - held) {
      this.indexBuckets = bucketsFor(Math.max(held + additional, itemsIn(this.indexBuckets) + 1));
    }
    if (additional > this.capacity - held) {
      const indexCapacity = itemsIn(this.indexBuckets);
      this.capacity = indexCapacity - held > additional ? indexCapacity : held + additional;
    }
  }
}
