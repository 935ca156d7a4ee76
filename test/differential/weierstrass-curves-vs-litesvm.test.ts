/**
 * Our short-Weierstrass arithmetic (crypto/short-weierstrass.ts) behind `sol_secp256k1_recover`
 * and alt_bn128's G1 addition, multiplication and decompression, and our pairing check
 * (crypto/bn254-pairing.ts), against LiteSVM (libsecp256k1 and arkworks) on seeded random inputs:
 * valid signatures under every recovery id, random r and s, points on and off the curve, equal and
 * opposite points, scalars around 0 and the group order, pairing products that are and are not
 * one, G2 points off the subgroup.
 */
import { beforeAll, describe, it } from 'vitest';
import { bn254 } from '@noble/curves/bn254.js';
import { secp256k1 } from '@noble/curves/secp256k1.js';
import type { Address } from '@solana/kit';
import { deployBoth, Dual } from '../helpers/dual.js';
import { bytes, programElf } from '../helpers/encoding.js';

const be = (v: bigint) => Uint8Array.from(Buffer.from(v.toString(16).padStart(64, '0'), 'hex'));
const R = bn254.fields.Fr.ORDER;
const N = secp256k1.Point.CURVE().n;

let seed = 2024;
const next = () => (seed = (seed * 1103515245 + 12345) >>> 0);
const random = () => Array.from({ length: 8 }, next).reduce((v, w) => (v << 32n) | BigInt(w), 0n);

describe('secp256k1 recovery and alt_bn128 G1: websvm vs LiteSVM', () => {
  let d: Dual;
  let sysinfo: Address;
  let bn: Address;
  beforeAll(async () => {
    d = await Dual.create();
    [sysinfo, bn] = [await deployBoth(d, programElf('sysinfo')), await deployBoth(d, programElf('bn254'))];
  });
  const same = async (program: Address, data: Uint8Array) => d.expectSame([{ programAddress: program, accounts: [], data }]);

  it('sol_secp256k1_recover on signatures under every id, random and edge r and s', async () => {
    for (let i = 0; i < 12; i++) {
      const hash = be(random());
      const signed = secp256k1.sign(hash, be(random() % N || 1n), { prehash: false, format: 'recovered' });
      for (let id = 0; id < 4; id++) await same(sysinfo, bytes(4, hash, id, signed.subarray(1)));
    }
    for (const r of [1n, N - 1n, N, 2n ** 256n - 1n, random(), random()]) {
      for (const s of [1n, N - 1n, N, random() % N]) await same(sysinfo, bytes(4, be(random()), next() % 4, be(r), be(s)));
    }
  }, 120_000);

  it('G1 addition, multiplication and decompression on random points and scalars, both byte orders', async () => {
    const point = (k: bigint) => bn254.G1.Point.BASE.multiply(k).toAffine();
    const g1 = (p: { x: bigint; y: bigint }, le: boolean) => (le ? bytes(be(p.x).reverse(), be(p.y).reverse()) : bytes(be(p.x), be(p.y)));
    const scalar = (k: bigint, le: boolean) => (le ? be(k).reverse() : be(k));
    for (let i = 0; i < 10; i++) {
      const le = i % 2 === 1;
      const op = le ? 0x80 : 0;
      const [a, b] = [point(random() % R || 1n), point(random() % R || 1n)];
      const offCurve = { x: random() % bn254.fields.Fp.ORDER, y: random() % bn254.fields.Fp.ORDER };
      await same(bn, bytes(0, op, g1(a, le), g1(b, le)));
      await same(bn, bytes(0, op, g1(a, le), g1(a, le)));
      await same(bn, bytes(0, op, g1(a, le), g1({ x: a.x, y: bn254.fields.Fp.neg(a.y) }, le)));
      await same(bn, bytes(0, op, g1(a, le), g1(offCurve, le)));
      for (const k of [0n, 1n, R - 1n, R, R + 1n, 2n ** 256n - 1n, random()]) await same(bn, bytes(0, op | 2, g1(a, le), scalar(k, le)));
      // Decompression: x of a point, with both y flags, and random x (half are no point's).
      for (const flag of [0, 0x80]) {
        const x = be(i % 3 ? a.x : random() % bn254.fields.Fp.ORDER);
        x[0] |= flag;
        await same(bn, bytes(1, op | 1, le ? x.reverse() : x));
      }
    }
  }, 120_000);

  it('pairing checks on random products that are and are not one, and on refused points, both byte orders', async () => {
    const { Fp, Fp2 } = bn254.fields;
    type Fp2T = { c0: bigint; c1: bigint };
    const g1 = (k: bigint) => {
      const p = bn254.G1.Point.BASE.multiply(k).toAffine();
      return bytes(be(p.x), be(p.y));
    };
    const g2Of = (q: { x: Fp2T; y: Fp2T }) => bytes(be(q.x.c1), be(q.x.c0), be(q.y.c1), be(q.y.c0));
    const g2 = (k: bigint) => g2Of(bn254.G2.Point.BASE.multiply(k).toAffine() as { x: Fp2T; y: Fp2T });
    /** A point on the twist, almost surely outside the subgroup (the cofactor is large). */
    const onTwist = () => {
      for (;;) {
        const x = { c0: random() % Fp.ORDER, c1: random() % Fp.ORDER };
        try {
          return g2Of({ x, y: Fp2.sqrt(Fp2.add(Fp2.pow(x, 3n), bn254.G2.Point.CURVE().b)) as Fp2T });
        } catch {
          // x³ + b' is no square: another x
        }
      }
    };
    // The little-endian layout: each word reversed, Fp2 as (c0, c1).
    const littleEndian = (input: Uint8Array) =>
      bytes(
        ...Array.from({ length: input.length / 192 }, (_, i) =>
          [0, 32, 96, 64, 160, 128].map((o) => input.slice(192 * i + o, 192 * i + o + 32).reverse()),
        ).flat(),
      );
    for (let i = 0; i < 6; i++) {
      const [a, b] = [random() % R || 1n, random() % R || 1n];
      const Q = g2(b);
      const inputs = [
        bytes(g1(a), Q, g1(R - ((a * b) % R)), g2(1n)),
        bytes(g1(a), Q, g1(R - ((a * b + 1n) % R)), g2(1n)),
        bytes(g1(a), Q),
        bytes(g1(a), onTwist()),
        bytes(new Uint8Array(64), onTwist()),
        bytes(g1(a), Q, be(random() % Fp.ORDER), be(random() % Fp.ORDER), Q),
        bytes(g1(a), be(Fp.ORDER + BigInt(i)), Q.subarray(32)),
      ];
      for (const input of inputs) {
        await same(bn, bytes(0, 3, input));
        await same(bn, bytes(0, 0x83, littleEndian(input)));
      }
    }
  }, 120_000);
});
