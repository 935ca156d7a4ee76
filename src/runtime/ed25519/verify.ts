/**
 * Ed25519 verification with ed25519-dalek's `verify_strict` rules, the ones Agave applies to
 * transaction signatures: s must be below the group order, neither the public key A nor R may have
 * small order, and [s]B - [k]A must encode to exactly R's bytes, where k = SHA-512(R ‖ A ‖ M) mod ℓ
 * (A's bytes as given, even a non-canonical y). OpenSSL accepts small-order A and R; LiteSVM does not.
 *
 * A key's first few verifications check [s]B - [k]A = R with half-size scalars (after Pornin,
 * "Optimized lattice basis reduction in dimension 2, and fast Schnorr and EdDSA signature
 * verification", 2020): the module's `halfScalars` finds u ≡ v·k (mod 8ℓ) with v odd and both
 * about 2^128, and with w = v·s mod ℓ one NAF ladder computes Q = [w]B - [u]A - [v]R over four
 * points, -A, -R, B and 2^128·B (Straus: 128 shared doublings instead of 253; the odd multiples
 * of B and 2^128·B are computed once); the signature holds exactly when Q is the identity.
 * Why that is verify_strict's verdict: compress is one-to-one and only outputs canonical
 * encodings, so compress([s]B - [k]A) equals R's bytes exactly when those bytes are the canonical
 * encoding of a point R (y < p, and not x = 0 with the sign bit set, which dalek decodes as
 * x = -0) and P = [s]B - [k]A - R is the identity. Every point's order divides 8ℓ, so
 * [u]A = [v·k]A for any key, torsion and all, and ℓB = 0 gives [w]B = [v·s]B: Q = [v]P. And v is
 * odd and 0 < |v| < ℓ, so v is prime to 8ℓ and [v] is one-to-one: Q = 0 exactly when P = 0.
 * Decoding R (a square root, in place of the inversion compress needs) and R's odd multiples
 * cost less than the 125 doublings saved. (Should the reduction fail, about one challenge in ten
 * million, the ladder of [k](-A) + [s]B over 253 doublings decides, compared with R's bytes.)
 *
 * A key in regular use then gets its own comb table of -A (radix 2^5), so [k](-A) costs 51
 * additions and 5 doublings, and [s]B comes from a fixed comb table of the base point (radix 2^8:
 * 32 additions, 8 doublings), built for the first such key; a key's table costs about three
 * ladders, so a key used once or twice never pays for one. A key that signs most transactions (a test's payer) later gets a radix-2^8
 * table like the base point's, and both combs then share one sum and its 8 doublings: 64
 * additions and 8 doublings in all, against 84 and 13. (A key table without the even/odd split,
 * added into the same sum, saves the 5 doublings and one addition but costs twice the memory and
 * 1.7 times the building, for no gain we could measure.)
 */
import { bytesKey, keyHash, sameBytes, sameBytesAt } from '../bytes.js';
import { fixedModule } from '../../crypto/fixed-modules.js';
import {
  BASE_NAF_WIDTH,
  BASE_ODD_MULTIPLES,
  emitEd25519,
  FE,
  KEY_NAF_WIDTH,
  NAF_STRIDE,
  NIELS,
  ODD_MULTIPLES,
  POINT,
  type Ed25519Exports,
  type Layout,
} from './module.js';
import { platformKeyUses, platformUses, platformVerdict } from './platform.js';
import { hasReducedY, hasSmallOrderY, isCanonicalScalar, isSignedZeroX, isSmallOrderEncoding } from './rules.js';

/** The base point's encoding. */
const BASE_POINT = Uint8Array.from({ length: 32 }, (_, i) => (i === 0 ? 0x58 : 0x66));

/**
 * A comb: a scalar's `digits` signed digits of `width` bits, and a table whose row j holds the
 * multiples 1 … 2^(width-1) of 2^(2·width·j)·P: the even digits use the rows directly, the odd
 * ones before `width` doublings of the sum.
 */
interface Comb {
  width: number;
  digits: number;
  /** Where its digits go in the module's digits area. */
  at: number;
}
/** For [s]B (s < 2^253) and for [k](-A) (k < ℓ). */
const BASE_COMB: Comb = { width: 8, digits: 32, at: 0 };
const KEY_COMB: Comb = { width: 5, digits: 51, at: 64 };
/** For [k](-A) of a key in constant use: the base point's shape, so the two combs share their doublings. */
const WIDE_KEY_COMB: Comb = { width: 8, digits: 32, at: 64 };
const rows = (comb: Comb) => (comb.digits + 1) >> 1;
const perRow = (comb: Comb) => 1 << (comb.width - 1);
/** Verifications of a key by ladder (half-size scalars) before it gets a table. */
const LADDER_USES = 3;
/**
 * Keys remembered (decoded point, validity): sets of {@link KEY_WAYS} chosen by a hash of the key's
 * bytes, a set's least recently used key making room for a new one. A lookup makes no string and no
 * map entry (a Map keyed by the bytes as a string cost ~5 µs a signature inside transactions).
 */
export const KEY_SET_BITS = 10;
export const KEY_WAYS = 4;
const MAX_KEYS = KEY_WAYS << KEY_SET_BITS;
/** How many keys keep a comb table (~50 kB each). */
const MAX_KEY_TABLES = 64;
/**
 * Verifications of a key before its table is widened to the base point's shape (building one costs
 * about twenty verifications, and saves a fifth of each), and how many keys keep one (~245 kB each).
 */
const WIDE_USES = 100;
const MAX_WIDE_TABLES = 4;

interface KeyState {
  /** -A as an extended point (the module's bytes), or undefined when A is refused. */
  negated: Uint8Array | undefined;
  /** Its comb table's address, or 0. */
  table: number;
  /** Its {@link WIDE_KEY_COMB} table's address, or 0 (it then has no other table). */
  wide: number;
  /** Verifications so far. */
  uses: number;
  /** The verifier's count of key lookups at its latest one (for least recently used). */
  lastUse: number;
}

/** The module instance, its tables and the keys it has seen. */
class Verifier {
  private readonly wasm: Ed25519Exports;
  private readonly layout: Layout;
  private bytes: Uint8Array;
  private heap: number;
  private readonly accumulator: number;
  private readonly keyPoint: number;
  private readonly rPoint: number;
  /** Odd multiples of the ladders' points: -A, -R, B and 2^128·B. */
  private readonly odd: number;
  private readonly oddR: number;
  private readonly oddB: number;
  private readonly oddHighB: number;
  /**
   * The ladders' odd-multiple addresses (i32), in the order of their digits: -A, B, -R, 2^128·B.
   * The full ladder uses the first two, half-size scalars all four.
   */
  private readonly ladderTables: number;
  private readonly scratch: number;
  /** B's comb table once a key has a table (0 before). */
  private baseTable = 0;
  /** The remembered keys' bytes and states, by slot (a set's slots are consecutive). */
  private readonly keyBytes = new Uint8Array(32 * MAX_KEYS);
  private readonly keyStates: (KeyState | undefined)[] = new Array<KeyState | undefined>(MAX_KEYS).fill(undefined);
  private lookups = 0;
  /**
   * Keys the platform verified more than once before this verifier started, with their counts,
   * until each is first seen here (a key it verified once is not looked for: a new key's bytes
   * become no string once these are all taken).
   */
  private readonly inherited = platformKeyUses(2);
  /** Keys holding a table. */
  private readonly tabled: KeyState[] = [];
  private readonly freeTables: number[] = [];
  /** Keys holding a wide table. */
  private readonly widened: KeyState[] = [];
  private readonly freeWideTables: number[] = [];
  /** Where R ‖ A ‖ M goes for hashing, and its room (a longer message gets new room). */
  private hashed: number;
  private hashedRoom = 64 + 1232;

  constructor() {
    const { module, meta: layout } = fixedModule('ed25519', typeof WEBSVM_CARRIES_FIXED_MODULES === 'undefined' ? emitEd25519 : undefined);
    this.wasm = new WebAssembly.Instance(module).exports as unknown as Ed25519Exports;
    this.wasm.initialize();
    this.layout = layout;
    this.heap = layout.heap;
    this.bytes = new Uint8Array(this.wasm.memory.buffer);
    this.accumulator = this.alloc(2 * POINT);
    this.keyPoint = this.alloc(POINT);
    this.rPoint = this.alloc(POINT);
    this.odd = this.alloc(2 * ODD_MULTIPLES * POINT);
    this.oddR = this.odd + ODD_MULTIPLES * POINT;
    this.oddB = this.alloc(BASE_ODD_MULTIPLES * NIELS);
    this.oddHighB = this.alloc(BASE_ODD_MULTIPLES * NIELS);
    this.ladderTables = this.alloc(16);
    const entries = Math.max(...[BASE_COMB, KEY_COMB].map((comb) => rows(comb) * perRow(comb)));
    this.scratch = this.alloc(entries * (POINT + FE));
    this.hashed = this.alloc(this.hashedRoom);
    this.bytes.set(BASE_POINT, layout.bytesIn);
    this.wasm.decompress(this.keyPoint);
    this.oddNiels(this.oddB, BASE_ODD_MULTIPLES);
    this.wasm.doubleTimes(this.keyPoint, 128);
    this.oddNiels(this.oddHighB, BASE_ODD_MULTIPLES);
    // multiLadder takes an odd address for Niels entries
    const tables = new DataView(this.wasm.memory.buffer);
    [this.odd, this.oddB + 1, this.oddR, this.oddHighB + 1].forEach((at, j) => tables.setUint32(this.ladderTables + 4 * j, at, true));
  }

  /** The odd multiples P, 3P, 5P … (`count` of them) of the point P at `keyPoint`, as Niels entries at `table`. */
  private oddNiels(table: number, count: number): void {
    this.wasm.oddMultiples(this.scratch, this.keyPoint, count, 0);
    this.wasm.toNiels(table, this.scratch, count, this.scratch + count * POINT);
  }

  /** `bytes` of fresh memory (grown as needed). */
  private alloc(bytes: number): number {
    const at = this.heap;
    this.heap += bytes;
    const missing = this.heap - this.wasm.memory.buffer.byteLength;
    if (missing > 0) {
      this.wasm.memory.grow(Math.ceil(missing / 65536));
      this.bytes = new Uint8Array(this.wasm.memory.buffer);
    }
    return at;
  }

  /** Fills `table` with the comb of the point at `keyPoint` (which it consumes). */
  private buildTable(table: number, comb: Comb): void {
    const entries = rows(comb) * perRow(comb);
    for (let row = 0; row < rows(comb); row++) {
      this.wasm.multiplesRow(this.scratch + row * perRow(comb) * POINT, this.keyPoint, perRow(comb), 2 * comb.width);
    }
    this.wasm.toNiels(table, this.scratch, entries, this.scratch + entries * POINT);
  }

  /**
   * `acc` = the sum over `parts` of each comb's digits (already written) times its table. The combs
   * share one width, so the odd digits of all are added, the sum doubled `width` times once, and
   * then the even digits of all added.
   */
  private combs(acc: number, parts: readonly [comb: Comb, table: number][]): void {
    const { wasm } = this;
    const width = parts[0]![0].width;
    for (const [comb, table] of parts) wasm.prefetch(this.layout.digits + comb.at, comb.digits, table, perRow(comb), 0);
    wasm.identity(acc);
    for (const [comb, table] of parts) wasm.addDigits(acc, this.layout.digits + comb.at + 1, comb.digits >> 1, table, perRow(comb));
    wasm.doubleTimes(acc, width);
    for (const [comb, table] of parts) wasm.addDigits(acc, this.layout.digits + comb.at, (comb.digits + 1) >> 1, table, perRow(comb));
  }

  /**
   * The state of public key `a`, decoded and checked on first sight; the platform's verifications
   * of it count towards its tables.
   */
  private key(a: Uint8Array): KeyState {
    const first = keyHash(a, 0, KEY_SET_BITS) * KEY_WAYS;
    let room = first;
    for (let slot = first; slot < first + KEY_WAYS; slot++) {
      const state = this.keyStates[slot];
      if (state === undefined) {
        room = slot;
        break;
      }
      if (sameBytesAt(this.keyBytes, 32 * slot, a)) {
        state.lastUse = ++this.lookups;
        return state;
      }
      if (state.lastUse < this.keyStates[room]!.lastUse) room = slot;
    }
    this.bytes.set(a, this.layout.bytesIn);
    let negated: Uint8Array | undefined;
    if (!hasSmallOrderY(a) && this.wasm.decompress(this.keyPoint)) {
      this.wasm.negate(this.keyPoint);
      negated = this.bytes.slice(this.keyPoint, this.keyPoint + POINT);
    }
    const previous = this.keyStates[room];
    if (previous) this.forget(previous);
    const state: KeyState = { negated, table: 0, wide: 0, uses: this.inheritedUses(a), lastUse: ++this.lookups };
    this.keyStates[room] = state;
    this.keyBytes.set(a, 32 * room);
    return state;
  }

  /** The platform's count of verifications of key `a`, taken over (0 if it has none). */
  private inheritedUses(a: Uint8Array): number {
    if (this.inherited.size === 0) return 0;
    const id = bytesKey(a);
    const uses = this.inherited.get(id) ?? 0;
    this.inherited.delete(id);
    return uses;
  }

  /** Lets a key's tables go (the key itself is being replaced). */
  private forget(state: KeyState): void {
    if (state.table) this.release(state);
    if (state.wide) this.releaseWide(state);
  }

  private release(state: KeyState): void {
    this.freeTables.push(state.table);
    removeFrom(this.tabled, state);
    state.table = 0;
  }

  /** Takes a key's wide table back; the key starts over towards a table of its own. */
  private releaseWide(state: KeyState): void {
    this.freeWideTables.push(state.wide);
    removeFrom(this.widened, state);
    state.wide = 0;
    state.uses = 0;
  }

  /** Gives a key verified before its comb table (the least recently used key's is reused). */
  private giveTable(state: KeyState): void {
    if (this.tabled.length >= MAX_KEY_TABLES) this.release(leastRecentlyUsed(this.tabled));
    const table = this.freeTables.pop() ?? this.alloc(rows(KEY_COMB) * perRow(KEY_COMB) * NIELS);
    this.bytes.set(state.negated!, this.keyPoint);
    this.buildTable(table, KEY_COMB);
    state.table = table;
    this.tabled.push(state);
  }

  /** Gives a key in constant use a wide comb table, in place of its table (the least recently used key's is reused). */
  private giveWideTable(state: KeyState): void {
    if (this.widened.length >= MAX_WIDE_TABLES) this.releaseWide(leastRecentlyUsed(this.widened));
    if (state.table) this.release(state);
    const table = this.freeWideTables.pop() ?? this.alloc(rows(WIDE_KEY_COMB) * perRow(WIDE_KEY_COMB) * NIELS);
    this.bytes.set(state.negated!, this.keyPoint);
    this.buildTable(table, WIDE_KEY_COMB);
    state.wide = table;
    this.widened.push(state);
  }

  /**
   * The key of a signature that passes the checks on bytes and whose key decodes, with k at the
   * module's `scalar`; undefined for a signature refused already.
   */
  private prepare(signature: Uint8Array, message: Uint8Array, publicKey: Uint8Array): KeyState | undefined {
    if (signature.length !== 64 || publicKey.length !== 32) return undefined;
    const r = signature.subarray(0, 32);
    if (!isCanonicalScalar(signature.subarray(32)) || isSmallOrderEncoding(r)) return undefined;
    const key = this.key(publicKey);
    if (!key.negated) return undefined;
    if (this.hashedRoom < 64 + message.length) this.hashed = this.alloc((this.hashedRoom = 64 + message.length));
    this.bytes.set(r, this.hashed);
    this.bytes.set(publicKey, this.hashed + 32);
    this.bytes.set(message, this.hashed + 64);
    this.wasm.challenge(this.hashed, 64 + message.length); // k, at the module's `scalar`
    return key;
  }

  verify(signature: Uint8Array, message: Uint8Array, publicKey: Uint8Array): boolean {
    const key = this.prepare(signature, message, publicKey);
    if (!key) return false;
    const r = signature.subarray(0, 32);
    const s = signature.subarray(32);
    if (key.uses < LADDER_USES) {
      key.uses++;
      return this.halfSizeVerdict(key, r, s) ?? this.ladderVerdict(key, r, s);
    }
    const sum = this.accumulator;
    if (!this.sharedCombs(sum, key, s)) {
      const keyPart = this.accumulator + POINT;
      this.timesBase(sum, s);
      this.timesKey(keyPart, key);
      this.wasm.addPoint(sum, keyPart);
    }
    return this.encodes(sum, r);
  }

  /**
   * For tests: a new key's verdicts by half-size scalars (undefined when they leave it to the
   * ladder) and by the full ladder, whatever the key's uses.
   */
  freshVerdicts(signature: Uint8Array, message: Uint8Array, publicKey: Uint8Array): [half: boolean | undefined, ladder: boolean] {
    const key = this.prepare(signature, message, publicKey);
    if (!key) return [false, false];
    const r = signature.subarray(0, 32);
    const s = signature.subarray(32);
    const k = this.bytes.slice(this.layout.scalar, this.layout.scalar + 32);
    const half = this.halfSizeVerdict(key, r, s);
    this.bytes.set(k, this.layout.scalar);
    return [half, this.ladderVerdict(key, r, s)];
  }

  /** Whether `p` encodes to exactly the bytes `r`. */
  private encodes(p: number, r: Uint8Array): boolean {
    this.wasm.compress(p);
    return sameBytes(this.bytes.subarray(this.layout.bytesOut, this.layout.bytesOut + 32), r);
  }

  /** [s]B + [k](-A) encodes to R's bytes (k at the module's `scalar`), by the full ladder. */
  private ladderVerdict(key: KeyState, r: Uint8Array, s: Uint8Array): boolean {
    this.ladder(this.accumulator, key, s);
    return this.encodes(this.accumulator, r);
  }

  /**
   * The same verdict by half-size scalars (k at the module's `scalar`, which this overwrites): R's
   * bytes are a canonical encoding and Q = [w]B - [u]A - [v]R is the identity (see the file's
   * comment); undefined when no half-size scalars were found.
   */
  private halfSizeVerdict(key: KeyState, r: Uint8Array, s: Uint8Array): boolean | undefined {
    if (!hasReducedY(r) || isSignedZeroX(r)) return false;
    const { bytes, layout } = this;
    bytes.set(r, layout.bytesIn);
    bytes.set(s, layout.scalarIn);
    bytes.set(key.negated!, this.keyPoint);
    const verdict = this.wasm.halfSizeCheck(this.accumulator, this.keyPoint, this.rPoint, this.odd, this.oddR, this.oddB, this.oddHighB, this.ladderTables);
    return verdict === 2 ? undefined : verdict === 1;
  }

  /**
   * out = [s]B + [k](-A) (k at the module's `scalar`) through two combs of the same shape sharing
   * one sum, for a key in constant use once B's table exists; false (nothing done) otherwise.
   */
  private sharedCombs(out: number, key: KeyState, s: Uint8Array): boolean {
    if (this.baseTable === 0 || (key.wide === 0 && key.uses < WIDE_USES)) return false;
    key.uses++;
    if (!key.wide) this.giveWideTable(key);
    this.writeCombDigits(s, 0, BASE_COMB);
    this.writeCombDigits(this.bytes, this.layout.scalar, WIDE_KEY_COMB);
    this.combs(out, [
      [BASE_COMB, this.baseTable],
      [WIDE_KEY_COMB, key.wide],
    ]);
    return true;
  }

  /** out = [s]B by B's comb table (built on first use). */
  private timesBase(out: number, s: Uint8Array): void {
    if (this.baseTable === 0) {
      this.baseTable = this.alloc(rows(BASE_COMB) * perRow(BASE_COMB) * NIELS);
      this.bytes.set(BASE_POINT, this.layout.bytesIn);
      this.wasm.decompress(this.keyPoint);
      this.buildTable(this.baseTable, BASE_COMB);
    }
    this.writeCombDigits(s, 0, BASE_COMB);
    this.combs(out, [[BASE_COMB, this.baseTable]]);
  }

  /**
   * out = [k](-A) + [s]B (k at the module's `scalar`) by one NAF ladder over the odd multiples of
   * -A and of B, sharing its doublings (a key's first few verifications).
   */
  private ladder(out: number, key: KeyState, s: Uint8Array): void {
    this.bytes.set(key.negated!, this.keyPoint);
    this.wasm.oddMultiples(this.odd, this.keyPoint, ODD_MULTIPLES, 1);
    const { digits, scalar } = this.layout;
    this.bytes.set(s, this.layout.scalarIn);
    const length = Math.max(this.wasm.naf(scalar, 32, digits, KEY_NAF_WIDTH), this.wasm.naf(this.layout.scalarIn, 32, digits + NAF_STRIDE, BASE_NAF_WIDTH));
    // B's entries are cold between transactions: loaded first, their misses overlap (as in halfSizeCheck)
    this.wasm.prefetch(digits + NAF_STRIDE, length, this.oddB, 0, 1);
    this.wasm.identity(out);
    if (length > 0) this.wasm.multiLadder(out, digits, 2, length, this.ladderTables);
  }

  /** out = [k](-A) (k at the module's `scalar`) by the key's comb table (built on first use). */
  private timesKey(out: number, key: KeyState): void {
    key.uses++;
    if (!key.table) this.giveTable(key);
    this.writeCombDigits(this.bytes, this.layout.scalar, KEY_COMB);
    this.combs(out, [[KEY_COMB, key.table]]);
  }

  /** The comb's signed digits of the 32-byte scalar below 2^253 at `scalar[from…]`, into its place in the digits area. */
  private writeCombDigits(scalar: Uint8Array, from: number, { width, digits: count, at: offset }: Comb): void {
    const out = this.bytes;
    const at = this.layout.digits + offset;
    const mask = (1 << width) - 1;
    const half = 1 << (width - 1);
    let carry = 0;
    for (let i = 0; i < count; i++) {
      const bit = i * width;
      const byte = bit >> 3;
      const window = ((scalar[from + byte]! | (byte < 31 ? scalar[from + byte + 1]! << 8 : 0)) >> (bit & 7)) & mask;
      let digit = window + carry;
      carry = digit >= half ? 1 : 0;
      digit -= carry << width;
      out[at + i] = digit & 0xff;
    }
  }
}

/** Takes `state` out of `holders` (its order does not matter). */
function removeFrom(holders: KeyState[], state: KeyState): void {
  const at = holders.indexOf(state);
  holders[at] = holders[holders.length - 1]!;
  holders.pop();
}

/** The key of `holders` whose latest lookup is the oldest. */
function leastRecentlyUsed(holders: readonly KeyState[]): KeyState {
  return holders.reduce((oldest, state) => (state.lastUse < oldest.lastUse ? state : oldest));
}

let verifier: Verifier | undefined;

/**
 * Until ours runs, signatures by one key the platform verifies before ours takes the key over.
 * Ours is faster once a key has its tables (28 µs against 78–90), but a process's first hand-over
 * costs 6–11 ms (the module's set-up and lazily compiled code, B's table, then the key's), which
 * takes a couple of hundred verifications to win back: a test file of a few dozen transactions
 * never pays it. Once it runs, ours verifies every signature: a new key's full ladder (85–90 µs
 * alone, and half-size scalars take about 0.78 of that) was already as fast as OpenSSL's reading of
 * the key and verification (~95 µs), and much faster inside transactions, where caches are cold
 * (a new key ~97 against ~150 µs in a bundle of bench/programs.bench.ts).
 */
export const PLATFORM_USES = 256;
/** Platform verifications in all after which ours runs even if no key was used {@link PLATFORM_USES} times. */
export const PLATFORM_VERIFICATIONS = 512;
let platformVerifications = 0;

/**
 * {@link verifyStrict} by our WebAssembly verifier alone (where the platform has no Ed25519, e.g.
 * browsers; for what it cannot decide; once it runs).
 */
export function wasmVerifyStrict(signature: Uint8Array, message: Uint8Array, publicKey: Uint8Array): boolean {
  return (verifier ??= new Verifier()).verify(signature, message, publicKey);
}

/**
 * For tests: a signature's verdicts as a new key's by half-size scalars (undefined when they leave
 * it to the ladder) and by the full ladder of [k](-A) + [s]B.
 */
export function freshVerdicts(signature: Uint8Array, message: Uint8Array, publicKey: Uint8Array): [half: boolean | undefined, ladder: boolean] {
  return (verifier ??= new Verifier()).freshVerdicts(signature, message, publicKey);
}

/**
 * Whether `signature` is a valid Ed25519 signature of `message` by `publicKey` under
 * `verify_strict`: by the platform's verifier where its answer is the same (./platform.ts) while
 * ours does not run yet and the key is not in regular use, else by ours.
 */
export function verifyStrict(signature: Uint8Array, message: Uint8Array, publicKey: Uint8Array): boolean {
  if (verifier === undefined && platformVerifications < PLATFORM_VERIFICATIONS && platformUses(publicKey) < PLATFORM_USES) {
    const verdict = platformVerdict(signature, message, publicKey);
    if (verdict !== undefined) {
      platformVerifications++;
      return verdict;
    }
  }
  return wasmVerifyStrict(signature, message, publicKey);
}
