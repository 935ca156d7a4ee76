/**
 * Which verifier decides a signature (whether they decide right is ed25519-verify.test.ts's
 * matter): while ours does not run, the platform's takes a key's first `PLATFORM_USES`
 * signatures, then ours takes the key; once ours runs it takes every key, and it starts anyway
 * after `PLATFORM_VERIFICATIONS` platform verifications in all. Each test loads the verifiers
 * afresh, before ours runs.
 */
import { beforeEach, expect, it, vi } from 'vitest';
import { ed25519 } from '@noble/curves/ed25519.js';
import { reference } from '../helpers/ed25519.js';

const random = (n: number) => crypto.getRandomValues(new Uint8Array(n));
const fresh = async () => ({ ...(await import('../../src/runtime/ed25519/verify.js')), ...(await import('../../src/runtime/ed25519/platform.js')) });
beforeEach(() => vi.resetModules());

it('hands a key in regular use from the platform to ours, and then every new key too', async () => {
  const { verifyStrict, platformUses, PLATFORM_USES } = await fresh();
  const seed = random(32);
  const publicKey = ed25519.getPublicKey(seed);
  for (let i = 0; i < PLATFORM_USES + 10; i++) {
    const message = random(20 + i);
    const sig = ed25519.sign(message, seed);
    expect(verifyStrict(sig, message, publicKey), `signature ${i}`).toBe(true);
    const flipped = sig.slice();
    flipped[(i * 13) % 64] ^= 1 << (i % 8);
    expect(verifyStrict(flipped, message, publicKey), `signature ${i}, a bit flipped`).toBe(reference(flipped, message, publicKey));
  }
  // The platform verified the key's first signatures and then no more, nor a new key's.
  expect(platformUses(publicKey)).toBe(PLATFORM_USES);
  const other = random(32);
  const message = random(9);
  expect(verifyStrict(ed25519.sign(message, other), message, ed25519.getPublicKey(other))).toBe(true);
  expect(platformUses(ed25519.getPublicKey(other))).toBe(0);
});

it('starts ours after the platform verified PLATFORM_VERIFICATIONS signatures of keys used once', async () => {
  const { verifyStrict, platformUses, PLATFORM_VERIFICATIONS } = await fresh();
  const message = random(30);
  const signers = Array.from({ length: PLATFORM_VERIFICATIONS + 2 }, () => random(32)).map((seed) => ({
    publicKey: ed25519.getPublicKey(seed),
    sig: ed25519.sign(message, seed),
  }));
  for (const { publicKey, sig } of signers) expect(verifyStrict(sig, message, publicKey)).toBe(true);
  expect(signers.map(({ publicKey }) => platformUses(publicKey))).toEqual([...new Array(PLATFORM_VERIFICATIONS).fill(1), 0, 0]);
});
