/**
 * Verification of a key's first signatures by half-size scalars (the module's halfScalars and
 * Verifier's halfSizeVerdict) against the full ladder it replaces and the slow reference of verify_strict:
 * the reduction's (u, v) against BigInt's extended Euclid (including the challenges whose cofactor
 * is even, where another lattice vector is taken), then both verdicts on valid and broken
 * signatures, keys and R of small and mixed order (signatures where [s]B - [k]A - R is a non-zero
 * torsion point, and where it is zero), R encodings that are not canonical (y ≥ p, x = -0 where
 * [s]B - [k]A is exactly the point they decode to) and R off the curve.
 */
import { describe, expect, it } from 'vitest';
import { ed25519, ED25519_TORSION_SUBGROUP } from '@noble/curves/ed25519.js';
import { emitEd25519, type Ed25519Exports } from '../../src/runtime/ed25519/module.js';
import { freshVerdicts } from '../../src/runtime/ed25519/verify.js';
import { B, challenge, hex, L, littleEndian, Point, reference, scalarBytes, signature } from '../helpers/ed25519.js';

const random = (n: number) => crypto.getRandomValues(new Uint8Array(n));
const N = 8n * L;
const HALF = 1n << 128n;
const modN = (x: bigint) => ((x % N) + N) % N;

/** Euclid's remainder and cofactor at the first remainder below 2^128, on (8ℓ, k). */
function euclid(k: bigint): { r: bigint; t: bigint } {
  let [r0, r1, t0, t1] = [N, k, 0n, 1n];
  while (r1 >= HALF) {
    const q = r0 / r1;
    [r0, r1, t0, t1] = [r1, r0 - q * r1, t1, t0 - q * t1];
  }
  return { r: r1, t: t1 };
}

const { bytes: moduleBytes, meta } = emitEd25519();
const wasm = new WebAssembly.Instance(new WebAssembly.Module(moduleBytes)).exports as unknown as Ed25519Exports;
wasm.initialize();

/** (u, v) for k, or undefined when the reduction leaves k to the ladder. */
function halves(k: bigint): { u: bigint; v: bigint } | undefined {
  const memory = new Uint8Array(wasm.memory.buffer);
  memory.set(scalarBytes(k), meta.scalar);
  const sign = wasm.halfScalars();
  if (sign === 0) return undefined;
  const out = memory.slice(meta.halves, meta.halves + 64);
  return { u: BigInt(sign) * littleEndian(out.subarray(0, 32)), v: littleEndian(out.subarray(32)) };
}

describe('half-size scalars', () => {
  it('gives u ≡ v·k (mod 8ℓ), v odd and both short, Euclid’s own pair whenever its cofactor is odd', () => {
    const seen = { odd: 0, even: 0 };
    for (let i = 0; i < 4000; i++) {
      const k = littleEndian(random(32)) % L;
      const found = halves(k);
      expect(found, `k = ${k}`).toBeDefined();
      const { u, v } = found!;
      expect(modN(u - v * k), `k = ${k}`).toBe(0n);
      expect(v % 2n).toBe(1n);
      expect(u < 1n << 140n && -u < 1n << 140n && v < 1n << 140n).toBe(true);
      const { r, t } = euclid(k);
      if (t % 2n === 0n) seen.even++;
      else {
        seen.odd++;
        expect([u, v]).toEqual(t < 0n ? [-r, -t] : [r, t]);
      }
    }
    expect(seen.even).toBeGreaterThan(1000);
    expect(seen.odd).toBeGreaterThan(2000);
  });

  it('takes k below 2^128 as it is and refuses a quotient of 2^30 or more', () => {
    for (const k of [0n, 1n, 2n, 5n, HALF - 1n]) expect(halves(k)).toEqual({ u: k, v: 1n });
    // 8ℓ / k (or a later quotient) of 2^30 or more
    for (const k of [HALF, (1n << 200n) + 12345n, L - 1n, L / 3n]) {
      const found = halves(k);
      if (found) {
        expect(modN(found.u - found.v * k)).toBe(0n);
        expect(found.v % 2n).toBe(1n);
      }
    }
    expect(halves(1n << 200n)).toBeUndefined();
  });
});

describe('a new key’s verification by half-size scalars', () => {
  /** Both verdicts are the reference's (half-size scalars may leave a signature to the ladder). */
  const agree = (sig: Uint8Array, message: Uint8Array, publicKey: Uint8Array) => {
    const expected = reference(sig, message, publicKey);
    const [half, ladder] = freshVerdicts(sig, message, publicKey);
    expect(ladder, 'ladder').toBe(expected);
    expect(half, 'half-size scalars').toBe(expected);
    return expected;
  };

  it('accepts valid signatures of new keys (many challenges) and refuses any flipped bit', () => {
    for (let i = 0; i < 150; i++) {
      const seed = random(32);
      const message = random(1 + ((i * 29) % 300));
      const sig = ed25519.sign(message, seed);
      expect(agree(sig, message, ed25519.getPublicKey(seed))).toBe(true);
      // a bit of the signature or of the message
      const [bytes, at] = i % 2 ? [sig, (i * 11) % 64] : [message, i % message.length];
      bytes[at] ^= 1 << (i % 8);
      expect(agree(sig, message, ed25519.getPublicKey(seed))).toBe(false);
    }
  });

  it('decides keys and R with a torsion part by the equation: accepted exactly when [s]B - [k]A - R is zero', () => {
    const a = littleEndian(random(32)) % L;
    const tally = { accepted: 0, refused: 0 };
    for (const [i, encoded] of ED25519_TORSION_SUBGROUP.entries()) {
      const T = Point.fromBytes(hex(encoded));
      const key = B.multiply(a).add(T).toBytes();
      for (let j = 0; j < 12; j++) {
        const message = random(10 + j);
        // R = [r]B + T' for a torsion point T': [s]B - [k]A - R = -[k]T - T' for s = r + k·a
        const r = littleEndian(random(32)) % L;
        const torsion = Point.fromBytes(hex(ED25519_TORSION_SUBGROUP[(i + j) % 8]));
        for (const R of [B.multiply(r), B.multiply(r).add(torsion)]) {
          const rBytes = R.toBytes();
          const k = challenge(rBytes, key, message);
          const sig = signature(rBytes, (r + k * a) % L);
          if (agree(sig, message, key)) tally.accepted++;
          else tally.refused++;
        }
      }
    }
    expect(tally.accepted).toBeGreaterThan(10);
    expect(tally.refused).toBeGreaterThan(10);
  });

  it('refuses small-order keys and R in every encoding', () => {
    const a = 0x1234567890abcdefn;
    const key = B.multiply(a).toBytes();
    const signedZero = ['0100000000000000000000000000000000000000000000000000000000000080', 'ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff'];
    for (const encoded of [...ED25519_TORSION_SUBGROUP, ...signedZero]) {
      const T = hex(encoded);
      const message = random(20);
      for (let r = 1n; r < 6n; r++) agree(signature(B.multiply(r).toBytes(), r), message, T);
      agree(signature(T, (challenge(T, key, message) * a) % L), message, key);
    }
  });

  it('refuses R = x = -0 encodings even where [s]B - [k]A is the point they decode to', () => {
    // the identity with the sign bit set, against a key of prime order: s = k·a gives [s]B - [k]A = 0
    const a = littleEndian(random(32)) % L;
    const key = B.multiply(a).toBytes();
    const identity = hex('0100000000000000000000000000000000000000000000000000000000000080');
    for (let i = 0; i < 4; i++) {
      const message = random(16);
      expect(agree(signature(identity, (challenge(identity, key, message) * a) % L), message, key)).toBe(false);
    }
    // (0, -1) with the sign bit set, against A = [a]B + T2: s = k·a gives -[k]T2 = T2 for odd k
    const t2 = Point.fromBytes(hex(ED25519_TORSION_SUBGROUP[4]));
    expect(t2.multiply(2n).is0() && !t2.is0()).toBe(true);
    const mixed = B.multiply(a).add(t2).toBytes();
    const minusOne = hex('ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff');
    let odd = 0;
    for (let i = 0; odd < 4; i++) {
      const message = random(16);
      const k = challenge(minusOne, mixed, message);
      if (k % 2n === 0n) continue;
      odd++;
      expect(agree(signature(minusOne, (k * a) % L), message, mixed)).toBe(false);
    }
  });

  it('refuses R with y ≥ p, R off the curve and s ≥ ℓ', () => {
    const seed = random(32);
    const publicKey = ed25519.getPublicKey(seed);
    const message = random(33);
    for (let y = 0n; y < 19n; y++)
      for (const sign of [0n, 1n]) {
        const R = scalarBytes((2n ** 255n - 19n + y) | (sign << 255n));
        agree(signature(R, 1n), message, publicKey);
        agree(signature(R, challenge(R, publicKey, message)), message, publicKey);
      }
    let offCurve = 0;
    for (let i = 0; i < 40; i++) {
      const R = random(32);
      try {
        Point.fromBytes(R);
      } catch {
        offCurve++;
      }
      expect(agree(Uint8Array.from([...R, ...ed25519.sign(message, seed).subarray(32)]), message, publicKey)).toBe(false);
    }
    expect(offCurve).toBeGreaterThan(5);
    const sig = ed25519.sign(message, seed);
    expect(agree(signature(sig.subarray(0, 32), littleEndian(sig.subarray(32)) + L), message, publicKey)).toBe(false);
  });
});
