/**
 * Our WebAssembly SHA-256 and Keccak-256 against @noble/hashes: every length around the block
 * size, inputs longer than the module's buffer, messages split into parts (some empty).
 */
import { describe, expect, it } from 'vitest';
import { sha256 as nobleSha256 } from '@noble/hashes/sha2.js';
import { keccak_256 as nobleKeccak256 } from '@noble/hashes/sha3.js';
import { sha256 } from '../../src/crypto/sha256.js';
import { keccak256 } from '../../src/crypto/keccak256.js';

const data = (n: number) => Uint8Array.from({ length: n }, (_, i) => (i * 131 + n) & 0xff);

describe.each([
  { name: 'SHA-256', ours: sha256, reference: nobleSha256, block: 64, buffer: 62 * 1024 },
  { name: 'Keccak-256', ours: keccak256, reference: nobleKeccak256, block: 136, buffer: 450 * 136 },
])('$name', ({ ours, reference, block, buffer }) => {
  it('hashes every length up to three blocks and more, whole and in parts', () => {
    for (let n = 0; n <= 3 * block + 20; n++) {
      const d = data(n);
      expect(ours(d)).toEqual(reference(d));
      expect(ours(d.subarray(0, n >> 2), new Uint8Array(0), d.subarray(n >> 2, n >> 1), d.subarray(n >> 1))).toEqual(reference(d));
    }
  });

  it('hashes inputs longer than its buffer, across the boundary', () => {
    for (const n of [buffer - block - 1, buffer - 1, buffer, buffer + 1, buffer + block, 200_003]) {
      const d = data(n);
      expect(ours(d)).toEqual(reference(d));
      expect(ours(d.subarray(0, 1000), d.subarray(1000))).toEqual(reference(d));
    }
  });
});
