/**
 * BLS12-381 in a WebAssembly module built by our own emitter: G1 (y² = x³ + 4 over Fp) and G2
 * (y² = x³ + 4(1 + u) over Fp2, an M-type twist) points and the optimal ate pairing. Fp is 381 bits
 * in fourteen 29-bit limbs, Montgomery form (crypto/montgomery.ts's narrow representation: elements
 * below 2p, reduced before every comparison, zero test, sign pick and output); the tower is
 * crypto/tower.ts with ξ = 1 + u. Points are Jacobian (crypto/jacobian.ts); scalar multiplication is
 * short-weierstrass.ts's sliding windows. Subgroup tests as @noble/curves (and Scott's note):
 * G1 φ(P) = −[x²]P with φ(x, y) = (βx, y), G2 ψ(P) = [x]P, for the seed x = −0xd201000000010000.
 * The pairing follows noble's formulas (projective doubling and addition steps with lines
 * multiplied in at w⁰, v and v·w, conjugation for the negative seed, then the final exponentiation
 * by noble's chain), so its Fp12 value is noble's to the bit. Square roots (decompression) by
 * exponentiation: p ≡ 3 (mod 4) in Fp, Adj and Rodríguez-Henríquez's algorithm 9 in Fp2.
 */
import { assertInternal } from '../errors.js';
import { type Code, ValType } from '../jit/wasm/index.js';
import { call, copy, equal, isZero, type Slot } from './field-slots.js';
import { fixedModule, type EmittedModule } from './fixed-modules.js';
import { emitJacobian } from './jacobian.js';
import { modInverse } from './modular.js';
import { emitPow, limbsOf, NARROW_BITS, narrowBelow, narrowElementBytes, narrowLimbs, narrowToWord, POW_TABLE_ELEMENTS, wordToNarrow } from './montgomery.js';
import { emitCombine } from './short-weierstrass.js';
import {
  eachPair,
  emitCyclotomicPower,
  pairingModule,
  emitTower,
  finishLineProduct,
  fp2Arithmetic,
  frobeniusConstants,
  type Fp2,
  nonAdjacentForm,
} from './tower.js';

const { I32 } = ValType;
/** The base field's modulus. */
export const BLS12_381_P = 0x1a0111ea397fe69a4b1ba7b6434bacd764774b84f38512bf6730d2a0f6b0f6241eabfffeb153ffffb9feffffffffaaabn;
/** The groups' prime order. */
export const BLS12_381_R = 0x73eda753299d7d483339d80809a1d80553bda402fffe5bfeffffffff00000001n;
const P = BLS12_381_P;
/** |x| for the seed x = −0xd201000000010000. */
const SEED = 0xd201000000010000n;
/** A primitive cube root of unity in Fp: φ(x, y) = (βx, y) acts on G1 as −x². */
const BETA = 0x5f19672fdf76ce51ba69c6076a0f77eaddb3a93be6f89688de17d813620a00022e01fffffffefffen;
const LIMBS = narrowLimbs(P);
/** Bytes of an Fp element in memory. */
const FP = narrowElementBytes(LIMBS);
/** Bytes of an Fp element in the wire forms. */
const WIRE = 48;
/** The Montgomery radix 2^(29·limbs). */
const RADIX = 1n << BigInt(NARROW_BITS * LIMBS);
const F2 = 2 * FP;
const F6 = 3 * F2;
const F12 = 2 * F6;
/** A Jacobian point over Fp2 (a G1 point uses its first third of each coordinate's room: X, Y, Z sit FP apart). */
const POINT = 3 * F2;

// Memory (bytes): constants the instance writes, the operands and results the caller reads and
// writes, then working space.
const ZERO = 0; // an Fp12 of zeros
const ONE12 = ZERO + F12; // 1 in Fp12, Montgomery form (so its first element is 1 in Fp2 and in Fp)
const ONE = ONE12 + F12; // 1, normal form
const TO_MONTGOMERY = ONE + FP; // RADIX² mod p
const CUBE = TO_MONTGOMERY + FP; // RADIX³ mod p
const HALF = CUBE + FP; // 1/2
const BETA_AT = HALF + FP;
const B1 = BETA_AT + FP; // G1's b = 4
const B2 = B1 + FP; // G2's b' = 4(1 + u)
const B2_TRIPLE = B2 + F2; // 3b'
const PSI_X = B2_TRIPLE + F2; // ψ(x, y) = (conj(x)·PSI_X, conj(y)·PSI_Y)
const PSI_Y = PSI_X + F2;
const PSI2_X = PSI_Y + F2; // ψ²(x, y) = (x·PSI2_X, −y)
const MINUS_ONE2 = PSI2_X + F2; // −1 in Fp2
// Exponents as 48 little-endian bytes.
const SQRT_FP = MINUS_ONE2 + F2; // (p + 1)/4
const SQRT_FP2_A = SQRT_FP + FP; // (p − 3)/4
const SQRT_FP2_B = SQRT_FP2_A + FP; // (p − 1)/2
const GAMMA = SQRT_FP2_B + FP;
const gamma = (n: number, k: number) => GAMMA + ((n - 1) * 5 + (k - 1)) * F2;
/** An affine point's coordinates in or out, normal form. */
export const X_IN = GAMMA + 15 * F2;
export const Y_IN = X_IN + F2;
/** The 256-bit little-endian scalar of `combine`. */
export const SCALAR = Y_IN + F2;
/** The second scalar: SCALAR·P1 + K2·P2. */
const K2 = SCALAR + 32;
/** Jacobian point slots. */
export const P1 = K2 + 32;
export const P2 = P1 + POINT;
const ACC = P2 + POINT;
const SPARE = ACC + POINT;
const TEMP = SPARE + POINT; // 11 Fp2 elements for the Jacobian formulas
const DIGITS1 = TEMP + 11 * F2;
const DIGITS2 = DIGITS1 + 256;
const TABLE1 = DIGITS2 + 256;
const TABLE2 = TABLE1 + 8 * POINT;
const POW_TABLE = TABLE2 + 8 * POINT;
/** The pairing's value out: twelve Fp elements, normal form, reduced, in noble's order. */
export const GT_OUT = POW_TABLE + POW_TABLE_ELEMENTS * F2;
const SCRATCH = GT_OUT + F12;
/** Where the pairs start. */
const PAIRS = 0xa000;
// One pair (offsets): P (Montgomery), Q, −Qy and the Miller loop's T.
const PX = 0;
const PY = FP;
const QX = 2 * FP;
const QY = QX + F2;
const QY_NEG = QY + F2;
const TX = QY_NEG + F2;
const PAIR = TX + 3 * F2;
/** Largest batch of pairs the module has room for. */
export const MAX_PAIRS = 8;

/** One group's functions. */
interface GroupExports {
  /** X_IN, Y_IN (normal form) into Montgomery form at `dst` with Z = 1; whether on the curve. */
  load(dst: number): number;
  /** Whether the loaded point at `src` (not infinity) is in the prime-order subgroup. */
  subgroup(src: number): number;
  /** ACC = P1 + P2. */
  sum(): void;
  /** ACC = SCALAR·P1 + K2·P2. */
  multiply(): void;
  /** P2 = [x²]P1 for P1 in the subgroup. */
  timesSeedSquared(): void;
  /** ACC into X_IN, Y_IN, normal form, reduced; 0 when it is the point at infinity. */
  affine(): number;
  /** Y_IN = a square root of X_IN³ + b (normal form, reduced); 0 when there is none. */
  lift(): number;
}

/** The module's exports: `g1Load`, `g2Load` and so on for each group's {@link GroupExports}, and these. */
interface Exports {
  memory: WebAssembly.Memory;
  /** Pair `i` from the G1 point loaded at P1 and the G2 point loaded at P2. */
  setPair(i: number): void;
  /** GT_OUT = the product of the pairings of the first `n` pairs. */
  pairing(n: number): void;
}

/** Pushes bit `bit` (an i32 local) of the 64-bit constant `v`. */
function testBit(c: Code, v: bigint, bit: number): void {
  c.i64ConstBig(v).localGet(bit).i64ExtendI32U().i64ShrU().i32WrapI64().i32Const(1).i32And();
}

/** The BLS12-381 module (see fixed-modules.ts). */
export function emitBls12381(): EmittedModule {
  const { m, scratch, fn, used } = pairingModule(SCRATCH, 1, 1);
  const tower = emitTower(m, { p: P, xi: 1, zero: ZERO, cube: CUBE, gamma, scratch });
  const { fp, add2, sub2, neg2, mul2, sqr2, mulFp, mulXi, conj2, inverse2, mul6By01, mul12, sqr12, cyclotomicSqr, conj12, inv12, frobenius } = tower;
  const reduce = tower.reduce;
  const sqr1 = fp.sqr;
  const [D, A] = [0, 1];
  /** Pushes whether the elements at a and b (`bytes` of Fp or Fp2) are equal, reducing both in place first. */
  const equalReduced = (c: Code, a: Slot, b: Slot, bytes: number) => {
    const by = bytes === FP ? reduce.fp : reduce.fp2;
    call(c, by, a, a);
    call(c, by, b, b);
    equal(c, a, b, bytes);
  };

  // ---- Fp pieces the groups need beyond the tower
  const inverse1 = fn(2); // (dst, a): a⁻¹ in Montgomery form
  call(inverse1.code, reduce.fp, [D, 0], [A, 0]); // the inverse's input is below p
  call(inverse1.code, tower.invert, [D, 0], [D, 0]);
  call(inverse1.code, fp.mul, [D, 0], [D, 0], CUBE);
  const neg1 = fn(2);
  call(neg1.code, fp.sub, [D, 0], ZERO, [A, 0]);
  const pow1 = emitPow(m, fp.mul, ONE12, POW_TABLE, FP, 384, sqr1);
  const pow2 = emitPow(m, mul2, ONE12, POW_TABLE, F2, 384, sqr2);

  interface Field {
    bytes: number;
    mul: number;
    add: number;
    sub: number;
    sqr: number;
    neg: number;
    inverse: number;
    reduce: number;
    b: number;
  }
  const field1: Field = { bytes: FP, mul: fp.mul, add: fp.add, sub: fp.sub, sqr: sqr1, neg: neg1.index, inverse: inverse1.index, reduce: reduce.fp, b: B1 };
  const field2: Field = { bytes: F2, mul: mul2, add: add2, sub: sub2, sqr: sqr2, neg: neg2, inverse: inverse2, reduce: reduce.fp2, b: B2 };

  /**
   * One group's functions; `endomorphism(dst, src)` writes the affine image of the point at src
   * whose equality with −[k]P, k = |x| times `rounds`, is the subgroup test; `squareSeed(c)` writes
   * P2 = [x²]P1 (by an endomorphism that acts so on the subgroup).
   */
  const group = (
    f: Field,
    rounds: number,
    endomorphism: (c: ReturnType<typeof fn>['code'], dst: number, src: number) => void,
    squareSeed: (c: ReturnType<typeof fn>['code']) => void,
  ) => {
    const S = f.bytes;
    const parts = S / FP;
    const jacobian = emitJacobian(m, { mul: f.mul, add: f.add, sub: f.sub, bytes: S, sqr: f.sqr, reduce: f.reduce }, TEMP);

    const load = fn(1, [I32]);
    {
      const c = load.code;
      const [t0, t1] = [scratch(S), scratch(S)];
      for (let k = 0; k < parts; k++) {
        call(c, fp.mul, [D, k * FP], X_IN + k * FP, TO_MONTGOMERY);
        call(c, fp.mul, [D, S + k * FP], Y_IN + k * FP, TO_MONTGOMERY);
      }
      copy(c, [D, 2 * S], ONE12, S);
      call(c, f.sqr, t0, [D, 0]);
      call(c, f.mul, t0, t0, [D, 0]);
      call(c, f.add, t0, t0, f.b);
      call(c, f.sqr, t1, [D, S]);
      equalReduced(c, t0, t1, S);
    }

    const subgroup = fn(1, [I32]);
    {
      const c = subgroup.code;
      const SRC = 0;
      const [base, image, t0, t1] = [scratch(POINT), scratch(2 * S), scratch(S), scratch(S)];
      copy(c, ACC, [SRC, 0], 3 * S);
      const bit = c.locals(1, I32);
      for (let round = 0; round < rounds; round++) {
        // ACC = |x|·ACC, from the bit below the top one
        copy(c, base, ACC, 3 * S);
        c.i32Const(62).localSet(bit);
        c.loop();
        call(c, jacobian.double, ACC, ACC);
        testBit(c, SEED, bit);
        c.if();
        call(c, jacobian.add, ACC, ACC, base);
        c.end();
        c.localGet(bit).i32Const(1).i32Sub().localTee(bit).i32Const(0).i32GeS().brIf(0);
        c.end();
      }
      endomorphism(c, image, SRC);
      // X = ix·Z², −Y = iy·Z³, Z ≠ 0
      call(c, f.sqr, t1, ACC + 2 * S);
      call(c, f.mul, t0, image, t1);
      equalReduced(c, t0, ACC, S);
      call(c, f.mul, t1, t1, ACC + 2 * S);
      call(c, f.mul, t0, image + S, t1);
      call(c, f.neg, t0, t0);
      equalReduced(c, t0, ACC + S, S);
      c.i32And();
      call(c, f.reduce, ACC + 2 * S, ACC + 2 * S);
      isZero(c, ACC + 2 * S, S);
      c.i32Eqz().i32And();
    }

    const sum = fn(0);
    call(sum.code, jacobian.add, ACC, P1, P2);
    const multiply = emitCombine(m, jacobian, 3 * S, {
      k1: SCALAR,
      k2: K2,
      p1: P1,
      p2: P2,
      acc: ACC,
      spare: SPARE,
      digits1: DIGITS1,
      digits2: DIGITS2,
      table1: TABLE1,
      table2: TABLE2,
    });

    const affine = fn(0, [I32]);
    {
      const c = affine.code;
      const [zInverse, t] = [scratch(S), scratch(S)];
      call(c, f.reduce, ACC + 2 * S, ACC + 2 * S);
      isZero(c, ACC + 2 * S, S);
      c.if(I32);
      c.i32Const(0);
      c.else();
      call(c, f.inverse, zInverse, ACC + 2 * S);
      call(c, f.sqr, t, zInverse);
      call(c, f.mul, X_IN, ACC, t);
      call(c, f.mul, t, t, zInverse);
      call(c, f.mul, Y_IN, ACC + S, t);
      for (const at of [X_IN, Y_IN])
        for (let k = 0; k < parts; k++) {
          call(c, fp.mul, at + k * FP, at + k * FP, ONE);
          call(c, reduce.fp, at + k * FP, at + k * FP);
        }
      c.i32Const(1);
      c.end();
    }

    const lift = fn(0, [I32]);
    {
      const c = lift.code;
      const [x, rhs, y, t] = [scratch(S), scratch(S), scratch(S), scratch(S)];
      for (let k = 0; k < parts; k++) call(c, fp.mul, x + k * FP, X_IN + k * FP, TO_MONTGOMERY);
      call(c, f.sqr, rhs, x);
      call(c, f.mul, rhs, rhs, x);
      call(c, f.add, rhs, rhs, f.b);
      if (parts === 1) call(c, pow1, y, rhs, SQRT_FP);
      else {
        // a1 = rhs^((p − 3)/4), α = a1²·rhs, x0 = a1·rhs; y = u·x0 when α = −1, else
        // (1 + α)^((p − 1)/2)·x0 (a root when there is one: the check below decides).
        const [a1, alpha] = [scratch(S), scratch(S)];
        call(c, pow2, a1, rhs, SQRT_FP2_A);
        call(c, sqr2, alpha, a1);
        call(c, mul2, alpha, alpha, rhs);
        call(c, mul2, a1, a1, rhs); // x0
        equalReduced(c, alpha, MINUS_ONE2, S);
        c.if();
        call(c, neg1.index, y, a1 + FP);
        copy(c, y + FP, a1, FP);
        c.else();
        call(c, add2, t, alpha, ONE12);
        call(c, pow2, t, t, SQRT_FP2_B);
        call(c, mul2, y, t, a1);
        c.end();
      }
      call(c, f.sqr, t, y);
      equalReduced(c, t, rhs, S);
      c.if(I32);
      for (let k = 0; k < parts; k++) {
        call(c, fp.mul, Y_IN + k * FP, y + k * FP, ONE);
        call(c, reduce.fp, Y_IN + k * FP, Y_IN + k * FP);
      }
      c.i32Const(1);
      c.else();
      c.i32Const(0);
      c.end();
    }
    const timesSeedSquared = fn(0);
    squareSeed(timesSeedSquared.code);
    call(timesSeedSquared.code, f.neg, P2 + S, P1 + S);
    copy(timesSeedSquared.code, P2 + 2 * S, P1 + 2 * S, S);
    return { load, subgroup, sum, multiply, affine, lift, timesSeedSquared };
  };

  // G1: φ(P) = (βx, y) = −[x²]P, so [x²]P = (βx, −y).
  const g1 = group(
    field1,
    2,
    (c, dst, src) => {
      call(c, fp.mul, dst, [src, 0], BETA_AT);
      copy(c, dst + FP, [src, FP], FP);
    },
    (c) => call(c, fp.mul, P2, P1, BETA_AT),
  );
  // G2: ψ(P) = [x]P, and ψ²(P) = (x·PSI2_X, −y) = [x²]P.
  const g2 = group(
    field2,
    1,
    (c, dst, src) => {
      call(c, conj2, dst, [src, 0]);
      call(c, mul2, dst, dst, PSI_X);
      call(c, conj2, dst + F2, [src, F2]);
      call(c, mul2, dst + F2, dst + F2, PSI_Y);
    },
    (c) => call(c, mul2, P2, P1, PSI2_X),
  );

  // ---- The pairing
  const setPair = fn(1);
  {
    const c = setPair.code;
    const pair = c.locals(1, I32);
    c.localGet(0).i32Const(PAIR).i32Mul().i32Const(PAIRS).i32Add().localSet(pair);
    copy(c, [pair, PX], P1, FP);
    copy(c, [pair, PY], P1 + FP, FP);
    copy(c, [pair, QX], P2, 2 * F2);
    call(c, neg2, [pair, QY_NEG], P2 + F2);
    copy(c, [pair, TX], P2, 2 * F2);
    copy(c, [pair, TX + 2 * F2], ONE12, F2);
  }

  const F = scratch(F12);
  /** The line: O0 + O1·v + O4·v·w. */
  const [O0, O1, O4] = [scratch(F2), scratch(F2), scratch(F2)];
  const PAIR_ = 0;
  const [X, Y, Z]: Slot[] = [
    [PAIR_, TX],
    [PAIR_, TX + F2],
    [PAIR_, TX + 2 * F2],
  ];
  /** O1 = c1·xP, O4 = c2·yP (c0 is written to O0 directly). */
  const scaleLine = (c: ReturnType<typeof fn>['code'], c1: number, c2: number) => {
    call(c, mulFp, O1, c1, [PAIR_, PX]);
    call(c, mulFp, O4, c2, [PAIR_, PY]);
  };
  // T = 2T and its tangent line, as noble's pointDouble.
  const doubling = fn(1);
  {
    const c = doubling.code;
    const [t0, t1, t2, t3, t4, c1, c2] = Array.from({ length: 7 }, () => scratch(F2));
    call(c, sqr2, t0, Y);
    call(c, sqr2, t1, Z);
    call(c, mul2, t2, t1, B2_TRIPLE); // 3b'·Z²
    call(c, add2, t3, t2, t2);
    call(c, add2, t3, t3, t2); // 3·t2
    call(c, add2, t4, Y, Z);
    call(c, sqr2, t4, t4);
    call(c, sub2, t4, t4, t1);
    call(c, sub2, t4, t4, t0); // 2YZ
    call(c, sub2, O0, t2, t0);
    call(c, sqr2, c1, X);
    call(c, add2, c2, c1, c1);
    call(c, add2, c1, c2, c1); // 3X²
    call(c, neg2, c2, t4);
    scaleLine(c, c1, c2);
    call(c, sub2, c1, t0, t3);
    call(c, mul2, c1, c1, X);
    call(c, mul2, c1, c1, Y);
    call(c, mulFp, X, c1, HALF); // X' = (t0 − t3)·X·Y/2
    call(c, add2, c1, t0, t3);
    call(c, mulFp, c1, c1, HALF);
    call(c, sqr2, c1, c1);
    call(c, sqr2, c2, t2);
    call(c, add2, t1, c2, c2);
    call(c, add2, c2, t1, c2);
    call(c, sub2, Y, c1, c2); // Y' = ((t0 + t3)/2)² − 3·t2²
    call(c, mul2, Z, t0, t4); // Z' = t0·t4
  }
  // T = T + (qx, qy) and the line through them, as noble's pointAdd.
  const addition = fn(3);
  {
    const c = addition.code;
    const [QXs, QYs]: Slot[] = [
      [1, 0],
      [2, 0],
    ];
    const [t0, t1, t2, t3, t4, t5, c1] = Array.from({ length: 7 }, () => scratch(F2));
    call(c, mul2, t0, QYs, Z);
    call(c, sub2, t0, Y, t0); // Y − qy·Z
    call(c, mul2, t1, QXs, Z);
    call(c, sub2, t1, X, t1); // X − qx·Z
    call(c, mul2, O0, t0, QXs);
    call(c, mul2, t2, t1, QYs);
    call(c, sub2, O0, O0, t2); // c0 = t0·qx − t1·qy
    call(c, neg2, c1, t0);
    scaleLine(c, c1, t1);
    call(c, sqr2, t2, t1);
    call(c, mul2, t3, t2, t1);
    call(c, mul2, t4, t2, X);
    call(c, sqr2, t5, t0);
    call(c, mul2, t5, t5, Z);
    call(c, add2, t5, t5, t3);
    call(c, sub2, t5, t5, t4);
    call(c, sub2, t5, t5, t4); // t3 − 2·t4 + t0²·Z
    call(c, mul2, X, t1, t5);
    call(c, sub2, t4, t4, t5);
    call(c, mul2, t4, t4, t0);
    call(c, mul2, t2, t3, Y);
    call(c, sub2, Y, t4, t2); // (t4 − t5)·t0 − t3·Y
    call(c, mul2, Z, Z, t3);
  }
  // F = F·(O0 + O1·v + O4·v·w), by Karatsuba over w.
  const mulLine = fn(0);
  {
    const c = mulLine.code;
    const [t0, t1, u] = [scratch(F6), scratch(F6), scratch(F6)];
    const s = scratch(F2);
    const b = (k: number) => F + F6 + k * F2;
    call(c, mul6By01, t0, F, O0, O1);
    // t1 = F.c1·O4·v = (ξ·b2·O4, b0·O4, b1·O4)
    call(c, mul2, t1, b(2), O4);
    call(c, mulXi, t1, t1);
    call(c, mul2, t1 + F2, b(0), O4);
    call(c, mul2, t1 + 2 * F2, b(1), O4);
    finishLineProduct(c, tower, F, t0, t1, u, () => {
      call(c, add2, s, O1, O4);
      call(c, mul6By01, u, u, O0, s);
    });
  }
  const miller = fn(1);
  {
    const c = miller.code;
    const bit = c.locals(1, I32);
    copy(c, F, ONE12, F12);
    // Over the signed digits of |x| below the top one: the positive and the negative ones as masks.
    const digits = nonAdjacentForm(SEED);
    const mask = (sign: number) => digits.reduce((v, d, i) => (d === sign ? v | (1n << BigInt(i)) : v), 0n);
    c.i32Const(digits.length - 2).localSet(bit);
    c.loop();
    c.localGet(bit)
      .i32Const(digits.length - 2)
      .i32Ne();
    c.if();
    call(c, sqr12, F, F); // (not 1²)
    c.end();
    eachPair(c, PAIRS, PAIR, mulLine.index, (pair) => call(c, doubling.index, [pair, 0]));
    for (const [sign, y] of [
      [1, QY],
      [-1, QY_NEG],
    ]) {
      testBit(c, mask(sign), bit);
      c.if();
      eachPair(c, PAIRS, PAIR, mulLine.index, (pair) => call(c, addition.index, [pair, 0], [pair, QX], [pair, y]));
      c.end();
    }
    c.localGet(bit).i32Const(1).i32Sub().localTee(bit).i32Const(0).i32GeS().brIf(0);
    c.end();
    call(c, conj12, F, F); // the seed is negative
  }

  // ---- The final exponentiation, noble's chain
  const powX = fn(2); // a^x = conj(a^|x|)
  {
    const power = emitCyclotomicPower(m, tower, SEED, scratch);
    call(powX.code, power, [D, 0], [A, 0]);
    call(powX.code, conj12, [D, 0], [D, 0]);
  }
  const pairing = fn(1);
  {
    const c = pairing.code;
    c.localGet(0).call(miller.index);
    const [t0, t1, t2, t3, t4, t5, t6, t7, u] = Array.from({ length: 9 }, () => scratch(F12));
    const [frob1, frob2, frob3] = frobenius;
    call(c, conj12, t1, F);
    call(c, inv12, t0, F);
    call(c, mul12, t0, t1, t0); // F^(p⁶ − 1)
    call(c, frob2, t1, t0);
    call(c, mul12, t1, t1, t0); // ^(p² + 1)
    call(c, powX.index, t2, t1);
    call(c, cyclotomicSqr, t3, t1);
    call(c, conj12, t3, t3);
    call(c, mul12, t3, t3, t2);
    call(c, powX.index, t4, t3);
    call(c, powX.index, t5, t4);
    call(c, powX.index, t6, t5);
    call(c, cyclotomicSqr, u, t2);
    call(c, mul12, t6, t6, u);
    call(c, powX.index, t7, t6);
    call(c, mul12, t0, t2, t5);
    call(c, frob2, t0, t0); // (t2·t5)^(p²)
    call(c, mul12, u, t4, t1);
    call(c, frob3, u, u); // (t4·t1)^(p³)
    call(c, mul12, t0, t0, u);
    call(c, conj12, u, t1);
    call(c, mul12, u, u, t6);
    call(c, frob1, u, u); // (t6·conj(t1))^p
    call(c, mul12, t0, t0, u);
    call(c, conj12, u, t3);
    call(c, mul12, u, u, t7);
    call(c, mul12, u, u, t1); // t7·conj(t3)·t1
    call(c, mul12, t0, t0, u);
    for (let k = 0; k < 12; k++) {
      call(c, fp.mul, GT_OUT + k * FP, t0 + k * FP, ONE);
      call(c, reduce.fp, GT_OUT + k * FP, GT_OUT + k * FP);
    }
  }
  assertInternal(used() <= PAIRS, "the BLS12-381 module's scratch must end below its pairs");
  assertInternal(PAIRS + MAX_PAIRS * PAIR <= 65536, 'the BLS12-381 module holds its pairs in one page');

  for (const [name, g] of [
    ['g1', g1],
    ['g2', g2],
  ] as const) {
    m.export(`${name}Load`, 'func', g.load.index);
    m.export(`${name}Subgroup`, 'func', g.subgroup.index);
    m.export(`${name}Sum`, 'func', g.sum.index);
    m.export(`${name}Multiply`, 'func', g.multiply);
    m.export(`${name}Affine`, 'func', g.affine.index);
    m.export(`${name}Lift`, 'func', g.lift.index);
    m.export(`${name}TimesSeedSquared`, 'func', g.timesSeedSquared.index);
  }
  m.export('setPair', 'func', setPair.index);
  m.export('pairing', 'func', pairing.index);
  return { bytes: m.encode(), meta: undefined };
}

const P_LIMBS = limbsOf(P, LIMBS, NARROW_BITS);
/** (p + 1)/2: a coordinate not below it is the larger of ±c (the Zcash sort bit). */
const HALF_LIMBS = limbsOf((P + 1n) / 2n, LIMBS, NARROW_BITS);
const SEED_SQUARED = SEED * SEED;

/** Zcash flag bits of a point encoding's first byte. */
const COMPRESSED = 0x80;
const INFINITY = 0x40;
const SORT = 0x20;

/** What decoding a point into a slot found. */
export const enum Decoded {
  Invalid = 0,
  Point = 1,
  Infinity = 2,
}

/** A group: 1 for G1 (coordinates in Fp), 2 for G2 (in Fp2). */
export type GroupNumber = 1 | 2;

/**
 * BLS12-381 on our WebAssembly module, built (or taken from the bundle) on first use. Points go in
 * and out as the syscalls' wire forms: big-endian Zcash encodings (G2 coordinates as c1 ‖ c0), or
 * with `le` each coordinate's bytes reversed.
 */
export class Bls12381 {
  private module: { groups: [undefined, GroupExports, GroupExports]; exports: Exports; words: Uint32Array; bytes: Uint8Array } | undefined;
  /** One point's big-endian form, flags cleared. */
  private readonly be = new Uint8Array(4 * WIRE);

  private get m() {
    if (!this.module) {
      const { module } = fixedModule('bls12-381', typeof WEBSVM_CARRIES_FIXED_MODULES === 'undefined' ? emitBls12381 : undefined);
      const exports = new WebAssembly.Instance(module, {}).exports as unknown as Exports & Record<string, () => number>;
      const group = (name: string): GroupExports => ({
        load: exports[`${name}Load`],
        subgroup: exports[`${name}Subgroup`],
        sum: exports[`${name}Sum`],
        multiply: exports[`${name}Multiply`],
        affine: exports[`${name}Affine`],
        lift: exports[`${name}Lift`],
        timesSeedSquared: exports[`${name}TimesSeedSquared`],
      });
      const words = new Uint32Array(exports.memory.buffer);
      this.module = { groups: [undefined, group('g1'), group('g2')], exports, words, bytes: new Uint8Array(exports.memory.buffer) };
      this.constants(words);
    }
    return this.module;
  }

  /** Writes the constants (Montgomery form v·RADIX mod p, reduced, unless said otherwise). */
  private constants(words: Uint32Array): void {
    const put = (addr: number, v: bigint) => words.set(limbsOf(v, LIMBS, NARROW_BITS), addr / 4);
    const exponent = (addr: number, v: bigint) => words.set(limbsOf(v, WIRE / 4), addr / 4);
    const montgomery = (addr: number, v: bigint) => put(addr, ((((v % P) + P) % P) * RADIX) % P);
    const montgomery2 = (addr: number, [c0, c1]: Fp2) => {
      montgomery(addr, c0);
      montgomery(addr + FP, c1);
    };
    montgomery(ONE12, 1n);
    put(ONE, 1n);
    put(TO_MONTGOMERY, RADIX ** 2n % P);
    put(CUBE, RADIX ** 3n % P);
    montgomery(HALF, modInverse(2n, P));
    montgomery(BETA_AT, BETA);
    montgomery(B1, 4n);
    montgomery2(B2, [4n, 4n]);
    montgomery2(B2_TRIPLE, [12n, 12n]);
    const { pow } = fp2Arithmetic(P);
    const half = modInverse(2n, P);
    const base: Fp2 = [half, P - half]; // 1/(1 + u) = (1 − u)/2
    montgomery2(PSI_X, pow(base, (P - 1n) / 3n));
    montgomery2(PSI_Y, pow(base, (P - 1n) / 2n));
    montgomery2(PSI2_X, pow(base, (P * P - 1n) / 3n));
    montgomery2(MINUS_ONE2, [P - 1n, 0n]);
    exponent(SQRT_FP, (P + 1n) / 4n);
    exponent(SQRT_FP2_A, (P - 3n) / 4n);
    exponent(SQRT_FP2_B, (P - 1n) / 2n);
    frobeniusConstants(P, 1).forEach((row, n) => row.forEach((g, k) => montgomery2(gamma(n + 1, k + 1), g)));
  }

  /**
   * Reads one wire-form point of `group` (`bytes` long: one coordinate compressed, two
   * uncompressed) into `be` in big-endian form; returns its flag bits, cleared in `be`.
   */
  private readWire(group: GroupNumber, input: Uint8Array, at: number, bytes: number, le: boolean): number {
    const { be } = this;
    const chunk = group * WIRE;
    for (let i = 0; i < bytes; i++) be[i] = input[le ? at + chunk * Math.floor(i / chunk) + chunk - 1 - (i % chunk) : at + i];
    const flags = be[0] & 0xe0;
    be[0] &= 0x1f;
    return flags;
  }

  /** The big-endian field element at `be[at]` as narrow limbs at `addr`; whether it is below p. */
  private fp(addr: number, at: number): boolean {
    const { words } = this.m;
    wordToNarrow(words, addr / 4, this.be, at, false, LIMBS, WIRE);
    return narrowBelow(words, addr / 4, P_LIMBS);
  }

  /** A coordinate of `group` (G2: c1 ‖ c0 in `be`) into `addr` (c0, c1); whether canonical. */
  private coordinate(group: GroupNumber, addr: number, at: number): boolean {
    return group === 1 ? this.fp(addr, at) : this.fp(addr, at + WIRE) && this.fp(addr + FP, at);
  }

  /** Whether `be[0..bytes)` is all zero. */
  private zeroBody(bytes: number): boolean {
    for (let i = 0; i < bytes; i++) if (this.be[i]) return false;
    return true;
  }

  /** Marks `slot` as the point at infinity. */
  private infinity(group: GroupNumber, slot: number): void {
    const S = group * FP;
    this.m.words.fill(0, (slot + 2 * S) / 4, (slot + 3 * S) / 4);
  }

  /** Writes p − c over each part of the coordinate at `addr` (reduced narrow limbs) that is not zero. */
  private negate(group: GroupNumber, addr: number): void {
    const { words } = this.m;
    for (let part = 0; part < group; part++) {
      const index = (addr + part * FP) / 4;
      if (words.subarray(index, index + LIMBS).every((w) => w === 0)) continue;
      let borrow = 0;
      for (let k = 0; k < LIMBS; k++) {
        const d = P_LIMBS[k] - words[index + k] - borrow;
        borrow = d < 0 ? 1 : 0;
        words[index + k] = d & (2 ** NARROW_BITS - 1);
      }
    }
  }

  /**
   * Decodes the uncompressed wire-form point at `input[at]` into `slot` (Jacobian, Montgomery):
   * Zcash flags (neither compression nor sort bit; the infinity bit only with every other bit zero),
   * coordinates below p, not all zero, on the curve, and with `subgroup` in the prime-order
   * subgroup. `negate` loads −P.
   */
  decode(group: GroupNumber, input: Uint8Array, at: number, le: boolean, slot: number, subgroup: boolean, negate = false): Decoded {
    const W = group * WIRE;
    const flags = this.readWire(group, input, at, 2 * W, le);
    if (flags === INFINITY && this.zeroBody(2 * W)) {
      this.infinity(group, slot);
      return Decoded.Infinity;
    }
    if (flags !== 0 || !this.coordinate(group, X_IN, 0) || !this.coordinate(group, Y_IN, W)) return Decoded.Invalid;
    if (negate) this.negate(group, Y_IN);
    const g = this.m.groups[group];
    return g.load(slot) && (!subgroup || g.subgroup(slot)) ? Decoded.Point : Decoded.Invalid;
  }

  /**
   * Decodes the compressed wire-form point at `input[at]` into `slot` (checked as {@link decode}
   * with `subgroup`): the compression bit, the infinity bit only with all else zero, x below p with
   * x³ + b a square, the sort bit choosing y.
   */
  decompress(group: GroupNumber, input: Uint8Array, at: number, le: boolean, slot: number): Decoded {
    const W = group * WIRE;
    const flags = this.readWire(group, input, at, W, le);
    if (!(flags & COMPRESSED) || flags === (COMPRESSED | INFINITY | SORT)) return Decoded.Invalid;
    if (flags & INFINITY) {
      if (!this.zeroBody(W)) return Decoded.Invalid;
      this.infinity(group, slot);
      return Decoded.Infinity;
    }
    const g = this.m.groups[group];
    if (!this.coordinate(group, X_IN, 0) || !g.lift()) return Decoded.Invalid;
    if (this.larger(group) !== ((flags & SORT) !== 0)) this.negate(group, Y_IN);
    return g.load(slot) && g.subgroup(slot) ? Decoded.Point : Decoded.Invalid;
  }

  /** Whether Y_IN (reduced) is the larger of ±y: its top part (c1 for G2) above (p − 1)/2. */
  private larger(group: GroupNumber): boolean {
    return !narrowBelow(this.m.words, (Y_IN + (group - 1) * FP) / 4, HALF_LIMBS);
  }

  /** The result of the last group operation as an uncompressed wire-form point into `out`. */
  private encode(group: GroupNumber, le: boolean, out: Uint8Array): void {
    const { words } = this.m;
    const W = group * WIRE;
    const be = this.be;
    if (!this.m.groups[group].affine()) {
      be.fill(0, 0, 2 * W);
      be[0] = INFINITY;
    } else {
      // Each Fp part, big-endian; G2 coordinates as c1 ‖ c0.
      for (const [addr, at] of [
        [X_IN, 0],
        [Y_IN, W],
      ])
        for (let part = 0; part < group; part++) narrowToWord(words, (addr + part * FP) / 4, be, at + (group - 1 - part) * WIRE, false, WIRE);
    }
    const chunk = W;
    for (let i = 0; i < 2 * W; i++) out[i] = be[le ? chunk * Math.floor(i / chunk) + chunk - 1 - (i % chunk) : i];
  }

  /** Whether `group`'s uncompressed point in `input` is on the curve and in the subgroup. */
  validate(group: GroupNumber, input: Uint8Array, le: boolean): boolean {
    return this.decode(group, input, 0, le, P1, true) !== Decoded.Invalid;
  }

  /**
   * left + right (or left − right) for uncompressed points on the curve (in the subgroup or not),
   * into `out`; false when either does not decode.
   */
  add(group: GroupNumber, left: Uint8Array, right: Uint8Array, subtract: boolean, le: boolean, out: Uint8Array): boolean {
    if (!this.decode(group, left, 0, le, P1, false) || !this.decode(group, right, 0, le, P2, false, subtract)) return false;
    this.m.groups[group].sum();
    this.encode(group, le, out);
    return true;
  }

  /**
   * k·P for a 32-byte scalar below r and an uncompressed point in the subgroup, into `out`: as
   * k₁·P + k₂·[x²]P with k = k₁ + k₂·x² (halves of 128 bits), [x²]P by an endomorphism, so half
   * the doublings.
   */
  multiply(group: GroupNumber, scalar: Uint8Array, point: Uint8Array, le: boolean, out: Uint8Array): boolean {
    let k = 0n;
    for (let i = 0; i < 32; i++) k = (k << 8n) | BigInt(scalar[le ? 31 - i : i]);
    if (k >= BLS12_381_R || !this.decode(group, point, 0, le, P1, true)) return false;
    const { bytes } = this.m;
    const g = this.m.groups[group];
    const [k1, k2] = [k % SEED_SQUARED, k / SEED_SQUARED];
    for (let i = 0; i < 32; i++) {
      bytes[SCALAR + i] = Number((k1 >> BigInt(8 * i)) & 0xffn);
      bytes[K2 + i] = Number((k2 >> BigInt(8 * i)) & 0xffn);
    }
    g.timesSeedSquared();
    g.multiply();
    this.encode(group, le, out);
    return true;
  }

  /** The uncompressed form of a compressed point (checked as {@link decompress}) into `out`. */
  decompressInto(group: GroupNumber, input: Uint8Array, le: boolean, out: Uint8Array): boolean {
    const found = this.decompress(group, input, 0, le, P1);
    if (!found) return false;
    // P1 + infinity: the decoded point into ACC, then out.
    this.infinity(group, P2);
    this.m.groups[group].sum();
    this.encode(group, le, out);
    return true;
  }

  /**
   * The product of the pairings of `n` pairs (G1 points of 96 bytes in `g1s`, G2 points of 192 in
   * `g2s`, uncompressed, each on its curve and in the subgroup; a pair with either point at
   * infinity counts as one) as 576 bytes into `out`: the twelve Fp coefficients in noble's order
   * (c0.c0.c0, c0.c0.c1, …, c1.c2.c1), each little-endian for `le`, else the whole reversed.
   * False when a point does not decode.
   */
  pairing(g1s: Uint8Array, g2s: Uint8Array, n: number, le: boolean, out: Uint8Array): boolean {
    assertInternal(n <= MAX_PAIRS, 'at most MAX_PAIRS pairs');
    const { exports, words } = this.m;
    let count = 0;
    for (let i = 0; i < n; i++) {
      const a = this.decode(1, g1s, 2 * WIRE * i, le, P1, true);
      const b = this.decode(2, g2s, 4 * WIRE * i, le, P2, true);
      if (!a || !b) return false;
      if (a === Decoded.Point && b === Decoded.Point) exports.setPair(count++);
    }
    exports.pairing(count);
    // Little-endian: coefficient k at 48k; otherwise all 576 bytes reversed, so coefficient k big-endian at 576 − 48(k + 1).
    for (let k = 0; k < 12; k++) narrowToWord(words, (GT_OUT + k * FP) / 4, out, le ? k * WIRE : (11 - k) * WIRE, le, WIRE);
    return true;
  }
}

/** The instance the syscalls and the Vote program's proof-of-possession check share. */
export const BLS12_381 = new Bls12381();
