/**
 * Half-size scalars for verifying a signature (after Pornin, "Optimized lattice basis reduction in
 * dimension 2, and fast Schnorr and EdDSA signature verification", 2020): for the challenge k, a
 * pair (u, v) of about 128 bits each with u ≡ v·k (mod 8ℓ) and v odd, found by the extended
 * Euclidean algorithm on (8ℓ, k) stopped half-way. Every remainder r it meets is t·k mod 8ℓ for its
 * cofactor t, and when r first drops below 2^128 the previous remainder r' is at least 2^128, so
 * |t| ≤ 8ℓ/r' < 2^128 (Euclid's r'·|t| + r·|t'| = 8ℓ).
 *
 * The numbers live in doubles as 26-bit limbs, and the algorithm is Lehmer's: quotients come from
 * the leading 52 bits of the two remainders, and a run of them is applied to the full numbers at
 * once as a 2×2 matrix with entries below 2^26 (every limb product, and the sum of two, stays below
 * 2^53, so the arithmetic is exact). A run stops before any quotient the leading bits cannot vouch
 * for (Jebelean's condition), so the remainders are exactly Euclid's. In JavaScript BigInt the same
 * reduction cost ~20 µs; this costs about 1.
 */
const RADIX = 2 ** 26;
const INVERSE_RADIX = 2 ** -26;
/** 2^-i and 2^(26 - i) for the bit offsets i < 26 within a limb. */
const DOWN = Float64Array.from({ length: 26 }, (_, i) => 2 ** -i);
const UP = Float64Array.from({ length: 26 }, (_, i) => 2 ** (26 - i));
/** Limbs of a remainder (below 8ℓ < 2^256) and of a cofactor (signed, below 2^156 in magnitude). */
const R_LIMBS = 10;
const T_LIMBS = 6;
const ROW = R_LIMBS + T_LIMBS;
/** Bits of u and v's bound: the Euclidean algorithm stops at the first remainder below 2^HALF. */
const HALF = 128;
/** 8ℓ in limbs. */
const EIGHT_L = limbsOf(8n * (2n ** 252n + 27742317777372353535851937790883648493n));

function limbsOf(x: bigint): number[] {
  return Array.from({ length: R_LIMBS }, (_, i) => Number((x >> BigInt(26 * i)) & BigInt(RADIX - 1)));
}

/**
 * Two rows (remainder ‖ cofactor), each r ≡ t·k (mod 8ℓ): row 0 at 0, row 1 at ROW. Limbs are in
 * [0, 2^26) except each number's top one, which carries its sign.
 */
const rows = new Float64Array(2 * ROW);

/** (row 0, row 1) ← (a·row 0 + b·row 1, c·row 0 + d·row 1), for |a|, |b|, |c|, |d| < 2^26. */
function apply(a: number, b: number, c: number, d: number): void {
  combine(0, R_LIMBS, a, b, c, d);
  combine(R_LIMBS, ROW, a, b, c, d);
}

/** {@link apply} on the limbs `from`…`to` of both rows (one number of each), the last one signed. */
function combine(from: number, to: number, a: number, b: number, c: number, d: number): void {
  let carry0 = 0;
  let carry1 = 0;
  for (let i = from; i < to - 1; i++) {
    const x = rows[i]!;
    const y = rows[ROW + i]!;
    const s0 = a * x + b * y + carry0;
    const s1 = c * x + d * y + carry1;
    carry0 = Math.floor(s0 * INVERSE_RADIX);
    carry1 = Math.floor(s1 * INVERSE_RADIX);
    rows[i] = s0 - carry0 * RADIX;
    rows[ROW + i] = s1 - carry1 * RADIX;
  }
  const x = rows[to - 1]!;
  const y = rows[ROW + to - 1]!;
  rows[to - 1] = a * x + b * y + carry0;
  rows[ROW + to - 1] = c * x + d * y + carry1;
}

/** The bit length of the non-negative remainder at `at`. */
function bitLength(at: number): number {
  for (let i = R_LIMBS - 1; i >= 0; i--) {
    const limb = rows[at + i]!;
    if (limb !== 0) return 26 * i + 32 - Math.clz32(limb);
  }
  return 0;
}

/** ⌊r / 2^shift⌋ for the non-negative remainder at `at`, when it is below 2^52. */
function leading(at: number, shift: number): number {
  const limb = Math.floor(shift / 26);
  const bits = shift - 26 * limb;
  const up = UP[bits]!;
  let value = Math.floor(rows[at + limb]! * DOWN[bits]!);
  if (limb + 1 < R_LIMBS) value += rows[at + limb + 1]! * up;
  if (limb + 2 < R_LIMBS) value += rows[at + limb + 2]! * up * RADIX;
  return value;
}

/** An approximation of the number whose limbs are at `at`…`at + count`. */
function approximate(at: number, count: number): number {
  let value = 0;
  for (let i = count - 1; i >= 0; i--) value = value * RADIX + rows[at + i]!;
  return value;
}

/** Whether row 1's remainder is at least row 0's. */
function secondNotSmaller(): boolean {
  for (let i = R_LIMBS - 1; i >= 0; i--) if (rows[ROW + i] !== rows[i]) return rows[ROW + i]! > rows[i]!;
  return true;
}

/**
 * One exact Euclidean step, (row 0, row 1) ← (row 1, row 0 - q·row 1); false when its quotient is
 * 2^26 or more (left undone).
 */
function singleStep(): boolean {
  const shift = Math.max(0, bitLength(0) - 52);
  const a = leading(0, shift);
  const b = leading(ROW, shift);
  // with b ≥ 2^26 the leading bits' quotient is off by at most one
  if (b < RADIX) return false;
  const q = Math.floor(a / b);
  if (q >= RADIX) return false;
  apply(0, 1, 1, -q);
  if (rows[ROW + R_LIMBS - 1]! < 0) apply(1, 0, 1, 1);
  else if (secondNotSmaller()) apply(1, 0, -1, 1);
  return true;
}

/**
 * A run of Euclidean steps on the leading 52 bits, applied at once; false when the leading bits
 * vouch for no step. A step is taken only when its remainder and the drop to it exceed what the
 * bits below could change (|x| + |y| for cofactors x, y of the run), and its remainder is at least
 * 2^HALF: the run never passes the stopping point.
 */
function lehmerRun(): boolean {
  const shift = Math.max(0, bitLength(0) - 52);
  const floor = 2 ** (HALF - shift);
  let a0 = leading(0, shift);
  let a1 = leading(ROW, shift);
  let x0 = 1;
  let y0 = 0;
  let x1 = 0;
  let y1 = 1;
  let steps = 0;
  while (a1 > 0) {
    const q = Math.floor(a0 / a1);
    const a2 = a0 - q * a1;
    const x2 = x0 - q * x1;
    const y2 = y0 - q * y1;
    if (Math.abs(x2) >= RADIX || Math.abs(y2) >= RADIX) break;
    if (a2 < Math.abs(x2) + Math.abs(y2) + floor || a1 - a2 < Math.abs(x1 - x2) + Math.abs(y1 - y2)) break;
    a0 = a1;
    a1 = a2;
    x0 = x1;
    y0 = y1;
    x1 = x2;
    y1 = y2;
    steps++;
  }
  if (steps === 0) return false;
  apply(x0, y0, x1, y1);
  return true;
}

/**
 * Writes |x| for the number at `at` (`count` limbs, top one signed) as little-endian bytes at
 * `out[to…to + 32)`, and returns its sign (-1, 0 or 1).
 */
function writeMagnitude(at: number, count: number, out: Uint8Array, to: number): number {
  const sign = Math.sign(rows[at + count - 1]!) || (approximate(at, count) > 0 ? 1 : 0);
  let acc = 0;
  let bits = 0;
  let byte = 0;
  let borrow = 0;
  out.fill(0, to, to + 32);
  for (let i = 0; i < count; i++) {
    let limb = rows[at + i]!;
    if (sign < 0) {
      // two's complement, limb by limb: -x = (2^26 - 1 - limb) + 1 carried through
      limb = -limb - borrow;
      borrow = limb < 0 ? 1 : 0;
      limb += borrow * RADIX;
    }
    acc += limb * 2 ** bits;
    bits += 26;
    while (bits >= 8 && byte < 32) {
      const low = acc % 256;
      out[to + byte++] = low;
      acc = (acc - low) / 256;
      bits -= 8;
    }
  }
  while (byte < 32 && acc > 0) {
    const low = acc % 256;
    out[to + byte++] = low;
    acc = (acc - low) / 256;
  }
  return sign;
}

/**
 * For the challenge k < ℓ (32 little-endian bytes at `k[at…]`): writes |u| and v, 32 little-endian
 * bytes each, at `out[0…32)` and `out[32…64)`, with u ≡ v·k (mod 8ℓ), v odd and positive, both
 * below 2^160 (about 2^128: see the module's comment), and returns u's sign (1 for u ≥ 0, -1
 * otherwise); 0 when it found none (a quotient of 2^26 or more on the way, about one challenge in
 * a million).
 */
export function halfSizeScalars(k: Uint8Array, at: number, out: Uint8Array): number {
  rows.fill(0);
  rows.set(EIGHT_L, 0);
  for (let i = 0; i < R_LIMBS; i++) {
    // limb i: bits 26i … 26i + 25 of k, read from the five bytes that hold them
    const first = (26 * i) >> 3;
    let window = 0;
    for (let j = 4; j >= 0; j--) window = window * 256 + (first + j < 32 ? k[at + first + j]! : 0);
    rows[ROW + i] = Math.floor(window / 2 ** ((26 * i) & 7)) % RADIX;
  }
  rows[ROW + R_LIMBS] = 1;
  while (bitLength(ROW) > HALF) if (!lehmerRun() && !singleStep()) return 0;
  // row 1 = (r, t) is short; when t is even (t and the previous t' are coprime, so t' is odd) take
  // the odd row 0 - j·row 1 (j ≤ r'/r) that balances its two parts best
  if (rows[ROW + R_LIMBS]! % 2 === 0) {
    const r0 = approximate(0, R_LIMBS);
    const r1 = approximate(ROW, R_LIMBS);
    const t0 = Math.abs(approximate(R_LIMBS, T_LIMBS));
    const t1 = Math.abs(approximate(ROW + R_LIMBS, T_LIMBS));
    const size = (j: number) => Math.max(Math.abs(r0 - j * r1), t0 + j * t1);
    let j = Math.max(0, Math.floor((r0 - t0) / (r1 + t1)));
    if (size(j + 1) < size(j)) j++;
    if (j >= RADIX) return 0;
    apply(1, 0, 1, -j);
  }
  const tSign = writeMagnitude(ROW + R_LIMBS, T_LIMBS, out, 32);
  const uSign = writeMagnitude(ROW, R_LIMBS, out, 0);
  for (let i = 20; i < 32; i++) if (out[i] !== 0 || out[32 + i] !== 0) return 0;
  return uSign * tSign < 0 ? -1 : 1;
}
