/**
 * The Edwards group the curve25519 syscalls run on (src/runtime/ed25519/group.ts) against
 * @noble/curves' points decoded as dalek decodes them (`zip215`): which encodings decode, and the
 * encodings of sums, differences, multiples and multiscalar sums, over random points, points of
 * small and mixed order, the identity, non-canonical y and x = 0 with the sign bit set; and the
 * same for ristretto255 encodings against noble's (RFC 9496), valid and invalid.
 */
import { describe, expect, it } from 'vitest';
import { ed25519, ED25519_TORSION_SUBGROUP, ristretto255 } from '@noble/curves/ed25519.js';
import { isEdwardsY } from '../../src/crypto/edwards-y.js';
import { edwardsGroup } from '../../src/runtime/ed25519/group.js';

const { Point } = ed25519;
const L = Point.Fn.ORDER;
const random = (n: number) => crypto.getRandomValues(new Uint8Array(n));
const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');
const fromHex = (s: string) => Uint8Array.from(Buffer.from(s, 'hex'));
const randomScalar = () => {
  let v = 0n;
  for (const b of random(40)) v = (v << 8n) | BigInt(b);
  return v % L;
};
const noble = (b: Uint8Array) => {
  try {
    return Point.fromBytes(b, true);
  } catch {
    return undefined;
  }
};

/** y + p for the small y that allow it (a non-canonical encoding dalek still reads), sign bit optional. */
function nonCanonical(y: number, sign: boolean): Uint8Array {
  const v = 2n ** 255n - 19n + BigInt(y);
  const b = new Uint8Array(32);
  for (let i = 0; i < 32; i++) b[i] = Number((v >> BigInt(8 * i)) & 0xffn);
  if (sign) b[31]! |= 0x80;
  return b;
}

/** Encodings worth checking: random points of prime and mixed order, the torsion points, odd encodings, garbage. */
function encodings(): Uint8Array[] {
  const torsion = ED25519_TORSION_SUBGROUP.map(fromHex);
  const out: Uint8Array[] = [...torsion];
  for (let i = 0; i < 12; i++) {
    const p = Point.BASE.multiply(randomScalar() || 1n);
    out.push(p.toBytes(), p.add(Point.fromBytes(torsion[i % 8]!)).toBytes());
  }
  for (let y = 0; y < 19; y++) out.push(nonCanonical(y, false), nonCanonical(y, true));
  // x = 0 with the sign bit set: y = 1 and y = -1.
  out.push(fromHex('0100000000000000000000000000000000000000000000000000000000000080'));
  out.push(fromHex('ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff'));
  for (let i = 0; i < 30; i++) out.push(random(32));
  return out;
}

describe('Edwards group (WebAssembly) against @noble/curves', () => {
  const g = edwardsGroup();
  const all = encodings();
  const valid = all.filter((b) => noble(b) !== undefined);

  it('decodes exactly the encodings dalek decodes, as the validation syscall decides them', () => {
    for (const b of all) {
      const ours = g.decode(b);
      expect(ours !== undefined, hex(b)).toBe(noble(b) !== undefined);
      expect(isEdwardsY(b), hex(b)).toBe(ours !== undefined);
      if (ours) expect(hex(g.encode(ours)), hex(b)).toBe(hex(noble(b)!.toBytes()));
    }
    expect(valid.length).toBeGreaterThan(40);
  });

  it('adds and subtracts as noble does, small-order and mixed-order points included', () => {
    for (let i = 0; i < valid.length; i++) {
      const a = valid[i]!;
      const b = valid[(i * 7 + 3) % valid.length]!;
      const [pa, pb] = [g.decode(a)!, g.decode(b)!];
      expect(hex(g.encode(g.add(pa, pb)))).toBe(hex(noble(a)!.add(noble(b)!).toBytes()));
      expect(hex(g.encode(g.sub(pa, pb)))).toBe(hex(noble(a)!.subtract(noble(b)!).toBytes()));
      expect(hex(g.encode(g.sub(pa, pa)))).toBe(hex(Point.ZERO.toBytes()));
    }
    expect(hex(g.encode(g.msm([], [])))).toBe(hex(Point.ZERO.toBytes()));
  });

  it('multiplies by scalars below the group order as noble does', () => {
    const scalars = [0n, 1n, 2n, 8n, 15n, 16n, 17n, L - 1n, L - 8n, 2n ** 252n, ...Array.from({ length: 6 }, randomScalar)];
    for (let i = 0; i < valid.length; i++) {
      const b = valid[i]!;
      const k = scalars[i % scalars.length]!;
      expect(hex(g.encode(g.mul(g.decode(b)!, k))), `${hex(b)} × ${k}`).toBe(hex(noble(b)!.multiplyUnsafe(k).toBytes()));
    }
  });

  it('sums multiples as the multiscalar syscall does, over more points than one batch takes', () => {
    for (const n of [1, 2, 5, 31, 32, 33, 70]) {
      const points = Array.from({ length: n }, (_, i) => valid[(i * 5) % valid.length]!);
      // Scalars of every length, zero and small ones included (their high digits must count as 0).
      const scalars = points.map((_, i) => (i % 4 === 0 ? BigInt(i) : randomScalar()));
      const theirs = points.reduce((acc, b, i) => acc.add(noble(b)!.multiplyUnsafe(scalars[i]!)), Point.ZERO);
      expect(
        hex(
          g.encode(
            g.msm(
              points.map((b) => g.decode(b)!),
              scalars,
            ),
          ),
        ),
        `${n} points`,
      ).toBe(hex(theirs.toBytes()));
    }
  });

  describe('ristretto255', () => {
    const R = ristretto255.Point;
    const decodeR = (b: Uint8Array) => {
      try {
        return R.fromBytes(b);
      } catch {
        return undefined;
      }
    };
    const pointsR = [R.ZERO.toBytes(), R.BASE.toBytes(), ...Array.from({ length: 16 }, () => R.BASE.multiply(randomScalar() || 1n).toBytes())];
    // Invalid encodings of every kind: negative s (odd), s ≥ p, the top bit set, non-squares, garbage.
    const odd = pointsR.map((b) => Uint8Array.from(b, (x, i) => (i === 0 ? x | 1 : x)));
    const topBit = pointsR.map((b) => Uint8Array.from(b, (x, i) => (i === 31 ? x | 0x80 : x)));
    const unreduced = Array.from({ length: 19 }, (_, y) => nonCanonical(y, false));
    const garbage = Array.from({ length: 40 }, () => random(32));
    const allR = [...pointsR, ...odd, ...topBit, ...unreduced, ...garbage];

    it('decodes exactly the canonical encodings RFC 9496 accepts, and encodes them back', () => {
      for (const b of allR) {
        const ours = g.decodeRistretto(b);
        expect(ours !== undefined, hex(b)).toBe(decodeR(b) !== undefined);
        if (ours) expect(hex(g.encodeRistretto(ours))).toBe(hex(b));
      }
    });

    it('adds, subtracts, multiplies and sums multiples as noble does', () => {
      for (let i = 0; i < pointsR.length; i++) {
        const [a, b] = [pointsR[i]!, pointsR[(i * 5 + 1) % pointsR.length]!];
        const [pa, pb] = [g.decodeRistretto(a)!, g.decodeRistretto(b)!];
        const [na, nb] = [R.fromBytes(a), R.fromBytes(b)];
        expect(hex(g.encodeRistretto(g.add(pa, pb)))).toBe(hex(na.add(nb).toBytes()));
        expect(hex(g.encodeRistretto(g.sub(pa, pb)))).toBe(hex(na.subtract(nb).toBytes()));
        const k = randomScalar();
        expect(hex(g.encodeRistretto(g.mul(pa, k)))).toBe(hex(na.multiplyUnsafe(k).toBytes()));
      }
      const ks = pointsR.map(() => randomScalar());
      const theirs = pointsR.reduce((acc, b, i) => acc.add(R.fromBytes(b).multiplyUnsafe(ks[i]!)), R.ZERO);
      expect(
        hex(
          g.encodeRistretto(
            g.msm(
              pointsR.map((b) => g.decodeRistretto(b)!),
              ks,
            ),
          ),
        ),
      ).toBe(hex(theirs.toBytes()));
    });

    it('encodes a class the same from any representative (a point plus any 4-torsion point)', () => {
      for (const b of pointsR) {
        const p = g.decodeRistretto(b)!;
        for (const t of ED25519_TORSION_SUBGROUP.slice(0, 8)) {
          const q = g.add(p, g.decode(fromHex(t))!);
          const inClass = Point.fromBytes(fromHex(t)).multiplyUnsafe(4n).equals(Point.ZERO);
          if (inClass) expect(hex(g.encodeRistretto(q))).toBe(hex(b));
        }
      }
    });
  });
});
