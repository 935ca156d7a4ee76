/**
 * Base58 text of a 32-byte address without bs58's general algorithm (a multiply-accumulate over
 * every output digit for every input byte): the number is held in eight 32-bit limbs and divided
 * by 58^3 once per three digits, in double arithmetic that stays exact (a remainder below 2^18
 * times 2^32 plus a limb is below 2^53). The text is the same as bs58's.
 */
const ALPHABET = '123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz';
const CODES = Uint16Array.from(ALPHABET, (c) => c.charCodeAt(0));
const DIVISOR = 58 * 58 * 58;
/** At most 44 digits for 32 bytes; three per division, so room for 45. */
const MAX_DIGITS = 45;

const limbs = new Float64Array(8);
const digits = new Uint8Array(MAX_DIGITS);
/** The text's character codes: up to 32 leading '1's, then up to 44 digits. */
const text = new Uint16Array(32 + MAX_DIGITS);

/** The base58 text of 32 bytes. */
export function base58Of32(bytes: Uint8Array): string {
  let zeros = 0;
  while (zeros < 32 && bytes[zeros] === 0) zeros++;
  for (let i = 0; i < 8; i++) {
    const at = 4 * i;
    limbs[i] = ((bytes[at]! << 24) | (bytes[at + 1]! << 16) | (bytes[at + 2]! << 8) | bytes[at + 3]!) >>> 0;
  }
  let first = 0; // the most significant limb still non-zero
  while (first < 8 && limbs[first] === 0) first++;
  let count = 0;
  while (first < 8) {
    let remainder = 0;
    for (let i = first; i < 8; i++) {
      const value = remainder * 4294967296 + limbs[i]!;
      const quotient = Math.floor(value / DIVISOR);
      remainder = value - quotient * DIVISOR;
      limbs[i] = quotient;
    }
    while (first < 8 && limbs[first] === 0) first++;
    // three digits, least significant first
    digits[count++] = remainder % 58;
    remainder = Math.floor(remainder / 58);
    digits[count++] = remainder % 58;
    digits[count++] = Math.floor(remainder / 58);
  }
  while (count > 0 && digits[count - 1] === 0) count--;
  text.fill(CODES[0]!, 0, zeros);
  for (let i = 0; i < count; i++) text[zeros + i] = CODES[digits[count - 1 - i]!]!;
  return String.fromCharCode.apply(null, text.subarray(0, zeros + count) as unknown as number[]);
}
