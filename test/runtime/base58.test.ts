/**
 * The 32-byte base58 codec gives bs58's results: the encoder its text for random keys, leading zero
 * bytes, all zeros, all 0xff; the decoder its bytes, or none where bs58's are not 32 bytes long.
 */
import { describe, expect, it } from 'vitest';
import bs58 from 'bs58';
import { base58Of32, bytesOfBase58Address } from '../../src/runtime/base58.js';
import { decodeAddress, encodeAddress } from '../../src/runtime/accounts.js';

let seed = 0x2545f491;
const random = () => (seed = Math.imul(seed ^ (seed >>> 15), 0x2c1b3c6d) ^ (seed + 0x6d2b79f5)) & 0xff;
/** Random keys, some with leading zero bytes, and the edge cases. */
function keys(): Uint8Array[] {
  const out: Uint8Array[] = [new Uint8Array(32), new Uint8Array(32).fill(0xff), Uint8Array.from({ length: 32 }, (_, i) => (i === 31 ? 1 : 0))];
  for (let n = 0; n < 20_000; n++) {
    const key = Uint8Array.from({ length: 32 }, random);
    key.fill(0, 0, n % 40 < 32 ? n % 5 : 0);
    out.push(key);
  }
  return out;
}

/** bs58's answer to the question the decoder answers. */
const expected = (text: string) => {
  const bytes = bs58.decodeUnsafe(text);
  return bytes?.length === 32 ? bytes : undefined;
};

describe('base58Of32', () => {
  it('matches bs58 on 20 000 keys and the edge cases', () => {
    for (const key of keys()) expect(base58Of32(key)).toBe(bs58.encode(key));
  });

  it('encodes 32 bytes from any offset of a longer array', () => {
    const all = keys().slice(0, 500);
    const packed = new Uint8Array(3 + 32 * all.length + 5).fill(0xa5);
    all.forEach((key, i) => packed.set(key, 3 + 32 * i));
    all.forEach((key, i) => expect(base58Of32(packed, 3 + 32 * i)).toBe(bs58.encode(key)));
  });
});

describe('bytesOfBase58Address', () => {
  it('decodes what bs58 encodes from 32 bytes', () => {
    for (const key of keys()) expect(bytesOfBase58Address(bs58.encode(key))).toEqual(key);
  });

  it('refuses what bs58 does not decode to 32 bytes: other lengths, leading-zero counts, characters', () => {
    const texts = ['', '1', '1'.repeat(31), '1'.repeat(33), '1'.repeat(32) + '2', '1'.repeat(44), 'z'.repeat(44), 'z'.repeat(45), '2'.repeat(44)];
    for (let bytes = 28; bytes <= 36; bytes++) {
      for (let n = 0; n < 300; n++) {
        const value = Uint8Array.from({ length: bytes }, random);
        value.fill(0, 0, n % 6);
        if (n % 7 === 0) value[Math.min(n % 6, bytes - 1)] = 0xff;
        texts.push(bs58.encode(value));
      }
    }
    const valid = bs58.encode(Uint8Array.from({ length: 32 }, random));
    for (const bad of ['0', 'O', 'I', 'l', '+', ' ', 'é', '\u{1F600}']) texts.push(bad + valid.slice(1), valid.slice(0, 20) + bad + valid.slice(21));
    let accepted = 0;
    for (const text of texts) {
      const want = expected(text);
      if (want) accepted++;
      expect(bytesOfBase58Address(text), text).toEqual(want);
    }
    expect(accepted).toBeGreaterThan(300); // the 32-byte values among them
  });

  it("remembers a key first met as a Node Buffer by a copy (a Buffer's slice() is a view)", () => {
    const key = Buffer.alloc(32, 0x5c);
    key[0] = 0x11; // not a key any other test meets
    const text = encodeAddress(key);
    key.fill(0);
    expect(decodeAddress(text)).toEqual(bs58.decode(text));
    expect(decodeAddress(text)[1]).toBe(0x5c);
  });
});
