/**
 * WebAssembly arithmetic modulo an odd prime in Montgomery form, emitted into a module under
 * construction with our own emitter: {@link emitNarrowMontgomery}'s elements are limbs of
 * {@link NARROW_BITS} bits in linear memory, whose products leave an i64 room to sum many of them
 * before any carry (see there); {@link emitNarrowFp2} adds Fp2's products, {@link emitPow}
 * exponentiation. Words of bytes convert to and from limbs in JavaScript.
 */
import { type Code, type ModuleBuilder, ValType } from '../jit/wasm/index.js';
import { modInverse, modulo } from './modular.js';
import { assertInternal } from '../errors.js';
import { call, copy } from './field-slots.js';

const { I32, I64 } = ValType;

/** The field functions every representation has; each takes addresses in memory (`dst` may alias an operand). */
export interface MontgomeryFunctions {
  /** mul(dst, a, b): dst = a·b·R⁻¹ for the Montgomery radix R. */
  mul: number;
  /** add(dst, a, b): dst = a + b. */
  add: number;
  /** sub(dst, a, b): dst = a − b. */
  sub: number;
}

/** The `limbs` limbs of `bits` bits of a value below 2^(bits·limbs) (by default eight 32-bit ones: a 256-bit value's bytes). */
export function limbsOf(v: bigint, limbs = 8, bits = 32): number[] {
  const mask = (1n << BigInt(bits)) - 1n;
  return Array.from({ length: limbs }, (_, k) => Number((v >> BigInt(bits * k)) & mask));
}

/** Leaves in `t` (limbs of `bits` bits as i64 locals) the value, below 2q, reduced below q. */
function subtractModulusIfNotBelow(c: Code, t: number[], q: number[], bits: number): void {
  const d = t.map(() => c.locals(1, I64));
  const borrow = c.locals(1, I64);
  c.i64ConstI32(0).localSet(borrow);
  t.forEach((tk, k) => {
    // d_k = t_k − q_k − borrow, as a signed difference of values below 2^bits.
    c.localGet(tk).i64Const(0, q[k]).i64Sub().localGet(borrow).i64Sub().localTee(d[k]);
    c.i64Const(0, 63).i64ShrU().localSet(borrow);
    c.localGet(d[k])
      .i64Const(0, 2 ** bits - 1)
      .i64And()
      .localSet(d[k]);
  });
  // t ≥ q when nothing was borrowed.
  t.forEach((tk, k) => {
    c.localGet(d[k]).localGet(tk);
    c.localGet(borrow).i64Eqz();
    c.select().localSet(tk);
  });
}

/** Loads the limbs at the address in local `ptr` plus `offset` bytes into the i64 locals `into`. */
const loadLimbs = (c: Code, ptr: number, into: number[], offset = 0) =>
  into.forEach((l, k) =>
    c
      .localGet(ptr)
      .i64Load32U(offset + 4 * k)
      .localSet(l),
  );
const storeLimbs = (c: Code, ptr: number, from: number[], offset = 0) =>
  from.forEach((l, k) =>
    c
      .localGet(ptr)
      .localGet(l)
      .i64Store32(offset + 4 * k),
  );

/** Bits of a limb in {@link emitNarrowMontgomery}'s representation. */
export const NARROW_BITS = 29;
const NARROW_MASK = 2 ** NARROW_BITS - 1;

/**
 * {@link emitNarrowMontgomery}'s functions: {@link MontgomeryFunctions} on elements below 2q (not
 * q), a square, and the reduction below q ({@link emitNarrowDot} adds a sum of products).
 */
export interface NarrowFunctions extends MontgomeryFunctions {
  /** sqr(dst, a): dst = a²·2^−29n. */
  sqr: number;
  /** reduce(dst, a): dst = a mod q, the canonical element. */
  reduce: number;
}

/** limb = the value on the stack mod 2^29, carry = the rest (signed: an arithmetic shift). */
function carryOut(c: Code, limb: number, carry: number, signed: boolean): void {
  c.localTee(limb).i64Const(0, NARROW_BITS);
  if (signed) c.i64ShrS();
  else c.i64ShrU();
  c.localSet(carry);
  c.localGet(limb).i64Const(0, NARROW_MASK).i64And().localSet(limb);
}

/**
 * t = a + b or a − b limb by limb, from the narrow elements at the addresses in locals `a` and `b`,
 * with carries passed along: unsigned for a sum, whose top limb keeps the overflow; signed
 * (arithmetic shifts) for a difference, whose `carry` ends −1 when a < b.
 */
function limbwiseChain(c: Code, t: number[], carry: number, a: number, b: number, subtract: boolean): void {
  t.forEach((tk, k) => {
    c.localGet(a)
      .i64Load32U(4 * k)
      .localGet(b)
      .i64Load32U(4 * k);
    if (subtract) c.i64Sub();
    else c.i64Add();
    if (k) c.localGet(carry).i64Add();
    if (subtract || k < t.length - 1) carryOut(c, tk, carry, subtract);
    else c.localSet(tk);
  });
}

/** Limbs of {@link NARROW_BITS} bits an element modulo `modulus` takes (room for sums below 4q). */
export const narrowLimbs = (modulus: bigint): number => Math.ceil((modulus.toString(2).length + 2) / NARROW_BITS);

/** Bytes of an element of `limbs` narrow limbs in memory: 4 a limb, padded to a multiple of 8 (whole i64 copies). */
export const narrowElementBytes = (limbs: number): number => 8 * Math.ceil(limbs / 2);

/**
 * Emits the rows of a deferred-carry Montgomery product into the accumulators `t` (i64 locals, n
 * of them, zeroed here): for each i, `products(i)` adds the row's a·b_i terms to t (limb products,
 * each below 2^58, `perRow` of them at most into any one accumulator), then m_i·q clears the low
 * limb and t shifts down one limb. The accumulators are normalized often enough that none passes
 * 2^64, and at the end; the value left is below 2q when the products summed to less than q·2^(29n).
 */
function narrowRows(c: Code, t: number[], q: number[], qPrime: number, perRow: number, products: (i: number) => void): void {
  const limbs = t.length;
  const [mi, carry] = [c.locals(1, I64), c.locals(1, I64)];
  // Between normalizations an accumulator takes perRow + 1 products a row, on top of below 2^30.
  const every = Math.floor((2 ** 64 - 2 ** 31) / ((perRow + 1) * 2 ** (2 * NARROW_BITS)));
  assertInternal(every > 0, 'too many products a row');
  const normalize = () => {
    c.i64ConstI32(0).localSet(carry);
    t.forEach((tj, j) => {
      c.localGet(tj).localGet(carry).i64Add();
      if (j < limbs - 1) carryOut(c, tj, carry, false);
      else c.localSet(tj);
    });
  };
  t.forEach((tj) => c.i64ConstI32(0).localSet(tj));
  for (let i = 0; i < limbs; i++) {
    products(i);
    c.localGet(t[0]).localTee(carry);
    c.i64Const(0, qPrime).i64Mul().i64Const(0, NARROW_MASK).i64And().localTee(mi);
    c.i64Const(0, q[0]).i64Mul().localGet(carry).i64Add().i64Const(0, NARROW_BITS).i64ShrU().localSet(carry);
    for (let j = 1; j < limbs; j++) {
      c.localGet(t[j]).localGet(mi).i64Const(0, q[j]).i64Mul().i64Add();
      if (j === 1) c.localGet(carry).i64Add();
      c.localSet(t[j - 1]);
    }
    c.i64ConstI32(0).localSet(t[limbs - 1]);
    if ((i + 1) % every === 0 || i === limbs - 1) normalize();
  }
}

/**
 * Emits a Montgomery product by columns (product scanning) into `u` (n i64 locals): `column(k)`
 * pushes the sum of column k's a·b limb products (at most n of them, below 2^58 each), to which
 * the reduction's m_i·q_(k−i) are added, with the m_(k−1) term and the carry last, so that each
 * column's own products do not wait for the previous column. u is left normalized, below 2q.
 */
function narrowColumns(c: Code, u: number[], q: number[], qPrime: number, column: (k: number) => void): void {
  const limbs = u.length;
  const mq = Array.from({ length: limbs }, () => c.locals(1, I64));
  const [sum, carry] = [c.locals(1, I64), c.locals(1, I64)];
  for (let k = 0; k < 2 * limbs - 1; k++) {
    column(k);
    for (let i = Math.max(0, k - limbs + 1); i < Math.min(k - 1, limbs); i++)
      c.localGet(mq[i])
        .i64Const(0, q[k - i])
        .i64Mul()
        .i64Add();
    if (k >= 1 && k - 1 < limbs)
      c.localGet(mq[k - 1])
        .i64Const(0, q[1])
        .i64Mul()
        .i64Add();
    if (k) c.localGet(carry).i64Add();
    if (k < limbs) {
      c.localTee(sum);
      c.i64Const(0, qPrime).i64Mul().i64Const(0, NARROW_MASK).i64And().localTee(mq[k]);
      c.i64Const(0, q[0]).i64Mul().localGet(sum).i64Add().i64Const(0, NARROW_BITS).i64ShrU().localSet(carry);
    } else carryOut(c, u[k - limbs], carry, false);
  }
  c.localGet(carry).localSet(u[limbs - 1]);
}

/**
 * Emits {@link NarrowFunctions} modulo `modulus` on elements of {@link narrowLimbs} limbs of
 * {@link NARROW_BITS} bits (each in a 32-bit word of memory, {@link narrowElementBytes} bytes an
 * element), in Montgomery form x·2^(29n) mod q. Elements are kept below 2q, not q: every function takes and returns values below
 * 2q with normalized limbs, and only `reduce` makes one canonical. A product below 4q² gives a
 * Montgomery result below 4q²/2^(29n) + q < 2q without the final conditional subtraction, which
 * measured 13-19 % of a multiplication; add and sub correct by 2q instead of q.
 *
 * Multiplication is operand scanning with deferred carries (after the ZPrize 2022 WebAssembly MSM
 * work): a product of two limbs is below 2^58, so an i64 accumulator takes dozens of them before it
 * must carry. Each row carries only its lowest accumulator (whose low bits the reduction zeroes) into
 * the next and shifts down one limb; the limbs are normalized at the end. With 32-bit limbs every
 * product needs its own split into two words. The head room also lets {@link emitNarrowDot} sum several products
 * before a single reduction. 30-bit limbs would leave room for 16 products, not 64.
 */
export function emitNarrowMontgomery(m: ModuleBuilder, modulus: bigint): NarrowFunctions {
  const { limbs, q, qPrime } = narrowModulus(modulus, 1);
  const twiceQ = limbsOf(2n * modulus, limbs, NARROW_BITS);
  const mul = m.addFunction([I32, I32, I32], []);
  {
    const c = mul.code;
    const [DST, A, B] = [0, 1, 2];
    const a = Array.from({ length: limbs }, () => c.locals(1, I64));
    const t = Array.from({ length: limbs }, () => c.locals(1, I64));
    const bi = c.locals(1, I64);
    loadLimbs(c, A, a);
    narrowRows(c, t, q, qPrime, 1, (i) => {
      c.localGet(B)
        .i64Load32U(4 * i)
        .localSet(bi);
      t.forEach((tj, j) => c.localGet(a[j]).localGet(bi).i64Mul().localGet(tj).i64Add().localSet(tj));
    });
    storeLimbs(c, DST, t);
  }

  const sqr = m.addFunction([I32, I32], []);
  {
    const c = sqr.code;
    const [DST, A] = [0, 1];
    const a = Array.from({ length: limbs }, () => c.locals(1, I64));
    const u = Array.from({ length: limbs }, () => c.locals(1, I64));
    loadLimbs(c, A, a);
    // Column k of a²: twice the a_i·a_j with i < j, and a_(k/2)² for even k.
    narrowColumns(c, u, q, qPrime, (k) => {
      const low = Math.max(0, k - limbs + 1);
      for (let i = low; 2 * i < k; i++) {
        c.localGet(a[i])
          .localGet(a[k - i])
          .i64Mul();
        if (i > low) c.i64Add();
      }
      if (2 * low < k) c.i64Const(0, 1).i64Shl();
      if (k % 2 === 0) {
        c.localGet(a[k / 2])
          .localGet(a[k / 2])
          .i64Mul();
        if (2 * low < k) c.i64Add();
      }
    });
    storeLimbs(c, DST, u);
  }

  const add = m.addFunction([I32, I32, I32], []);
  {
    const c = add.code;
    const [DST, A, B] = [0, 1, 2];
    const t = Array.from({ length: limbs }, () => c.locals(1, I64));
    const carry = c.locals(1, I64);
    // a + b < 4q: one carry chain, then 2q off if it is not below 2q.
    limbwiseChain(c, t, carry, A, B, false);
    subtractModulusIfNotBelow(c, t, twiceQ, NARROW_BITS);
    storeLimbs(c, DST, t);
  }

  const sub = m.addFunction([I32, I32, I32], []);
  {
    const c = sub.code;
    const [DST, A, B] = [0, 1, 2];
    const t = Array.from({ length: limbs }, () => c.locals(1, I64));
    const carry = c.locals(1, I64);
    // a − b with signed carries (arithmetic shifts); the last is −1 when a < b: then add 2q,
    // masked by it, in a second chain.
    limbwiseChain(c, t, carry, A, B, true);
    const negative = c.locals(1, I64);
    c.localGet(carry).localSet(negative);
    t.forEach((tk, k) => {
      c.localGet(tk).localGet(negative).i64Const(0, twiceQ[k]).i64And().i64Add();
      if (k) c.localGet(carry).i64Add();
      // The top limb drops the 2^(29n) the first chain borrowed.
      if (k < limbs - 1) carryOut(c, tk, carry, false);
      else c.i64Const(0, NARROW_MASK).i64And().localSet(tk);
    });
    storeLimbs(c, DST, t);
  }

  const reduce = m.addFunction([I32, I32], []);
  {
    const c = reduce.code;
    const t = Array.from({ length: limbs }, () => c.locals(1, I64));
    loadLimbs(c, 1, t);
    subtractModulusIfNotBelow(c, t, q, NARROW_BITS);
    storeLimbs(c, 0, t);
  }
  return { mul: mul.index, add: add.index, sub: sub.index, sqr: sqr.index, reduce: reduce.index };
}

/**
 * `modulus`'s narrow limbs and −q⁻¹ mod 2^29, checked to leave room for sums of `products`
 * products (each below 4q²) below q·2^(29n), so that their reduction is below 2q, and for a
 * column of a square (n products and n of the reduction's) in an i64.
 */
function narrowModulus(modulus: bigint, products: number): { limbs: number; q: number[]; qPrime: number } {
  const limbs = narrowLimbs(modulus);
  const bits = BigInt(NARROW_BITS);
  assertInternal(
    modulus % 2n === 1n && 4n * BigInt(products) * modulus < 1n << (bits * BigInt(limbs)) && 2 * limbs * 2 ** (2 * NARROW_BITS) < 2 ** 63,
    'an odd modulus with room for dot products, below 900 bits',
  );
  const qPrime = Number(modulo(-modInverse(modulus, 1n << bits), 1n << bits));
  return { limbs, q: limbsOf(modulus, limbs, NARROW_BITS), qPrime };
}

/**
 * Emits `dot(dst, count, a, b)` on {@link emitNarrowMontgomery}'s elements modulo `modulus`:
 * dst = Σ_{k<count} a_k·b_k·2^−29n for the `count` (1 to `dotPairs`, at most 2^(29n)/4q) elements
 * from addresses a and b, one Montgomery reduction for all the products.
 */
export function emitNarrowDot(m: ModuleBuilder, modulus: bigint, dotPairs: number): number {
  const { limbs, q, qPrime } = narrowModulus(modulus, dotPairs);
  const E = narrowElementBytes(limbs);
  const dot = m.addFunction([I32, I32, I32, I32], []);
  {
    const c = dot.code;
    const [DST, COUNT, A, B] = [0, 1, 2, 3];
    const t = Array.from({ length: limbs }, () => c.locals(1, I64));
    const bi = c.locals(1, I64);
    const [a, b, end] = [c.locals(1, I32), c.locals(1, I32), c.locals(1, I32)];
    c.localGet(A).localGet(COUNT).i32Const(E).i32Mul().i32Add().localSet(end);
    narrowRows(c, t, q, qPrime, dotPairs, (i) => {
      c.localGet(A).localSet(a);
      c.localGet(B).localSet(b);
      c.loop();
      c.localGet(b)
        .i64Load32U(4 * i)
        .localSet(bi);
      t.forEach((tj, j) =>
        c
          .localGet(a)
          .i64Load32U(4 * j)
          .localGet(bi)
          .i64Mul()
          .localGet(tj)
          .i64Add()
          .localSet(tj),
      );
      c.localGet(b).i32Const(E).i32Add().localSet(b);
      c.localGet(a).i32Const(E).i32Add().localTee(a).localGet(end).i32Ne().brIf(0);
      c.end();
    });
    storeLimbs(c, DST, t);
  }

  return dot.index;
}

/** Products in Fp2 = Fp[u]/(u² + 1) on {@link emitNarrowMontgomery}'s elements; (dst, a, b) addresses of (c0, c1) pairs. */
export interface NarrowFp2Functions {
  /** mul2(dst, a, b): dst = a·b. */
  mul2: number;
  /** sqr2(dst, a): dst = a². */
  sqr2: number;
}

/**
 * Emits {@link NarrowFp2Functions} modulo `modulus` (elements as {@link emitNarrowMontgomery}'s,
 * below 2q, c1 right after c0): each part of a result is one Montgomery reduction of limbs held in
 * locals, with no calls and no stores in between. a·b = (a0b0 + (2q − a1)b1) + (a0b1 + a1b0)u, two
 * sums of two products below 4q² each; a² = (a0 + a1)(a0 − a1 + 2q) + (a0·2a1)u, products below
 * 16q² and 8q². Every sum stays below q·2^(29n), so each part comes out below 2q.
 */
export function emitNarrowFp2(m: ModuleBuilder, modulus: bigint): NarrowFp2Functions {
  const limbs = narrowLimbs(modulus);
  const bits = BigInt(NARROW_BITS);
  assertInternal(16n * modulus < 1n << (bits * BigInt(limbs)), 'room for a product of sums below 4q');
  const q = limbsOf(modulus, limbs, NARROW_BITS);
  const twiceQ = limbsOf(2n * modulus, limbs, NARROW_BITS);
  const qPrime = Number(modulo(-modInverse(modulus, 1n << bits), 1n << bits));
  const E = narrowElementBytes(limbs);
  const element = (c: Code) => Array.from({ length: limbs }, () => c.locals(1, I64));
  /** x = y ± z (y absent: 0; + 2q when `plusTwiceQ`), limb by limb with carries: operands below 2q, so x stays positive and below 4q. */
  const combine = (c: Code, x: number[], y: number[] | undefined, z: number[], subtract: boolean, plusTwiceQ: boolean) => {
    const carry = c.locals(1, I64);
    x.forEach((xk, k) => {
      if (y) c.localGet(y[k]);
      else c.i64ConstI32(0);
      c.localGet(z[k]);
      if (subtract) c.i64Sub();
      else c.i64Add();
      if (plusTwiceQ) c.i64Const(0, twiceQ[k]).i64Add();
      if (k) c.localGet(carry).i64Add();
      if (k < limbs - 1) carryOut(c, xk, carry, subtract);
      else c.localSet(xk);
    });
  };
  /** t = Σ x_k·y_k·2^−29n over the pairs (x_k, y_k) of limb locals, one reduction. */
  const rows = (c: Code, t: number[], pairs: [number[], number[]][]) =>
    narrowRows(c, t, q, qPrime, pairs.length, (i) => {
      for (const [x, y] of pairs) t.forEach((tj, j) => c.localGet(x[j]).localGet(y[i]).i64Mul().localGet(tj).i64Add().localSet(tj));
    });

  const mul2 = m.addFunction([I32, I32, I32], []);
  {
    const c = mul2.code;
    const [DST, A, B] = [0, 1, 2];
    const [a0, a1, b0, b1, minusA1, t0, t1] = Array.from({ length: 7 }, () => element(c));
    loadLimbs(c, A, a0);
    loadLimbs(c, A, a1, E);
    loadLimbs(c, B, b0);
    loadLimbs(c, B, b1, E);
    combine(c, minusA1, undefined, a1, true, true);
    rows(c, t0, [
      [a0, b0],
      [minusA1, b1],
    ]);
    rows(c, t1, [
      [a0, b1],
      [a1, b0],
    ]);
    storeLimbs(c, DST, t0);
    storeLimbs(c, DST, t1, E);
  }

  const sqr2 = m.addFunction([I32, I32], []);
  {
    const c = sqr2.code;
    const [DST, A] = [0, 1];
    const [a0, a1, sum, difference, twiceA1, t0, t1] = Array.from({ length: 7 }, () => element(c));
    loadLimbs(c, A, a0);
    loadLimbs(c, A, a1, E);
    combine(c, sum, a0, a1, false, false);
    combine(c, difference, a0, a1, true, true);
    combine(c, twiceA1, a1, a1, false, false);
    rows(c, t0, [[sum, difference]]);
    rows(c, t1, [[a0, twiceA1]]);
    storeLimbs(c, DST, t0);
    storeLimbs(c, DST, t1, E);
  }
  return { mul2: mul2.index, sqr2: sqr2.index };
}

/**
 * Writes the word of `bytes` bytes (32 unless given; a multiple of 4) at `input[at]` (big- or
 * little-endian) as `limbs` narrow limbs at `words[index]` (a 256-bit value needs nine).
 */
export function wordToNarrow(words: Uint32Array, index: number, input: Uint8Array, at: number, le: boolean, limbs: number, bytes = 32): void {
  // Limb k is bits 29k… of the value: the rest of its 32-bit word w, and the next word's low bits.
  const last = bytes / 4 - 1;
  let word = 0;
  let next = read32(input, at, le, 0, bytes);
  for (let k = 0, w = -1; k < limbs; k++) {
    const bit = NARROW_BITS * k;
    if (bit >>> 5 !== w) {
      w = bit >>> 5;
      word = next;
      next = w < last ? read32(input, at, le, w + 1, bytes) : 0;
    }
    const shift = bit & 31;
    words[index + k] = w > last ? 0 : ((word >>> shift) | (shift ? next << (32 - shift) : 0)) & NARROW_MASK;
  }
}

/** Whether the normalized narrow limbs at `words[index]` are below the value whose narrow limbs are `bound` (as many). */
export function narrowBelow(words: Uint32Array, index: number, bound: readonly number[]): boolean {
  for (let k = bound.length - 1; k >= 0; k--) if (words[index + k] !== bound[k]) return words[index + k] < bound[k];
  return false;
}

/** The 32-bit word w (0 the lowest) of the `length`-byte value at `bytes[at]`, big- or little-endian. */
function read32(bytes: Uint8Array, at: number, le: boolean, w: number, length: number): number {
  const i = le ? at + 4 * w : at + length - 4 - 4 * w;
  return le
    ? (bytes[i] | (bytes[i + 1] << 8) | (bytes[i + 2] << 16) | (bytes[i + 3] << 24)) >>> 0
    : ((bytes[i] << 24) | (bytes[i + 1] << 16) | (bytes[i + 2] << 8) | bytes[i + 3]) >>> 0;
}

/**
 * Writes the narrow limbs at `words[index]` (a value below 2^(8·bytes)) as a word of `bytes` bytes
 * (32 unless given; a multiple of 4), big- or little-endian, at `out[at]`.
 */
export function narrowToWord(words: Uint32Array, index: number, out: Uint8Array, at: number, le: boolean, bytes = 32): void {
  for (let w = 0; w < bytes / 4; w++) {
    // 32-bit word w is bits 32w…: limb k from bit `shift` on, then the next limb's low bits.
    const k = Math.floor((32 * w) / NARROW_BITS);
    const shift = 32 * w - NARROW_BITS * k;
    let value = words[index + k] >>> shift;
    for (let have = NARROW_BITS - shift, j = k + 1; have < 32; have += NARROW_BITS, j++) value |= words[index + j] << have;
    for (let b = 0; b < 4; b++) out[le ? at + 4 * w + b : at + bytes - 1 - 4 * w - b] = (value >>> (8 * b)) & 0xff;
  }
}

/** Bits of the exponent {@link emitPow} takes at once, and the elements of its table. */
const WINDOW = 4;
export const POW_TABLE_ELEMENTS = 1 << WINDOW;

/**
 * Emits `pow(dst, base, exponent)`: dst = base^exponent in Montgomery form, over the `bits`-bit
 * (a multiple of 4) little-endian exponent at address `exponent`, four bits at a time from the top
 * (four squarings, then one product with base^digit from a table): for 256 bits, 256 squarings
 * and at most 78 products against square-and-multiply's 256 and up to 256. `one` holds 1 in
 * Montgomery form; `table` is {@link POW_TABLE_ELEMENTS} elements of working space (base may
 * alias dst); elements are `E` bytes; `sqr(dst, a)`, when given, squares (cheaper than mul in Fp2).
 */
export function emitPow(m: ModuleBuilder, mul: number, one: number, table: number, E: number, bits = 256, sqr?: number): number {
  const pow = m.addFunction([I32, I32, I32], []);
  const c = pow.code;
  const [DST, BASE, EXPONENT] = [0, 1, 2];
  const [digit, nibble] = [c.locals(1, I32), c.locals(1, I32)];
  copy(c, table, one, E);
  copy(c, table + E, [BASE, 0], E);
  for (let k = 2; k < POW_TABLE_ELEMENTS; k++) call(c, mul, table + k * E, table + (k - 1) * E, table + E);
  copy(c, [DST, 0], one, E);
  c.i32Const(bits / WINDOW - 1).localSet(nibble);
  c.loop();
  for (let k = 0; k < WINDOW; k++) {
    if (sqr === undefined) call(c, mul, [DST, 0], [DST, 0], [DST, 0]);
    else call(c, sqr, [DST, 0], [DST, 0]);
  }
  // The nibble's digit: byte nibble/2, its high half for odd nibbles.
  c.localGet(EXPONENT).localGet(nibble).i32Const(1).i32ShrU().i32Add().i32Load8U();
  c.localGet(nibble)
    .i32Const(1)
    .i32And()
    .i32Const(2)
    .i32Shl()
    .i32ShrU()
    .i32Const(POW_TABLE_ELEMENTS - 1)
    .i32And()
    .localTee(digit);
  c.if();
  c.localGet(DST).localGet(DST).localGet(digit).i32Const(E).i32Mul().i32Const(table).i32Add().call(mul);
  c.end();
  c.localGet(nibble).i32Const(1).i32Sub().localTee(nibble).i32Const(0).i32GeS().brIf(0);
  c.end();
  return pow.index;
}
