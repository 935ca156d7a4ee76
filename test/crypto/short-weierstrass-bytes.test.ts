/**
 * The short-Weierstrass module's byte-level operations (crypto/short-weierstrass.ts: loadPoint,
 * sumInto, multiplyInto, liftInto, which alt_bn128's G1 syscalls use) against @noble/curves on
 * BN254's G1: random points and scalars in both byte orders, the point at infinity, equal and
 * opposite points, scalars around 0, the group order and 2^256, coordinates at or above p, points
 * off the curve, and x coordinates with and without a point.
 */
import { describe, expect, it } from 'vitest';
import { bn254 } from '@noble/curves/bn254.js';
import { G1 } from '../../src/syscalls/alt-bn128.js';

const { Fp, Fr } = bn254.fields;
const P = Fp.ORDER;
const N = Fr.ORDER;
type Point = InstanceType<typeof bn254.G1.Point>;

const word = (v: bigint, le: boolean) => {
  const b = Uint8Array.from(Buffer.from(v.toString(16).padStart(64, '0'), 'hex'));
  return le ? b.reverse() : b;
};
const cat = (...parts: Uint8Array[]) => Uint8Array.from(parts.flatMap((p) => Array.from(p)));
const bytesOf = (p: Point, le: boolean) => {
  if (p.is0()) return new Uint8Array(64);
  const a = p.toAffine();
  return cat(word(a.x, le), word(a.y, le));
};

let seed = 31;
const next = () => (seed = (seed * 1103515245 + 12345) >>> 0);
const random = () => Array.from({ length: 8 }, next).reduce((v, w) => (v << 32n) | BigInt(w), 0n);
const point = () => bn254.G1.Point.BASE.multiply((random() % (N - 1n)) + 1n);

describe('short-Weierstrass byte operations on BN254 G1', () => {
  it('adds random, equal, opposite and infinite points like noble, in both byte orders', () => {
    for (let i = 0; i < 400; i++) {
      const le = i % 2 === 1;
      const a = point();
      const b = [point(), a, a.negate(), bn254.G1.Point.ZERO][i % 4];
      const [first, second] = i % 8 < 4 ? [a, b] : [b, a];
      const input = cat(bytesOf(first, le), bytesOf(second, le));
      expect(G1.loadPoint(0, first.is0() ? undefined : input, 0, le)).toBe(true);
      expect(G1.loadPoint(1, second.is0() ? undefined : input, 64, le)).toBe(true);
      const out = new Uint8Array(64);
      G1.sumInto(out, le);
      expect(out).toEqual(bytesOf(first.add(second), le));
    }
  });

  it('multiplies by random and edge scalars like noble (the scalar taken whole, not reduced)', () => {
    const scalars = [0n, 1n, 2n, N - 1n, N, N + 1n, 2n ** 255n, 2n ** 256n - 1n, 0x1234567890abcdefn];
    for (let i = 0; i < 300; i++) {
      const le = i % 2 === 1;
      const a = i % 50 === 7 ? bn254.G1.Point.ZERO : point();
      const k = i < scalars.length ? scalars[i] : i % 3 ? random() : random() >> BigInt(next() % 256);
      const input = cat(bytesOf(a, le), word(k, le));
      expect(G1.loadPoint(0, a.is0() ? undefined : input, 0, le)).toBe(true);
      const out = new Uint8Array(64);
      G1.multiplyInto(input, 64, le, out);
      expect(out).toEqual(bytesOf(a.multiplyUnsafe(k % N), le));
    }
  });

  it('refuses coordinates at or above p and points off the curve', () => {
    const a = point().toAffine();
    for (let i = 0; i < 200; i++) {
      const le = i % 2 === 1;
      const [x, y] =
        i % 4 === 0
          ? [a.x + P, a.y]
          : i % 4 === 1
            ? [a.x, a.y + P * BigInt(1 + (next() % 3))]
            : i % 4 === 2
              ? [random() % P, random() % P]
              : [2n ** 256n - 1n - BigInt(next() % 1000), a.y];
      if (x >= 2n ** 256n || y >= 2n ** 256n) continue;
      expect(G1.loadPoint(i % 2 ? 1 : 0, cat(word(x, le), word(y, le)), 0, le)).toBe(false);
    }
    expect(G1.loadPoint(0, cat(word(a.x, false), word(a.y, false)), 0, false)).toBe(true);
  });

  it('lifts x to the larger or smaller y like noble, and refuses x without a point or not below p', () => {
    let lifted = 0;
    for (let i = 0; i < 600; i++) {
      const le = i % 2 === 1;
      const larger = i % 4 >= 2;
      const x = i % 3 === 0 ? point().toAffine().x : i % 50 === 1 ? P + BigInt(next() % 100) : random() % P;
      const out = new Uint8Array(64);
      const ok = x < 2n ** 256n && G1.liftInto(word(x, le), 0, le, larger, out);
      let expected: Uint8Array | undefined;
      if (x < P) {
        try {
          let y = Fp.sqrt(Fp.add(Fp.mul(Fp.sqr(x), x), 3n));
          if (y > Fp.neg(y) !== larger) y = Fp.neg(y);
          expected = cat(word(x, le), word(y, le));
        } catch {
          expected = undefined;
        }
      }
      expect(ok ? out : undefined).toEqual(expected);
      if (ok) lifted++;
    }
    expect(lifted).toBeGreaterThan(250);
  });

  // The module keeps elements below 2p, not p: coordinates at the field's edges, whose unreduced
  // forms differ from their values, must still compare, test and come out reduced.
  it('adds, multiplies and lifts points with x or y near p or near 0 like noble', () => {
    const edge: Point[] = [bn254.G1.Point.BASE, bn254.G1.Point.BASE.negate()]; // y = 2 and p − 2
    for (let k = 1n; edge.length < 12; k++) {
      for (const x of [P - k, k]) {
        try {
          const y = Fp.sqrt(Fp.add(Fp.mul(Fp.sqr(x), x), 3n));
          edge.push(bn254.G1.Point.fromAffine({ x, y }), bn254.G1.Point.fromAffine({ x, y: Fp.neg(y) }));
        } catch {
          // no point with this x
        }
      }
    }
    for (const [i, a] of edge.entries()) {
      const le = i % 2 === 1;
      for (const b of [...edge, a.negate(), bn254.G1.Point.ZERO]) {
        const input = cat(bytesOf(a, le), bytesOf(b, le));
        expect(G1.loadPoint(0, input, 0, le)).toBe(true);
        expect(G1.loadPoint(1, b.is0() ? undefined : input, 64, le)).toBe(true);
        const out = new Uint8Array(64);
        G1.sumInto(out, le);
        expect(out).toEqual(bytesOf(a.add(b), le));
      }
      for (const k of [1n, 2n, 3n, N - 1n, N - 2n, N + 1n]) {
        const input = cat(bytesOf(a, le), word(k, le));
        expect(G1.loadPoint(0, input, 0, le)).toBe(true);
        const out = new Uint8Array(64);
        G1.multiplyInto(input, 64, le, out);
        expect(out).toEqual(bytesOf(a.multiplyUnsafe(k % N), le));
      }
      const { x, y } = a.toAffine();
      for (const larger of [false, true]) {
        const out = new Uint8Array(64);
        expect(G1.liftInto(word(x, le), 0, le, larger, out)).toBe(true);
        expect(out).toEqual(cat(word(x, le), word(y > Fp.neg(y) === larger ? y : Fp.neg(y), le)));
      }
    }
  });

  it('accepts points on the curve whose squared y (Montgomery form, unreduced) lands at or above p', () => {
    // The narrow module's Montgomery product of a and b (below 2p) is (T + m·p)/R for T = a·b,
    // R = 2^261 and m = −T·p⁻¹ mod R: at or above p for some points, which load must reduce.
    const R = 1n << 261n;
    let inverse = 1n; // p⁻¹ mod R by Newton's iteration, each step doubling the bits
    for (let i = 0; i < 9; i++) inverse = (inverse * (2n - P * inverse)) % R;
    const minusInverse = (R - inverse) % R;
    const product = (a: bigint, b: bigint) => (a * b + ((a * b * minusInverse) % R) * P) / R;
    let high = 0;
    for (let i = 0; i < 3000; i++) {
      const x = random() % P;
      let y: bigint;
      try {
        y = Fp.sqrt(Fp.add(Fp.mul(Fp.sqr(x), x), 3n));
      } catch {
        continue;
      }
      const le = i % 2 === 1;
      if (product((y * R) % P, (y * R) % P) >= P) high++;
      expect(G1.loadPoint(0, cat(word(x, le), word(y, le)), 0, le)).toBe(true);
    }
    expect(high).toBeGreaterThan(0);
  });
});
