/**
 * Curve25519 arithmetic for Ed25519 verification, emitted as a WebAssembly module with our JIT's
 * emitter (i64 limb products run at native speed there, unlike BigInt or float code in JS), and
 * the challenge k = SHA-512(R ‖ A ‖ M) mod ℓ: hashed and reduced here, it costs a third of
 * node:crypto's hash plus a BigInt reduction, and inside transactions (caches cold) it saved
 * ~12 µs of a 78 µs verification.
 *
 * Field elements mod p = 2^255 - 19 have ten signed limbs of 26 and 25 bits alternately; in
 * working memory each limb is an i64 (80 bytes), in precomputed tables an i32 (40 bytes). A
 * product's limbs are carried back to about 2^25, so sums of a few products can be multiplied
 * again without overflowing the i64 accumulators.
 *
 * Points are on -x^2 + y^2 = 1 + d x^2 y^2, in the coordinates of Hisil, Wong, Carter and Dawson:
 * extended (X:Y:Z:T) with x = X/Z, y = Y/Z, xy = T/Z; "completed" (E, F, G, H), a sum or double
 * before its last multiplications (X = EF, Y = GH, Z = FG, T = EH); "cached" (Y+X, Y-X, Z, 2dT)
 * for a point added many times; and affine "Niels" (y+x, y-x, 2dxy) for table entries. Every
 * function works on memory addressed by the caller; verification handles public data only, so
 * nothing here needs to run in constant time.
 */
import { type EmittedModule } from '../../crypto/fixed-modules.js';
import { edwardsD, P25519 as P, sqrtM1 } from '../../crypto/edwards25519.js';
import { emitInverse } from '../../crypto/inverse.js';
import { NARROW_BITS, narrowLimbs } from '../../crypto/montgomery.js';
import { type Code, ModuleBuilder, ValType } from '../../jit/wasm/index.js';
import { L } from './rules.js';

const I32 = ValType.I32;
const I64 = ValType.I64;

/** Limb widths and their bit offsets. */
const BITS = [26, 25, 26, 25, 26, 25, 26, 25, 26, 25];
const SHIFT = BITS.map((_, i) => BITS.slice(0, i).reduce((a, b) => a + b, 0));

/** Limbs of {@link NARROW_BITS} bits the inversion takes an element below p in. */
const NARROW_LIMBS = narrowLimbs(P);
/** Bytes of a field element in working memory (ten i64) and in tables (ten i32). */
export const FE = 80;
const TABLE_FE = 40;
/** Bytes of an extended, completed or cached point, and of a Niels table entry. */
export const POINT = 4 * FE;
export const NIELS = 3 * TABLE_FE;
/** Odd multiples a ladder uses per point (NAF digits up to ±15), and the bytes of one point's digits. */
export const ODD_MULTIPLES = 8;
/** The NAF width of those digits. */
export const KEY_NAF_WIDTH = Math.log2(ODD_MULTIPLES) + 2;
/**
 * The odd multiples of B (and of 2^128·B) the ladders use, and the width of their digits: they are
 * computed once, as Niels entries, so wider digits than a key's (about 28 additions instead of 42
 * for 253 bits) cost nothing per verification.
 */
export const BASE_ODD_MULTIPLES = 64;
export const BASE_NAF_WIDTH = Math.log2(BASE_ODD_MULTIPLES) + 2;
export const NAF_STRIDE = 256;
/** Bytes of the digits area: NAF digits for up to four points. */
const DIGITS = 4 * NAF_STRIDE;

/** The ten limbs of 0 ≤ x < 2^255. */
function limbs(x: bigint): bigint[] {
  return BITS.map((b, i) => (x >> BigInt(SHIFT[i])) & ((1n << BigInt(b)) - 1n));
}

/** Where the caller passes data (byte addresses). */
export interface Layout {
  /** A 32-byte encoding to decode (8 bytes of slack after it). */
  bytesIn: number;
  /** The last encoding written by `compress` (8 bytes of slack after it). */
  bytesOut: number;
  /** {@link DIGITS} bytes for signed digits (i8). */
  digits: number;
  /** 64 bytes (8 of slack after them) that `reduceScalar` reads and replaces by 32, where `challenge` leaves k. */
  scalar: number;
  /** 64 bytes where `halfScalars` writes |u| and v. */
  halves: number;
  /** 32 bytes for a scalar the caller passes (s, for `naf` and `timesV`). */
  scalarIn: number;
  /** First free byte: the caller's points and tables go from here. */
  heap: number;
}

/** An instance's exports (pointers are byte addresses in `memory`; points are extended unless said). */
export interface Ed25519Exports {
  memory: WebAssembly.Memory;
  /** Stores the module's constants; call once first. */
  initialize(): void;
  /** Decodes the encoding at `bytesIn` into `p` (y may be up to 2^255 - 1, as dalek takes it); 0 if it is not a point. */
  decompress(p: number): number;
  /** Encodes `p` at `bytesOut`. */
  compress(p: number): void;
  /** Replaces the 64-byte little-endian number at `scalar` by its value mod ℓ (32 bytes). */
  reduceScalar(): void;
  /**
   * For the challenge k < ℓ at `scalar`: |u| and v (32 little-endian bytes each) at `halves`, with
   * u ≡ v·k (mod 8ℓ), v odd and positive, both below 2^160 (about 2^128); returns u's sign (1 or
   * -1), or 0 when the reduction found none (a quotient of 2^30 or more on its way).
   */
  halfScalars(): number;
  /** (v·s) mod ℓ at `scalar` (32 bytes) for v at `halves + 32` (below 2^160) and s at `scalarIn`. */
  timesV(): void;
  /**
   * The width-`width` NAF digits (odd, below 2^(width-1) in magnitude, or 0; width ≤ 8) of the
   * `length`-byte little-endian scalar at `scalar` (16 or 32 bytes, below 2^253), least significant
   * first, as 256 i8 at `out`: the form {@link multiLadder} reads. Returns how many digits there
   * are up to the top non-zero one.
   */
  naf(scalar: number, length: number, out: number, width: number): number;
  /** SHA-512 of the `length` bytes at `at`, reduced mod ℓ, at `scalar` (32 bytes): Ed25519's k for `at` = R ‖ A ‖ M. */
  challenge(at: number, length: number): void;
  /** Decodes the ristretto255 encoding at `bytesIn` into `p`; 0 if it is not a canonical encoding of a point. */
  ristrettoDecompress(p: number): number;
  /** Encodes `p`'s ristretto255 class at `bytesOut`. */
  ristrettoCompress(p: number): void;
  identity(p: number): void;
  negate(p: number): void;
  /** `acc += q`. */
  addPoint(acc: number, q: number): void;
  /** `acc = 2^n·acc` (n ≥ 1). */
  doubleTimes(acc: number, n: number): void;
  /**
   * `acc += Σ_j digit_j·table_j[|digit_j| - 1]` over `count` i8 digits at `digits`, `digits + 2`,
   * … (every other one), table row j being `perRow` Niels multiples.
   */
  addDigits(acc: number, digits: number, count: number, table: number, perRow: number): void;
  /**
   * Loads the Niels entries `count` consecutive digits at `digits` will add into the cache: digit i
   * adds entry (|d| - 1) >> `shift` of row i >> 1 (a comb: shift 0; a NAF's odd multiples: perRow 0, shift 1).
   */
  prefetch(digits: number, count: number, table: number, perRow: number, shift: number): void;
  /** `row[i] = (i+1)·base` as extended points for i < `perRow`; then `base = 2^spacing·base`. */
  multiplesRow(row: number, base: number, perRow: number, spacing: number): void;
  /** Writes the `count` extended points at `points` as Niels entries at `table` (`prefix`: count·FE bytes of scratch). */
  toNiels(table: number, points: number, count: number, prefix: number): void;
  /** A, 3A, 5A … (`count` of them) of `p` at `odd`: cached points, or extended ones when `cached` is 0. */
  oddMultiples(odd: number, p: number, count: number, cached: number): void;
  /**
   * `acc = 2^length·acc + Σ_j Σ_i naf_j,i·2^i·A_j` over i < `length`, for `count` points A_j sharing
   * their doublings (Straus; a single point is count 1): point j's i8 digits (odd or 0, below
   * 2·m_j in magnitude) at `naf + j·NAF_STRIDE`, its m_j odd multiples at the address the i32 at
   * `odd + 4j` holds: cached points (from {@link oddMultiples}), or Niels entries (from
   * {@link toNiels}, for points whose multiples are kept) when that address is odd, the entries
   * then starting one byte before it.
   */
  multiLadder(acc: number, naf: number, count: number, length: number, odd: number): void;
  /**
   * A new key's check by half-size scalars (see ./verify.ts), from k at `scalar`, R's encoding at
   * `bytesIn`, s at `scalarIn` and -A at `key`, with the odd multiples of B and 2^128·B and the
   * ladder's `tables` (-A, B, -R, 2^128·B): 1 when [w]B - [u]A - [v]R is the identity, else 0 (also
   * when R does not decode); 2 when no half-size scalars were found (k stays at `scalar`).
   */
  halfSizeCheck(acc: number, key: number, r: number, oddKey: number, oddR: number, oddB: number, oddHighB: number, tables: number): number;
}

/** The module's bytes, and where its callers put data (see crypto/fixed-modules.ts). */
export function emitEd25519(): EmittedModule<Layout> {
  const mb = new ModuleBuilder();
  mb.defineMemory(16);
  let next = 0;
  const alloc = (bytes: number) => {
    const at = next;
    next += (bytes + 15) & ~15;
    return at;
  };
  const fe = () => alloc(FE);
  const point = () => alloc(POINT);
  const bytesIn = alloc(48);
  const bytesOut = alloc(48);
  const bytesTmp = alloc(48);
  const digits = alloc(DIGITS);
  const scalar = alloc(72);
  const scalarIn = alloc(48);

  const constants: [number, bigint][] = [];
  const constant = (value: bigint) => {
    const at = fe();
    constants.push([at, value]);
    return at;
  };
  const ZERO = constant(0n);
  const ONE = constant(1n);
  const D = edwardsD();
  const CURVE_D = constant(D);
  const D2 = constant((2n * D) % P);
  const SQRTM1 = constant(sqrtM1());

  const exported = new Map<string, number>();
  /** Adds a function of `params` i32 parameters; `body` gets their local indexes. */
  const define = (name: string | undefined, params: number, results: ValType[], body: (c: Code, ...p: number[]) => void): number => {
    const { index, code } = mb.addFunction(new Array(params).fill(I32), results);
    body(code, ...Array.from({ length: params }, (_, i) => i));
    if (name) exported.set(name, index);
    return index;
  };
  /** Pushes `base + offset` (a local plus a constant) or a constant address. */
  const at = (c: Code, base: number | undefined, offset: number) => (base === undefined ? c.i32Const(offset) : c.localGet(base).i32Const(offset).i32Add());
  type Ref = [base: number | undefined, offset: number];
  const call = (c: Code, f: number, ...args: (Ref | number)[]) => {
    for (const a of args) {
      if (typeof a === 'number') c.i32Const(a);
      else at(c, a[0], a[1]);
    }
    c.call(f);
  };

  // --- field arithmetic ---

  /** Carries the i64 limb locals h..h+9 back to about 2^25 each (rounding, so limbs stay signed). */
  const carry = (c: Code, h: number, t: number) => {
    for (const i of [0, 4, 1, 5, 2, 6, 3, 7, 4, 8, 9, 0]) {
      const next = (i + 1) % 10;
      c.localGet(h + i)
        .i64Const(0, 1 << (BITS[i] - 1))
        .i64Add()
        .i64Const(0, BITS[i])
        .i64ShrS()
        .localSet(t);
      c.localGet(h + next).localGet(t);
      if (i === 9) c.i64Const(0, 19).i64Mul();
      c.i64Add().localSet(h + next);
      c.localGet(h + i)
        .localGet(t)
        .i64Const(0, BITS[i])
        .i64Shl()
        .i64Sub()
        .localSet(h + i);
    }
  };
  const store = (c: Code, ptr: number, h: number) => {
    for (let i = 0; i < 10; i++)
      c.localGet(ptr)
        .localGet(h + i)
        .i64Store(8 * i, 3);
  };

  /**
   * h = f·g: 100 limb products; odd-by-odd ones are doubled (their bit offsets add up to one more
   * than their limb's), and a column's products past 2^255 are summed and fold back times 19 once
   * (2^255 ≡ 19): fewer values live than with a 19·g_j operand per limb, which V8 spilled.
   */
  const mulFn = (gInTable: boolean) =>
    define(undefined, 3, [], (c, hp, fp, gp) => {
      const f = c.locals(10, I64),
        g = c.locals(10, I64),
        f2 = c.locals(10, I64),
        h = c.locals(10, I64),
        t = c.locals(1, I64);
      for (let i = 0; i < 10; i++) {
        c.localGet(fp)
          .i64Load(8 * i, 3)
          .localSet(f + i);
        if (gInTable)
          c.localGet(gp)
            .i32Load(4 * i, 2)
            .i64ExtendI32S()
            .localSet(g + i);
        else
          c.localGet(gp)
            .i64Load(8 * i, 3)
            .localSet(g + i);
      }
      for (let i = 1; i < 10; i += 2)
        c.localGet(f + i)
          .localGet(f + i)
          .i64Add()
          .localSet(f2 + i);
      // column k: the products below 2^255, and 19 times those past it
      for (let k = 0; k < 10; k++) {
        for (const wrap of [false, true]) {
          const is = Array.from({ length: 10 }, (_, i) => i).filter((i) => i > k === wrap);
          is.forEach((i, n) => {
            const j = (k - i + 10) % 10;
            c.localGet(i % 2 && j % 2 ? f2 + i : f + i)
              .localGet(g + j)
              .i64Mul();
            if (n) c.i64Add();
          });
          if (wrap && is.length) c.i64Const(0, 19).i64Mul().i64Add();
        }
        c.localSet(h + k);
      }
      carry(c, h, t);
      store(c, hp, h);
    });
  const mul = mulFn(false);
  const mulTable = mulFn(true);

  /**
   * Limb locals h = f^2, carried: 55 products, each column's summed by their factor (1, 2 or 4: both
   * ways, odd by odd) in shifts, and times 19 once past 2^255. Only f is live: operands 2f_i, 19f_j
   * and 38f_j made V8 spill (a squaring took 1.1-1.2 times as long).
   */
  const squareInto = (c: Code, h: number, f: number, t: number) => {
    for (let k = 0; k < 10; k++) {
      // products by where they fold (0: below 2^255, 1: past it) and the log of their factor
      const pairs: [number, number][][][] = [0, 1].map(() => [[], [], []]);
      for (let i = 0; i < 10; i++) {
        const j = (k - i + 10) % 10;
        if (j >= i) pairs[i + j >= 10 ? 1 : 0]![(i !== j ? 1 : 0) + (i % 2 && j % 2 ? 1 : 0)]!.push([i, j]);
      }
      pairs.forEach((byLog, wrap) => {
        // Horner over the factors 4, 2, 1
        let log = -1;
        for (const l of [2, 1, 0]) {
          if (!byLog[l]!.length) continue;
          if (log >= 0) c.i64Const(0, log - l).i64Shl();
          byLog[l]!.forEach(([i, j], m) => {
            c.localGet(f + i)
              .localGet(f + j)
              .i64Mul();
            if (m) c.i64Add();
          });
          if (log >= 0) c.i64Add();
          log = l;
        }
        if (log > 0) c.i64Const(0, log).i64Shl();
        // (every column has products below 2^255: f_0·f_k)
        if (wrap && log >= 0) c.i64Const(0, 19).i64Mul().i64Add();
      });
      c.localSet(h + k);
    }
    carry(c, h, t);
  };
  /** h = f^(2^n), n ≥ 1, the limbs kept in locals. */
  const squareTimes = define(undefined, 3, [], (c, hp, fp, n) => {
    const f = c.locals(10, I64),
      h = c.locals(10, I64),
      t = c.locals(1, I64);
    for (let i = 0; i < 10; i++)
      c.localGet(fp)
        .i64Load(8 * i, 3)
        .localSet(f + i);
    c.loop();
    squareInto(c, h, f, t);
    for (let i = 0; i < 10; i++) c.localGet(h + i).localSet(f + i);
    c.localGet(n).i32Const(1).i32Sub().localTee(n).brIf(0).end();
    store(c, hp, f);
  });
  const square = (c: Code, h: Ref | number, f: Ref | number) => call(c, squareTimes, h, f, 1);

  const limbwise = (op: (c: Code) => void) =>
    define(undefined, 3, [], (c, hp, fp, gp) => {
      for (let i = 0; i < 10; i++) {
        c.localGet(hp)
          .localGet(fp)
          .i64Load(8 * i, 3)
          .localGet(gp)
          .i64Load(8 * i, 3);
        op(c);
        c.i64Store(8 * i, 3);
      }
    });
  const add = limbwise((c) => c.i64Add());
  const sub = limbwise((c) => c.i64Sub());
  /** Copies `n` bytes (a multiple of 8). */
  const copy = define(undefined, 3, [], (c, dst, src, n) => {
    c.block().loop();
    c.localGet(n).i32Eqz().brIf(1);
    c.localGet(dst).localGet(src).i64Load(0, 3).i64Store(0, 3);
    c.localGet(dst).i32Const(8).i32Add().localSet(dst);
    c.localGet(src).i32Const(8).i32Add().localSet(src);
    c.localGet(n).i32Const(8).i32Sub().localSet(n);
    c.br(0).end().end();
  });

  /** z^(2^250 - 1) into `out` and z^11 into `z11` (the start of the square root's exponentiation). */
  const [t0, t1, t2, t3] = [fe(), fe(), fe(), fe()];
  const pow250 = define(undefined, 3, [], (c, out, z, z11) => {
    const sq = (h: number, f: number, n: number) => call(c, squareTimes, h, f, n);
    const m = (h: number, f: number, g: number) => call(c, mul, h, f, g);
    call(c, squareTimes, t0, [z, 0], 1); // z^2
    sq(t1, t0, 2); // z^8
    call(c, mul, t1, [z, 0], t1); // z^9
    call(c, mul, [z11, 0], t1, t0); // z^11
    call(c, squareTimes, t2, [z11, 0], 1); // z^22
    m(t1, t2, t1); // z^(2^5 - 1)
    // z^(2^a - 1) → z^(2^(a+b) - 1): square b times, multiply by z^(2^b - 1)
    sq(t2, t1, 5);
    m(t1, t2, t1); // 2^10 - 1 in t1
    sq(t2, t1, 10);
    m(t2, t2, t1); // 2^20 - 1 in t2
    sq(t3, t2, 20);
    m(t2, t3, t2); // 2^40 - 1
    sq(t2, t2, 10);
    m(t1, t2, t1); // 2^50 - 1 in t1
    sq(t2, t1, 50);
    m(t2, t2, t1); // 2^100 - 1 in t2
    sq(t3, t2, 100);
    m(t2, t3, t2); // 2^200 - 1
    sq(t2, t2, 50);
    call(c, mul, [out, 0], t2, t1); // 2^250 - 1
  });
  const [powOut, z11] = [fe(), fe()];
  /** h = z^((p - 5)/8) = z^(2^252 - 3). */
  const pow22523 = define(undefined, 2, [], (c, h, z) => {
    call(c, pow250, powOut, [z, 0], z11);
    call(c, squareTimes, powOut, powOut, 2);
    call(c, mul, [h, 0], powOut, [z, 0]);
  });

  /**
   * The canonical 32 bytes of f (its value mod p) at `out` (8 bytes of slack): add 4p so every
   * limb is positive, carry twice (leaving a value below 2^255), then subtract p once if the
   * value plus 19 reaches 2^255.
   */
  const fourP = limbs(P).map((l) => 4n * l);
  const toBytes = define(undefined, 2, [], (c, out, fp) => {
    const h = c.locals(10, I64),
      q = c.locals(1, I64);
    for (let i = 0; i < 10; i++)
      c.localGet(fp)
        .i64Load(8 * i, 3)
        .i64ConstBig(fourP[i])
        .i64Add()
        .localSet(h + i);
    const pass = (wrap: boolean) => {
      for (let i = 0; i < 10; i++) {
        c.localGet(h + i)
          .i64Const(0, BITS[i])
          .i64ShrU()
          .localSet(q);
        c.localGet(h + i)
          .i64Const(0, (1 << BITS[i]) - 1)
          .i64And()
          .localSet(h + i);
        if (i < 9)
          c.localGet(h + i + 1)
            .localGet(q)
            .i64Add()
            .localSet(h + i + 1);
        else if (wrap) c.localGet(h).localGet(q).i64Const(0, 19).i64Mul().i64Add().localSet(h);
      }
    };
    pass(true);
    pass(true);
    c.localGet(h).i64Const(0, 19).i64Add().i64Const(0, BITS[0]).i64ShrU().localSet(q);
    for (let i = 1; i < 10; i++)
      c.localGet(h + i)
        .localGet(q)
        .i64Add()
        .i64Const(0, BITS[i])
        .i64ShrU()
        .localSet(q);
    c.localGet(h).localGet(q).i64Const(0, 19).i64Mul().i64Add().localSet(h);
    pass(false);
    for (let i = 0; i < 4; i++)
      c.localGet(out)
        .i64Const(0, 0)
        .i64Store(8 * i);
    for (let i = 0; i < 10; i++) {
      const byte = SHIFT[i] >> 3;
      c.localGet(out)
        .localGet(out)
        .i64Load(byte)
        .localGet(h + i)
        .i64Const(0, SHIFT[i] & 7)
        .i64Shl()
        .i64Or()
        .i64Store(byte);
    }
  });
  /** Stores at `hp` the limbs of the 32 little-endian bytes at the constant address `from` (8 bytes of slack after them), top bit ignored. */
  const limbsOfBytes = (c: Code, hp: number, from: number) => {
    for (let i = 0; i < 10; i++) {
      c.localGet(hp)
        .i32Const(from)
        .i64Load(SHIFT[i] >> 3)
        .i64Const(0, SHIFT[i] & 7)
        .i64ShrU();
      c.i64Const(0, (1 << BITS[i]) - 1)
        .i64And()
        .i64Store(8 * i, 3);
    }
  };
  /** h from the 32 bytes at `bytesIn`, top bit ignored (values from p to 2^255 - 1 taken as they are). */
  const fromBytes = define(undefined, 1, [], (c, hp) => limbsOfBytes(c, hp, bytesIn));

  /**
   * h = 1/z (0 for 0) by safegcd (crypto/inverse.ts, on nine limbs of 29 bits): a compress of
   * distinct points takes 2.0–2.2 µs with it, ~3.7 with the exponentiation z^(p - 2), and every
   * verification of a key in regular use ends with one. z goes there and back as canonical bytes.
   */
  const narrowIn = alloc(4 * NARROW_LIMBS);
  const narrowOut = alloc(4 * NARROW_LIMBS);
  const safegcd = emitInverse(mb, P, NARROW_LIMBS);
  const invert = define(undefined, 2, [], (c, h, z) => {
    call(c, toBytes, bytesTmp, [z, 0]);
    for (let k = 0; k < NARROW_LIMBS; k++) {
      const bit = NARROW_BITS * k;
      c.i32Const(narrowIn)
        .i32Const(bytesTmp)
        .i64Load(bit >> 3)
        .i64Const(0, bit & 7)
        .i64ShrU()
        .i32WrapI64()
        .i32Const(2 ** NARROW_BITS - 1)
        .i32And()
        .i32Store(4 * k, 2);
    }
    call(c, safegcd, narrowOut, narrowIn);
    for (let i = 0; i < 5; i++)
      c.i32Const(bytesTmp)
        .i64Const(0, 0)
        .i64Store(8 * i);
    for (let k = 0; k < NARROW_LIMBS; k++) {
      const bit = NARROW_BITS * k;
      c.i32Const(bytesTmp)
        .i32Const(bytesTmp)
        .i64Load(bit >> 3)
        .i32Const(narrowOut)
        .i64Load32U(4 * k, 2)
        .i64Const(0, bit & 7)
        .i64Shl()
        .i64Or()
        .i64Store(bit >> 3);
    }
    limbsOfBytes(c, h, bytesTmp);
  });
  /** 1 if f ≡ 0. */
  const isZero = define(undefined, 1, [I32], (c, fp) => {
    call(c, toBytes, bytesTmp, [fp, 0]);
    c.i32Const(bytesTmp)
      .i64Load(0)
      .i32Const(bytesTmp)
      .i64Load(8)
      .i64Or()
      .i32Const(bytesTmp)
      .i64Load(16)
      .i64Or()
      .i32Const(bytesTmp)
      .i64Load(24)
      .i64Or()
      .i64Eqz();
  });
  /** The low bit of f's canonical value (the "sign" of x in an encoding). */
  const parity = define(undefined, 1, [I32], (c, fp) => {
    call(c, toBytes, bytesTmp, [fp, 0]);
    c.i32Const(bytesTmp).i32Load8U(0).i32Const(1).i32And();
  });

  // --- points ---
  const [X, Y, Z, T] = [0, FE, 2 * FE, 3 * FE];
  const [E, F, G, H] = [0, FE, 2 * FE, 3 * FE];

  /** Completed → extended. */
  const toExtended = define(undefined, 2, [], (c, r, p) => {
    call(c, mul, [r, X], [p, E], [p, F]);
    call(c, mul, [r, Y], [p, G], [p, H]);
    call(c, mul, [r, Z], [p, F], [p, G]);
    call(c, mul, [r, T], [p, E], [p, H]);
  });
  /** Completed → X, Y, Z only (T is left stale: doubling does not read it). */
  const toProjective = define(undefined, 2, [], (c, r, p) => {
    call(c, mul, [r, X], [p, E], [p, F]);
    call(c, mul, [r, Y], [p, G], [p, H]);
    call(c, mul, [r, Z], [p, F], [p, G]);
  });

  /**
   * Defines a function of i32 pointers computing field elements that are sums of a few others limb
   * by limb in one pass (a call and a memory round trip less per add or sub): `limb` gets the
   * parameters, three i64 locals, and `load` and `put` for limb i of the element at a pointer.
   */
  type LimbIo = { load: (ptr: number) => Code; put: (ptr: number, offset: number, value: () => void) => void };
  const limbwiseFn = (params: number, limb: (c: Code, p: number[], v: number[], io: LimbIo) => void) =>
    define(undefined, params, [], (c) => {
      const p = Array.from({ length: params }, (_, i) => i);
      const v = Array.from({ length: 3 }, () => c.locals(1, I64));
      for (let o = 0; o < FE; o += 8)
        limb(c, p, v, {
          load: (ptr) => c.localGet(ptr).i64Load(o, 3),
          put: (ptr, offset, value) => {
            c.localGet(ptr);
            value();
            c.i64Store(offset + o, 3);
          },
        });
    });
  /** s = a + b, d = a - b. */
  const sumDiff = limbwiseFn(4, (c, [s, d, a, b], [x, y], { load, put }) => {
    load(a).localSet(x);
    load(b).localSet(y);
    put(s, 0, () => c.localGet(x).localGet(y).i64Add());
    put(d, 0, () => c.localGet(x).localGet(y).i64Sub());
  });

  /** r (completed) = 2p from p's X, Y, Z: E = (X+Y)^2 - X^2 - Y^2, G = Y^2 - X^2, F = G - 2Z^2, H = -X^2 - Y^2. */
  const [xx, yy, zz, sum] = [fe(), fe(), fe(), fe()];
  /** r (completed) from s = (X+Y)^2, X^2, Y^2 and Z^2. */
  const doubleSums = limbwiseFn(5, (c, [r, s, x2, y2, z2], [a, b, z], { load, put }) => {
    load(x2).localSet(a);
    load(y2).localSet(b);
    load(z2).localSet(z);
    put(r, G, () => c.localGet(b).localGet(a).i64Sub());
    put(r, H, () => c.i64Const(0, 0).localGet(a).i64Sub().localGet(b).i64Sub());
    put(r, E, () => load(s).localGet(a).i64Sub().localGet(b).i64Sub());
    put(r, F, () => c.localGet(b).localGet(a).i64Sub().localGet(z).i64Sub().localGet(z).i64Sub());
  });
  // the four squares in one function: no call or memory round trip for each, nor for X+Y
  const double = define(undefined, 2, [], (c, r, p) => {
    const f = c.locals(10, I64),
      h = c.locals(10, I64),
      t = c.locals(1, I64);
    for (const [out, sources] of [
      [xx, [X]],
      [yy, [Y]],
      [zz, [Z]],
      [sum, [X, Y]],
    ] as const) {
      for (let i = 0; i < 10; i++) {
        sources.forEach((offset, n) => {
          c.localGet(p).i64Load(offset + 8 * i, 3);
          if (n) c.i64Add();
        });
        c.localSet(f + i);
      }
      squareInto(c, h, f, t);
      for (let i = 0; i < 10; i++)
        c.i32Const(out)
          .localGet(h + i)
          .i64Store(8 * i, 3);
    }
    call(c, doubleSums, [r, 0], sum, xx, yy, zz);
  });

  /**
   * r (completed) = p + q, or p - q when `negate`, for q Niels (`niels`: a table entry, Z = 1) or
   * cached. With A = (Y1-X1)(y2-x2), B = (Y1+X1)(y2+x2), C = T1·2d·t2 and D = 2·Z1·Z2: E = B - A,
   * F = D - C, G = D + C, H = B + A. Subtracting swaps q's y+x and y-x and negates C.
   */
  const [ypx, ymx, pa, pb, pc, pd] = [fe(), fe(), fe(), fe(), fe(), fe()];
  /** r (completed) from A, B, C and D/2 (`negate`: with -C, as (C xor m) - m for m = -negate). */
  const addSums = limbwiseFn(6, (c, [r, a, b, cc, halfD, negate], [x, y, m], { load, put }) => {
    load(a).localSet(x);
    load(b).localSet(y);
    put(r, E, () => c.localGet(y).localGet(x).i64Sub());
    put(r, H, () => c.localGet(y).localGet(x).i64Add());
    load(halfD).localTee(x).localGet(x).i64Add().localSet(x);
    c.i64Const(0, 0).localGet(negate).i64ExtendI32U().i64Sub().localSet(m);
    load(cc).localGet(m).i64Xor().localGet(m).i64Sub().localSet(y);
    put(r, F, () => c.localGet(x).localGet(y).i64Sub());
    put(r, G, () => c.localGet(x).localGet(y).i64Add());
  });
  const addFn = (niels: boolean) =>
    define(undefined, 4, [], (c, r, p, q, negate) => {
      const size = niels ? TABLE_FE : FE;
      const m = niels ? mulTable : mul;
      call(c, sumDiff, ypx, ymx, [p, Y], [p, X]);
      c.i32Const(pa).i32Const(ymx).localGet(q);
      at(c, q, size).localGet(negate).select().call(m);
      c.i32Const(pb).i32Const(ypx);
      at(c, q, size).localGet(q).localGet(negate).select().call(m);
      call(c, m, pc, [p, T], [q, niels ? 2 * size : 3 * size]);
      if (!niels) call(c, mul, pd, [p, Z], [q, 2 * size]);
      call(c, addSums, [r, 0], pa, pb, pc, niels ? [p, Z] : pd, [negate, 0]);
    });
  const addNiels = addFn(true);
  const addCached = addFn(false);

  /** r (cached) from p. */
  const toCached = define(undefined, 2, [], (c, r, p) => {
    call(c, sumDiff, [r, 0], [r, FE], [p, Y], [p, X]);
    call(c, copy, [r, 2 * FE], [p, Z], FE);
    call(c, mul, [r, 3 * FE], [p, T], D2);
  });

  const identityFn = define('identity', 1, [], (c, p) => {
    call(c, copy, [p, X], ZERO, FE);
    call(c, copy, [p, Y], ONE, FE);
    call(c, copy, [p, Z], ONE, FE);
    call(c, copy, [p, T], ZERO, FE);
  });
  const negateFn = define('negate', 1, [], (c, p) => {
    call(c, sub, [p, X], ZERO, [p, X]);
    call(c, sub, [p, T], ZERO, [p, T]);
  });

  const completed = point();
  const doubleTimes = define('doubleTimes', 2, [], (c, acc, n) => {
    c.loop();
    call(c, double, completed, [acc, 0]);
    c.localGet(n).i32Const(1).i32Sub().localTee(n).if();
    call(c, toProjective, [acc, 0], completed);
    c.br(1).end().end();
    call(c, toExtended, [acc, 0], completed);
  });

  const cachedQ = point();
  define('addPoint', 2, [], (c, acc, q) => {
    call(c, toCached, cachedQ, [q, 0]);
    c.i32Const(completed).localGet(acc).i32Const(cachedQ).i32Const(0).call(addCached);
    call(c, toExtended, [acc, 0], completed);
  });

  /** The i8 at the address on the stack. */
  const loadDigit = (c: Code) => c.i32Load8U(0).i32Const(24).i32Shl().i32Const(24).i32ShrS();
  /** |d| - 1 for the i32 local d ≠ 0. */
  const magnitudeIndex = (c: Code, d: number) => c.i32Const(0).localGet(d).i32Sub().localGet(d).localGet(d).i32Const(0).i32LtS().select().i32Const(1).i32Sub();

  /**
   * Loads a word of every cache line of the Niels entries that `count` consecutive digits at
   * `digits` pick, so that their misses (tables are cold between transactions) overlap instead of
   * stalling each addition in turn. Digit i picks entry (|d| - 1) >> `shift` of row i >> 1, rows
   * being `perRow` entries apart: a comb's (digits 2j and 2j+1 from row j, shift 0), or with
   * `perRow` 0 and shift 1 a NAF's odd multiples.
   */
  const prefetchFn = define('prefetch', 5, [], (c, digitsAt, count, table, perRow, shift) => {
    const [d, i, touched] = [c.locals(1, I32), c.locals(1, I32), c.locals(1, I32)];
    c.block().loop();
    c.localGet(i).localGet(count).i32GeU().brIf(1);
    c.localGet(digitsAt).localGet(i).i32Add();
    loadDigit(c).localTee(d).if();
    c.localGet(table).localGet(i).i32Const(1).i32ShrU().localGet(perRow).i32Mul().i32Const(NIELS).i32Mul().i32Add();
    magnitudeIndex(c, d).localGet(shift).i32ShrU().i32Const(NIELS).i32Mul().i32Add().localSet(d);
    for (const offset of [0, 60, NIELS - 4]) c.localGet(touched).localGet(d).i32Load(offset).i32Xor().localSet(touched);
    c.end();
    c.localGet(i).i32Const(1).i32Add().localSet(i);
    c.br(0).end().end();
    c.i32Const(bytesTmp).localGet(touched).i32Store(0);
  });

  define('addDigits', 5, [], (c, acc, digitsAt, count, table, perRow) => {
    const d = c.locals(1, I32);
    c.block().loop();
    c.localGet(count).i32Eqz().brIf(1);
    c.localGet(digitsAt);
    loadDigit(c).localTee(d).if();
    c.i32Const(completed).localGet(acc).localGet(table);
    magnitudeIndex(c, d).i32Const(NIELS).i32Mul().i32Add();
    c.localGet(d).i32Const(0).i32LtS().call(addNiels);
    call(c, toExtended, [acc, 0], completed);
    c.end();
    c.localGet(digitsAt).i32Const(2).i32Add().localSet(digitsAt);
    c.localGet(table).localGet(perRow).i32Const(NIELS).i32Mul().i32Add().localSet(table);
    c.localGet(count).i32Const(1).i32Sub().localSet(count);
    c.br(0).end().end();
  });

  const baseCached = point();
  define('multiplesRow', 4, [], (c, row, base, perRow, spacing) => {
    const i = c.locals(1, I32);
    call(c, toCached, baseCached, [base, 0]);
    call(c, copy, [row, 0], [base, 0], POINT);
    c.i32Const(1).localSet(i);
    c.block().loop();
    c.localGet(i).localGet(perRow).i32GeU().brIf(1);
    // row[i] = row[i-1] + base
    c.i32Const(completed).localGet(row).i32Const(baseCached).i32Const(0).call(addCached);
    c.localGet(row).i32Const(POINT).i32Add().localTee(row).i32Const(completed).call(toExtended);
    c.localGet(i).i32Const(1).i32Add().localSet(i);
    c.br(0).end().end();
    c.localGet(base).localGet(spacing).call(doubleTimes);
  });

  const [inverse, zInverse, ax, ay, tmp] = [fe(), fe(), fe(), fe(), fe()];
  /** Stores working-memory f at table address `dst` (limbs fit in i32 after a carry). */
  const storeTable = define(undefined, 2, [], (c, dst, fp) => {
    for (let i = 0; i < 10; i++)
      c.localGet(dst)
        .localGet(fp)
        .i64Load(8 * i, 3)
        .i64Store32(4 * i, 2);
  });
  // Batch inversion: prefix products, one inversion, then each 1/Z_i walking back.
  define('toNiels', 4, [], (c, table, points, count, prefix) => {
    const i = c.locals(1, I32),
      pt = c.locals(1, I32),
      pre = c.locals(1, I32),
      entry = c.locals(1, I32);
    call(c, copy, [prefix, 0], [points, Z], FE);
    c.i32Const(1).localSet(i);
    c.block().loop();
    c.localGet(i).localGet(count).i32GeU().brIf(1);
    c.localGet(prefix).localGet(i).i32Const(FE).i32Mul().i32Add().localTee(pre);
    c.localGet(pre).i32Const(FE).i32Sub();
    c.localGet(points).localGet(i).i32Const(POINT).i32Mul().i32Add().i32Const(Z).i32Add().call(mul);
    c.localGet(i).i32Const(1).i32Add().localSet(i);
    c.br(0).end().end();
    c.i32Const(inverse).localGet(prefix).localGet(count).i32Const(1).i32Sub().i32Const(FE).i32Mul().i32Add().call(invert);
    c.localGet(count).localSet(i);
    c.block().loop();
    c.localGet(i).i32Eqz().brIf(1);
    c.localGet(i).i32Const(1).i32Sub().localSet(i);
    c.localGet(points).localGet(i).i32Const(POINT).i32Mul().i32Add().localSet(pt);
    c.localGet(i).if();
    c.i32Const(zInverse).i32Const(inverse).localGet(prefix).localGet(i).i32Const(1).i32Sub().i32Const(FE).i32Mul().i32Add().call(mul);
    call(c, mul, inverse, inverse, [pt, Z]);
    c.else();
    call(c, copy, zInverse, inverse, FE);
    c.end();
    call(c, mul, ax, [pt, X], zInverse);
    call(c, mul, ay, [pt, Y], zInverse);
    c.localGet(table).localGet(i).i32Const(NIELS).i32Mul().i32Add().localSet(entry);
    call(c, add, tmp, ay, ax);
    call(c, storeTable, [entry, 0], tmp);
    call(c, sub, tmp, ay, ax);
    call(c, storeTable, [entry, TABLE_FE], tmp);
    call(c, mul, tmp, ax, ay);
    call(c, mul, tmp, tmp, D2);
    call(c, storeTable, [entry, 2 * TABLE_FE], tmp);
    c.br(0).end().end();
  });

  const [twice, twiceCached, current] = [point(), point(), point()];
  const oddMultiplesFn = define('oddMultiples', 4, [], (c, odd, p, count, cached) => {
    /** odd = current, as a cached point or as it is. */
    const put = () => {
      c.localGet(cached).if();
      call(c, toCached, [odd, 0], current);
      c.else();
      call(c, copy, [odd, 0], current, POINT);
      c.end();
    };
    call(c, double, completed, [p, 0]);
    call(c, toExtended, twice, completed);
    call(c, toCached, twiceCached, twice);
    call(c, copy, current, [p, 0], POINT);
    put();
    c.block().loop();
    c.localGet(count).i32Const(1).i32Sub().localTee(count).i32Eqz().brIf(1);
    c.i32Const(completed).i32Const(current).i32Const(twiceCached).i32Const(0).call(addCached);
    call(c, toExtended, current, completed);
    c.localGet(odd).i32Const(POINT).i32Add().localSet(odd);
    put();
    c.br(0).end().end();
  });

  const multiLadderFn = define('multiLadder', 5, [], (c, acc, naf, count, length, odd) => {
    const [d, j, table] = [c.locals(1, I32), c.locals(1, I32), c.locals(1, I32)];
    c.loop();
    c.localGet(length).i32Const(1).i32Sub().localSet(length);
    call(c, double, completed, [acc, 0]);
    c.i32Const(0).localSet(j);
    c.block().loop();
    c.localGet(j).localGet(count).i32GeU().brIf(1);
    c.localGet(naf).localGet(j).i32Const(NAF_STRIDE).i32Mul().i32Add().localGet(length).i32Add();
    loadDigit(c).localTee(d).if();
    call(c, toExtended, [acc, 0], completed);
    c.localGet(odd).localGet(j).i32Const(2).i32Shl().i32Add().i32Load(0, 2).localTee(table).i32Const(1).i32And().if();
    c.i32Const(completed).localGet(acc).localGet(table).i32Const(1).i32Sub();
    magnitudeIndex(c, d).i32Const(1).i32ShrU().i32Const(NIELS).i32Mul().i32Add();
    c.localGet(d).i32Const(0).i32LtS().call(addNiels);
    c.else();
    c.i32Const(completed).localGet(acc).localGet(table);
    magnitudeIndex(c, d).i32Const(1).i32ShrU().i32Const(POINT).i32Mul().i32Add();
    c.localGet(d).i32Const(0).i32LtS().call(addCached);
    c.end();
    c.end();
    c.localGet(j).i32Const(1).i32Add().localSet(j);
    c.br(0).end().end();
    c.localGet(length).if();
    call(c, toProjective, [acc, 0], completed);
    c.br(1).end().end();
    call(c, toExtended, [acc, 0], completed);
  });

  const [u, v, v3, x, check] = [fe(), fe(), fe(), fe(), fe()];
  // x = u·v^3·(u·v^7)^((p-5)/8) is a square root of u/v when one exists (times √-1 in half the cases).
  const decompressFn = define('decompress', 1, [I32], (c, p) => {
    call(c, fromBytes, [p, Y]);
    call(c, copy, [p, Z], ONE, FE);
    square(c, u, [p, Y]);
    call(c, mul, v, u, CURVE_D);
    call(c, sub, u, u, ONE);
    call(c, add, v, v, ONE);
    square(c, v3, v);
    call(c, mul, v3, v3, v);
    square(c, x, v3);
    call(c, mul, x, x, v);
    call(c, mul, x, x, u);
    call(c, pow22523, x, x);
    call(c, mul, x, x, v3);
    call(c, mul, x, x, u);
    square(c, check, x);
    call(c, mul, check, check, v);
    call(c, sub, tmp, check, u);
    call(c, isZero, tmp);
    c.i32Eqz().if();
    call(c, add, tmp, check, u);
    call(c, isZero, tmp);
    c.i32Eqz().if().i32Const(0).return().end();
    call(c, mul, x, x, SQRTM1);
    c.end();
    call(c, parity, x);
    c.i32Const(bytesIn).i32Load8U(31).i32Const(7).i32ShrU().i32Ne().if();
    call(c, sub, x, ZERO, x);
    c.end();
    call(c, copy, [p, X], x, FE);
    call(c, mul, [p, T], x, [p, Y]);
    c.i32Const(1);
  });

  /** 1 if p is the identity. */
  const isIdentityFn = define(undefined, 1, [I32], (c, p) => {
    call(c, isZero, [p, X]);
    call(c, sub, tmp, [p, Y], [p, Z]);
    call(c, isZero, tmp);
    c.i32And();
  });

  const [zi] = [fe()];
  define('compress', 1, [], (c, p) => {
    call(c, invert, zi, [p, Z]);
    call(c, mul, ax, [p, X], zi);
    call(c, mul, ay, [p, Y], zi);
    call(c, toBytes, bytesOut, ay);
    c.i32Const(bytesOut).i32Const(bytesOut).i32Load8U(31);
    call(c, parity, ax);
    c.i32Const(7).i32Shl().i32Or().i32Store8(31);
  });

  // --- ristretto255 (RFC 9496), for the curve25519 syscalls: the same points, another encoding ---
  /** 1/√(a − d) for a = −1, the non-negative root RFC 9496 names INVSQRT_A_MINUS_D. */
  const INVSQRT_A_MINUS_D = constant(54469307008909316920995813868745141605393597292927456921205312896311721017578n);
  /** Sets the i32 local to whether the field elements at `a` and `b` are equal. */
  const equalInto = (c: Code, flag: number, a: Ref | number, b: Ref | number) => {
    call(c, sub, tmp, a, b);
    call(c, isZero, tmp);
    c.localSet(flag);
  };
  /** f = −f when the i32 on the stack is 1. */
  const negateIf = (c: Code, f: number) => {
    c.if();
    call(c, sub, f, ZERO, f);
    c.end();
  };
  const [rv3, rv7, rcheck, rneg, ri] = [fe(), fe(), fe(), fe(), fe()];
  /**
   * r = SQRT_RATIO_M1(u, v): the non-negative root of u/v when it is a square, else of √−1·u/v;
   * returns whether u/v is a square. `r` must not alias `u` or `v`.
   */
  const sqrtRatio = define(undefined, 3, [I32], (c, r, u, v) => {
    const [correct, flipped, flippedI] = [c.locals(1, I32), c.locals(1, I32), c.locals(1, I32)];
    square(c, rv3, [v, 0]);
    call(c, mul, rv3, rv3, [v, 0]); // v^3
    square(c, rv7, rv3);
    call(c, mul, rv7, rv7, [v, 0]); // v^7
    call(c, mul, [r, 0], [u, 0], rv7);
    call(c, pow22523, [r, 0], [r, 0]);
    call(c, mul, [r, 0], [r, 0], rv3);
    call(c, mul, [r, 0], [r, 0], [u, 0]); // u·v^3·(u·v^7)^((p−5)/8)
    square(c, rcheck, [r, 0]);
    call(c, mul, rcheck, rcheck, [v, 0]);
    call(c, sub, rneg, ZERO, [u, 0]);
    call(c, mul, ri, rneg, SQRTM1);
    equalInto(c, correct, rcheck, [u, 0]);
    equalInto(c, flipped, rcheck, rneg);
    equalInto(c, flippedI, rcheck, ri);
    c.localGet(flipped).localGet(flippedI).i32Or().if();
    call(c, mul, [r, 0], [r, 0], SQRTM1);
    c.end();
    call(c, parity, [r, 0]);
    c.if();
    call(c, sub, [r, 0], ZERO, [r, 0]);
    c.end();
    c.localGet(correct).localGet(flipped).i32Or();
  });

  const [rs, ru1, ru2, rw, rinv, rdx, rdy, rx, ry, rt] = [fe(), fe(), fe(), fe(), fe(), fe(), fe(), fe(), fe(), fe()];
  /** Decodes the ristretto255 encoding at `bytesIn` into `p`; 0 if it is not one (non-canonical, negative or no point). */
  define('ristrettoDecompress', 1, [I32], (c, p) => {
    const wasSquare = c.locals(1, I32);
    call(c, fromBytes, rs);
    // s must be canonical (its encoding is the input, top bit clear) and non-negative
    call(c, toBytes, bytesOut, rs);
    for (let i = 0; i < 4; i++)
      c.i32Const(bytesOut)
        .i64Load(8 * i)
        .i32Const(bytesIn)
        .i64Load(8 * i)
        .i64Ne()
        .if()
        .i32Const(0)
        .return()
        .end();
    call(c, parity, rs);
    c.if().i32Const(0).return().end();
    square(c, rw, rs); // s^2
    call(c, sub, ru1, ONE, rw);
    call(c, add, ru2, ONE, rw);
    square(c, rw, ru1);
    call(c, mul, rw, rw, CURVE_D);
    call(c, sub, rw, ZERO, rw);
    square(c, rt, ru2); // u2^2
    call(c, sub, rw, rw, rt); // v = −d·u1^2 − u2^2
    call(c, mul, rt, rw, rt); // v·u2^2
    call(c, sqrtRatio, rinv, ONE, rt);
    c.localSet(wasSquare);
    call(c, mul, rdx, rinv, ru2);
    call(c, mul, rdy, rinv, rdx);
    call(c, mul, rdy, rdy, rw);
    call(c, add, rx, rs, rs);
    call(c, mul, rx, rx, rdx);
    call(c, parity, rx);
    negateIf(c, rx);
    call(c, mul, ry, ru1, rdy);
    call(c, mul, rt, rx, ry);
    c.localGet(wasSquare).i32Eqz().if().i32Const(0).return().end();
    call(c, parity, rt);
    c.if().i32Const(0).return().end();
    call(c, isZero, ry);
    c.if().i32Const(0).return().end();
    call(c, copy, [p, X], rx, FE);
    call(c, copy, [p, Y], ry, FE);
    call(c, copy, [p, Z], ONE, FE);
    call(c, copy, [p, T], rt, FE);
    c.i32Const(1);
  });

  const [rd1, rd2, rzi, rix, riy, rench, rden] = [fe(), fe(), fe(), fe(), fe(), fe(), fe()];
  /** Encodes `p` as ristretto255 at `bytesOut` (the canonical encoding of its class). */
  define('ristrettoCompress', 1, [], (c, p) => {
    call(c, add, ru1, [p, Z], [p, Y]);
    call(c, sub, rw, [p, Z], [p, Y]);
    call(c, mul, ru1, ru1, rw); // (Z + Y)(Z − Y)
    call(c, mul, ru2, [p, X], [p, Y]);
    square(c, rw, ru2);
    call(c, mul, rw, rw, ru1);
    call(c, sqrtRatio, rinv, ONE, rw);
    c.drop();
    call(c, mul, rd1, rinv, ru1);
    call(c, mul, rd2, rinv, ru2);
    call(c, mul, rzi, rd1, rd2);
    call(c, mul, rzi, rzi, [p, T]);
    call(c, mul, rix, [p, X], SQRTM1);
    call(c, mul, riy, [p, Y], SQRTM1);
    call(c, mul, rench, rd1, INVSQRT_A_MINUS_D);
    call(c, mul, rt, [p, T], rzi);
    call(c, parity, rt);
    c.if();
    call(c, copy, rx, riy, FE);
    call(c, copy, ry, rix, FE);
    call(c, copy, rden, rench, FE);
    c.else();
    call(c, copy, rx, [p, X], FE);
    call(c, copy, ry, [p, Y], FE);
    call(c, copy, rden, rd2, FE);
    c.end();
    call(c, mul, rt, rx, rzi);
    call(c, parity, rt);
    negateIf(c, ry);
    call(c, sub, rs, [p, Z], ry);
    call(c, mul, rs, rden, rs);
    call(c, parity, rs);
    negateIf(c, rs);
    call(c, toBytes, bytesOut, rs);
  });

  // --- scalars mod ℓ ---
  /**
   * x mod ℓ for the 512-bit x at `scalar`, in 21-bit signed limbs: limbs past 2^252 fold back
   * through 2^252 ≡ -δ (ℓ = 2^252 + δ, δ < 2^126: six limbs), in rounds separated by carries so
   * that no product outgrows an i64 (below 2^58). Before the last fold the value is within ±2^252,
   * so what is left past 2^252 is 0 or -1, and folding that gives a value in [0, 2^252 + δ) = [0, ℓ):
   * canonical, its bit 252 in the top limb.
   */
  const reduceScalar = define('reduceScalar', 0, [], (c) => {
    const x = c.locals(24, I64),
      q = c.locals(1, I64);
    const delta = L - (1n << 252n);
    const deltaLimbs = Array.from({ length: 6 }, (_, j) => (delta >> BigInt(21 * j)) & 0x1fffffn);
    for (let i = 0; i < 24; i++) {
      const bit = 21 * i;
      if (i < 23)
        c.i32Const(scalar)
          .i64Load(bit >> 3)
          .i64Const(0, bit & 7)
          .i64ShrU()
          .i64Const(0, 0x1fffff)
          .i64And();
      else
        c.i32Const(scalar)
          .i64Load32U(bit >> 3)
          .i64Const(0, bit & 7)
          .i64ShrU(); // the top 29 bits
      c.localSet(x + i);
    }
    const fold = (i: number) => {
      for (let j = 0; j < 6; j++)
        c.localGet(x + i - 12 + j)
          .localGet(x + i)
          .i64ConstBig(-deltaLimbs[j]!)
          .i64Mul()
          .i64Add()
          .localSet(x + i - 12 + j);
      c.i64Const(0, 0).localSet(x + i);
    };
    /** Moves limb i's bits past 21 into limb i+1: rounded (|limb| ≤ 2^20 after) or floored (0 ≤ limb < 2^21). */
    const carryAt = (i: number, rounded: boolean) => {
      c.localGet(x + i);
      if (rounded) c.i64Const(0, 1 << 20).i64Add();
      c.i64Const(0, 21).i64ShrS().localSet(q);
      c.localGet(x + i + 1)
        .localGet(q)
        .i64Add()
        .localSet(x + i + 1);
      c.localGet(x + i)
        .localGet(q)
        .i64Const(0, 21)
        .i64Shl()
        .i64Sub()
        .localSet(x + i);
    };
    const range = (from: number, to: number, step = 1) => Array.from({ length: Math.floor((to - from) / step) + 1 }, (_, k) => from + k * step);
    for (const i of range(18, 23).reverse()) fold(i);
    for (const i of [...range(6, 16, 2), ...range(7, 15, 2)]) carryAt(i, true);
    for (const i of range(12, 17).reverse()) fold(i);
    for (const i of [...range(0, 10, 2), ...range(1, 11, 2)]) carryAt(i, true);
    fold(12);
    for (const i of range(0, 11)) carryAt(i, false);
    fold(12);
    for (const i of range(0, 10)) carryAt(i, false);
    for (let i = 0; i < 5; i++)
      c.i32Const(scalar)
        .i64Const(0, 0)
        .i64Store(8 * i);
    for (let i = 0; i < 12; i++) {
      const bit = 21 * i;
      c.i32Const(scalar)
        .i32Const(scalar)
        .i64Load(bit >> 3)
        .localGet(x + i)
        .i64Const(0, bit & 7)
        .i64Shl()
        .i64Or()
        .i64Store(bit >> 3);
    }
  });

  // --- half-size scalars (after Pornin, 2020), for verifying with 128 doublings instead of 253 ---
  /*
   * For the challenge k, (u, v) with u ≡ v·k (mod 8ℓ), v odd and both about 2^128: the extended
   * Euclidean algorithm on (8ℓ, k) stopped at the first remainder r below 2^128. Every remainder
   * is t·k mod 8ℓ for its cofactor t, and the remainder r' before r is at least 2^128, so
   * |t| ≤ 8ℓ/r' < 2^128 (Euclid's r'·|t| + r·|t'| = 8ℓ). Two rows (remainder ‖ cofactor) hold two
   * consecutive steps, in i64 slots of 32-bit limbs (the top one signed): nine for a remainder,
   * six for a cofactor. Lehmer's algorithm takes the quotients from the leading 62 bits of the
   * remainders and applies a run of them at once as a 2×2 matrix whose entries stay below 2^30
   * (so limb products and the sum of two fit an i64); a run stops before any quotient the leading
   * bits cannot vouch for (Jebelean's condition), so the remainders are exactly Euclid's.
   */
  const [R_SLOTS, T_SLOTS] = [9, 6];
  const ROW = R_SLOTS + T_SLOTS;
  const COFACTOR_LIMIT = 1 << 30;
  const lattice = alloc(2 * ROW * 8);
  const savedRow = alloc(ROW * 8);
  const halves = alloc(64);
  const slot = (row: number, i: number) => lattice + 8 * (row * ROW + i);
  const EIGHT_L = 8n * L;
  /** |x| for the i64 local x, on the stack. */
  const abs = (c: Code, x: number) => c.i64Const(0, 0).localGet(x).i64Sub().localGet(x).localGet(x).i64Const(0, 0).i64LtS().select();
  /** (row 0, row 1) ← (a·row 0 + b·row 1, c·row 0 + d·row 1) on one number of each row (slots from…from + count). */
  const combineFn = (from: number, count: number) => {
    const { index, code: c } = mb.addFunction([I64, I64, I64, I64], []);
    const [x, y, s0, s1, carry0, carry1] = [c.locals(1, I64), c.locals(1, I64), c.locals(1, I64), c.locals(1, I64), c.locals(1, I64), c.locals(1, I64)];
    for (let i = from; i < from + count; i++) {
      c.i32Const(0).i64Load(slot(0, i)).localSet(x);
      c.i32Const(0).i64Load(slot(1, i)).localSet(y);
      for (const [m0, m1, sum, carry] of [
        [0, 1, s0, carry0],
        [2, 3, s1, carry1],
      ]) {
        c.localGet(m0).localGet(x).i64Mul().localGet(m1).localGet(y).i64Mul().i64Add();
        if (i > from) c.localGet(carry).i64Add();
        c.localSet(sum);
      }
      for (const [row, sum, carry] of [
        [0, s0, carry0],
        [1, s1, carry1],
      ]) {
        c.i32Const(0).localGet(sum);
        if (i < from + count - 1) {
          c.i64ConstBig(0xffffffffn).i64And();
          c.localGet(sum).i64Const(0, 32).i64ShrS().localSet(carry);
        }
        c.i64Store(slot(row, i));
      }
    }
    return index;
  };
  const combineRemainders = combineFn(0, R_SLOTS);
  const combineCofactors = combineFn(R_SLOTS, T_SLOTS);
  const applyMatrix = (c: Code, pushEntries: () => void) => {
    for (const f of [combineRemainders, combineCofactors]) {
      pushEntries();
      c.call(f);
    }
  };
  /** The bit length of the non-negative number in `count` slots at `at`. */
  const bitLength = define(undefined, 2, [I32], (c, at, count) => {
    c.block().loop();
    c.localGet(count).i32Eqz().brIf(1);
    c.localGet(count).i32Const(1).i32Sub().localSet(count);
    c.localGet(at).localGet(count).i32Const(3).i32Shl().i32Add().i64Load().i64Eqz().brIf(0);
    c.localGet(count).i32Const(5).i32Shl().i32Const(64).i32Add();
    c.localGet(at).localGet(count).i32Const(3).i32Shl().i32Add().i64Load().i64Clz().i32WrapI64().i32Sub().return();
    c.end().end();
    c.i32Const(0);
  });
  const remainderBits = (c: Code, row: number) => call(c, bitLength, slot(row, 0), R_SLOTS);
  /** The shift that leaves row 0's remainder 62 bits (or none). */
  const leadingShift = (c: Code, shift: number) => {
    remainderBits(c, 0);
    c.i32Const(62).i32Sub().localTee(shift).i32Const(0).localGet(shift).i32Const(0).i32GtS().select().localSet(shift);
  };
  /** ⌊remainder / 2^shift⌋ of row `row` (below 2^62 for row 0's leading shift), on the stack. */
  const leading = define(undefined, 2, [I64], (c, row, shift) => {
    const at = c.locals(1, I32);
    c.i32Const(lattice)
      .localGet(row)
      .i32Const(ROW * 8)
      .i32Mul()
      .i32Add()
      .localGet(shift)
      .i32Const(5)
      .i32ShrU()
      .i32Const(3)
      .i32Shl()
      .i32Add()
      .localSet(at);
    c.localGet(at).i64Load(16).i64Const(0, 32).i64Shl().localGet(at).i64Load(8).i64Or();
    c.i32Const(32).localGet(shift).i32Const(31).i32And().i32Sub().i64ExtendI32U().i64Shl();
    c.localGet(at).i64Load(0).localGet(shift).i32Const(31).i32And().i64ExtendI32U().i64ShrU().i64Or();
  });
  /**
   * One exact Euclidean step, (row 0, row 1) ← (row 1, row 0 - q·row 1); 0 when its quotient is
   * 2^30 or more (left undone). With 30 or more leading bits in row 1, the leading bits' quotient
   * is off by at most one, and is corrected.
   */
  const singleStep = define(undefined, 0, [I32], (c) => {
    const [shift, a, b, q] = [c.locals(1, I32), c.locals(1, I64), c.locals(1, I64), c.locals(1, I64)];
    leadingShift(c, shift);
    call(c, leading, 0, [shift, 0]);
    c.localSet(a);
    call(c, leading, 1, [shift, 0]);
    c.localTee(b).i64ConstI32(COFACTOR_LIMIT).i64LtU().if().i32Const(0).return().end();
    c.localGet(a).localGet(b).i64DivU().localTee(q).i64ConstI32(COFACTOR_LIMIT).i64GeU().if().i32Const(0).return().end();
    applyMatrix(c, () => c.i64Const(0, 0).i64Const(0, 1).i64Const(0, 1).i64Const(0, 0).localGet(q).i64Sub());
    c.i32Const(0)
      .i64Load(slot(1, R_SLOTS - 1))
      .i64Const(0, 0)
      .i64LtS()
      .if();
    applyMatrix(c, () => c.i64Const(0, 1).i64Const(0, 0).i64Const(0, 1).i64Const(0, 1));
    c.i32Const(1).return();
    c.end();
    // row 1 ≥ row 0: compared from the top slot down
    c.block();
    for (let i = R_SLOTS - 1; i >= 0; i--) {
      c.i32Const(0).i64Load(slot(1, i)).i32Const(0).i64Load(slot(0, i)).i64LtS().if().i32Const(1).return().end();
      c.i32Const(0).i64Load(slot(1, i)).i32Const(0).i64Load(slot(0, i)).i64GtS().brIf(0);
    }
    c.end();
    applyMatrix(c, () => c.i64Const(0, 1).i64Const(0, 0).i64ConstI32(-1).i64Const(0, 1));
    c.i32Const(1);
  });
  /**
   * A run of Euclidean steps on the leading 62 bits, applied at once; 0 when the leading bits
   * vouch for no step. A step is taken only when its remainder and the drop to it exceed what the
   * bits below could change (|x| + |y| for the run's cofactors x, y), and its remainder stays at
   * least 2^128: a run never passes the stopping point.
   */
  const lehmerRun = define(undefined, 0, [I32], (c) => {
    const shift = c.locals(1, I32);
    const [floor, a0, a1, a2, q, x0, y0, x1, y1, x2, y2] = Array.from({ length: 11 }, () => c.locals(1, I64));
    const steps = c.locals(1, I32);
    leadingShift(c, shift);
    // 2^128 / 2^shift, at least 1
    c.i64Const(0, 1).i32Const(128).localGet(shift).i32Sub().i64ExtendI32S().i64Shl().i64Const(0, 1);
    c.localGet(shift).i32Const(128).i32LtS().select().localSet(floor);
    call(c, leading, 0, [shift, 0]);
    c.localSet(a0);
    call(c, leading, 1, [shift, 0]);
    c.localSet(a1);
    c.i64Const(0, 1).localSet(x0);
    c.i64Const(0, 1).localSet(y1);
    c.block().loop();
    c.localGet(a1).i64Eqz().brIf(1);
    c.localGet(a0).localGet(a1).i64DivU().localTee(q).i64ConstI32(COFACTOR_LIMIT).i64GeU().brIf(1);
    c.localGet(a0).localGet(q).localGet(a1).i64Mul().i64Sub().localSet(a2);
    c.localGet(x0).localGet(q).localGet(x1).i64Mul().i64Sub().localSet(x2);
    c.localGet(y0).localGet(q).localGet(y1).i64Mul().i64Sub().localSet(y2);
    abs(c, x2).i64ConstI32(COFACTOR_LIMIT).i64GeS().brIf(1);
    abs(c, y2).i64ConstI32(COFACTOR_LIMIT).i64GeS().brIf(1);
    c.localGet(a2);
    abs(c, x2);
    abs(c, y2).i64Add().localGet(floor).i64Add().i64LtS().brIf(1);
    c.localGet(x1).localGet(x2).i64Sub().localSet(q); // q is free now: |x1 - x2|
    c.localGet(a1).localGet(a2).i64Sub();
    abs(c, q);
    c.localGet(y1).localGet(y2).i64Sub().localSet(q);
    abs(c, q).i64Add().i64LtS().brIf(1);
    for (const [to, from] of [
      [a0, a1],
      [a1, a2],
      [x0, x1],
      [y0, y1],
      [x1, x2],
      [y1, y2],
    ])
      c.localGet(from).localSet(to);
    c.localGet(steps).i32Const(1).i32Add().localSet(steps);
    c.br(0).end().end();
    c.localGet(steps).i32Eqz().if().i32Const(0).return().end();
    applyMatrix(c, () => c.localGet(x0).localGet(y0).localGet(x1).localGet(y1));
    c.i32Const(1);
  });
  /**
   * The bit length of the cofactor whose slots are at `at` (of its ones' complement when negative:
   * the same but for powers of two, enough to compare sizes).
   */
  const cofactorBits = define(undefined, 1, [I32], (c, at) => {
    const [negative, value, i] = [c.locals(1, I64), c.locals(1, I64), c.locals(1, I32)];
    c.localGet(at)
      .i64Load((T_SLOTS - 1) * 8)
      .i64Const(0, 63)
      .i64ShrS()
      .localSet(negative); // 0 or -1
    c.i32Const(T_SLOTS).localSet(i);
    c.block().loop();
    c.localGet(i).i32Eqz().brIf(1);
    c.localGet(i).i32Const(1).i32Sub().localSet(i);
    c.localGet(at).localGet(i).i32Const(3).i32Shl().i32Add().i64Load().localGet(negative).i64Xor().localTee(value);
    c.localGet(value).i64ConstBig(0xffffffffn).i64And(); // the lower slots hold 32 bits
    c.localGet(i)
      .i32Const(T_SLOTS - 1)
      .i32Eq()
      .select()
      .localTee(value)
      .i64Eqz()
      .brIf(0);
    c.localGet(i).i32Const(5).i32Shl().i32Const(64).i32Add().localGet(value).i64Clz().i32WrapI64().i32Sub().return();
    c.end().end();
    c.i32Const(0);
  });
  /** The larger bit length of a row's remainder and cofactor (the row at `at`). */
  const rowSize = define(undefined, 1, [I32], (c, at) => {
    const r = c.locals(1, I32);
    call(c, bitLength, [at, 0], R_SLOTS);
    c.localTee(r);
    call(c, cofactorBits, [at, R_SLOTS * 8]);
    c.localTee(at).localGet(r).localGet(at).i32GtU().select();
  });
  const halfScalarsFn = define('halfScalars', 0, [I32], (c) => {
    const sign = c.locals(1, I32);
    for (let i = 0; i < 2 * ROW; i++)
      c.i32Const(0)
        .i64Const(0, 0)
        .i64Store(lattice + 8 * i);
    for (let i = 0; i < R_SLOTS; i++)
      c.i32Const(0)
        .i64ConstBig((EIGHT_L >> BigInt(32 * i)) & 0xffffffffn)
        .i64Store(slot(0, i));
    for (let i = 0; i < 8; i++)
      c.i32Const(0)
        .i32Const(scalar)
        .i64Load32U(4 * i)
        .i64Store(slot(1, i));
    c.i32Const(0).i64Const(0, 1).i64Store(slot(1, R_SLOTS));
    c.block().loop();
    remainderBits(c, 1);
    c.i32Const(128).i32LeU().brIf(1);
    c.call(lehmerRun).brIf(0);
    c.call(singleStep).brIf(0);
    c.i32Const(0).return();
    c.end().end();
    // Row 1 is short; its cofactor t and the one before are coprime, so when t is even the row
    // before (odd) or the next one (odd: t' - q·t) is taken, whichever is shorter.
    c.i32Const(0).i64Load(slot(1, R_SLOTS)).i64Const(0, 1).i64And().i64Eqz().if();
    call(c, copy, savedRow, slot(0, 0), ROW * 8);
    c.call(singleStep).if();
    call(c, rowSize, savedRow);
    call(c, rowSize, slot(1, 0));
    c.i32LtU().if();
    call(c, copy, slot(1, 0), savedRow, ROW * 8);
    c.end();
    c.else();
    call(c, copy, slot(1, 0), savedRow, ROW * 8);
    c.end();
    c.end();
    // v = |t| and u = ±r; both below 2^160
    c.i32Const(1).localSet(sign);
    c.i32Const(0)
      .i64Load(slot(1, ROW - 1))
      .i64Const(0, 0)
      .i64LtS()
      .if();
    c.i32Const(-1).localSet(sign);
    c.i64Const(0, 1).i64Const(0, 0).i64Const(0, 0).i64ConstI32(-1).call(combineCofactors);
    c.end();
    remainderBits(c, 1);
    c.i32Const(160).i32GtU().if().i32Const(0).return().end();
    call(c, bitLength, slot(1, R_SLOTS), T_SLOTS);
    c.i32Const(160).i32GtU().if().i32Const(0).return().end();
    for (let i = 0; i < 8; i++) {
      c.i32Const(0)
        .i32Const(0)
        .i64Load(slot(1, i))
        .i32WrapI64()
        .i32Store(halves + 4 * i);
      c.i32Const(0).i32Const(0);
      if (i < T_SLOTS) c.i64Load(slot(1, R_SLOTS + i)).i32WrapI64();
      else c.drop().i32Const(0);
      c.i32Store(halves + 32 + 4 * i);
    }
    c.localGet(sign);
  });

  // w = v·s: 16-bit limbs (ten of v, sixteen of s), so that a column's sum stays below 2^36
  const timesVFn = define('timesV', 0, [], (c) => {
    const sum = c.locals(1, I64);
    c.i64Const(0, 0).localSet(sum);
    for (let column = 0; column < 32; column++) {
      for (let i = Math.max(0, column - 15); i <= Math.min(column, 9); i++)
        c.i32Const(0)
          .i64Load16U(halves + 32 + 2 * i)
          .i32Const(0)
          .i64Load16U(scalarIn + 2 * (column - i))
          .i64Mul()
          .localGet(sum)
          .i64Add()
          .localSet(sum);
      c.i32Const(0)
        .localGet(sum)
        .i64Store16(scalar + 2 * column);
      c.localGet(sum).i64Const(0, 16).i64ShrU().localSet(sum);
    }
    c.call(reduceScalar);
  });

  // Digits from 2^(width-1) up are taken as negative, borrowing 2^width from the next window.
  const nafFn = define('naf', 4, [I32], (c, at, length, out, width) => {
    const [i, window, carry, top, end, odd] = [c.locals(1, I32), c.locals(1, I32), c.locals(1, I32), c.locals(1, I32), c.locals(1, I32), c.locals(1, I32)];
    for (let j = 0; j < NAF_STRIDE / 8; j++)
      c.localGet(out)
        .i64Const(0, 0)
        .i64Store(8 * j);
    // past the scalar's top bit with no carry left, every digit is 0: `end` is its bit length (from its 64-bit words)
    c.localGet(length).i32Const(3).i32Shl().localSet(end);
    c.block().loop();
    c.localGet(end).i32Eqz().brIf(1);
    c.localGet(at).localGet(end).i32Const(3).i32ShrU().i32Add().i32Const(8).i32Sub().i64Load().i64Eqz().i32Eqz().brIf(1);
    c.localGet(end).i32Const(64).i32Sub().localSet(end);
    c.br(0).end().end();
    c.localGet(end).i32Eqz().if().i32Const(0).return().end();
    c.localGet(end).localGet(at).localGet(end).i32Const(3).i32ShrU().i32Add().i32Const(8).i32Sub().i64Load().i64Clz().i32WrapI64().i32Sub().localSet(end);
    c.block().loop();
    c.localGet(i).localGet(end).i32GeU().localGet(carry).i32Eqz().i32And().localGet(i).i32Const(256).i32GeU().i32Or().brIf(1);
    // the window's bits from two bytes (one at the last)
    c.localGet(at).localGet(i).i32Const(3).i32ShrU().i32Add().localTee(window).i32Load16U();
    c.localGet(window).i32Load8U();
    c.localGet(i).i32Const(3).i32ShrU().localGet(length).i32Const(1).i32Sub().i32LtU().select();
    c.localGet(i).i32Const(3).i32ShrU().localGet(length).i32LtU().i32Mul(); // nothing past the scalar
    c.localGet(i).i32Const(7).i32And().i32ShrU();
    c.i32Const(1).localGet(width).i32Shl().i32Const(1).i32Sub().i32And();
    c.localGet(carry).i32Add().localSet(window);
    // Without a branch on the window's parity (unpredictable: a mispredicted branch per digit cost
    // more than the arithmetic). Even: as many 0 digits as the window (with the carry) has trailing
    // zeros, the carry passing on unchanged (0 bits with carry 0, or 1 bits with carry 1: all of
    // the window when it is 0 or 2^width); odd: the digit, its carry, then width - 1 zeros.
    c.localGet(window).i32Const(1).i32And().localSet(odd);
    c.localGet(window).localGet(width).i32Const(1).i32Sub().i32ShrU().localGet(carry).localGet(odd).select().localSet(carry);
    // an even window writes 0 over the 0 already there
    c.localGet(out).localGet(i).i32Add().localGet(window).localGet(carry).localGet(width).i32Shl().i32Sub().i32Const(0).localGet(odd).select().i32Store8(0);
    c.localGet(i).i32Const(1).i32Add().localGet(top).localGet(odd).select().localSet(top);
    c.localGet(i);
    c.localGet(width);
    c.localGet(window).i32Ctz().localGet(width).localGet(window).i32Ctz().localGet(width).i32LtU().select();
    c.localGet(odd).select().i32Add().localSet(i);
    c.br(0).end().end();
    c.localGet(top);
  });

  /**
   * A new key's check by half-size scalars in one call (see ./verify.ts): from the challenge k at
   * `scalar`, R's encoding at `bytesIn`, s at `scalarIn` and -A at `key`, whether
   * [w]B - [u]A - [v]R is the identity at `acc`. Returns 1 or 0, 0 when R does not decode, and 2
   * when no half-size scalars were found (k is then left at `scalar` for the full ladder).
   */
  define('halfSizeCheck', 8, [I32], (c, acc, key, r, oddKey, oddR, oddB, oddHighB, tables) => {
    const [sign, top, length] = [c.locals(1, I32), c.locals(1, I32), c.locals(1, I32)];
    c.call(halfScalarsFn).localTee(sign).i32Eqz().if().i32Const(2).return().end();
    c.localGet(r).call(decompressFn).i32Eqz().if().i32Const(0).return().end();
    c.localGet(r).call(negateFn);
    c.localGet(oddR).localGet(r).i32Const(ODD_MULTIPLES).i32Const(1).call(oddMultiplesFn);
    c.localGet(sign).i32Const(0).i32LtS().if().localGet(key).call(negateFn).end();
    c.localGet(oddKey).localGet(key).i32Const(ODD_MULTIPLES).i32Const(1).call(oddMultiplesFn);
    c.call(timesVFn); // w = v·s mod ℓ, at `scalar`
    // digits in the order of `tables`: u for -A, w's low half for B, v for -R, w's high half for 2^128·B
    const nafs: [at: number, bytes: number, width: number][] = [
      [halves, 32, KEY_NAF_WIDTH],
      [scalar, 16, BASE_NAF_WIDTH],
      [halves + 32, 32, KEY_NAF_WIDTH],
      [scalar + 16, 16, BASE_NAF_WIDTH],
    ];
    nafs.forEach(([at, bytes, width], j) => {
      c.i32Const(at)
        .i32Const(bytes)
        .i32Const(digits + j * NAF_STRIDE)
        .i32Const(width)
        .call(nafFn);
      if (j) c.localTee(top).localGet(length).localGet(top).localGet(length).i32GtU().select();
      c.localSet(length);
    });
    for (const [j, table] of [
      [1, oddB],
      [3, oddHighB],
    ])
      c.i32Const(digits + j * NAF_STRIDE)
        .localGet(length)
        .localGet(table)
        .i32Const(0)
        .i32Const(1)
        .call(prefetchFn);
    c.localGet(acc).call(identityFn);
    c.localGet(length).if().localGet(acc).i32Const(digits).i32Const(4).localGet(length).localGet(tables).call(multiLadderFn).end();
    c.localGet(acc).call(isIdentityFn);
  });

  // --- SHA-512 (FIPS 180-4), for k = SHA-512(R ‖ A ‖ M) without leaving the module ---
  const [shaState, shaK, shaW, shaPad] = [alloc(64), alloc(640), alloc(640), alloc(256)];
  /** rotr(x, a) ^ rotr(x, b) ^ (rotr(x, third), or x >>> third when `shift`), of the i64 local x. */
  const sigma = (c: Code, x: number, a: number, b: number, third: number, shift: boolean) => {
    c.localGet(x).i64Const(0, a).i64Rotr();
    c.localGet(x).i64Const(0, b).i64Rotr().i64Xor();
    c.localGet(x).i64Const(0, third);
    if (shift) c.i64ShrU();
    else c.i64Rotr();
    c.i64Xor();
  };
  /** Reverses the bytes of the i64 local x (SHA-512's words are big-endian). */
  const byteSwap = (c: Code, x: number) => {
    for (const [bits, mask] of [
      [8, 0x00ff00ff00ff00ffn],
      [16, 0x0000ffff0000ffffn],
    ] as const) {
      c.localGet(x).i64Const(0, bits).i64ShrU().i64ConstBig(mask).i64And();
      c.localGet(x).i64ConstBig(mask).i64And().i64Const(0, bits).i64Shl().i64Or().localSet(x);
    }
    c.localGet(x).i64Const(0, 32).i64Rotl().localSet(x);
  };
  /** One 128-byte block at `block` into the state. */
  const shaBlock = define(undefined, 1, [], (c, block) => {
    const [t, x, t1] = [c.locals(1, I32), c.locals(1, I64), c.locals(1, I64)];
    const v = c.locals(8, I64);
    c.i32Const(0).localSet(t);
    c.loop();
    c.localGet(block).localGet(t).i32Add().i64Load().localSet(x);
    byteSwap(c, x);
    c.localGet(t).localGet(x).i64Store(shaW);
    c.localGet(t).i32Const(8).i32Add().localTee(t).i32Const(128).i32LtU().brIf(0);
    c.end();
    // W[t] = σ1(W[t-2]) + W[t-7] + σ0(W[t-15]) + W[t-16]; t is a byte offset
    c.loop();
    c.localGet(t);
    c.localGet(t)
      .i64Load(shaW - 16)
      .localSet(x);
    sigma(c, x, 19, 61, 6, true);
    c.localGet(t)
      .i64Load(shaW - 56)
      .i64Add();
    c.localGet(t)
      .i64Load(shaW - 120)
      .localSet(x);
    sigma(c, x, 1, 8, 7, true);
    c.i64Add();
    c.localGet(t)
      .i64Load(shaW - 128)
      .i64Add();
    c.i64Store(shaW);
    c.localGet(t).i32Const(8).i32Add().localTee(t).i32Const(640).i32LtU().brIf(0);
    c.end();
    for (let i = 0; i < 8; i++)
      c.i32Const(0)
        .i64Load(shaState + 8 * i)
        .localSet(v + i);
    // Eight rounds per pass, the working variables' roles rotating instead of their values moving.
    c.i32Const(0).localSet(t);
    c.loop();
    for (let round = 0; round < 8; round++) {
      const [a, b, cc, d, e, f, g, h] = Array.from({ length: 8 }, (_, i) => v + ((i - round + 8) % 8));
      // T1 = h + Σ1(e) + Ch(e, f, g) + K[t] + W[t]; d += T1; h = T1 + Σ0(a) + Maj(a, b, c)
      c.localGet(h);
      sigma(c, e, 14, 18, 41, false);
      c.i64Add();
      c.localGet(g).localGet(e).localGet(f).localGet(g).i64Xor().i64And().i64Xor().i64Add();
      c.localGet(t)
        .i64Load(shaK + 8 * round)
        .i64Add();
      c.localGet(t)
        .i64Load(shaW + 8 * round)
        .i64Add();
      c.localTee(t1).localGet(d).i64Add().localSet(d);
      c.localGet(t1);
      sigma(c, a, 28, 34, 39, false);
      c.i64Add();
      c.localGet(a).localGet(b).i64And().localGet(cc).localGet(a).localGet(b).i64Or().i64And().i64Or().i64Add();
      c.localSet(h);
    }
    c.localGet(t).i32Const(64).i32Add().localTee(t).i32Const(640).i32LtU().brIf(0);
    c.end();
    for (let i = 0; i < 8; i++)
      c.i32Const(0)
        .i32Const(0)
        .i64Load(shaState + 8 * i)
        .localGet(v + i)
        .i64Add()
        .i64Store(shaState + 8 * i);
  });
  const mask64 = (1n << 64n) - 1n;
  /** ⌊x^(1/n)⌋ by Newton's method. */
  const integerRoot = (x: bigint, n: bigint) => {
    let r = 1n << BigInt(Math.ceil(x.toString(2).length / Number(n)));
    for (;;) {
      const next = ((n - 1n) * r + x / r ** (n - 1n)) / n;
      if (next >= r) return r;
      r = next;
    }
  };
  const primes = Array.from({ length: 410 }, (_, i) => i).filter((n) => n > 1 && Array.from({ length: n - 2 }, (_, j) => j + 2).every((j) => n % j !== 0));
  // The fractional bits of the first primes' cube roots (round constants) and square roots (initial state).
  const roundConstants = primes.slice(0, 80).map((q) => integerRoot(BigInt(q) << 192n, 3n) & mask64);
  const initialState = primes.slice(0, 8).map((q) => integerRoot(BigInt(q) << 128n, 2n) & mask64);
  define('challenge', 2, [], (c, at, length) => {
    const [i, x] = [c.locals(1, I32), c.locals(1, I64)];
    c.localGet(length).i64ExtendI32U().i64Const(0, 3).i64Shl().localSet(x); // the length in bits
    byteSwap(c, x);
    initialState.forEach((word, j) =>
      c
        .i32Const(0)
        .i64ConstBig(word)
        .i64Store(shaState + 8 * j),
    );
    c.block().loop();
    c.localGet(length).i32Const(128).i32LtU().brIf(1);
    c.localGet(at).call(shaBlock);
    c.localGet(at).i32Const(128).i32Add().localSet(at);
    c.localGet(length).i32Const(128).i32Sub().localSet(length);
    c.br(0).end().end();
    // the last bytes, 0x80, zeros and the length in bits (big-endian) fill one or two blocks
    for (let j = 0; j < 32; j++)
      c.i32Const(0)
        .i64Const(0, 0)
        .i64Store(shaPad + 8 * j);
    c.i32Const(0).localSet(i);
    c.block().loop();
    c.localGet(i).localGet(length).i32GeU().brIf(1);
    c.localGet(i).localGet(at).localGet(i).i32Add().i32Load8U().i32Store8(shaPad);
    c.localGet(i).i32Const(1).i32Add().localSet(i);
    c.br(0).end().end();
    c.localGet(length).i32Const(0x80).i32Store8(shaPad);
    c.localGet(length).i32Const(112).i32GeU().i32Const(7).i32Shl().localSet(i); // 128 when a second block is needed
    c.localGet(i)
      .localGet(x)
      .i64Store(shaPad + 120);
    c.i32Const(shaPad).call(shaBlock);
    c.localGet(i).if();
    c.i32Const(shaPad + 128).call(shaBlock);
    c.end();
    for (let j = 0; j < 8; j++) {
      c.i32Const(0)
        .i64Load(shaState + 8 * j)
        .localSet(x);
      byteSwap(c, x);
      c.i32Const(0)
        .localGet(x)
        .i64Store(scalar + 8 * j);
    }
    c.call(reduceScalar);
  });

  // Constants are stored when the instance starts.
  const start = define(undefined, 0, [], (c) => {
    roundConstants.forEach((word, j) =>
      c
        .i32Const(0)
        .i64ConstBig(word)
        .i64Store(shaK + 8 * j),
    );
    for (const [address, value] of constants) {
      limbs(value).forEach((limb, i) =>
        c
          .i32Const(address)
          .i64ConstBig(limb)
          .i64Store(8 * i, 3),
      );
    }
  });
  exported.set('initialize', start);
  for (const [name, index] of exported) mb.export(name, 'func', index);
  mb.export('memory', 'memory', 0);
  return { bytes: mb.encode(), meta: { bytesIn, bytesOut, digits, scalar, halves, scalarIn, heap: next } };
}
