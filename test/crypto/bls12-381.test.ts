/**
 * Our BLS12-381 module (crypto/bls12-381.ts) against @noble/curves, which the syscalls used before
 * (and which LiteSVM's blst agrees with): validation, addition, subtraction, multiplication,
 * decompression and pairings of G1 and G2 points in both byte orders, on valid points, points at
 * infinity, every flag combination, coordinates at or above p, points off the curve, points on it
 * outside the subgroup, and scalars at and around r. `BLS_FUZZ=n` runs n random rounds more.
 */
import { describe, expect, it } from 'vitest';
import { bls12_381 } from '@noble/curves/bls12-381.js';
import { Bls12381 } from '../../src/crypto/bls12-381.js';

const { G1, G2 } = bls12_381;
const { Fp, Fp2, Fr, Fp12 } = bls12_381.fields;
const P = Fp.ORDER;
const R = Fr.ORDER;
type Point = InstanceType<typeof G1.Point> | InstanceType<typeof G2.Point>;
type Group = 1 | 2;
const ROUNDS = Number(process.env.BLS_FUZZ ?? 0);

let seed = 381;
const next = () => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0);
const random = (bits: number) => Array.from({ length: Math.ceil(bits / 32) }, next).reduce((v, w) => (v << 32n) | BigInt(w), 0n) & ((1n << BigInt(bits)) - 1n);
/** A scalar in [1, r). */
const nonZero = () => (random(255) % (R - 1n)) + 1n;
const be = (v: bigint, bytes: number) => Uint8Array.from({ length: bytes }, (_, i) => Number((v >> BigInt(8 * (bytes - 1 - i))) & 0xffn));
const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');
const cat = (...parts: Uint8Array[]) => Uint8Array.from(parts.flatMap((p) => Array.from(p)));
/** The little-endian wire form: each `chunk` bytes reversed. */
const reverseChunks = (b: Uint8Array, chunk: number) =>
  cat(...Array.from({ length: b.length / chunk }, (_, i) => b.slice(i * chunk, (i + 1) * chunk).reverse()));

const curve = (g: Group) => (g === 1 ? G1.Point : G2.Point) as typeof G1.Point;
const coordinate = (g: Group) => 48 * g;

/** The former syscall code on noble, big-endian: a point on the curve and in the subgroup, or undefined. */
function decode(g: Group, bytes: Uint8Array): Point | undefined {
  try {
    return curve(g).fromBytes(bytes);
  } catch {
    return undefined;
  }
}
const fpRead = (b: Uint8Array) => {
  const v = BigInt('0x' + hex(b));
  return v < P ? v : undefined;
};
/** The former syscall's on-curve decoding for addition and subtraction. */
function decodeOnCurve(g: Group, b: Uint8Array): Point | undefined {
  const flags = b[0] & 0xe0;
  const body = Uint8Array.from(b);
  body[0] &= 0x1f;
  if (flags === 0x40) return body.every((v) => v === 0) ? curve(g).ZERO : undefined;
  if (flags !== 0) return undefined;
  const c = coordinate(g);
  if (g === 1) {
    const [x, y] = [fpRead(body.subarray(0, c)), fpRead(body.subarray(c))];
    if (x === undefined || y === undefined || !Fp.eql(Fp.sqr(y), Fp.add(Fp.mul(Fp.sqr(x), x), 4n))) return undefined;
    return G1.Point.fromAffine({ x, y });
  }
  const read = (at: number) => {
    const [c1, c0] = [fpRead(body.subarray(at, at + 48)), fpRead(body.subarray(at + 48, at + 96))];
    return c0 === undefined || c1 === undefined ? undefined : Fp2.fromBigTuple([c0, c1]);
  };
  const [x, y] = [read(0), read(96)];
  if (!x || !y || !Fp2.eql(Fp2.sqr(y), Fp2.add(Fp2.mul(Fp2.sqr(x), x), G2.Point.CURVE().b))) return undefined;
  return G2.Point.fromAffine({ x, y }) as unknown as Point;
}
/** The uncompressed big-endian encoding, written from the affine coordinates (noble's toBytes refuses points outside the subgroup). */
function encode(p: Point | undefined): Uint8Array | undefined {
  if (!p) return undefined;
  if (p.is0()) return p instanceof G1.Point ? G1.Point.ZERO.toBytes(false) : G2.Point.ZERO.toBytes(false);
  const { x, y } = p.toAffine() as { x: bigint | { c0: bigint; c1: bigint }; y: bigint | { c0: bigint; c1: bigint } };
  const field = (v: bigint | { c0: bigint; c1: bigint }) => (typeof v === 'bigint' ? be(v, 48) : cat(be(v.c1, 48), be(v.c0, 48)));
  return cat(field(x), field(y));
}

/** A point on the curve outside the prime-order subgroup, big-endian uncompressed. */
function offSubgroup(g: Group): Uint8Array {
  for (;;) {
    try {
      const x = g === 1 ? random(380) % P : Fp2.fromBigTuple([random(380) % P, random(380) % P]);
      const F = (g === 1 ? Fp : Fp2) as typeof Fp;
      const y = F.sqrt(F.add(F.mul(F.sqr(x as bigint), x as bigint), curve(g).CURVE().b as bigint));
      const point = curve(g).fromAffine({ x, y } as never);
      if (!point.isTorsionFree()) return encode(point)!;
    } catch {
      // no square root: another x
    }
  }
}

/** Uncompressed big-endian inputs of group g: valid, infinity, and every kind of invalid. */
function pointInputs(g: Group, count: number): Uint8Array[] {
  const c = coordinate(g);
  const valid = Array.from({ length: count }, () => curve(g).BASE.multiply(nonZero()).toBytes(false));
  const out = [...valid, curve(g).ZERO.toBytes(false), new Uint8Array(2 * c), offSubgroup(g), offSubgroup(g)];
  const v = valid[0];
  for (const flags of [0x20, 0x60, 0x80, 0xa0, 0xc0, 0xe0]) out.push(cat(Uint8Array.of(v[0] | flags), v.subarray(1)));
  const infinityDirty = curve(g).ZERO.toBytes(false);
  infinityDirty[2 * c - 1] = 1;
  out.push(infinityDirty);
  const offCurve = Uint8Array.from(v);
  offCurve[2 * c - 1] ^= 1;
  out.push(offCurve);
  // Coordinates at and just above p, in each Fp place.
  for (let place = 0; place < 2 * g; place++) {
    for (const value of [P, P + 1n]) {
      const b = Uint8Array.from(v);
      b.set(be(value, 48), 48 * place);
      out.push(b);
    }
  }
  return out;
}

describe('BLS12-381 against noble', () => {
  const bls = new Bls12381();
  for (const g of [1, 2] as const) {
    const c = coordinate(g);
    const wire = (b: Uint8Array, le: boolean) => (le ? reverseChunks(b, c) : b);
    const unwire = wire;
    const points = pointInputs(g, 20 + ROUNDS);

    it(`G${g}: validates as noble's decoding`, () => {
      for (const b of points) for (const le of [false, true]) expect(bls.validate(g, wire(b, le), le), hex(b)).toBe(decode(g, b) !== undefined);
    });

    it(`G${g}: adds and subtracts points on the curve as noble`, () => {
      const out = new Uint8Array(2 * c);
      for (let i = 0; i < points.length; i++) {
        for (const j of [i, (i * 7 + 3) % points.length, 0]) {
          const [l, r] = [points[i], points[j]];
          const [a, b] = [decodeOnCurve(g, l), decodeOnCurve(g, r)];
          for (const subtract of [false, true]) {
            const expected = a && b ? encode(subtract ? (a as typeof b).subtract(b as never) : (a as typeof b).add(b as never)) : undefined;
            for (const le of [false, true]) {
              const done = bls.add(g, wire(l, le), wire(r, le), subtract, le, out);
              expect(done ? hex(unwire(out, le)) : undefined).toBe(expected && hex(expected));
            }
          }
        }
      }
      // P − P and P + (−P): infinity
      const p = curve(g).BASE.multiply(5n);
      expect(bls.add(g, p.toBytes(false), p.negate().toBytes(false), false, false, out)).toBe(true);
      expect(hex(out)).toBe(hex(curve(g).ZERO.toBytes(false)));
    });

    it(`G${g}: multiplies by canonical scalars as noble`, () => {
      const out = new Uint8Array(2 * c);
      const scalars = [0n, 1n, 2n, R - 1n, R, R + 1n, (1n << 256n) - 1n, 0x1234567890abcdefn, ...Array.from({ length: 10 + ROUNDS }, () => random(255))];
      for (let i = 0; i < scalars.length; i++) {
        for (const point of [points[i % points.length], points[(i * 5 + 1) % points.length]]) {
          const k = scalars[i];
          const p = decode(g, point);
          const expected = k < R && p ? encode(p.multiplyUnsafe(k)) : undefined;
          for (const le of [false, true]) {
            const scalar = be(k & ((1n << 256n) - 1n), 32);
            const done = bls.multiply(g, le ? scalar.reverse() : scalar, wire(point, le), le, out);
            expect(done ? hex(unwire(out, le)) : undefined, `${k} ${hex(point)}`).toBe(expected && hex(expected));
          }
        }
      }
    });

    it(`G${g}: decompresses as noble`, () => {
      const out = new Uint8Array(2 * c);
      const inputs: Uint8Array[] = [];
      for (let i = 0; i < 20 + ROUNDS; i++) {
        const point = curve(g).BASE.multiply(nonZero());
        inputs.push(point.toBytes(true), point.negate().toBytes(true));
      }
      const v = inputs[0];
      inputs.push(curve(g).ZERO.toBytes(true), cat(Uint8Array.of(0xc0), new Uint8Array(c - 2), Uint8Array.of(1)), new Uint8Array(c));
      for (const flags of [0x00, 0x20, 0x40, 0x60, 0xc0, 0xe0]) inputs.push(cat(Uint8Array.of((v[0] & 0x1f) | flags), v.subarray(1)));
      for (const b of [offSubgroup(g), offSubgroup(g)]) {
        const compressed = Uint8Array.from(b.subarray(0, c));
        compressed[0] |= 0x80;
        inputs.push(compressed, cat(Uint8Array.of(compressed[0] | 0x20), compressed.subarray(1)));
      }
      for (let i = 0; i < 20; i++) inputs.push(cat(Uint8Array.of(0x80 | Number(random(5))), be(random(8 * c - 8), c - 1))); // random x: about half have no point
      for (let place = 0; place < g; place++) {
        const b = Uint8Array.from(v);
        b.set(be(P, 48), 48 * place);
        b[0] |= 0x80;
        inputs.push(b);
      }
      for (const b of inputs) {
        const expected = encode(decode(g, b));
        for (const le of [false, true]) {
          const done = bls.decompressInto(g, wire(b, le), le, out);
          expect(done ? hex(unwire(out, le)) : undefined, hex(b)).toBe(expected && hex(expected));
        }
      }
    });
  }

  // The module keeps elements below 2p, not p: coordinates at the field's edges must still
  // compare, test zero, pick signs and come out reduced.
  it('adds, subtracts and decompresses points whose coordinates are near p or near 0 as noble', () => {
    for (const g of [1, 2] as const) {
      const F = (g === 1 ? Fp : Fp2) as typeof Fp;
      const element = (v: bigint) => (g === 1 ? v : Fp2.fromBigTuple([v, P - 1n - v])) as bigint;
      const edges: Point[] = [curve(g).BASE, curve(g).BASE.negate()];
      for (let k = 1n; edges.length < 10; k++) {
        for (const x of [element(P - k), element(k)]) {
          try {
            const y = F.sqrt(F.add(F.mul(F.sqr(x), x), curve(g).CURVE().b as bigint));
            edges.push(curve(g).fromAffine({ x, y } as never), curve(g).fromAffine({ x, y: F.neg(y) } as never));
          } catch {
            // no point with this x
          }
        }
      }
      const out = new Uint8Array(2 * coordinate(g));
      for (const a of edges) {
        for (const b of [...edges, a.negate() as Point]) {
          for (const subtract of [false, true]) {
            const expected = encode(subtract ? (a as typeof b).subtract(b as never) : (a as typeof b).add(b as never))!;
            expect(bls.add(g, encode(a)!, encode(b)!, subtract, false, out)).toBe(true);
            expect(hex(out)).toBe(hex(expected));
          }
        }
        // Compressed with either sort bit: the subgroup check decides, as noble's decoding.
        const compressed = encode(a)!.slice(0, coordinate(g));
        for (const sort of [0x80, 0xa0]) {
          const b = cat(Uint8Array.of(compressed[0] | sort), compressed.subarray(1));
          const expected = encode(decode(g, b));
          const done = bls.decompressInto(g, b, false, out);
          expect(done ? hex(out) : undefined).toBe(expected && hex(expected));
        }
      }
    }
  });

  it('pairs as noble, infinity pairs counting as one', () => {
    const out = new Uint8Array(576);
    const g1 = (k: bigint) => G1.Point.BASE.multiply(k);
    const g2 = (k: bigint) => G2.Point.BASE.multiply(k);
    const cases: [Uint8Array[], Uint8Array[]][] = [
      [[], []],
      [[g1(3n).toBytes(false)], [g2(5n).toBytes(false)]],
      [
        [g1(3n).toBytes(false), g1(R - 3n).toBytes(false)],
        [g2(5n).toBytes(false), g2(5n).toBytes(false)],
      ],
      [
        [G1.Point.ZERO.toBytes(false), g1(nonZero()).toBytes(false), g1(nonZero()).toBytes(false)],
        [g2(nonZero()).toBytes(false), G2.Point.ZERO.toBytes(false), g2(nonZero()).toBytes(false)],
      ],
      [[offSubgroup(1)], [g2(2n).toBytes(false)]],
      [[g1(2n).toBytes(false)], [offSubgroup(2)]],
    ];
    for (let i = 0; i < ROUNDS; i++) cases.push([[g1(nonZero()).toBytes(false)], [g2(nonZero()).toBytes(false)]]);
    for (const [a, b] of cases) {
      const decoded = a.map((x, i) => [decode(1, x), decode(2, b[i])] as const);
      let expected: Uint8Array | undefined;
      if (decoded.every(([p, q]) => p && q)) {
        const pairs = decoded.filter(([p, q]) => !p!.is0() && !q!.is0()).map(([p, q]) => ({ g1: p!, g2: q! })) as never[];
        const gt = pairs.length ? bls12_381.pairingBatch(pairs) : Fp12.ONE;
        expected = reverseChunks(Fp12.toBytes(gt), 48); // each element little-endian
      }
      for (const le of [false, true]) {
        const done = bls.pairing(
          cat(...a.map((x) => (le ? reverseChunks(x, 48) : x))),
          cat(...b.map((x) => (le ? reverseChunks(x, 96) : x))),
          a.length,
          le,
          out,
        );
        expect(done ? hex(out) : undefined).toBe(expected && hex(le ? expected : Uint8Array.from(expected).reverse()));
      }
    }
  });
});
