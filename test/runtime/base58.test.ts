/** The 32-byte base58 encoder gives bs58's text: random keys, leading zero bytes, all zeros, all 0xff. */
import { describe, expect, it } from 'vitest';
import bs58 from 'bs58';
import { base58Of32 } from '../../src/runtime/base58.js';

describe('base58Of32', () => {
  it('matches bs58 on 20 000 keys and the edge cases', () => {
    let seed = 0x2545f491;
    const random = () => (seed = Math.imul(seed ^ (seed >>> 15), 0x2c1b3c6d) ^ (seed + 0x6d2b79f5)) & 0xff;
    const keys: Uint8Array[] = [new Uint8Array(32), new Uint8Array(32).fill(0xff), Uint8Array.from({ length: 32 }, (_, i) => (i === 31 ? 1 : 0))];
    for (let n = 0; n < 20_000; n++) {
      const key = Uint8Array.from({ length: 32 }, random);
      key.fill(0, 0, n % 40 < 32 ? n % 5 : 0); // some with leading zero bytes
      keys.push(key);
    }
    for (const key of keys) expect(base58Of32(key)).toBe(bs58.encode(key));
  });
});
