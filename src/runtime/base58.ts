/**
 * Base58 of 32-byte addresses both ways without bs58's general algorithm (a multiply-accumulate
 * over every output digit for every input digit, slow for a process's first keys). Decoding holds
 * the number in eight 32-bit limbs and multiplies them by 58^3 once per three digits, in double
 * arithmetic that stays exact (a value below 2^18 times 2^32 plus a limb is below 2^53); encoding
 * goes through base 58^5 (see {@link base58Of32}). Text and bytes are the same as bs58's.
 */
const ALPHABET = '123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz';
const CODES = Uint16Array.from(ALPHABET, (c) => c.charCodeAt(0));
/** At most 44 digits for 32 bytes; five per base-58^5 digit, so room for 45. */
const MAX_DIGITS = 45;

const limbs = new Float64Array(8);
const digits = new Uint8Array(MAX_DIGITS);
/** The text's character codes: up to 32 leading '1's, then up to 44 digits. */
const text = new Uint16Array(32 + MAX_DIGITS);

/**
 * Encoding goes through base 58^5 (after Firedancer's fd_base58): each of the number's sixteen
 * 16-bit limbs times its weight 2^(16i) written in base 58^5 (a table made once), summed per
 * digit — independent products, below 2^50 — then one carry pass and five base-58 digits per
 * base-58^5 digit, in place of a chain of long divisions by 58^3 (warm, 290 ns a key against 800).
 */
const BIG_DIGIT = 58 ** 5;
const BINARY_LIMBS = 16;
const BIG_DIGITS = 9; // 58^45 > 2^256
/** WEIGHTS[BIG_DIGITS · i + j]: digit j (least significant first) of 2^(16i) in base 58^5. */
const WEIGHTS = new Float64Array(BINARY_LIMBS * BIG_DIGITS);
for (let i = 0; i < BINARY_LIMBS; i++) {
  let weight = 1n << BigInt(16 * i);
  for (let j = 0; j < BIG_DIGITS; j++, weight /= BigInt(BIG_DIGIT)) WEIGHTS[BIG_DIGITS * i + j] = Number(weight % BigInt(BIG_DIGIT));
}
const bigDigits = new Float64Array(BIG_DIGITS);

/** The base58 text of the 32 bytes of `bytes` from `from` (the start when not given). */
export function base58Of32(bytes: Uint8Array, from = 0): string {
  let zeros = 0;
  while (zeros < 32 && bytes[from + zeros] === 0) zeros++;
  // the sums live in locals: in an array each would wait on its own store sixteen times
  let d0 = 0,
    d1 = 0,
    d2 = 0,
    d3 = 0,
    d4 = 0,
    d5 = 0,
    d6 = 0,
    d7 = 0,
    d8 = 0;
  for (let i = 0; i < BINARY_LIMBS; i++) {
    const at = from + 30 - 2 * i; // limb i (least significant first): big-endian bytes 30-2i and 31-2i
    const limb = (bytes[at]! << 8) | bytes[at + 1]!;
    const w = BIG_DIGITS * i;
    d0 += limb * WEIGHTS[w]!;
    d1 += limb * WEIGHTS[w + 1]!;
    d2 += limb * WEIGHTS[w + 2]!;
    d3 += limb * WEIGHTS[w + 3]!;
    d4 += limb * WEIGHTS[w + 4]!;
    d5 += limb * WEIGHTS[w + 5]!;
    d6 += limb * WEIGHTS[w + 6]!;
    d7 += limb * WEIGHTS[w + 7]!;
    d8 += limb * WEIGHTS[w + 8]!;
  }
  bigDigits[0] = d0;
  bigDigits[1] = d1;
  bigDigits[2] = d2;
  bigDigits[3] = d3;
  bigDigits[4] = d4;
  bigDigits[5] = d5;
  bigDigits[6] = d6;
  bigDigits[7] = d7;
  bigDigits[8] = d8;
  // carried from the least significant, each then five base-58 digits, least significant first
  let carry = 0;
  for (let j = 0; j < BIG_DIGITS; j++) {
    const sum = bigDigits[j]! + carry;
    carry = Math.floor(sum / BIG_DIGIT);
    let value = (sum - carry * BIG_DIGIT) | 0;
    for (let k = 0; k < 5; k++) {
      const quotient = (value / 58) | 0;
      digits[5 * j + k] = value - 58 * quotient;
      value = quotient;
    }
  }
  let count = MAX_DIGITS;
  while (count > 0 && digits[count - 1] === 0) count--;
  text.fill(CODES[0]!, 0, zeros);
  for (let i = 0; i < count; i++) text[zeros + i] = CODES[digits[count - 1 - i]!]!;
  if (zeros + count === FULL_LENGTH) return fullLengthText(text);
  return String.fromCharCode.apply(null, text.subarray(0, zeros + count) as unknown as number[]);
}

/** The length of nearly every key's text (58^43 < 2^256 · 6%). */
const FULL_LENGTH = 44;

/** The text of 44 codes, passed as arguments (`apply` would copy them into an arguments array first). */
// prettier-ignore
const fullLengthText = (t: Uint16Array): string =>
  String.fromCharCode(t[0]!, t[1]!, t[2]!, t[3]!, t[4]!, t[5]!, t[6]!, t[7]!, t[8]!, t[9]!, t[10]!, t[11]!, t[12]!, t[13]!, t[14]!, t[15]!, t[16]!, t[17]!, t[18]!, t[19]!, t[20]!, t[21]!, t[22]!, t[23]!, t[24]!, t[25]!, t[26]!, t[27]!, t[28]!, t[29]!, t[30]!, t[31]!, t[32]!, t[33]!, t[34]!, t[35]!, t[36]!, t[37]!, t[38]!, t[39]!, t[40]!, t[41]!, t[42]!, t[43]!);

/** Digit value of each character code below 128 (-1: not in the alphabet). */
const DIGIT_OF = new Int8Array(128).fill(-1);
for (let d = 0; d < 58; d++) DIGIT_OF[CODES[d]!] = d;

/**
 * The 32 bytes `text` decodes to, as `bs58.decodeUnsafe` decodes it, or `undefined` when it is not
 * base58 or decodes to another length. Leading '1's stand for zero bytes; the number after them
 * must then take exactly the remaining bytes.
 */
export function bytesOfBase58Address(text: string): Uint8Array | undefined {
  const length = text.length;
  if (length > 44) return undefined; // 58^45 > 256^32: no 32-byte value has more digits
  let zeros = 0;
  while (zeros < length && text.charCodeAt(zeros) === CODES[0]) zeros++;
  if (zeros > 32) return undefined;
  limbs.fill(0);
  for (let at = zeros; at < length;) {
    // Up to three digits at a time: limbs = limbs · 58^n + chunk.
    let chunk = 0;
    let scale = 1;
    for (let n = 0; n < 3 && at < length; n++, at++) {
      const code = text.charCodeAt(at);
      const digit = code < 128 ? DIGIT_OF[code]! : -1;
      if (digit < 0) return undefined;
      chunk = chunk * 58 + digit;
      scale *= 58;
    }
    let carry = chunk;
    for (let i = 7; i >= 0; i--) {
      const value = limbs[i]! * scale + carry;
      carry = Math.floor(value / 4294967296);
      limbs[i] = value - carry * 4294967296;
    }
    if (carry !== 0) return undefined; // beyond 256 bits
  }
  const out = new Uint8Array(32);
  for (let i = 0; i < 8; i++) {
    const limb = limbs[i]!;
    out[4 * i] = limb >>> 24;
    out[4 * i + 1] = (limb >>> 16) & 0xff;
    out[4 * i + 2] = (limb >>> 8) & 0xff;
    out[4 * i + 3] = limb & 0xff;
  }
  // The number's own bytes (without leading zeros) must fill exactly 32 - zeros bytes.
  let significant = 0;
  while (significant < 32 && out[significant] === 0) significant++;
  return significant === zeros ? out : undefined;
}
