/** Byte-array comparison for the runtime's account checks, and 64-bit words read and written as numbers. */
import { nativeCompare } from '../platform.js';

/** From this length on a native call beats the loop below. */
const NATIVE_COMPARE_FROM = 256;
/** Below this length the byte loop beats making two word views (keys and signatures mostly differ in their first byte). */
const WORDS_FROM = 64;

/**
 * A zero-length array, shared: nothing can be written into it, and V8 allocates a fresh empty
 * Uint8Array off its heap (about 270 ns, as long as for a 200-byte one), several times a transaction.
 */
export const NO_BYTES = new Uint8Array(0);

/**
 * Whether `a` and `b` hold the same bytes. Accounts reach megabytes and are compared on every
 * return from a program that may not change them: natively where the platform can, else four
 * bytes at a time where both are aligned.
 */
export function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  const n = a.length;
  if (n !== b.length) return false;
  if (n >= NATIVE_COMPARE_FROM && nativeCompare) return nativeCompare(a, b) === 0;
  let i = 0;
  if (n >= WORDS_FROM && (a.byteOffset & 3) === 0 && (b.byteOffset & 3) === 0) {
    const words = n >>> 2;
    const wa = new Uint32Array(a.buffer, a.byteOffset, words);
    const wb = new Uint32Array(b.buffer, b.byteOffset, words);
    for (let w = 0; w < words; w++) if (wa[w] !== wb[w]) return false;
    i = words << 2;
  }
  for (; i < n; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Whether the bytes of `bytes` from `at` are `expected` (a key or a signature in place, compared without a view of them). */
export function sameBytesAt(bytes: Uint8Array, at: number, expected: Uint8Array): boolean {
  for (let i = 0; i < expected.length; i++) if (bytes[at + i] !== expected[i]) return false;
  return true;
}

/** Whether every byte is zero (a plain loop: `some` with a callback costs several times as much). */
export function allZero(bytes: Uint8Array): boolean {
  for (let i = 0; i < bytes.length; i++) if (bytes[i] !== 0) return false;
  return true;
}

/**
 * A `bits`-bit hash of the 32 key bytes of `source` from `at`, for direct-mapped memos keyed by
 * keys (uniform bytes): from three of the eight 32-bit words (hashing every byte cost a memo hit
 * more than the rest of it before V8 optimises the loop); a memo checks a hit on all 32 bytes.
 */
export function keyHash(source: Uint8Array, at: number, bits: number): number {
  const first = source[at]! | (source[at + 1]! << 8) | (source[at + 2]! << 16) | (source[at + 3]! << 24);
  const middle = source[at + 12]! | (source[at + 13]! << 8) | (source[at + 14]! << 16) | (source[at + 15]! << 24);
  const last = source[at + 28]! | (source[at + 29]! << 8) | (source[at + 30]! << 16) | (source[at + 31]! << 24);
  return Math.imul(first ^ Math.imul(middle, 0x85ebca6b) ^ Math.imul(last, 0xc2b2ae35), 0x9e3779b1) >>> (32 - bits);
}

/** A few bytes (a key, a signature) as a string of one character per byte: a map key that costs no encoding. */
export const bytesKey = (bytes: Uint8Array): string => String.fromCharCode.apply(null, bytes as unknown as number[]);

/** The bytes of `parts`, one after another, in a new array. */
export function concatBytes(...parts: Uint8Array[]): Uint8Array {
  let length = 0;
  for (const p of parts) length += p.length;
  const out = new Uint8Array(length);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** The little-endian u64 at `at` of `view` as a number (exact below 2^53), without a BigInt. */
export const u64AsNumber = (view: DataView, at: number): number => view.getUint32(at, true) + view.getUint32(at + 4, true) * 0x1_0000_0000;

/** Writes `value`, a non-negative integer below 2^53, as the little-endian u64 at `at` of `view`, without a BigInt. */
export function setU64FromNumber(view: DataView, at: number, value: number): void {
  view.setUint32(at, value >>> 0, true);
  view.setUint32(at + 4, Math.floor(value / 0x1_0000_0000), true);
}
