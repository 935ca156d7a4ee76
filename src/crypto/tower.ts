/**
 * The tower of extension fields under a pairing, emitted into a module under construction:
 * Fp2 = Fp[u]/(u² + 1), Fp6 = Fp2[v]/(v³ − ξ) with ξ = k + u, Fp12 = Fp6[w]/(w² − v), every element
 * in Montgomery form on montgomery.ts's narrow limbs (below 2p: a caller reduces before comparing)
 * in linear memory, each function taking (dst, a, b) addresses (dst may alias an operand). Serves BN254 (ξ = 9 + u, crypto/bn254-pairing.ts) and
 * BLS12-381 (ξ = 1 + u, crypto/bls12-381.ts).
 */
import { type Code, ModuleBuilder, ValType } from '../jit/wasm/index.js';
import { call, copy, type Slot } from './field-slots.js';
import { emitInverse } from './inverse.js';
import { emitNarrowFp2, emitNarrowMontgomery, type MontgomeryFunctions, type NarrowFunctions, narrowElementBytes, narrowLimbs } from './montgomery.js';

const { I32 } = ValType;

/** An Fp2 element (c0, c1) as BigInts, for constants. */
export type Fp2 = [bigint, bigint];

/** BigInt Fp2 arithmetic modulo p, for constants computed once. */
export function fp2Arithmetic(p: bigint) {
  const mul = ([a0, a1]: Fp2, [b0, b1]: Fp2): Fp2 => [(((a0 * b0 - a1 * b1) % p) + p) % p, (a0 * b1 + a1 * b0) % p];
  const conj = ([a0, a1]: Fp2): Fp2 => [a0, (p - a1) % p];
  const pow = (base: Fp2, e: bigint): Fp2 => {
    let result: Fp2 = [1n, 0n];
    for (; e > 0n; e >>= 1n, base = mul(base, base)) if (e & 1n) result = mul(result, base);
    return result;
  };
  return { mul, conj, pow };
}

/** γ[n][k] = ξ^(k(pⁿ − 1)/6) for ξ = xi + u, n = 1..3 (rows), k = 1..5: the Frobenius πⁿ multiplies w^k by it. */
export function frobeniusConstants(p: bigint, xi: number): Fp2[][] {
  const { mul, conj, pow } = fp2Arithmetic(p);
  // γ[1][k] = γ[1][1]^k with γ[1][1] = ξ^((p − 1)/6); γ[n][k] = conj(γ[n − 1][k])·γ[1][k].
  const root = pow([BigInt(xi), 1n], (p - 1n) / 6n);
  const first: Fp2[] = [];
  for (let k = 1, g: Fp2 = root; k <= 5; k++, g = mul(g, root)) first.push(g);
  const rows = [first];
  for (let n = 2; n <= 3; n++) rows.push(rows[n - 2].map((g, k) => mul(conj(g), first[k])));
  return rows;
}

/** Signed binary digits of `k` (non-adjacent form), least significant first. */
export function nonAdjacentForm(k: bigint): number[] {
  const digits: number[] = [];
  for (; k > 0n; k >>= 1n) {
    const d = k & 1n ? 2 - Number(k & 3n) : 0;
    digits.push(d);
    k -= BigInt(d);
  }
  return digits;
}

/**
 * A pairing module under construction: one exported memory of `pages` pages at first (at most
 * `maxPages`), working space handed out from `start` by `scratch`, `fn` adding a function of i32
 * address parameters, and `used()` the end of what was handed out.
 */
export function pairingModule(start: number, pages: number, maxPages?: number) {
  const m = new ModuleBuilder();
  m.defineMemory(pages, maxPages);
  m.export('memory', 'memory', 0);
  let next = start;
  const scratch = (bytes: number) => {
    next += bytes;
    return next - bytes;
  };
  const fn = (params: number, results: ValType[] = []) => m.addFunction(Array<ValType>(params).fill(I32), results);
  return { m, scratch, fn, used: () => next };
}

/** What the tower needs: its base field and where its constants and working space are. */
export interface TowerOptions {
  /** The base field's modulus. */
  p: bigint;
  /** k in ξ = k + u. */
  xi: number;
  /** An Fp zero. */
  zero: number;
  /** R³ mod p (R the Montgomery radix), for inverses in Montgomery form. */
  cube: number;
  /** The address of γ[n][k] = ξ^(k(pⁿ − 1)/6) for n = 1..3, k = 1..5 (Montgomery form). */
  gamma: (n: number, k: number) => number;
  /** Hands out `bytes` of working space. */
  scratch: (bytes: number) => number;
}

/** The tower's functions (indices), by the names the pairing emitters use. */
export interface Tower {
  /** Bytes of an Fp12 element. */
  bytes: number;
  fp: NarrowFunctions;
  /**
   * reduce(dst, a) making an Fp, Fp2 or Fp12 element canonical, for a comparison
   * or output (in place is fine).
   */
  reduce: { fp: number; fp2: number; fp12: number };
  /** invert(dst, src): the plain inverse of a normal-form Fp element (crypto/inverse.ts). */
  invert: number;
  add2: number;
  sub2: number;
  neg2: number;
  mul2: number;
  sqr2: number;
  /** mulFp(dst, a, s): a·s for an Fp element s. */
  mulFp: number;
  mulXi: number;
  conj2: number;
  inverse2: number;
  add6: number;
  sub6: number;
  neg6: number;
  mul6: number;
  mulV: number;
  /** mul6By01(dst, a, b0, b1): a·(b0 + b1·v). */
  mul6By01: number;
  mul12: number;
  sqr12: number;
  /** The square of an element of the cyclotomic subgroup. */
  cyclotomicSqr: number;
  conj12: number;
  inv12: number;
  /** The Frobenius maps π, π², π³. */
  frobenius: number[];
}

/** Emits the tower over Fp (see {@link TowerOptions}). */
export function emitTower(m: ModuleBuilder, options: TowerOptions): Tower {
  const { p, xi, zero, cube, gamma, scratch } = options;
  const limbs = narrowLimbs(p);
  const E = narrowElementBytes(limbs);
  const F2 = 2 * E;
  const F6 = 3 * F2;
  const fn = (params: number) => m.addFunction(Array<ValType>(params).fill(I32), []);
  // Arguments of a function with parameters (dst, a, b), each part of an element `size` bytes apart.
  const [D, A, B] = [0, 1, 2];
  const part = (local: number, size: number, k: number): Slot => [local, k * size];
  /** A function applying `lower` to each of `parts` parts of `size` bytes (for additions and subtractions). */
  const partwise = (lower: number, parts: number, size: number, arity: 2 | 3) => {
    const f = fn(arity);
    for (let k = 0; k < parts; k++) call(f.code, lower, ...[D, A, B].slice(0, arity).map((l) => part(l, size, k)));
    return f.index;
  };

  // ---- Fp
  const fp = emitNarrowMontgomery(m, p);
  const invert = emitInverse(m, p, limbs);
  const reduce = { fp: fp.reduce, fp2: partwise(fp.reduce, 2, E, 2), fp12: partwise(fp.reduce, 12, E, 2) };
  const negate = fn(2);
  call(negate.code, fp.sub, [D, 0], zero, [A, 0]);

  // ---- Fp2 = Fp[u]/(u² + 1): (c0, c1)
  const add2 = partwise(fp.add, 2, E, 3);
  const sub2 = partwise(fp.sub, 2, E, 3);
  const neg2 = partwise(negate.index, 2, E, 2);
  // Fp2 products of nine limbs run in locals, one reduction a part (montgomery.ts); of fourteen
  // (BLS12-381), whose seven elements of locals no longer stay in registers, by Karatsuba over Fp:
  // the BLS pairing measured 1.14 of the former 32-bit limbs' time in locals, 0.79 so.
  const { mul2, sqr2 } = limbs <= 9 ? emitNarrowFp2(m, p) : karatsubaFp2(m, fp, E, scratch);
  // d = a·s for an Fp element s.
  const mulFp = fn(3);
  call(mulFp.code, fp.mul, [D, 0], [A, 0], [B, 0]);
  call(mulFp.code, fp.mul, [D, E], [A, E], [B, 0]);
  // d = a·ξ = (k·a0 − a1) + (a0 + k·a1)u for ξ = k + u
  const mulXi = fn(2);
  {
    const c = mulXi.code;
    const [t0, t1] = [scratch(E), scratch(E)];
    /** k·v by doublings and additions from k's top bit, into t (v itself for k = 1). */
    const times = (t: number, v: Slot): Slot => {
      const top = 31 - Math.clz32(xi);
      if (top === 0) return v;
      call(c, fp.add, t, v, v);
      if ((xi >> (top - 1)) & 1) call(c, fp.add, t, t, v);
      for (let bit = top - 2; bit >= 0; bit--) {
        call(c, fp.add, t, t, t);
        if ((xi >> bit) & 1) call(c, fp.add, t, t, v);
      }
      return t;
    };
    call(c, fp.sub, t0, times(t0, [A, 0]), [A, E]);
    call(c, fp.add, [D, E], times(t1, [A, E]), [A, 0]);
    copy(c, [D, 0], t0, E);
  }
  const conj2 = fn(2);
  copy(conj2.code, [D, 0], [A, 0], E);
  call(conj2.code, negate.index, [D, E], [A, E]);
  const inverse = fn(2);
  {
    const c = inverse.code;
    const [t0, t1] = [scratch(E), scratch(E)];
    call(c, fp.mul, t0, [A, 0], [A, 0]);
    call(c, fp.mul, t1, [A, E], [A, E]);
    call(c, fp.add, t0, t0, t1);
    call(c, reduce.fp, t0, t0); // the inverse's input is below p
    call(c, invert, t0, t0);
    call(c, fp.mul, t0, t0, cube); // (the plain inverse of a·R is a⁻¹·R⁻¹)
    call(c, fp.mul, [D, 0], [A, 0], t0);
    call(c, fp.mul, t1, [A, E], t0);
    call(c, negate.index, [D, E], t1);
  }

  // ---- Fp6 = Fp2[v]/(v³ − ξ): (c0, c1, c2)
  const add6 = partwise(add2, 3, F2, 3);
  const sub6 = partwise(sub2, 3, F2, 3);
  const neg6 = partwise(neg2, 3, F2, 2);
  const mul6 = fn(3);
  {
    const c = mul6.code;
    const [t0, t1, t2, u, v, r] = [scratch(F2), scratch(F2), scratch(F2), scratch(F2), scratch(F2), scratch(F6)];
    const a = (k: number) => part(A, F2, k);
    const b = (k: number) => part(B, F2, k);
    const t = [t0, t1, t2];
    t.forEach((tk, k) => call(c, mul2, tk, a(k), b(k)));
    /** u = (a_i + a_j)(b_i + b_j) − a_i·b_i − a_j·b_j */
    const cross = (i: number, j: number) => {
      call(c, add2, u, a(i), a(j));
      call(c, add2, v, b(i), b(j));
      call(c, mul2, u, u, v);
      call(c, sub2, u, u, t[i]);
      call(c, sub2, u, u, t[j]);
    };
    cross(1, 2);
    call(c, mulXi.index, u, u);
    call(c, add2, r, u, t0); // c0 = a0b0 + ξ(a1b2 + a2b1)
    cross(0, 1);
    call(c, mulXi.index, v, t2);
    call(c, add2, r + F2, u, v); // c1 = a0b1 + a1b0 + ξa2b2
    cross(0, 2);
    call(c, add2, r + 2 * F2, u, t1); // c2 = a0b2 + a2b0 + a1b1
    copy(c, [D, 0], r, F6);
  }
  // d = a·v = (ξa2, a0, a1)
  const mulV = fn(2);
  {
    const c = mulV.code;
    const t = scratch(F2);
    call(c, mulXi.index, t, part(A, F2, 2));
    copy(c, part(D, F2, 2), part(A, F2, 1), F2);
    copy(c, part(D, F2, 1), part(A, F2, 0), F2);
    copy(c, part(D, F2, 0), t, F2);
  }
  const inv6 = fn(2);
  {
    const c = inv6.code;
    const [c0, c1, c2, t, u] = [scratch(F2), scratch(F2), scratch(F2), scratch(F2), scratch(F2)];
    const a = (k: number) => part(A, F2, k);
    call(c, sqr2, c0, a(0));
    call(c, mul2, t, a(1), a(2));
    call(c, mulXi.index, t, t);
    call(c, sub2, c0, c0, t); // a0² − ξa1a2
    call(c, sqr2, c1, a(2));
    call(c, mulXi.index, c1, c1);
    call(c, mul2, t, a(0), a(1));
    call(c, sub2, c1, c1, t); // ξa2² − a0a1
    call(c, sqr2, c2, a(1));
    call(c, mul2, t, a(0), a(2));
    call(c, sub2, c2, c2, t); // a1² − a0a2
    call(c, mul2, t, a(2), c1);
    call(c, mul2, u, a(1), c2);
    call(c, add2, t, t, u);
    call(c, mulXi.index, t, t);
    call(c, mul2, u, a(0), c0);
    call(c, add2, t, t, u); // the norm, in Fp2
    call(c, inverse.index, t, t);
    call(c, mul2, part(D, F2, 0), c0, t);
    call(c, mul2, part(D, F2, 1), c1, t);
    call(c, mul2, part(D, F2, 2), c2, t);
  }

  // ---- Fp12 = Fp6[w]/(w² − v): (c0, c1)
  const mul12 = fn(3);
  {
    const c = mul12.code;
    const [t0, t1, u, v] = [scratch(F6), scratch(F6), scratch(F6), scratch(F6)];
    call(c, mul6.index, t0, [A, 0], [B, 0]);
    call(c, mul6.index, t1, [A, F6], [B, F6]);
    call(c, add6, u, [A, 0], [A, F6]);
    call(c, add6, v, [B, 0], [B, F6]);
    call(c, mul6.index, u, u, v);
    call(c, sub6, u, u, t0);
    call(c, sub6, [D, F6], u, t1);
    call(c, mulV.index, t1, t1);
    call(c, add6, [D, 0], t0, t1);
  }
  const sqr12 = fn(2);
  {
    const c = sqr12.code;
    const [t, u, v] = [scratch(F6), scratch(F6), scratch(F6)];
    call(c, mul6.index, t, [A, 0], [A, F6]);
    call(c, add6, u, [A, 0], [A, F6]);
    call(c, mulV.index, v, [A, F6]);
    call(c, add6, v, [A, 0], v);
    call(c, mul6.index, u, u, v); // a0² + v·a1² + (1 + v)·a0a1
    call(c, sub6, u, u, t);
    call(c, mulV.index, v, t);
    call(c, sub6, [D, 0], u, v);
    call(c, add6, [D, F6], t, t);
  }
  // The square of an element of the cyclotomic subgroup (after the easy part of the final
  // exponentiation), by Granger and Scott's formulas: 9 Fp2 squarings against sqr12's 12 products.
  const cyclotomicSqr = fn(2);
  {
    const c = cyclotomicSqr.code;
    const t = Array.from({ length: 9 }, () => scratch(F2));
    const x = (w: number, k: number): Slot => [A, w * F6 + k * F2];
    const z = (w: number, k: number): Slot => [D, w * F6 + k * F2];
    // (t[a], t[b]) = squares of x_a, x_b; t[cross] = 2·x_a·x_b = (x_a + x_b)² − x_a² − x_b².
    const squares = (a: number, xa: Slot, b: number, xb: Slot, cross: number) => {
      call(c, sqr2, t[a], xa);
      call(c, sqr2, t[b], xb);
      call(c, add2, t[cross], xa, xb);
      call(c, sqr2, t[cross], t[cross]);
      call(c, sub2, t[cross], t[cross], t[a]);
      call(c, sub2, t[cross], t[cross], t[b]);
    };
    squares(0, x(1, 1), 1, x(0, 0), 6);
    squares(2, x(0, 2), 3, x(1, 0), 7);
    squares(4, x(1, 2), 5, x(0, 1), 8);
    call(c, mulXi.index, t[8], t[8]);
    for (const k of [0, 2, 4]) {
      call(c, mulXi.index, t[k], t[k]);
      call(c, add2, t[k], t[k], t[k + 1]);
    }
    // z = 3t − 2x for the first half, 3t + 2x for the second.
    const triple = (dst: Slot, tk: number, src: Slot, op: number) => {
      call(c, op, dst, t[tk], src);
      call(c, add2, dst, dst, dst);
      call(c, add2, dst, dst, t[tk]);
    };
    triple(z(0, 0), 0, x(0, 0), sub2);
    triple(z(0, 1), 2, x(0, 1), sub2);
    triple(z(0, 2), 4, x(0, 2), sub2);
    triple(z(1, 0), 8, x(1, 0), add2);
    triple(z(1, 1), 6, x(1, 1), add2);
    triple(z(1, 2), 7, x(1, 2), add2);
  }
  const conj12 = fn(2);
  copy(conj12.code, [D, 0], [A, 0], F6);
  call(conj12.code, neg6, [D, F6], [A, F6]);
  const inv12 = fn(2);
  {
    const c = inv12.code;
    const [t, u] = [scratch(F6), scratch(F6)];
    call(c, mul6.index, t, [A, 0], [A, 0]);
    call(c, mul6.index, u, [A, F6], [A, F6]);
    call(c, mulV.index, u, u);
    call(c, sub6, t, t, u);
    call(c, inv6.index, t, t); // 1/(a0² − v·a1²)
    call(c, mul6.index, [D, 0], [A, 0], t);
    call(c, mul6.index, u, [A, F6], t);
    call(c, neg6, [D, F6], u);
  }
  // The Frobenius πⁿ: the coefficient of w^k (at w-part k % 2, v-part k >> 1) becomes its p^n-th power times γ[n][k].
  const frobenius = [1, 2, 3].map((n) => {
    const f = fn(2);
    for (let k = 0; k < 6; k++) {
      const offset = (k % 2) * F6 + (k >> 1) * F2;
      if (n % 2) call(f.code, conj2.index, [D, offset], [A, offset]);
      else copy(f.code, [D, offset], [A, offset], F2);
      if (k) call(f.code, mul2, [D, offset], [D, offset], gamma(n, k));
    }
    return f.index;
  });

  // d = a·(b0 + b1·v) for a in Fp6 and b0, b1 in Fp2 (the parts of a line), by Karatsuba: 5 products.
  const mul6By01 = fn(4);
  {
    const c = mul6By01.code;
    const [B0, B1] = [2, 3];
    const [t0, t1, u, v, r] = [scratch(F2), scratch(F2), scratch(F2), scratch(F2), scratch(F6)];
    const a = (k: number) => part(A, F2, k);
    call(c, mul2, t0, a(0), [B0, 0]);
    call(c, mul2, t1, a(1), [B1, 0]);
    call(c, mul2, u, a(2), [B1, 0]);
    call(c, mulXi.index, u, u);
    call(c, add2, r, u, t0); // a0b0 + ξa2b1
    call(c, add2, u, a(0), a(1));
    call(c, add2, v, [B0, 0], [B1, 0]);
    call(c, mul2, u, u, v);
    call(c, sub2, u, u, t0);
    call(c, sub2, r + F2, u, t1); // a0b1 + a1b0
    call(c, mul2, u, a(2), [B0, 0]);
    call(c, add2, r + 2 * F2, u, t1); // a1b1 + a2b0
    copy(c, [D, 0], r, F6);
  }
  return {
    bytes: 6 * F2,
    fp,
    reduce,
    invert,
    add2,
    sub2,
    neg2,
    mul2: mul2,
    sqr2: sqr2,
    mulFp: mulFp.index,
    mulXi: mulXi.index,
    conj2: conj2.index,
    inverse2: inverse.index,
    add6,
    sub6,
    neg6,
    mul6: mul6.index,
    mulV: mulV.index,
    mul6By01: mul6By01.index,
    mul12: mul12.index,
    sqr12: sqr12.index,
    cyclotomicSqr: cyclotomicSqr.index,
    conj12: conj12.index,
    inv12: inv12.index,
    frobenius,
  };
}

/** Fp2 multiplication (Karatsuba: three Fp products) and squaring (two) over Fp's functions on elements of `E` bytes. */
function karatsubaFp2(m: ModuleBuilder, fp: MontgomeryFunctions, E: number, scratch: (bytes: number) => number): { mul2: number; sqr2: number } {
  const fn = (params: number) => m.addFunction(Array<ValType>(params).fill(I32), []);
  const [D, A, B] = [0, 1, 2];
  const mul2 = fn(3);
  {
    const c = mul2.code;
    const [t0, t1, t2, t3] = [scratch(E), scratch(E), scratch(E), scratch(E)];
    call(c, fp.mul, t0, [A, 0], [B, 0]);
    call(c, fp.mul, t1, [A, E], [B, E]);
    call(c, fp.add, t2, [A, 0], [A, E]);
    call(c, fp.add, t3, [B, 0], [B, E]);
    call(c, fp.mul, t2, t2, t3);
    call(c, fp.sub, [D, 0], t0, t1);
    call(c, fp.sub, t2, t2, t0);
    call(c, fp.sub, [D, E], t2, t1); // (a0 + a1)(b0 + b1) − a0b0 − a1b1
  }
  const sqr2 = fn(2);
  {
    const c = sqr2.code;
    const [t0, t1, t2] = [scratch(E), scratch(E), scratch(E)];
    call(c, fp.add, t0, [A, 0], [A, E]);
    call(c, fp.sub, t1, [A, 0], [A, E]);
    call(c, fp.mul, t2, [A, 0], [A, E]);
    call(c, fp.mul, [D, 0], t0, t1);
    call(c, fp.add, [D, E], t2, t2);
  }
  return { mul2: mul2.index, sqr2: sqr2.index };
}

/**
 * Emits `pow(dst, a)`: dst = a^exponent for a in the cyclotomic subgroup (after the easy part of a
 * final exponentiation), over the exponent's signed digits with cyclotomic squarings (a⁻¹ = conj(a)
 * there).
 */
export function emitCyclotomicPower(m: ModuleBuilder, tower: Tower, exponent: bigint, scratch: (bytes: number) => number): number {
  const F12 = tower.bytes;
  const f = m.addFunction([I32, I32], []);
  const c = f.code;
  const [D, A] = [0, 1];
  const [acc, inverse] = [scratch(F12), scratch(F12)];
  const digits = nonAdjacentForm(exponent);
  copy(c, acc, [A, 0], F12);
  call(c, tower.conj12, inverse, [A, 0]);
  for (let i = digits.length - 2; i >= 0; i--) {
    call(c, tower.cyclotomicSqr, acc, acc);
    if (digits[i]) call(c, tower.mul12, acc, acc, digits[i] > 0 ? [A, 0] : inverse);
  }
  copy(c, [D, 0], acc, F12);
  return f.index;
}

/**
 * Emits the end of F = F·(A + B·w) by Karatsuba over w, given t0 = F.c0·A and t1 = F.c1·B: u =
 * F.c0 + F.c1, then `timesSum` makes u = u·(A + B), then F.c1 = u − t0 − t1, F.c0 = t0 + v·t1
 * (t1 and u are overwritten).
 */
export function finishLineProduct(c: Code, tower: Tower, F: number, t0: number, t1: number, u: number, timesSum: () => void): void {
  const F6 = tower.bytes / 2;
  call(c, tower.add6, u, F, F + F6);
  timesSum();
  call(c, tower.sub6, u, u, t0);
  call(c, tower.sub6, F + F6, u, t1);
  call(c, tower.mulV, t1, t1);
  call(c, tower.add6, F, t0, t1);
}

/**
 * Emits a loop over the `n` pairs (`n` the function's parameter 0) laid out `size` bytes apart
 * from `first`: `step(pair)` with `pair` a local holding the pair's address, then a call of `after`.
 */
export function eachPair(c: Code, first: number, size: number, after: number, step: (pair: number) => void): void {
  const pair = c.locals(1, I32);
  c.i32Const(first).localSet(pair);
  c.block();
  c.loop();
  c.localGet(pair).localGet(0).i32Const(size).i32Mul().i32Const(first).i32Add().i32GeU().brIf(1);
  step(pair);
  c.call(after);
  c.localGet(pair).i32Const(size).i32Add().localSet(pair);
  c.br(0);
  c.end();
  c.end();
}
