/**
 * Our Ed25519 verifier against a slow reference of the same rules (ed25519-dalek's
 * `verify_strict`, written with @noble/curves points and BigInt): valid signatures, flipped bits,
 * garbage, small-order keys and R, non-canonical encodings, s ≥ ℓ, mixed-order keys. Each key is
 * verified with several times, so the ladder of a key's first uses, its comb table and the wide
 * table of a key in constant use all run, and the first test crosses from the ladder of
 * [k](-A) + [s]B to B's table (built for the first key that gets one). Every case also goes to the
 * platform's verifier (OpenSSL, which decides first where it answers as `verify_strict` does):
 * where it decides, it decides as the reference does, and the two together (`verifyStrict`)
 * answer as the reference. And every case goes to both ways of verifying a new key, half-size
 * scalars and the full ladder (ed25519-half.test.ts), which answer as the reference too.
 */
import { generateKeyPairSync } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { ed25519, ED25519_TORSION_SUBGROUP } from '@noble/curves/ed25519.js';
import { platformVerdict } from '../../src/runtime/ed25519/platform.js';
import { freshVerdicts, KEY_SET_BITS, KEY_WAYS, verifyStrict, wasmVerifyStrict } from '../../src/runtime/ed25519/verify.js';
import { keyHash } from '../../src/runtime/bytes.js';
import { LocalSigner, verifySignature } from '../../src/runtime/sigverify.js';
import { B, challenge, hex, L, littleEndian, Point, reference, scalarBytes, signature } from '../helpers/ed25519.js';

const random = (n: number) => crypto.getRandomValues(new Uint8Array(n));

/** What the platform's verifier decided (undefined: left to ours), over every case. */
const platform = { decided: 0, accepted: 0, left: 0 };

const agree = (sig: Uint8Array, message: Uint8Array, publicKey: Uint8Array) => {
  const ours = wasmVerifyStrict(sig, message, publicKey);
  const expected = reference(sig, message, publicKey);
  expect(ours).toBe(expected);
  expect(verifyStrict(sig, message, publicKey), 'platform, then ours').toBe(expected);
  // a new key's two ways (half-size scalars may leave a signature to the full ladder)
  const [half, ladder] = freshVerdicts(sig, message, publicKey);
  expect(ladder, 'full ladder').toBe(expected);
  expect(half ?? ladder, 'half-size scalars').toBe(expected);
  const verdict = platformVerdict(sig, message, publicKey);
  if (verdict === undefined) platform.left++;
  else {
    expect(verdict, 'platform verifier').toBe(expected);
    platform.decided++;
    if (verdict) platform.accepted++;
  }
  return ours;
};

// The platform decided both ways, and left the cases of small order and non-canonical keys to ours.
afterAll(() => {
  expect(platform.accepted).toBeGreaterThan(10);
  expect(platform.decided - platform.accepted).toBeGreaterThan(10);
  expect(platform.left).toBeGreaterThan(10);
});

describe('Ed25519 verify_strict', () => {
  it('accepts valid signatures and refuses any flipped bit, for new and known keys', () => {
    const seeds = [random(32), random(32), random(32)];
    for (let i = 0; i < 24; i++) {
      const seed = seeds[i % 3];
      const message = random(1 + ((i * 37) % 400));
      const sig = ed25519.sign(message, seed);
      const publicKey = ed25519.getPublicKey(seed);
      expect(agree(sig, message, publicKey)).toBe(true);
      const flipped = sig.slice();
      flipped[(i * 11) % 64] ^= 1 << (i % 8);
      expect(agree(flipped, message, publicKey)).toBe(false);
      const other = message.slice();
      other[i % other.length] ^= 0x80;
      expect(agree(sig, other, publicKey)).toBe(false);
    }
  });

  it('keeps verifying right while more keys are in use than have tables (tables are recycled)', () => {
    const keys = Array.from({ length: 70 }, () => random(32));
    const messages = [random(40), random(41), random(42), random(43), random(44)];
    const signatures = keys.map((seed) => messages.map((m) => ed25519.sign(m, seed)));
    for (let round = 0; round < 2; round++) {
      keys.forEach((seed, i) => {
        const publicKey = ed25519.getPublicKey(seed);
        messages.forEach((m, j) => {
          expect(wasmVerifyStrict(signatures[i][j], m, publicKey)).toBe(true);
          expect(wasmVerifyStrict(signatures[i][j], messages[(j + 1) % 5], publicKey)).toBe(false);
        });
      });
    }
  });

  it('keeps verifying right past the 4096 keys it remembers (a set of keys with the same hash forgets its least recently used, tables and all)', () => {
    const message = random(60);
    const signers = Array.from({ length: 80 }, () => {
      const seed = random(32);
      return { publicKey: ed25519.getPublicKey(seed), sig: ed25519.sign(message, seed) };
    });
    // the signers' keys get comb tables (a key's fourth verification)...
    for (let use = 0; use < 4; use++) for (const { publicKey, sig } of signers) expect(wasmVerifyStrict(sig, message, publicKey)).toBe(true);
    // ... then 5000 other keys (random bytes, half of them points) push them out
    const unrelated = signature(ed25519.getPublicKey(random(32)), 12345n);
    for (let i = 0; i < 5000; i++) expect(wasmVerifyStrict(unrelated, message, random(32))).toBe(false);
    for (const { publicKey, sig } of signers) {
      expect(wasmVerifyStrict(sig, message, publicKey)).toBe(true);
      expect(wasmVerifyStrict(sig, random(60), publicKey)).toBe(false);
    }
  });

  it('keeps verifying right while more keys than a set holds, tables and all, take turns in one set', () => {
    // keys whose bytes hash to the same set, one more than it holds (OpenSSL makes the candidates fast)
    const set = (publicKey: Uint8Array) => keyHash(publicKey, 0, KEY_SET_BITS);
    const candidate = () => {
      const { d, x } = generateKeyPairSync('ed25519').privateKey.export({ format: 'jwk' });
      return { seed: Buffer.from(d!, 'base64url'), publicKey: Buffer.from(x!, 'base64url') };
    };
    const first = candidate();
    const seeds = [first.seed];
    while (seeds.length <= KEY_WAYS) {
      const { seed, publicKey } = candidate();
      if (set(publicKey) === set(first.publicKey)) seeds.push(seed);
    }
    const check = (k: number, use: number) => {
      const seed = seeds[k % seeds.length];
      const publicKey = ed25519.getPublicKey(seed);
      const message = Uint8Array.of(use, k, 2, 3);
      const sig = ed25519.sign(message, seed);
      expect(wasmVerifyStrict(sig, message, publicKey), `key ${k}, use ${use}`).toBe(true);
      expect(wasmVerifyStrict(sig, message.subarray(1), publicKey), `key ${k}, use ${use}, another message`).toBe(false);
    };
    // the set's ways fill with keys that have comb tables (from a key's fourth use)...
    for (let use = 0; use < 4; use++) for (let k = 0; k < KEY_WAYS; k++) check(k, use);
    // ... then each newcomer replaces the least recently used, its table going back, and comes back later
    for (let use = KEY_WAYS; use < 4 * KEY_WAYS; use++) check(use, use);
  });

  it("keeps verifying right once keys in constant use share B's comb, and while more keys than have such tables take turns", () => {
    // Six keys of 200 verifications each: past 100, a key's table takes B's shape (four keys keep one).
    const keys = Array.from({ length: 6 }, () => random(32));
    const message = (i: number) => Uint8Array.of(i & 0xff, i >> 8, 7);
    for (let i = 0; i < 200; i++) {
      keys.forEach((seed, k) => {
        const m = message(i);
        const sig = ed25519.sign(m, seed);
        const publicKey = ed25519.getPublicKey(seed);
        const check = i % 25 === 0 ? agree : wasmVerifyStrict; // the slow reference now and then
        expect(check(sig, m, publicKey), `key ${k}, verification ${i}`).toBe(true);
        const flipped = sig.slice();
        flipped[(i * 7 + k) % 64] ^= 1 << (i % 8);
        expect(check(flipped, m, publicKey), `key ${k}, verification ${i}, a bit flipped`).toBe(false);
      });
    }
  });

  it('refuses garbage keys and signatures as the reference does', () => {
    for (let i = 0; i < 40; i++) agree(random(64), random(8), random(32));
  });

  it('refuses small-order keys and R (which OpenSSL accepts), in any encoding', () => {
    const a = 0x1234567890abcdefn;
    const key = B.multiply(a).toBytes();
    for (const encoded of ED25519_TORSION_SUBGROUP) {
      const T = hex(encoded);
      const message = random(20);
      // [s]B = R + [k]T holds once k ≡ 0 (mod 8): cofactorless verifiers take it
      for (let r = 1n; r < 24n; r++) expect(agree(signature(B.multiply(r).toBytes(), r), message, T)).toBe(false);
      expect(agree(signature(T, (challenge(T, key, message) * a) % L), message, key)).toBe(false);
    }
    const identityR = signature(B.toBytes(), 1n);
    // every small-order key with either sign bit, and y = p and p + 1 (unreduced 0 and 1)
    const withSign = (encoding: Uint8Array, sign: number) => encoding.map((b, i) => (i === 31 ? (b & 0x7f) | (sign << 7) : b));
    for (const encoded of [
      ...ED25519_TORSION_SUBGROUP,
      'eeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f',
      'edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f',
    ]) {
      for (const sign of [0, 1]) expect(agree(identityR, random(5), withSign(hex(encoded), sign))).toBe(false);
    }
  });

  it('takes mixed-order keys, non-canonical key encodings and refuses s ≥ ℓ like the reference', () => {
    const a = 987654321987654321n;
    const mixed = B.multiply(a)
      .add(Point.fromBytes(hex(ED25519_TORSION_SUBGROUP[1])))
      .toBytes();
    let accepted = 0;
    for (let r = 1n; r < 64n; r++) {
      const message = scalarBytes(r);
      const R = B.multiply(r).toBytes();
      if (agree(signature(R, (r + challenge(R, mixed, message) * a) % L), message, mixed)) accepted++;
    }
    expect(accepted).toBeGreaterThan(0);
    for (let y = 2n; y < 19n; y++)
      for (const sign of [0n, 1n]) agree(signature(B.toBytes(), 1n), random(3), scalarBytes((2n ** 255n - 19n + y) | (sign << 255n)));
    const seed = random(32);
    const message = random(9);
    const sig = ed25519.sign(message, seed);
    expect(agree(signature(sig.subarray(0, 32), littleEndian(sig.subarray(32)) + L), message, ed25519.getPublicKey(seed))).toBe(false);
  });

  it('remembers a verified signature only for its exact message and key', () => {
    const seed = random(32);
    const message = random(50);
    const sig = ed25519.sign(message, seed);
    const publicKey = ed25519.getPublicKey(seed);
    expect(verifySignature(sig, message, publicKey)).toBe(true);
    expect(verifySignature(sig, message, publicKey)).toBe(true);
    const other = message.slice();
    other[3] ^= 1;
    expect(verifySignature(sig, other, publicKey)).toBe(false);
    expect(verifySignature(sig, message.subarray(1), publicKey)).toBe(false);
    expect(verifySignature(sig, message, ed25519.getPublicKey(random(32)))).toBe(false);
    message[0] ^= 1; // the memo holds its own copy
    expect(verifySignature(sig, message, publicKey)).toBe(false);
  });

  it('remembers a signature whose slot another took over only by verifying it again', () => {
    const seed = random(32);
    const publicKey = ed25519.getPublicKey(seed);
    const long = random(60);
    const first = ed25519.sign(long, seed);
    // a second signature of a shorter message, in the same slot (the memo's slot is the first byte)
    let short = random(30);
    let second = ed25519.sign(short, seed);
    while (second[0] !== first[0]) second = ed25519.sign((short = random(30)), seed);
    expect(verifySignature(first, long, publicKey)).toBe(true);
    expect(verifySignature(second, short, publicKey)).toBe(true);
    expect(verifySignature(second, long.subarray(0, 30), publicKey)).toBe(false);
    expect(verifySignature(first, long, publicKey)).toBe(true);
    expect(verifySignature(first, long.subarray(0, 30), publicKey)).toBe(false);
    const spoiled = first.slice();
    spoiled[63] ^= 0x10;
    expect(verifySignature(spoiled, long, publicKey)).toBe(false);
  });

  it("remembers the runtime's own signatures only where verify_strict accepts them, for their exact message and key", () => {
    for (let i = 0; i < 20; i++) {
      const signer = new LocalSigner(random(32));
      const message = random(40 + i);
      const sig = signer.sign(message);
      // What the memo now vouches for is what the rules decide.
      expect(reference(sig, message, signer.publicKey)).toBe(true);
      expect(signer.publicKey).toEqual(ed25519.getPublicKey(signer.seed));
      expect(verifySignature(sig, message, signer.publicKey)).toBe(true);
      const other = message.slice();
      other[0] ^= 1;
      expect(verifySignature(sig, other, signer.publicKey)).toBe(false);
    }
  });
});
