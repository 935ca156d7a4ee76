/**
 * The rules of ed25519-dalek's `verify_strict` (what Agave applies to transaction signatures) that
 * are checks on the bytes alone, shared by our verifier and the platform's first checks.
 */
import { sameBytes } from '../bytes.js';

/** The group order ℓ. */
export const L = 2n ** 252n + 27742317777372353535851937790883648493n;
const L_BYTES = Uint8Array.from({ length: 32 }, (_, i) => Number((L >> BigInt(8 * i)) & 0xffn));

/**
 * The canonical encodings of the eight small-order points: an R among them is refused. (A
 * non-canonical encoding of one never equals the canonical encoding we compare R with.)
 */
const SMALL_ORDER_R = [
  '0100000000000000000000000000000000000000000000000000000000000000',
  'ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f',
  '0000000000000000000000000000000000000000000000000000000000000000',
  '0000000000000000000000000000000000000000000000000000000000000080',
  'c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a',
  'c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac03fa',
  '26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc05',
  '26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc85',
].map((hex) => Uint8Array.from(hex.match(/../g)!, (b) => parseInt(b, 16)));

/** An encoding's y: its bytes with the sign bit cleared. */
const yOnly = (encoding: Uint8Array) => encoding.map((b, i) => (i === 31 ? b & 0x7f : b));
/** The encoding of the unreduced y = p + (low - 0xed), for a low byte from 0xed. */
const unreducedY = (low: number) => Uint8Array.from({ length: 32 }, (_, i) => (i === 0 ? low : i === 31 ? 0x7f : 0xff));
/**
 * The y coordinates of the small-order points as dalek reads them: the canonical encodings' y (1,
 * p - 1, 0 and ±y of the points of order 8) and p and p + 1, the only unreduced y (up to 2^255 - 1,
 * which dalek reduces) that land among them.
 */
const SMALL_ORDER_Y = [
  ...SMALL_ORDER_R.map(yOnly).filter((y, i, all) => all.findIndex((other) => sameBytes(other, y)) === i),
  unreducedY(0xed),
  unreducedY(0xee),
];

/**
 * Whether an encoding that decodes is of a small-order point (any sign bit, any y below 2^255):
 * a point's order is small exactly when its y is, and so no point arithmetic is needed to tell.
 */
export function hasSmallOrderY(encoding: Uint8Array): boolean {
  search: for (const y of SMALL_ORDER_Y) {
    for (let i = 0; i < 31; i++) if (encoding[i] !== y[i]) continue search;
    if ((encoding[31]! & 0x7f) === y[31]) return true;
  }
  return false;
}

/** Whether the 32-byte little-endian scalar is below ℓ. */
export function isCanonicalScalar(s: Uint8Array): boolean {
  for (let i = 31; i >= 0; i--) if (s[i] !== L_BYTES[i]) return s[i]! < L_BYTES[i]!;
  return false;
}

/** Whether `r` is the canonical encoding of a small-order point (refused as R). */
export const isSmallOrderEncoding = (r: Uint8Array): boolean => SMALL_ORDER_R.some((e) => sameBytes(e, r));

/** Encodings of x = 0 with the sign bit set, for y = 1 and y = -1 (the identity and the point of order 2, which dalek reads as x = -0). */
const SIGNED_ZERO_X = [
  Uint8Array.from({ length: 32 }, (_, i) => (i === 0 ? 0x01 : i === 31 ? 0x80 : 0)),
  Uint8Array.from({ length: 32 }, (_, i) => (i === 0 ? 0xec : 0xff)),
];

/** Whether the encoding's x is 0 with the sign bit set. */
export const isSignedZeroX = (encoding: Uint8Array): boolean => SIGNED_ZERO_X.some((e) => sameBytes(e, encoding));

/** Whether the encoding's y (its 255 low bits, little-endian) is below p = 2^255 - 19. */
export function hasReducedY(encoding: Uint8Array): boolean {
  if ((encoding[31]! & 0x7f) !== 0x7f) return true;
  for (let i = 30; i >= 1; i--) if (encoding[i] !== 0xff) return true;
  return encoding[0]! < 0xed;
}
