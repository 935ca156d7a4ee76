/** `sameBytes`, the runtime's account-data comparison (short arrays by loop, long ones natively, any alignment), and `allZero`. */
import { describe, expect, it } from 'vitest';
import { allZero, sameBytes } from '../../src/runtime/bytes.js';

describe('sameBytes', () => {
  it('agrees with a byte-by-byte comparison for every length, offset and differing position', () => {
    const backing = new Uint8Array(4096 + 16);
    for (let i = 0; i < backing.length; i++) backing[i] = (i * 131 + 7) & 0xff;
    for (const length of [0, 1, 3, 4, 7, 32, 63, 64, 65, 255, 256, 257, 1024, 4096]) {
      for (const offset of [0, 1, 3]) {
        const a = backing.subarray(offset, offset + length);
        const b = a.slice();
        expect(sameBytes(a, b), `equal, length ${length} offset ${offset}`).toBe(true);
        for (const at of length ? [0, length >> 1, length - 1] : []) {
          b[at] ^= 1;
          expect(sameBytes(a, b), `differs at ${at}, length ${length} offset ${offset}`).toBe(false);
          b[at] ^= 1;
        }
        if (length) expect(sameBytes(a, b.subarray(1))).toBe(false);
      }
    }
  });
});

describe('allZero', () => {
  it('finds a non-zero byte wherever it is', () => {
    for (const length of [0, 1, 48, 165, 10_240]) {
      const bytes = new Uint8Array(length);
      expect(allZero(bytes)).toBe(true);
      for (const at of length ? [0, length >> 1, length - 1] : []) {
        bytes[at] = 0x80;
        expect(allZero(bytes), `non-zero at ${at} of ${length}`).toBe(false);
        bytes[at] = 0;
      }
    }
  });
});
