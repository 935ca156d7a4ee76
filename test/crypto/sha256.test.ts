/** Our SHA-256 against @noble/hashes: every length around the block and buffer boundaries, split into parts. */
import { describe, expect, it } from 'vitest';
import { sha256 as reference } from '@noble/hashes/sha2.js';
import { sha256 } from '../../src/crypto/sha256.js';

const data = (n: number) => Uint8Array.from({ length: n }, (_, i) => (i * 131 + n) & 0xff);

describe('SHA-256', () => {
  it('hashes every length up to 300 bytes, whole and in parts', () => {
    for (let n = 0; n <= 300; n++) {
      const d = data(n);
      expect(sha256(d)).toEqual(reference(d));
      expect(sha256(d.subarray(0, n >> 2), new Uint8Array(0), d.subarray(n >> 2, n >> 1), d.subarray(n >> 1))).toEqual(reference(d));
    }
  });

  it('hashes inputs longer than its buffer (62 KiB), across the boundary', () => {
    for (const n of [62 * 1024 - 57, 62 * 1024 - 1, 62 * 1024, 62 * 1024 + 1, 200_003]) {
      const d = data(n);
      expect(sha256(d)).toEqual(reference(d));
      expect(sha256(d.subarray(0, 1000), d.subarray(1000))).toEqual(reference(d));
    }
  });
});
