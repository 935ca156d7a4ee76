/**
 * The decompression check of crypto/edwards-y.ts against Euler's criterion computed with BigInt:
 * u·v = (y² − 1)(d·y² + 1) must be a square or zero. Random y go through the Jacobi-symbol path;
 * y ≡ ±1 (u ≡ 0, which that path leaves to the exponentiation) through the fallback.
 */
import { describe, expect, it } from 'vitest';
import { isEdwardsY } from '../../src/crypto/edwards-y.js';
import { edwardsD, P25519 as P } from '../../src/crypto/edwards25519.js';

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
});
