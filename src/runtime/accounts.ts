/**
 * The accounts store. Stored accounts are treated as immutable values: a transaction works on
 * copies and commits by replacing entries, so a snapshot is a shallow copy of the map and a failed
 * or simulated transaction needs no rollback at all.
 */
import { keyHash, NO_BYTES, sameBytes } from './bytes.js';
import bs58 from 'bs58';
import { base58Of32, bytesOfBase58Address } from './base58.js';
import { WebsvmError } from '../errors.js';

/** An account as the runtime holds it (owner as base58, like every key here). */
export interface Account {
  lamports: bigint;
  data: Uint8Array;
  owner: string;
  executable: boolean;
  rentEpoch: bigint;
}

/** rent_epoch of every account created after rent collection ended. */
export const RENT_EXEMPT_EPOCH = 0xffff_ffff_ffff_ffffn;

/** A zero-lamport, empty, system-owned account (what a missing address loads as). */
export function emptyAccount(): Account {
  return { lamports: 0n, data: NO_BYTES, owner: '11111111111111111111111111111111', executable: false, rentEpoch: RENT_EXEMPT_EPOCH };
}

/** Whether `a` and `b` hold the same lamports, owner, executable flag and data (rent epochs aside). */
export function sameAccountState(a: Account, b: Account): boolean {
  return a.lamports === b.lamports && a.owner === b.owner && a.executable === b.executable && sameBytes(a.data, b.data);
}

/** A deep copy (the data bytes are copied). */
export function cloneAccount(a: Account): Account {
  return { lamports: a.lamports, data: new Uint8Array(a.data), owner: a.owner, executable: a.executable, rentEpoch: a.rentEpoch };
}

/**
 * A copy sharing the data bytes, for loading into a transaction: its context copies them before
 * the first in-place write (`dataMut`), and everything else replaces the array, so stored bytes
 * never change and a program's ELF is not copied per transaction.
 */
export function shareAccount(a: Account): Account {
  return { lamports: a.lamports, data: a.data, owner: a.owner, executable: a.executable, rentEpoch: a.rentEpoch };
}

/**
 * Accounts by address, with O(n)-pointer snapshots. An account may be stored as a function that
 * makes it, called when the account is first read (a default program's ELF is read from disk only
 * if a test uses the program); to every reader it is an account like the others.
 */
export class AccountsDb {
  private map: Map<string, Account>;
  /** Accounts not made yet, by address (never also in `map`). */
  private pending: Map<string, () => Account>;

  constructor(entries?: Map<string, Account>, pending?: Map<string, () => Account>) {
    this.map = entries ?? new Map();
    this.pending = pending ?? new Map();
  }

  /** The stored account (do not mutate it), or undefined. Zero-lamport accounts do not exist. */
  get(address: string): Account | undefined {
    const account = this.map.get(address);
    if (account !== undefined || this.pending.size === 0) return account;
    const make = this.pending.get(address);
    if (make === undefined) return undefined;
    this.pending.delete(address);
    this.set(address, make());
    return this.map.get(address);
  }

  /** Stores `account` under `address` (a zero-lamport account is removed, as Agave purges it). */
  set(address: string, account: Account): void {
    this.pending.delete(address);
    if (account.lamports === 0n) this.map.delete(address);
    else this.map.set(address, account);
  }

  /** Stores the account `make` returns under `address`, calling it when the account is first read. */
  setLazily(address: string, make: () => Account): void {
    this.map.delete(address);
    this.pending.set(address, make);
  }

  /** All stored (address, account) pairs. */
  entries(): IterableIterator<[string, Account]> {
    for (const address of [...this.pending.keys()]) this.get(address);
    return this.map.entries();
  }

  /** A snapshot that later `restore` brings back. */
  snapshot(): AccountsDb {
    return new AccountsDb(new Map(this.map), new Map(this.pending));
  }

  /** Replaces the contents with those of `snapshot`. */
  restore(snapshot: AccountsDb): void {
    this.map = new Map(snapshot.map);
    this.pending = new Map(snapshot.pending);
  }
}

/*
 * Address conversions sit on the per-transaction path (every key of every message), and base58
 * is slow; the same keys recur, so both directions are memoized (bounded). A key first met as
 * bytes (a message's new signer or account) is decoded again later in the same transaction, so
 * encoding one also remembers its bytes for decoding.
 */
const MAX_MEMO = 1 << 16;
const fromBase58 = new Map<string, Uint8Array>();
function rememberBytes(address: string, bytes: Uint8Array): void {
  if (fromBase58.size >= MAX_MEMO) fromBase58.clear();
  fromBase58.set(address, bytes);
}

/**
 * base58 of key bytes to text, direct-mapped by a hash of the 32 bytes: a hit allocates nothing
 * (a Map keyed by the bytes as a string would build that string for every lookup). The slots come
 * in small segments made on first use (a test file's few dozen keys land in as many segments): one
 * array of all of them lands in V8's large-object space, whose fresh pages cost a process's first
 * encoding about a millisecond, and a segment of 1 024 slots costs 70–90 µs to make, one of 256 15–19 µs.
 */
const TEXT_SLOT_BITS = 14;
const TEXT_SLOTS = 1 << TEXT_SLOT_BITS;
const SEGMENT_BITS = 8;
const SEGMENT_SLOTS = 1 << SEGMENT_BITS;
interface MemoSegment {
  /** Each slot's 32 key bytes. */
  readonly bytes: Uint8Array;
  readonly text: (string | undefined)[];
}
const memo: (MemoSegment | undefined)[] = new Array<MemoSegment | undefined>(TEXT_SLOTS / SEGMENT_SLOTS).fill(undefined);
const newSegment = (): MemoSegment => ({ bytes: new Uint8Array(32 * SEGMENT_SLOTS), text: new Array<string | undefined>(SEGMENT_SLOTS).fill(undefined) });
/** The memo segment that holds `slot` (made on first use). */
const segmentOf = (slot: number): MemoSegment => (memo[slot >>> SEGMENT_BITS] ??= newSegment());

/** base58 of 32 key bytes (of any other length, computed without the memo). */
export function encodeAddress(bytes: Uint8Array): string {
  return bytes.length === 32 ? encodeAddressAt(bytes, 0) : bs58.encode(bytes);
}

/**
 * {@link encodeAddress} of the 32 bytes of `source` from `at` (a hit makes no view of them).
 * `remember` false: the caller keeps the bytes where {@link addressBytesIn} finds them, so the
 * text is not remembered for decoding (a message's new keys: no copy and no entry per key).
 */
export function encodeAddressAt(source: Uint8Array, at: number, remember = true): string {
  const slot = keyHash(source, at, TEXT_SLOT_BITS);
  const segment = segmentOf(slot);
  const inSegment = slot & (SEGMENT_SLOTS - 1);
  const stored = segment.bytes;
  const text = segment.text[inSegment];
  const from = inSegment * 32;
  if (text !== undefined) {
    let i = 0;
    while (i < 32 && stored[from + i] === source[at + i]) i++;
    if (i === 32) return text;
  }
  const encoded = base58Of32(source, at);
  rememberText(segment, inSegment, source, at, encoded);
  if (remember && !fromBase58.has(encoded)) rememberBytes(encoded, stored.slice(from, from + 32));
  return encoded;
}

/** Stores `text` as the encoding of the key bytes of `source` from `at`, in their slot (`inSegment` of `segment`). */
function rememberText(segment: MemoSegment, inSegment: number, source: Uint8Array, at: number, text: string): void {
  const from = inSegment * 32;
  for (let i = 0; i < 32; i++) segment.bytes[from + i] = source[at + i]!;
  segment.text[inSegment] = text;
}

/**
 * The 32 bytes of `address`, which `source` holds from `at`: the remembered ones when
 * {@link decodeAddress} knows them (no view), else a view of `source`.
 */
export function addressBytesIn(address: string, source: Uint8Array, at: number): Uint8Array {
  return fromBase58.get(address) ?? source.subarray(at, at + 32);
}

/** Whether `text` is a base58 address (32 bytes), as kit's `isAddress` decides, without loading kit. */
export function isAddressText(text: unknown): text is string {
  return typeof text === 'string' && text.length >= 32 && text.length <= 44 && bytesOfBase58Address(text) !== undefined;
}

/**
 * The 32 bytes of a base58 address; a malformed one is refused with a `WebsvmError` of kind
 * `InvalidAddress` (its text as `address`). Shared: never mutate the result.
 */
export function decodeAddress(address: string): Uint8Array {
  let bytes = fromBase58.get(address);
  if (bytes === undefined) {
    const decoded = typeof address === 'string' ? bytesOfBase58Address(address) : undefined;
    if (decoded === undefined) {
      const other = typeof address === 'string' ? bs58.decodeUnsafe(address) : undefined;
      const why = other ? `${other.length} bytes` : 'not base58';
      throw new WebsvmError('InvalidAddress', `Invalid address ${String(address)}: ${why}`, { address: String(address) });
    }
    bytes = decoded;
    rememberBytes(address, bytes);
    // Both ways: a key met as text first (an account set, a signer funded) is found again when a message brings its bytes.
    const slot = keyHash(bytes, 0, TEXT_SLOT_BITS);
    rememberText(segmentOf(slot), slot & (SEGMENT_SLOTS - 1), bytes, 0, address);
  }
  return bytes;
}
