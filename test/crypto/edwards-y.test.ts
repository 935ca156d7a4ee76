/**
 * The decompression check of crypto/edwards-y.ts against Euler's criterion computed with BigInt:
 * u·v = (y² − 1)(d·y² + 1) must be a square or zero. Random y go through the Jacobi-symbol path;
 * y ≡ ±1 (u ≡ 0, which that path leaves to the exponentiation) through the fallback; y with
 * y² ≡ c·2^k (u's lowest limb −1) through limb products and sums that go negative.
 */
import { describe, expect, it } from 'vitest';
import { isEdwardsY } from '../../src/crypto/edwards-y.js';
import { edwardsD, P25519 as P, sqrtM1 } from '../../src/crypto/edwards25519.js';

function power(base: bigint, exponent: bigint): bigint {
  let result = 1n;
  for (base %= P; exponent > 0n; exponent >>= 1n, base = (base * base) % P) if (exponent & 1n) result = (result * base) % P;
  return result;
}

/** dalek's answer: y from the low 255 bits, reduced mod p; on the curve when u·v is a square or zero. */
function expected(bytes: Uint8Array): boolean {
  let y = 0n;
  for (let i = 31; i >= 0; i--) y = (y << 8n) | BigInt(bytes[i]!);
  y = (y & ((1n << 255n) - 1n)) % P;
  const y2 = (y * y) % P;
  const uv = (((y2 - 1n + P) % P) * ((edwardsD() * y2 + 1n) % P)) % P;
  return power(uv, (P - 1n) / 2n) !== P - 1n;
}

function encode(y: bigint, sign: boolean): Uint8Array {
  const b = new Uint8Array(32);
  for (let i = 0; i < 32; i++, y >>= 8n) b[i] = Number(y & 0xffn);
  if (sign) b[31]! |= 0x80;
  return b;
}

/** A square root of `t` mod p when there is one (p ≡ 5 mod 8). */
function squareRoot(t: bigint): bigint | undefined {
  const r = power(t, (P + 3n) / 8n);
  if ((r * r) % P === t) return r;
  const other = (r * sqrtM1()) % P;
  return (other * other) % P === t ? other : undefined;
}

/** edwards-y.ts's field layout: ten limbs of alternately 26 and 25 bits. */
const WIDTH = [26, 25, 26, 25, 26, 25, 26, 25, 26, 25];
const OFFSET = [0, 26, 51, 77, 102, 128, 153, 179, 204, 230];
const limbsOf = (v: bigint) => OFFSET.map((o, k) => (v >> BigInt(o)) & ((1n << BigInt(WIDTH[k])) - 1n));
const valueOf = (limbs: bigint[]) => limbs.reduce((sum, l, k) => sum + (l << BigInt(OFFSET[k])), 0n);

/**
 * The limb sums of f·g as edwards-y.ts forms them, before any carry, and the least partial sum on
 * the way: f_i·g_j lands in limb (i + j) mod 10, doubled when i and j are both odd, times 19 when
 * it wraps past limb 9; each limb's terms are added in order of i, f_0's first.
 */
function productLimbs(f: bigint[], g: bigint[]): { sums: bigint[]; least: bigint } {
  const sums = new Array<bigint>(10).fill(0n);
  let least = 0n;
  for (let i = 0; i < 10; i++) {
    for (let j = 0; j < 10; j++) {
      const k = (i + j) % 10;
      sums[k] += f[i] * g[j] * (i % 2 === 1 && j % 2 === 1 ? 2n : 1n) * (i + j >= 10 ? 19n : 1n);
      if (sums[k] < least) least = sums[k];
    }
  }
  return { sums, least };
}

let seed = 0x9e3779b9;
const randomKey = () =>
  Uint8Array.from({ length: 32 }, () => {
    seed ^= seed << 13;
    seed ^= seed >>> 17;
    seed ^= seed << 5;
    return seed & 0xff;
  });

describe('isEdwardsY against Euler’s criterion', () => {
  it('agrees on random encodings, both sign bits (the Jacobi-symbol path)', () => {
    let onCurve = 0;
    for (let n = 0; n < 3000; n++) {
      const b = randomKey();
      const want = expected(b);
      onCurve += want ? 1 : 0;
      expect(isEdwardsY(b), Buffer.from(b).toString('hex')).toBe(want);
    }
    expect(onCurve).toBeGreaterThan(1300); // about half
    expect(onCurve).toBeLessThan(1700);
  });

  it('agrees on y ≡ ±1 (u·v = 0, the fallback), y around 0, p and 2^255, and single bits', () => {
    const ys = [1n, P - 1n, P + 1n, 0n, 2n, P - 2n, P, P + 2n, P + 18n, 2n ** 255n - 1n, 2n ** 254n];
    for (let bit = 0n; bit < 255n; bit++) ys.push(1n << bit, (1n << 255n) - 1n - (1n << bit));
    for (const y of ys) {
      for (const sign of [false, true]) {
        const b = encode(y, sign);
        expect(isEdwardsY(b), `y = ${y}, sign ${sign}`).toBe(expected(b));
      }
    }
    expect(isEdwardsY(encode(1n, true))).toBe(true);
    expect(isEdwardsY(encode(P - 1n, false))).toBe(true);
  });

  it('agrees where limbs and their sums go negative: y² ≡ c·2^k, so u = y² − 1 has limb 0 = −1', () => {
    const d = edwardsD();
    let checked = 0;
    let negativeLimbs = 0;
    for (let k = 1; k < 10; k++) {
      for (let c = 1n; c <= 40n; c++) {
        const y = squareRoot((c << BigInt(OFFSET[k])) % P);
        if (y === undefined) continue;
        const y2 = (y * y) % P;
        // u's limbs: y²'s (limb 0 of them zero) with 1 taken from limb 0; v = d·y² + 1's are not negative.
        const u = limbsOf(y2);
        expect(u[0]).toBe(0n);
        u[0] -= 1n;
        const v = limbsOf((d * y2 + 1n) % P);
        const { sums, least } = productLimbs(u, v);
        // The model is the field product u·v; its sums start negative (u_0·v_k first), some end so.
        expect((((valueOf(sums) - (y2 - 1n) * (d * y2 + 1n)) % P) + P) % P).toBe(0n);
        expect(least < 0n).toBe(true);
        if (sums.some((l) => l < 0n)) negativeLimbs++;
        for (const sign of [false, true]) {
          const b = encode(y, sign);
          expect(isEdwardsY(b), `y = ${y}, sign ${sign}`).toBe(expected(b));
        }
        checked++;
      }
    }
    // c·2^k is a square for about half the c; a product limb ends negative where c·v's terms do not outweigh v's.
    expect(checked).toBeGreaterThan(150);
    expect(negativeLimbs).toBeGreaterThan(20);
  });
});
