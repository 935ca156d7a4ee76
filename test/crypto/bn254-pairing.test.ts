/**
 * Our BN254 pairing check (crypto/bn254-pairing.ts) against @noble/curves (which the syscall used
 * before, and which LiteSVM's arkworks agrees with): products of pairings that are one and that are
 * not, identity points in either place, both byte orders, and every refusal: coordinates at or
 * above p, G1 points off the curve, G2 points off the twist or on it outside the subgroup.
 */
import { describe, expect, it } from 'vitest';
import { bn254 } from '@noble/curves/bn254.js';
import { Bn254Pairing, PAIR_INPUT } from '../../src/crypto/bn254-pairing.js';

const { Fp, Fp2, Fp12, Fr } = bn254.fields;
const P = Fp.ORDER;
const R = Fr.ORDER;
type Fp2T = { c0: bigint; c1: bigint };
type G1 = { x: bigint; y: bigint };
type G2 = { x: Fp2T; y: Fp2T };

const be = (v: bigint) => Uint8Array.from(Buffer.from(v.toString(16).padStart(64, '0'), 'hex'));
const cat = (...parts: ArrayLike<number>[]) => Uint8Array.from(parts.flatMap((p) => Array.from(p)));
const g1Bytes = (p: G1 | undefined) => (p ? cat(be(p.x), be(p.y)) : new Uint8Array(64));
const g2Bytes = (q: G2 | undefined) => (q ? cat(be(q.x.c1), be(q.x.c0), be(q.y.c1), be(q.y.c0)) : new Uint8Array(128));
/** The little-endian layout: every word reversed, Fp2 as (c0, c1). */
const littleEndian = (input: Uint8Array) =>
  cat(
    ...Array.from({ length: input.length / PAIR_INPUT }, (_, i) =>
      [0, 32, 96, 64, 160, 128].map((o) => input.slice(i * PAIR_INPUT + o, i * PAIR_INPUT + o + 32).reverse()),
    ).flat(),
  );

const word = (b: Uint8Array, at: number) => BigInt('0x' + Buffer.from(b.subarray(at, at + 32)).toString('hex'));
/** The syscall's former computation on noble, big-endian: undefined for refused input. */
function reference(input: Uint8Array): boolean | undefined {
  const pairs: { g1: InstanceType<typeof bn254.G1.Point>; g2: InstanceType<typeof bn254.G2.Point> }[] = [];
  for (let at = 0; at < input.length; at += PAIR_INPUT) {
    const words = Array.from({ length: 6 }, (_, k) => word(input, at + 32 * k));
    if (words.some((w) => w >= P)) return undefined;
    const zero1 = words[0] === 0n && words[1] === 0n;
    const zero2 = words.slice(2).every((w) => w === 0n);
    let a: InstanceType<typeof bn254.G1.Point> | undefined;
    let q: InstanceType<typeof bn254.G2.Point> | undefined;
    try {
      if (!zero1) (a = bn254.G1.Point.fromAffine({ x: words[0], y: words[1] })).assertValidity();
      if (!zero2) (q = bn254.G2.Point.fromAffine({ x: { c0: words[3], c1: words[2] }, y: { c0: words[5], c1: words[4] } })).assertValidity();
    } catch {
      return undefined;
    }
    if (a && q) pairs.push({ g1: a, g2: q });
  }
  return pairs.length === 0 || Fp12.eql(bn254.pairingBatch(pairs), Fp12.ONE);
}

let seed = 99;
const next = () => (seed = (seed * 1103515245 + 12345) >>> 0);
const random = () => Array.from({ length: 8 }, next).reduce((v, w) => (v << 32n) | BigInt(w), 0n);
const scalar = () => (random() % (R - 1n)) + 1n;
const g1 = (k: bigint): G1 => bn254.G1.Point.BASE.multiply(k).toAffine();
const g2 = (k: bigint): G2 => bn254.G2.Point.BASE.multiply(k).toAffine() as G2;
/** A point on the twist y² = x³ + b' (almost surely outside the subgroup: the cofactor is large). */
function onTwist(): G2 {
  for (;;) {
    const x = { c0: random() % P, c1: random() % P };
    try {
      const y = Fp2.sqrt(Fp2.add(Fp2.pow(x, 3n), bn254.G2.Point.CURVE().b)) as Fp2T;
      return { x, y };
    } catch {
      // no square root: another x
    }
  }
}

describe('BN254 pairing check', () => {
  const pairing = new Bn254Pairing();
  const same = (input: Uint8Array) => {
    const expected = reference(input);
    expect(pairing.check(input, false)).toBe(expected);
    expect(pairing.check(littleEndian(input), true)).toBe(expected);
    return expected;
  };

  it('products that are one and products that are not, with up to four pairs', () => {
    let ones = 0;
    for (let i = 0; i < 12; i++) {
      const [a, b, c] = [scalar(), scalar(), scalar()];
      const [q1, q2] = [g2(b), g2(c)];
      // e(aG, bH)·e(cG, cH)·e(−(ab + c²)G, H) = 1, and off by one in the last scalar.
      const last = (a * b + c * c) % R;
      for (const off of [0n, 1n]) {
        const input = cat(g1Bytes(g1(a)), g2Bytes(q1), g1Bytes(g1(c)), g2Bytes(q2), g1Bytes(g1(R - last - off)), g2Bytes(g2(1n)));
        if (same(input)) ones++;
      }
      same(cat(g1Bytes(g1(a)), g2Bytes(q1)));
      same(cat(g1Bytes(g1(a)), g2Bytes(q1), g1Bytes(g1(R - a)), g2Bytes(q1), g1Bytes(g1(b)), g2Bytes(q2), g1Bytes(g1(R - b)), g2Bytes(q2)));
    }
    expect(ones).toBe(12);
  }, 60_000);

  // The module keeps elements below 2p, not p: coordinates at the field's edges must still load,
  // compare and multiply out to exactly one.
  it('G1 points with coordinates near 0 or near p: (1, 2), (1, p − 2), x just below p; with a G2 point and its negative', () => {
    const nearP = (k: bigint): G1 => {
      for (let x = P - k; ; x--) {
        try {
          return { x, y: Fp.sqrt(Fp.add(Fp.mul(Fp.sqr(x), x), 3n)) };
        } catch {
          // x³ + 3 no square: the next x down
        }
      }
    };
    const edges: G1[] = [g1(1n), g1(R - 1n), nearP(1n), nearP(1000n)];
    // Logarithms of the near-p points are unknown: e(P, Q)·e(−P, Q) and e(P, Q)·e(P, −Q) are one.
    const [q, q2] = [g2(5n), g2(R - 5n)];
    for (const p of edges) {
      const minus = { x: p.x, y: Fp.neg(p.y) };
      expect(same(cat(g1Bytes(p), g2Bytes(q), g1Bytes(minus), g2Bytes(q)))).toBe(true);
      expect(same(cat(g1Bytes(p), g2Bytes(q), g1Bytes(p), g2Bytes(q2)))).toBe(true);
      expect(same(cat(g1Bytes(p), g2Bytes(q), g1Bytes(p), g2Bytes(q)))).toBe(false);
    }
  }, 60_000);

  it('identity points: either one all zero leaves its pair out, and no pairs at all is one', () => {
    const [p, q] = [g1(5n), g2(7n)];
    for (const input of [
      new Uint8Array(0),
      cat(g1Bytes(undefined), g2Bytes(q)),
      cat(g1Bytes(p), g2Bytes(undefined)),
      cat(g1Bytes(undefined), g2Bytes(undefined)),
      cat(g1Bytes(p), g2Bytes(q), g1Bytes(undefined), g2Bytes(q), g1Bytes(g1(R - 5n)), g2Bytes(q)),
      cat(g1Bytes(p), g2Bytes(q), g1Bytes(g1(R - 5n)), g2Bytes(undefined)),
    ])
      same(input);
  });

  it('refuses coordinates at or above p, points off the curve or twist, and twist points outside the subgroup', () => {
    const [p, q] = [g1(3n), g2(4n)];
    const valid = cat(g1Bytes(p), g2Bytes(q));
    const refused: Uint8Array[] = [];
    // Each of the six words at p, p + 1, 2^256 − 1, and plus p (the same value unreduced).
    for (let k = 0; k < 6; k++) {
      for (const v of [P, P + 1n, 2n ** 256n - 1n, word(valid, 32 * k) + P]) {
        const input = valid.slice();
        input.set(be(v), 32 * k);
        refused.push(input);
      }
    }
    refused.push(cat(g1Bytes({ x: 1n, y: 3n }), g2Bytes(q)));
    refused.push(cat(g1Bytes({ x: 0n, y: 1n }), g2Bytes(undefined)));
    refused.push(cat(g1Bytes(undefined), g2Bytes({ x: q.x, y: Fp2.add(q.y, Fp2.ONE) as Fp2T })));
    for (let i = 0; i < 30; i++) {
      refused.push(cat(g1Bytes(p), g2Bytes(onTwist())));
      refused.push(cat(g1Bytes(undefined), g2Bytes(onTwist())));
      refused.push(cat(g1Bytes({ x: random() % P, y: random() % P }), g2Bytes(q)));
      refused.push(cat(valid, g1Bytes(p), g2Bytes({ x: { c0: random() % P, c1: random() % P }, y: { c0: random() % P, c1: random() % P } })));
    }
    for (const input of refused) expect(same(input)).toBeUndefined();
  }, 60_000);

  it('a refusal or a check leaves nothing behind for the next check', () => {
    const [p, q] = [g1(9n), g2(2n)];
    const one = cat(g1Bytes(p), g2Bytes(q), g1Bytes(g1(R - 9n)), g2Bytes(q));
    expect(pairing.check(cat(one, g1Bytes({ x: 1n, y: 3n }), g2Bytes(q)), false)).toBeUndefined();
    expect(pairing.check(one, false)).toBe(true);
    expect(pairing.check(cat(g1Bytes(p), g2Bytes(q)), false)).toBe(false);
    expect(pairing.check(one, false)).toBe(true);
  });

  it('G2 points met before (kept checked, up to 64, by bytes and byte order) give the same results', () => {
    const points = Array.from({ length: 70 }, (_, i) => g2(BigInt(i + 2)));
    const p = g1(3n);
    const one = (k: number) => cat(g1Bytes(p), g2Bytes(points[k]), g1Bytes(g1(R - 3n)), g2Bytes(points[k]));
    for (let round = 0; round < 2; round++) {
      for (let k = 0; k < points.length; k += round ? 7 : 1) {
        expect(pairing.check(one(k), false)).toBe(true);
        expect(pairing.check(littleEndian(one(k)), true)).toBe(true);
        expect(pairing.check(cat(g1Bytes(p), g2Bytes(points[k]), g1Bytes(p), g2Bytes(points[(k + 1) % points.length])), false)).toBe(false);
      }
    }
    // A point's big-endian bytes read little-endian are another (here refused) point.
    expect(pairing.check(cat(g1Bytes(p), g2Bytes(points[0])), true)).toBe(reference(littleEndian(cat(g1Bytes(p), g2Bytes(points[0])))));
  }, 60_000);

  it('many pairs grow the module memory', () => {
    const [p, q] = [g1(2n), g2(3n)];
    const half = Array.from({ length: 30 }, () => cat(g1Bytes(p), g2Bytes(q), g1Bytes(g1(R - 2n)), g2Bytes(q)));
    expect(pairing.check(cat(...half), false)).toBe(true);
    expect(pairing.check(cat(...half, g1Bytes(p), g2Bytes(q)), false)).toBe(false);
  }, 60_000);
});
