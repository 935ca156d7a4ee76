/**
 * The history's own bookkeeping where sends rarely take it: signatures whose hashes collide share
 * a chain, and eviction, truncation, replacement and copies must each find the right entry in it.
 */
import { describe, expect, it } from 'vitest';
import { signatureHash, TransactionHistory } from '../../src/runtime/transaction-history.js';

/** Two different signatures with the same hash: a birthday search over seeded pseudo-random ones. */
function collidingPair(): [Uint8Array, Uint8Array] {
  let state = 0x12345678;
  const seen = new Map<number, Uint8Array>();
  for (;;) {
    const sig = new Uint8Array(64);
    for (let i = 0; i < 64; i++) {
      state ^= state << 13;
      state ^= state >>> 17;
      state ^= state << 5;
      sig[i] = state & 0xff;
    }
    const hash = signatureHash(sig);
    const other = seen.get(hash);
    if (other) return [other, sig];
    seen.set(hash, sig);
  }
}

const signed = (signature: Uint8Array, tag: string) => ({ signature, tag });
const numbered = (n: number) => {
  const sig = new Uint8Array(64);
  sig[63] = n;
  return signed(sig, `n${n}`);
};

describe('transaction history with colliding signatures', () => {
  const [a, b] = collidingPair();

  it('finds both, and evicts the older one alone', () => {
    const h = new TransactionHistory<ReturnType<typeof signed>>();
    h.add(signed(a, 'a'));
    h.add(signed(b, 'b'));
    expect([h.get(a)?.tag, h.get(b)?.tag, h.size]).toEqual(['a', 'b', 2]);
    for (let i = 0; i < 30; i++) h.add(numbered(i));
    h.add(numbered(30)); // full: `a`, the oldest, goes (the chain's second entry)
    expect([h.has(a), h.get(b)?.tag, h.size]).toEqual([false, 'b', 32]);
    h.add(numbered(31)); // then `b`, now alone in its chain
    expect([h.has(a), h.has(b), h.size]).toEqual([false, false, 32]);
  });

  it('truncates the newer one (the chain head) and keeps the older', () => {
    const h = new TransactionHistory<ReturnType<typeof signed>>();
    h.add(signed(a, 'a'));
    h.add(signed(b, 'b'));
    h.setCapacity(1);
    expect([h.get(a)?.tag, h.has(b), h.size]).toEqual(['a', false, 1]);
  });

  it('replaces in place and copies independently', () => {
    const h = new TransactionHistory<ReturnType<typeof signed>>();
    h.add(signed(a, 'a'));
    h.add(signed(b, 'b'));
    h.add(signed(a.slice(), 'a2'));
    expect([h.get(a)?.tag, h.get(b)?.tag, h.size]).toEqual(['a2', 'b', 2]);
    const copy = h.copy();
    copy.setCapacity(1);
    expect([copy.get(a)?.tag, copy.has(b), h.get(b)?.tag, h.saved().entries.map((e) => e.tag)]).toEqual(['a2', false, 'b', ['a2', 'b']]);
  });
});

describe('transaction history lookups', () => {
  it('match whole signatures only', () => {
    const h = new TransactionHistory<ReturnType<typeof signed>>();
    const sig = numbered(7).signature;
    h.add(signed(sig, 'x'));
    const longer = new Uint8Array(65);
    longer.set(sig);
    expect([h.get(sig)?.tag, h.has(sig.subarray(0, 63)), h.has(longer)]).toEqual(['x', false, false]);
  });
});

describe('transaction history index', () => {
  /** A result whose signature encodes `n` in its last two bytes. */
  const wide = (n: number) => {
    const sig = new Uint8Array(64);
    sig[62] = n >> 8;
    sig[63] = n & 0xff;
    return signed(sig, `w${n}`);
  };

  it('finds every result as it grows past its first buckets, and after truncation', () => {
    const h = new TransactionHistory<ReturnType<typeof signed>>();
    h.setCapacity(1000);
    for (let n = 0; n < 1200; n++) h.add(wide(n));
    const held = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => h.get(wide(from + i).signature)?.tag);
    const tags = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => `w${from + i}`);
    const capacity = h.size;
    expect(held(1200 - capacity, 1200)).toEqual(tags(1200 - capacity, 1200));
    expect(h.has(wide(1199 - capacity).signature)).toBe(false);
    h.setCapacity(5);
    expect([h.size, ...held(1200 - capacity, 1205 - capacity)]).toEqual([5, ...tags(1200 - capacity, 1205 - capacity)]);
    expect(h.has(wide(1199).signature)).toBe(false);
  });

  it('keeps insertion order across the ring wrapping, replacing in place, in copies and truncation', () => {
    const h = new TransactionHistory<ReturnType<typeof signed>>();
    for (let n = 0; n < 40; n++) h.add(wide(n));
    h.add(signed(wide(35).signature, 'again')); // full: the oldest goes first, then w35 is replaced in place
    const expected = Array.from({ length: 31 }, (_, i) => (i + 9 === 35 ? 'again' : `w${i + 9}`));
    expect(h.saved().entries.map((e) => e.tag)).toEqual(expected);
    const copy = h.copy();
    copy.add(wide(40)); // fills it
    copy.add(wide(41)); // evicts w9
    const held = (x: TransactionHistory<ReturnType<typeof signed>>, n: number) => x.get(wide(n).signature)?.tag;
    expect([held(copy, 9), held(copy, 41), held(h, 9), held(h, 41)]).toEqual([undefined, 'w41', 'w9', undefined]);
    h.setCapacity(5);
    expect(h.saved().entries.map((e) => e.tag)).toEqual(expected.slice(0, 5));
    expect([h.get(wide(13).signature)?.tag, h.has(wide(14).signature)]).toEqual(['w13', false]);
  });
});
