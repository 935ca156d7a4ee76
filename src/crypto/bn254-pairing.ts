/**
 * The BN254 (alt_bn128) pairing check in a WebAssembly module built by our own emitter: whether
 * the product of the optimal ate pairings e(Pᵢ, Qᵢ) is one. The field tower is Fp2 = Fp[u]/(u² + 1),
 * Fp6 = Fp2[v]/(v³ − ξ) with ξ = 9 + u, Fp12 = Fp6[w]/(w² − v), every element in Montgomery form
 * on 29-bit limbs (crypto/tower.ts, montgomery.ts's narrow representation: below 2p, reduced
 * before every comparison). G2 lives on the twist y² = x³ + 3/ξ; its points are checked for the
 * curve equation and for the prime-order subgroup by ψ(Q) = [6x²]Q (x the BN seed), the test
 * @noble/curves applies (equivalent to [r]Q = O). The Miller loop runs over the signed digits of
 * 6x + 2 with T in homogeneous projective coordinates (the doubling and addition steps of Costello,
 * Lange and Naehrig), multiplying by each sparse line, then adds π(Q) and −π²(Q); the final
 * exponentiation is the easy part (p⁶ − 1)(p² + 1), then the hard part by the seed chain of Scott
 * et al. with Granger and Scott's cyclotomic squarings.
 */
import { assertInternal } from '../errors.js';
import { ValType } from '../jit/wasm/index.js';
import { call, copy, equal, isZero, type Slot } from './field-slots.js';
import { fixedModule, type EmittedModule } from './fixed-modules.js';
import { emitJacobian } from './jacobian.js';
import { modInverse } from './modular.js';
import { allZero } from '../runtime/bytes.js';
import { limbsOf, NARROW_BITS, narrowBelow, narrowElementBytes, narrowLimbs, wordToNarrow } from './montgomery.js';
import { eachPair, emitCyclotomicPower, pairingModule, emitTower, finishLineProduct, frobeniusConstants, type Fp2, nonAdjacentForm } from './tower.js';

const { I32 } = ValType;
/** The base field's modulus. */
const P = 21888242871839275222246405745257275088696311157297823662689037894645226208583n;
/** The BN seed x. */
const SEED = 4965661367192848881n;
const LIMBS = narrowLimbs(P);
const E = narrowElementBytes(LIMBS);
/** The Montgomery radix 2^(29·limbs). */
const RADIX = 1n << BigInt(NARROW_BITS * LIMBS);
const F2 = 2 * E;
const F6 = 3 * F2;
const F12 = 2 * F6;

// Constants (bytes), filled when the module is instantiated.
const ZERO = 0; // one Fp12 of zeros
const ONE12 = ZERO + F12; // 1 in Fp12 (its first element is 1 in Fp2 and in Fp)
const TO_MONTGOMERY = ONE12 + F12; // RADIX² mod p
const HALF = TO_MONTGOMERY + E; // 1/2
const CUBE = HALF + E; // RADIX³ mod p, for inverses in Montgomery form
const TWIST_B = CUBE + E; // b' = 3/ξ
/** γ[n][k] = ξ^(k(pⁿ − 1)/6) for n = 1..3, k = 1..5: the Frobenius πⁿ multiplies w^k by it. */
const GAMMA = TWIST_B + F2;
const gamma = (n: number, k: number) => GAMMA + ((n - 1) * 5 + (k - 1)) * F2;
const SCRATCH = GAMMA + 15 * F2;
/** Where the pairs start, in memory growing with their count. */
const PAIRS = 0x8000;

// One pair (offsets): P in Fp, Q and its images on the twist in Fp2, and the Miller loop's T.
const PX = 0;
const PY = PX + E;
const QX = PY + E;
const QY = QX + F2;
const QY_NEG = QY + F2;
const Q1X = QY_NEG + F2; // π(Q)
const Q1Y = Q1X + F2;
const Q2X = Q1Y + F2; // −π²(Q)
const Q2Y = Q2X + F2;
const TX = Q2Y + F2;
const PAIR = TX + 3 * F2;

interface Exports {
  memory: WebAssembly.Memory;
  /** The pair at `pair` (P in normal form): P into Montgomery form; whether P is on the curve. */
  loadG1(pair: number): number;
  /** The pair at `pair` (Q in normal form): Q into Montgomery form; whether Q is on the twist and in the subgroup. */
  loadG2(pair: number): number;
  /** Whether the product of the pairings of the `n` loaded pairs is one. */
  check(n: number): number;
}

/** The pairing module (see fixed-modules.ts). */
export function emitBn254Pairing(): EmittedModule {
  const { m, scratch, fn, used } = pairingModule(SCRATCH, 1);
  const tower = emitTower(m, {
    p: P,
    xi: 9,
    zero: ZERO,
    cube: CUBE,
    gamma,
    scratch,
  });
  const { fp, add2, sub2, neg2, mul2, sqr2, mulFp, conj2, mul6By01, mul12, sqr12, cyclotomicSqr, conj12, inv12, frobenius } = tower;
  const reduce = tower.reduce;
  /** Pushes whether the elements at a and b (`bytes` of Fp, Fp2 or Fp12) are equal, reducing both in place first. */
  const equalReduced = (c: ReturnType<typeof fn>['code'], a: Slot, b: Slot, bytes: number) => {
    const by = bytes === E ? reduce.fp : bytes === F2 ? reduce.fp2 : reduce.fp12;
    call(c, by, a, a);
    call(c, by, b, b);
    equal(c, a, b, bytes);
  };
  const ONE_MONTGOMERY = ONE12;

  // ---- The Miller loop
  const F = scratch(F12);
  /** The line through T evaluated at P: L0 + L1·w + L3·w³ (L3·w³ = L3·v·w). */
  const [L0, L1, L3] = [scratch(F2), scratch(F2), scratch(F2)];
  const PAIR_ = 0;
  const pairSlot = (offset: number): Slot => [PAIR_, offset];
  const [X, Y, Z] = [pairSlot(TX), pairSlot(TX + F2), pairSlot(TX + 2 * F2)];

  // T = 2T, and the tangent's line: 2YZ·yP − 3X²·xP·w + (Y² − 3b'Z²)·w³ (the affine line times 2YZ).
  const doubling = fn(1);
  {
    const c = doubling.code;
    const [a, b, cc, e, f, g, h, j] = Array.from({ length: 8 }, () => scratch(F2));
    call(c, mul2, a, X, Y);
    call(c, mulFp, a, a, HALF); // XY/2
    call(c, sqr2, b, Y); // Y²
    call(c, sqr2, cc, Z); // Z²
    call(c, mul2, e, cc, TWIST_B);
    call(c, add2, f, e, e);
    call(c, add2, e, f, e); // E = 3b'Z²
    call(c, add2, f, e, e);
    call(c, add2, f, f, e); // F = 3E
    call(c, add2, g, b, f);
    call(c, mulFp, g, g, HALF); // G = (B + F)/2
    call(c, add2, h, Y, Z);
    call(c, sqr2, h, h);
    call(c, sub2, h, h, b);
    call(c, sub2, h, h, cc); // H = 2YZ
    call(c, sqr2, j, X); // J = X²
    call(c, mulFp, L0, h, pairSlot(PY));
    call(c, add2, L1, j, j);
    call(c, add2, L1, L1, j);
    call(c, mulFp, L1, L1, pairSlot(PX));
    call(c, neg2, L1, L1);
    call(c, sub2, L3, b, e);
    call(c, sub2, X, b, f);
    call(c, mul2, X, X, a); // X3 = XY/2·(B − F)
    call(c, mul2, Z, b, h); // Z3 = B·H
    call(c, sqr2, e, e);
    call(c, add2, a, e, e);
    call(c, add2, e, e, a); // 3E²
    call(c, sqr2, Y, g);
    call(c, sub2, Y, Y, e); // Y3 = G² − 3E²
  }
  // T = T + (x2, y2), and the line through them: λ·yP − θ·xP·w + (θ·x2 − λ·y2)·w³ with θ = Y − y2·Z, λ = X − x2·Z.
  const addition = fn(3);
  {
    const c = addition.code;
    const [X2, Y2]: Slot[] = [
      [1, 0],
      [2, 0],
    ];
    const [theta, lambda, cc, d, e, f, g, h] = Array.from({ length: 8 }, () => scratch(F2));
    call(c, mul2, theta, Y2, Z);
    call(c, sub2, theta, Y, theta);
    call(c, mul2, lambda, X2, Z);
    call(c, sub2, lambda, X, lambda);
    call(c, sqr2, cc, theta); // C = θ²
    call(c, sqr2, d, lambda); // D = λ²
    call(c, mul2, e, lambda, d); // E = λ³
    call(c, mul2, f, Z, cc); // F = Z·C
    call(c, mul2, g, X, d); // G = X·D
    call(c, add2, h, e, f);
    call(c, sub2, h, h, g);
    call(c, sub2, h, h, g); // H = E + F − 2G
    call(c, mulFp, L0, lambda, pairSlot(PY));
    call(c, mulFp, L1, theta, pairSlot(PX));
    call(c, neg2, L1, L1);
    call(c, mul2, L3, theta, X2);
    call(c, mul2, d, lambda, Y2);
    call(c, sub2, L3, L3, d);
    call(c, mul2, X, lambda, h); // X3 = λH
    call(c, sub2, g, g, h);
    call(c, mul2, g, theta, g);
    call(c, mul2, d, e, Y);
    call(c, sub2, Y, g, d); // Y3 = θ(G − H) − E·Y
    call(c, mul2, Z, Z, e); // Z3 = Z·E
  }
  // F = F·line, the line being (L0, 0, 0) + (L1, L3, 0)·w: 13 Fp2 products against mul12's 18.
  const mulLine = fn(0);
  {
    const c = mulLine.code;
    const [t0, t1, u] = [scratch(F6), scratch(F6), scratch(F6)];
    const s = scratch(F2);
    for (let k = 0; k < 3; k++) call(c, mul2, t0 + k * F2, F + k * F2, L0);
    call(c, mul6By01, t1, F + F6, L1, L3);
    finishLineProduct(c, tower, F, t0, t1, u, () => {
      call(c, add2, s, L0, L1);
      call(c, mul6By01, u, u, s, L3);
    });
  }
  const miller = fn(1);
  {
    const c = miller.code;
    copy(c, F, ONE12, F12);
    const digits = nonAdjacentForm(6n * SEED + 2n);
    for (let i = digits.length - 2; i >= 0; i--) {
      if (i < digits.length - 2) call(c, sqr12, F, F); // (not 1²)
      eachPair(c, PAIRS, PAIR, mulLine.index, (local) => call(c, doubling.index, [local, 0]));
      if (digits[i]) eachPair(c, PAIRS, PAIR, mulLine.index, (local) => call(c, addition.index, [local, 0], [local, QX], [local, digits[i] > 0 ? QY : QY_NEG]));
    }
    eachPair(c, PAIRS, PAIR, mulLine.index, (local) => call(c, addition.index, [local, 0], [local, Q1X], [local, Q1Y]));
    eachPair(c, PAIRS, PAIR, mulLine.index, (local) => call(c, addition.index, [local, 0], [local, Q2X], [local, Q2Y]));
  }

  // ---- The final exponentiation: F^((p¹² − 1)/r)
  const powSeed = emitCyclotomicPower(m, tower, SEED, scratch);
  const check = fn(1, [I32]);
  {
    const c = check.code;
    c.localGet(0).call(miller.index);
    const [t0, t1, t2, fp1, fp2, fp3, fu, fu2, fu3, y3, y4, y6] = Array.from({ length: 12 }, () => scratch(F12));
    const [frob1, frob2] = frobenius;
    // The easy part: F^(p⁶ − 1) = conj(F)/F, then ^(p² + 1).
    call(c, conj12, t1, F);
    call(c, inv12, t0, F);
    call(c, mul12, t1, t1, t0);
    call(c, frob2, t0, t1);
    call(c, mul12, t1, t1, t0);
    // The hard part.
    call(c, frob1, fp1, t1);
    call(c, frob2, fp2, t1);
    call(c, frob1, fp3, fp2);
    call(c, powSeed, fu, t1);
    call(c, powSeed, fu2, fu);
    call(c, powSeed, fu3, fu2);
    call(c, frob1, y3, fu);
    call(c, conj12, y3, y3); // y3
    call(c, frob1, t2, fu2);
    call(c, mul12, y4, fu, t2);
    call(c, conj12, y4, y4); // y4
    call(c, frob1, t2, fu3);
    call(c, mul12, y6, fu3, t2);
    call(c, conj12, y6, y6); // y6
    call(c, mul12, fp1, fp1, fp2);
    call(c, mul12, fp1, fp1, fp3); // y0
    call(c, conj12, t1, t1); // y1
    call(c, frob2, fp2, fu2); // y2
    call(c, conj12, fu2, fu2); // y5
    call(c, cyclotomicSqr, t0, y6);
    call(c, mul12, t0, t0, y4);
    call(c, mul12, t0, t0, fu2); // T0 = y6²·y4·y5
    call(c, mul12, t2, y3, fu2);
    call(c, mul12, t2, t2, t0); // T1 = y3·y5·T0
    call(c, mul12, t0, t0, fp2); // T0 = T0·y2
    call(c, cyclotomicSqr, t2, t2);
    call(c, mul12, t2, t2, t0);
    call(c, cyclotomicSqr, t2, t2); // T1 = (T1²·T0)²
    call(c, mul12, t0, t2, t1); // T0 = T1·y1
    call(c, mul12, t2, t2, fp1); // T1 = T1·y0
    call(c, cyclotomicSqr, t0, t0);
    call(c, mul12, t0, t0, t2); // T0²·T1
    equalReduced(c, t0, ONE12, F12);
  }

  // ---- Loading points
  const montgomery = (c: ReturnType<typeof fn>['code'], s: Slot) => call(c, fp.mul, s, s, TO_MONTGOMERY);
  const loadG1 = fn(1, [I32]);
  {
    const c = loadG1.code;
    const [t0, t1] = [scratch(E), scratch(E)];
    montgomery(c, pairSlot(PX));
    montgomery(c, pairSlot(PY));
    call(c, fp.mul, t0, pairSlot(PX), pairSlot(PX));
    call(c, fp.mul, t0, t0, pairSlot(PX));
    copy(c, t1, ONE_MONTGOMERY, E);
    call(c, fp.add, t1, t1, t1);
    call(c, fp.add, t1, t1, ONE_MONTGOMERY);
    call(c, fp.add, t0, t0, t1); // x³ + 3
    call(c, fp.mul, t1, pairSlot(PY), pairSlot(PY));
    equalReduced(c, t0, t1, E);
  }
  const jacobian = emitJacobian(m, { mul: mul2, add: add2, sub: sub2, bytes: F2, sqr: sqr2, reduce: reduce.fp2 }, scratch(11 * F2));
  const loadG2 = fn(1, [I32]);
  {
    const c = loadG2.code;
    const valid = c.locals(1, I32);
    const [x, y] = [pairSlot(QX), pairSlot(QY)];
    const [t0, t1] = [scratch(F2), scratch(F2)];
    const [point, base, negated, psi] = [scratch(3 * F2), scratch(3 * F2), scratch(3 * F2), scratch(2 * F2)];
    for (const offset of [QX, QX + E, QY, QY + E]) montgomery(c, pairSlot(offset));
    call(c, sqr2, t0, x);
    call(c, mul2, t0, t0, x);
    call(c, add2, t0, t0, TWIST_B);
    call(c, sqr2, t1, y);
    equalReduced(c, t0, t1, F2);
    c.if(I32);
    // [6x²]Q in Jacobian coordinates, against ψ(Q) = (conj(x)·γ[1][2], conj(y)·γ[1][3]).
    copy(c, point, x, 2 * F2);
    copy(c, point + 2 * F2, ONE12, F2);
    copy(c, base, point, 3 * F2);
    copy(c, negated, point, 3 * F2);
    call(c, neg2, negated + F2, y);
    const digits = nonAdjacentForm(6n * SEED * SEED);
    for (let i = digits.length - 2; i >= 0; i--) {
      call(c, jacobian.double, point, point);
      if (digits[i]) call(c, jacobian.add, point, point, digits[i] > 0 ? base : negated);
    }
    call(c, conj2, psi, x);
    call(c, mul2, psi, psi, gamma(1, 2));
    call(c, conj2, psi + F2, y);
    call(c, mul2, psi + F2, psi + F2, gamma(1, 3));
    // X = ψx·Z², Y = ψy·Z³, Z ≠ 0
    call(c, sqr2, t1, point + 2 * F2);
    call(c, mul2, t0, psi, t1);
    equalReduced(c, t0, point, F2);
    call(c, mul2, t1, t1, point + 2 * F2);
    call(c, mul2, t0, psi + F2, t1);
    equalReduced(c, t0, point + F2, F2);
    c.i32And();
    call(c, reduce.fp2, point + 2 * F2, point + 2 * F2);
    isZero(c, point + 2 * F2, F2);
    c.i32Eqz().i32And();
    c.localTee(valid);
    c.if();
    // The loop's inputs: T = Q, −y, π(Q) = ψ(Q), −π²(Q).
    copy(c, pairSlot(TX), x, 2 * F2);
    copy(c, pairSlot(TX + 2 * F2), ONE12, F2);
    call(c, neg2, pairSlot(QY_NEG), y);
    copy(c, pairSlot(Q1X), psi, 2 * F2);
    call(c, mul2, pairSlot(Q2X), x, gamma(2, 2));
    call(c, mul2, pairSlot(Q2Y), y, gamma(2, 3));
    call(c, neg2, pairSlot(Q2Y), pairSlot(Q2Y));
    c.end();
    c.localGet(valid);
    c.else();
    c.i32Const(0);
    c.end();
  }
  assertInternal(used() <= PAIRS, "the pairing module's scratch must end below its pairs");

  m.export('loadG1', 'func', loadG1.index);
  m.export('loadG2', 'func', loadG2.index);
  m.export('check', 'func', check.index);
  return { bytes: m.encode(), meta: undefined };
}

const P_LIMBS = limbsOf(P, LIMBS, NARROW_BITS);
/** How many checked G2 points {@link Bn254Pairing} keeps. */
const CHECKED_G2 = 64;
/** Bytes of one coordinate in the syscall's input. */
const WORD = 32;
/** Bytes of one pair of the syscall's input: G1 (x, y), G2 (x, y over Fp2). */
export const PAIR_INPUT = 6 * WORD;

/** The pairing check on our WebAssembly module, built (or taken from the bundle) on first use. */
export class Bn254Pairing {
  private module: { exports: Exports; words: Uint32Array } | undefined;
  /**
   * G2 points already loaded and checked, by their input bytes and byte order: their pair's G2
   * part as `loadG2` leaves it. A verifier's key brings the same G2 points with every proof, and
   * their subgroup test is about a tenth of a pair's share of a check. Full, it starts over.
   */
  private readonly checkedG2 = new Map<string, Uint32Array>();

  private get m(): { exports: Exports; words: Uint32Array } {
    if (!this.module) {
      const { module } = fixedModule('bn254-pairing', typeof WEBSVM_CARRIES_FIXED_MODULES === 'undefined' ? emitBn254Pairing : undefined);
      const exports = new WebAssembly.Instance(module, {}).exports as unknown as Exports;
      this.module = { exports, words: new Uint32Array(exports.memory.buffer) };
      this.constants();
    }
    return this.module;
  }

  /** Writes the constants: Montgomery forms (v·RADIX mod p, reduced) except the conversion factors. */
  private constants(): void {
    const { words } = this.module!;
    const put = (addr: number, v: bigint) => words.set(limbsOf(v, LIMBS, NARROW_BITS), addr / 4);
    const montgomery = (addr: number, v: bigint) => put(addr, ((((v % P) + P) % P) * RADIX) % P);
    const montgomery2 = (addr: number, [c0, c1]: Fp2) => {
      montgomery(addr, c0);
      montgomery(addr + E, c1);
    };
    montgomery(ONE12, 1n);
    put(TO_MONTGOMERY, RADIX ** 2n % P);
    montgomery(HALF, modInverse(2n, P));
    put(CUBE, RADIX ** 3n % P);
    // b' = 3/ξ = 3(9 − u)/82
    const inverse82 = modInverse(82n, P);
    montgomery2(TWIST_B, [(27n * inverse82) % P, P - ((3n * inverse82) % P)]);
    frobeniusConstants(P, 9).forEach((row, n) => row.forEach((g, k) => montgomery2(gamma(n + 1, k + 1), g)));
  }

  /** Writes the 32-byte word at `input[at]` as narrow limbs at `addr`; whether it is below p. */
  private word(addr: number, input: Uint8Array, at: number, le: boolean): boolean {
    wordToNarrow(this.m.words, addr / 4, input, at, le, LIMBS);
    return narrowBelow(this.m.words, addr / 4, P_LIMBS);
  }

  /**
   * Whether the product of the pairings of the input's pairs (each {@link PAIR_INPUT} bytes: G1 x,
   * y, then G2 x, y with Fp2 elements as (c1, c0) big-endian or (c0, c1) little-endian) is one;
   * pairs with either point all zero (infinity) count as one. Undefined when a coordinate is not
   * below p, a G1 point is off the curve, or a G2 point is off the twist or outside the subgroup.
   */
  check(input: Uint8Array, le: boolean): boolean | undefined {
    const n = input.length / PAIR_INPUT;
    const { memory } = this.m.exports;
    const needed = PAIRS + n * PAIR - memory.buffer.byteLength;
    if (needed > 0) {
      memory.grow(Math.ceil(needed / 65536));
      this.m.words = new Uint32Array(memory.buffer);
    }
    const { exports } = this.m;
    const [c0, c1] = le ? [0, WORD] : [WORD, 0];
    let count = 0;
    for (let i = 0, at = 0; i < n; i++, at += PAIR_INPUT) {
      const pair = PAIRS + count * PAIR;
      const g1 = !allZero(input.subarray(at, at + 2 * WORD));
      const g2 = !allZero(input.subarray(at + 2 * WORD, at + PAIR_INPUT));
      if (g1 && !(this.word(pair + PX, input, at, le) && this.word(pair + PY, input, at + WORD, le) && exports.loadG1(pair))) return undefined;
      if (g2) {
        const words = this.m.words;
        const key = String.fromCharCode(le ? 1 : 0, ...input.subarray(at + 2 * WORD, at + PAIR_INPUT));
        const known = this.checkedG2.get(key);
        if (known) words.set(known, (pair + QX) / 4);
        else {
          for (const [offset, from] of [
            [QX, at + 2 * WORD + c0],
            [QX + E, at + 2 * WORD + c1],
            [QY, at + 4 * WORD + c0],
            [QY + E, at + 4 * WORD + c1],
          ])
            if (!this.word(pair + offset, input, from, le)) return undefined;
          if (!exports.loadG2(pair)) return undefined;
          if (this.checkedG2.size >= CHECKED_G2) this.checkedG2.clear();
          this.checkedG2.set(key, words.slice((pair + QX) / 4, (pair + PAIR) / 4));
        }
      }
      if (g1 && g2) count++;
    }
    return exports.check(count) === 1;
  }
}
