/**
 * Jacobian point doubling and addition on a curve y² = x³ + b (a = 0) over any field whose
 * elements sit in linear memory and whose mul, add and sub take (dst, a, b) addresses: (X, Y, Z) ~
 * (X/Z², Y/Z³) with Z = 0 the point at infinity, the "dbl-2009-l" doubling and "add-2007-bl"
 * addition of the Explicit-Formulas Database. Used over Fp (short-weierstrass.ts) and Fp2
 * (bn254-pairing.ts).
 */
import { type Code, type ModuleBuilder, ValType } from '../jit/wasm/index.js';
import { call, copy, equal, isZero, type Slot, zero } from './field-slots.js';

const { I32 } = ValType;

/** A field's functions, each (dst, a, b) on addresses, and the bytes of one element. */
export interface FieldFunctions {
  mul: number;
  add: number;
  sub: number;
  bytes: number;
  /** sqr(dst, a), when the field has a squaring cheaper than mul(dst, a, a) (Fp2's takes two Fp products of three). */
  sqr?: number;
  /**
   * reduce(dst, a), when elements are not kept canonical (montgomery.ts's narrow ones, below 2q):
   * run in place on an element before it is tested for zero or compared.
   */
  reduce?: number;
}

/**
 * Emits `double(dst, p)` and `add(dst, p, q)` on points of three elements each; `dst` may alias
 * an operand. Both use the 11 elements from `scratch`. `add` handles infinity and equal or opposite
 * points.
 */
export function emitJacobian(m: ModuleBuilder, f: FieldFunctions, scratch: number): { double: number; add: number } {
  const E = f.bytes;
  const T = (i: number) => scratch + i * E;
  const square = (c: Code, dst: Slot, x: Slot) => (f.sqr === undefined ? call(c, f.mul, dst, x, x) : call(c, f.sqr, dst, x));
  const canonical = (c: Code, ...xs: Slot[]) => {
    if (f.reduce !== undefined) for (const x of xs) call(c, f.reduce, x, x);
  };
  const coordinates = (p: number): Slot[] => [
    [p, 0],
    [p, E],
    [p, 2 * E],
  ];

  // double(dst, p), dbl-2009-l for a = 0; Z = 0 stays 0.
  const double = m.addFunction([I32, I32], []);
  {
    const c = double.code;
    const DST = 0;
    const [X, Y, Z] = coordinates(1);
    const [A, Bq, C, D, Ee, F] = [T(0), T(1), T(2), T(3), T(4), T(5)];
    square(c, A, X);
    square(c, Bq, Y);
    square(c, C, Bq);
    call(c, f.add, D, X, Bq);
    square(c, D, D);
    call(c, f.sub, D, D, A);
    call(c, f.sub, D, D, C);
    call(c, f.add, D, D, D); // D = 2((X + B)² − A − C)
    call(c, f.add, Ee, A, A);
    call(c, f.add, Ee, Ee, A); // E = 3A
    square(c, F, Ee);
    call(c, f.mul, T(6), Y, Z);
    call(c, f.add, [DST, 2 * E], T(6), T(6)); // Z3 = 2YZ; p is not read after this, so dst may alias it
    call(c, f.sub, [DST, 0], F, D);
    call(c, f.sub, [DST, 0], [DST, 0], D); // X3 = F − 2D
    call(c, f.sub, T(6), D, [DST, 0]);
    call(c, f.mul, T(6), Ee, T(6));
    call(c, f.add, C, C, C);
    call(c, f.add, C, C, C);
    call(c, f.add, C, C, C); // 8C
    call(c, f.sub, [DST, E], T(6), C); // Y3 = E(D − X3) − 8C
  }

  // add(dst, p, q), add-2007-bl, with the point at infinity and equal or opposite points handled.
  const add = m.addFunction([I32, I32, I32], []);
  {
    const c = add.code;
    const [DST, P, Q] = [0, 1, 2];
    const [X1, Y1, Z1] = coordinates(P);
    const [X2, Y2, Z2] = coordinates(Q);
    const [Z1Z1, Z2Z2, U1, U2, S1, S2, H, I, J, R, V] = [T(0), T(1), T(2), T(3), T(4), T(5), T(6), T(7), T(8), T(9), T(10)];
    c.block();
    canonical(c, Z1, Z2);
    isZero(c, Z1, E);
    c.if();
    copy(c, [DST, 0], [Q, 0], 3 * E);
    c.br(1);
    c.end();
    isZero(c, Z2, E);
    c.if();
    copy(c, [DST, 0], [P, 0], 3 * E);
    c.br(1);
    c.end();
    square(c, Z1Z1, Z1);
    square(c, Z2Z2, Z2);
    call(c, f.mul, U1, X1, Z2Z2);
    call(c, f.mul, U2, X2, Z1Z1);
    call(c, f.mul, S1, Y1, Z2);
    call(c, f.mul, S1, S1, Z2Z2);
    call(c, f.mul, S2, Y2, Z1);
    call(c, f.mul, S2, S2, Z1Z1);
    canonical(c, U1, U2);
    equal(c, U1, U2, E);
    c.if();
    // Same x: P = Q doubles, P = −Q gives infinity.
    canonical(c, S1, S2);
    equal(c, S1, S2, E);
    c.if();
    call(c, double.index, [DST, 0], [P, 0]);
    c.else();
    zero(c, [DST, 2 * E], E);
    c.end();
    c.br(1);
    c.end();
    call(c, f.sub, H, U2, U1);
    call(c, f.add, I, H, H);
    square(c, I, I); // I = (2H)²
    call(c, f.mul, J, H, I);
    call(c, f.sub, R, S2, S1);
    call(c, f.add, R, R, R); // r = 2(S2 − S1)
    call(c, f.mul, V, U1, I);
    // Z3 first reads Z1, Z2 (dst may alias p or q): ((Z1 + Z2)² − Z1Z1 − Z2Z2)·H
    call(c, f.add, U2, Z1, Z2);
    square(c, U2, U2);
    call(c, f.sub, U2, U2, Z1Z1);
    call(c, f.sub, U2, U2, Z2Z2);
    call(c, f.mul, [DST, 2 * E], U2, H);
    // X3 = r² − J − 2V
    square(c, U2, R);
    call(c, f.sub, U2, U2, J);
    call(c, f.sub, U2, U2, V);
    call(c, f.sub, [DST, 0], U2, V);
    // Y3 = r(V − X3) − 2·S1·J
    call(c, f.sub, V, V, [DST, 0]);
    call(c, f.mul, V, R, V);
    call(c, f.mul, S1, S1, J);
    call(c, f.add, S1, S1, S1);
    call(c, f.sub, [DST, E], V, S1);
    c.end();
  }
  return { double: double.index, add: add.index };
}
