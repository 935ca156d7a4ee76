/**
 * Point arithmetic on a curve y² = x³ + b over a prime field below 2^256 (secp256k1, BN254's G1),
 * in a WebAssembly module built by our own emitter on first use: Montgomery field arithmetic on
 * 29-bit limbs (crypto/montgomery.ts's narrow representation, elements below 2p until reduced for
 * a comparison or output), Jacobian coordinates (X, Y, Z) ~ (X/Z², Y/Z³) with Z = 0 the point at
 * infinity, the "dbl-2009-l" doubling and "add-2007-bl" addition of the Explicit-Formulas Database
 * (crypto/jacobian.ts), k₁·P₁ + k₂·P₂ by interleaved sliding windows, and results made affine by
 * one inversion (crypto/inverse.ts). Callers pass and get affine points as BigInts, or as the
 * 32-byte words of a syscall's input and output; an absent point is the point at infinity.
 */
import { ModuleBuilder, ValType } from '../jit/wasm/index.js';
import { fixedModule, type EmittedModule } from './fixed-modules.js';
import { call, copy, equal, isZero, zero } from './field-slots.js';
import { emitInverse } from './inverse.js';
import { emitJacobian } from './jacobian.js';
import {
  emitNarrowMontgomery,
  emitPow,
  limbsOf,
  NARROW_BITS,
  narrowBelow,
  narrowElementBytes,
  narrowToWord,
  POW_TABLE_ELEMENTS,
  wordToNarrow,
} from './montgomery.js';

const { I32 } = ValType;
/** Narrow limbs of an element: nine for any modulus below 2^259. */
const LIMBS = 9;
const E = narrowElementBytes(LIMBS);
/** 2^(29·9), the Montgomery radix. */
const RADIX = 1n << BigInt(NARROW_BITS * LIMBS);
/** A Jacobian point: X, Y, Z. */
const POINT = 3 * E;

/** An affine point; `undefined` stands for the point at infinity. */
export interface Affine {
  x: bigint;
  y: bigint;
}

// Memory layout (bytes).
const TO_MONTGOMERY = 0; // RADIX² mod p
const ONE = E; // 1, normal form
const ONE_MONTGOMERY = 2 * E;
const B = 3 * E; // the curve's b, Montgomery form
const ROOT_EXPONENT = 4 * E; // (p + 1) / 4, 32 little-endian bytes as the scalars
const K1 = 5 * E;
const K2 = 6 * E;
const X_IN = 7 * E; // an affine coordinate pair in, or out
const Y_IN = 8 * E;
const P1 = 9 * E;
const P2 = P1 + POINT;
const P12 = P2 + POINT;
const ACC = P12 + POINT;
const TEMP = ACC + POINT; // 11 scratch elements
const T = (i: number) => TEMP + i * E;
const CUBE = T(11); // RADIX³ mod p, for inverses in Montgomery form
const POW_TABLE = CUBE + E;
/** Windows of up to four bits in {@link emitCombine}, the scalars' window digits and tables of P1's and P2's odd multiples. */
const WINDOW = 4;
const DIGITS1 = POW_TABLE + POW_TABLE_ELEMENTS * E;
const DIGITS2 = DIGITS1 + 256;
const ODD_MULTIPLES1 = DIGITS2 + 256;
const ODD_MULTIPLES2 = ODD_MULTIPLES1 + (1 << (WINDOW - 1)) * POINT;

interface Exports {
  memory: WebAssembly.Memory;
  /** X_IN, Y_IN (normal form) into Montgomery form at `dst` (x, y, then Z = 1); returns whether on the curve. */
  load(dst: number): number;
  /** Y_IN = the y with y² = X_IN³ + b of parity `odd` (normal form, reduced); returns 0 when X_IN³ + b is no square. */
  lift(odd: number): number;
  /** ACC = K1·P1 + K2·P2. */
  combine(): void;
  /** ACC = P1 + P2. */
  sum(): void;
  /** ACC into X_IN, Y_IN as an affine point (reduced); 0 when it is the point at infinity. */
  affine(): number;
}

/** The module for curves modulo p (see fixed-modules.ts). */
export function emitShortWeierstrass(p: bigint): EmittedModule {
  const m = new ModuleBuilder();
  m.defineMemory(1, 1);
  m.export('memory', 'memory', 0);
  // No sums of products here: dot's head room goes unused.
  const f = emitNarrowMontgomery(m, p);
  const pow = emitPow(m, f.mul, ONE_MONTGOMERY, POW_TABLE, E, 256, f.sqr);
  const invert = emitInverse(m, p, LIMBS);
  const { double, add } = emitJacobian(m, { ...f, bytes: E }, TEMP);

  const combine = emitCombine(m, { double, add }, POINT, {
    k1: K1,
    k2: K2,
    p1: P1,
    p2: P2,
    acc: ACC,
    spare: P12,
    digits1: DIGITS1,
    digits2: DIGITS2,
    table1: ODD_MULTIPLES1,
    table2: ODD_MULTIPLES2,
  });
  const sum = m.addFunction([], []);
  call(sum.code, add, ACC, P1, P2);

  // load(dst): x, y into Montgomery form, Z = 1; whether y² = x³ + b.
  const load = m.addFunction([I32], [I32]);
  {
    const c = load.code;
    const DST = 0;
    call(c, f.mul, [DST, 0], X_IN, TO_MONTGOMERY);
    call(c, f.mul, [DST, E], Y_IN, TO_MONTGOMERY);
    copy(c, [DST, 2 * E], ONE_MONTGOMERY, E);
    call(c, f.sqr, T(0), [DST, 0]);
    call(c, f.mul, T(0), T(0), [DST, 0]);
    call(c, f.add, T(0), T(0), B);
    call(c, f.sqr, T(1), [DST, E]);
    call(c, f.reduce, T(0), T(0));
    call(c, f.reduce, T(1), T(1));
    equal(c, T(0), T(1), E);
  }

  // lift(odd)
  const lift = m.addFunction([I32], [I32]);
  {
    const c = lift.code;
    const ODD = 0;
    call(c, f.mul, T(0), X_IN, TO_MONTGOMERY);
    call(c, f.sqr, T(1), T(0));
    call(c, f.mul, T(1), T(1), T(0));
    call(c, f.add, T(1), T(1), B); // x³ + b
    call(c, pow, T(2), T(1), ROOT_EXPONENT);
    call(c, f.sqr, T(3), T(2));
    call(c, f.reduce, T(1), T(1));
    call(c, f.reduce, T(3), T(3));
    equal(c, T(1), T(3), E);
    c.if(ValType.I32);
    call(c, f.mul, Y_IN, T(2), ONE);
    call(c, f.reduce, Y_IN, Y_IN);
    // The parity is the reduced normal form's: negate y when it differs.
    c.i32Const(Y_IN).i32Load8U().i32Const(1).i32And().localGet(ODD).i32Ne();
    c.if();
    zero(c, T(3), E);
    call(c, f.sub, Y_IN, T(3), Y_IN);
    call(c, f.reduce, Y_IN, Y_IN);
    c.end();
    c.i32Const(1);
    c.else();
    c.i32Const(0);
    c.end();
  }

  // affine(): ACC as X_IN, Y_IN in normal form (x = X/Z², y = Y/Z³); 0 for infinity.
  const affine = m.addFunction([], [I32]);
  {
    const c = affine.code;
    call(c, f.reduce, ACC + 2 * E, ACC + 2 * E); // zero, and the inverse's input, below p
    isZero(c, ACC + 2 * E, E);
    c.if(ValType.I32);
    c.i32Const(0);
    c.else();
    // Z⁻¹ in Montgomery form: the plain inverse of Z·R is Z⁻¹·R⁻¹, times R³ (·R⁻¹) is Z⁻¹·R.
    call(c, invert, T(0), ACC + 2 * E);
    call(c, f.mul, T(0), T(0), CUBE);
    call(c, f.sqr, T(1), T(0));
    call(c, f.mul, X_IN, ACC, T(1));
    call(c, f.mul, X_IN, X_IN, ONE);
    call(c, f.reduce, X_IN, X_IN);
    call(c, f.mul, T(1), T(1), T(0));
    call(c, f.mul, Y_IN, ACC + E, T(1));
    call(c, f.mul, Y_IN, Y_IN, ONE);
    call(c, f.reduce, Y_IN, Y_IN);
    c.i32Const(1);
    c.end();
  }

  m.export('affine', 'func', affine.index);
  m.export('load', 'func', load.index);
  m.export('lift', 'func', lift.index);
  m.export('combine', 'func', combine);
  m.export('sum', 'func', sum.index);
  return { bytes: m.encode(), meta: undefined };
}

/** The instance and its memory as 32-bit words (a narrow limb each) and as bytes. */
interface Instance {
  exports: Exports;
  words: Uint32Array;
  bytes: Uint8Array;
}

/**
 * A curve y² = x³ + b modulo p, its module built on first use. Points go in and out either as
 * BigInt coordinates or, without any BigInt, as the 32-byte words of a syscall's input and output
 * ({@link loadPoint} and the `…Into` methods).
 */
export class ShortWeierstrass {
  private module: Instance | undefined;
  /** p and (p + 1)/2 (a y not below it is the larger of ±y), as narrow limbs. */
  private readonly pLimbs: number[];
  private readonly halfLimbs: number[];

  constructor(
    readonly p: bigint,
    private readonly b: bigint,
  ) {
    this.pLimbs = limbsOf(p, LIMBS, NARROW_BITS);
    this.halfLimbs = limbsOf((p + 1n) / 2n, LIMBS, NARROW_BITS);
  }

  /** Its module's name among the fixed modules (one module per modulus). */
  get moduleName(): string {
    return `short-weierstrass-${this.p.toString(16)}`;
  }

  private get m(): Instance {
    if (!this.module) {
      const { module } = fixedModule(this.moduleName, typeof WEBSVM_CARRIES_FIXED_MODULES === 'undefined' ? () => emitShortWeierstrass(this.p) : undefined);
      const exports = new WebAssembly.Instance(module, {}).exports as unknown as Exports;
      const words = new Uint32Array(exports.memory.buffer);
      const mod = this.p;
      const put = (at: number, v: bigint) => words.set(limbsOf(v, LIMBS, NARROW_BITS), at / 4);
      put(TO_MONTGOMERY, (RADIX * RADIX) % mod);
      put(ONE, 1n);
      put(ONE_MONTGOMERY, RADIX % mod);
      put(B, (this.b * RADIX) % mod);
      words.set(limbsOf((mod + 1n) / 4n), ROOT_EXPONENT / 4);
      put(CUBE, RADIX ** 3n % mod);
      this.module = { exports, words, bytes: new Uint8Array(exports.memory.buffer) };
    }
    return this.module;
  }

  /** Puts a field element (`bits` 29) or a 256-bit scalar's bytes (`bits` 32) at `at`. */
  private put(at: number, v: bigint, bits = NARROW_BITS): void {
    this.m.words.set(bits === NARROW_BITS ? limbsOf(v, LIMBS, bits) : limbsOf(v), at / 4);
  }

  private get(at: number): bigint {
    let v = 0n;
    for (let k = LIMBS - 1; k >= 0; k--) v = (v << BigInt(NARROW_BITS)) | BigInt(this.m.words[at / 4 + k]);
    return v;
  }

  /** Loads an affine point (or infinity) into the Jacobian slot `at`; false when it is not on the curve. */
  private load(at: number, point: Affine | undefined): boolean {
    if (!point) {
      this.infinity(at);
      return true;
    }
    this.put(X_IN, point.x);
    this.put(Y_IN, point.y);
    return this.m.exports.load(at) === 1;
  }

  private infinity(at: number): void {
    this.m.words.fill(0, (at + 2 * E) / 4, (at + 3 * E) / 4);
  }

  /** The accumulator as an affine point (undefined for infinity). */
  private result(): Affine | undefined {
    return this.m.exports.affine() ? { x: this.get(X_IN), y: this.get(Y_IN) } : undefined;
  }

  /** The accumulator as x‖y words into `out` (64 zero bytes for infinity). */
  private resultInto(out: Uint8Array, le: boolean): void {
    const { exports, words } = this.m;
    if (!exports.affine()) return void out.fill(0, 0, 64);
    narrowToWord(words, X_IN / 4, out, 0, le);
    narrowToWord(words, Y_IN / 4, out, 32, le);
  }

  /** Whether (x, y), coordinates below p, satisfies the curve equation. */
  isOnCurve(point: Affine): boolean {
    return this.load(P1, point);
  }

  /** The point with this x (below p) and a y of the given parity, if x³ + b is a square; needs p ≡ 3 (mod 4). */
  lift(x: bigint, odd: boolean): Affine | undefined {
    this.put(X_IN, x);
    return this.m.exports.lift(odd ? 1 : 0) ? { x, y: this.get(Y_IN) } : undefined;
  }

  /** a + b, for points on the curve. */
  add(a: Affine | undefined, b: Affine | undefined): Affine | undefined {
    this.load(P1, a);
    this.load(P2, b);
    this.m.exports.sum();
    return this.result();
  }

  /** k₁·P₁ + k₂·P₂ for points on the curve and scalars below 2^256. */
  combine(k1: bigint, p1: Affine | undefined, k2 = 0n, p2: Affine | undefined = undefined): Affine | undefined {
    this.load(P1, p1);
    this.load(P2, p2);
    this.put(K1, k1, 32);
    this.put(K2, k2, 32);
    this.m.exports.combine();
    return this.result();
  }

  /**
   * Loads the point whose x and y words start at `input[at]` (undefined input: the point at
   * infinity) as the first (0) or second (1) operand; false when a coordinate is not below p or the
   * point is not on the curve.
   */
  loadPoint(which: 0 | 1, input: Uint8Array | undefined, at: number, le: boolean): boolean {
    const slot = which ? P2 : P1;
    if (!input) {
      this.infinity(slot);
      return true;
    }
    const { exports, words } = this.m;
    wordToNarrow(words, X_IN / 4, input, at, le, LIMBS);
    wordToNarrow(words, Y_IN / 4, input, at + 32, le, LIMBS);
    return narrowBelow(words, X_IN / 4, this.pLimbs) && narrowBelow(words, Y_IN / 4, this.pLimbs) && exports.load(slot) === 1;
  }

  /** The sum of the two loaded operands, as x‖y words into `out`. */
  sumInto(out: Uint8Array, le: boolean): void {
    this.m.exports.sum();
    this.resultInto(out, le);
  }

  /**
   * k·P for the first loaded operand and the 256-bit scalar word at `input[at]`, as x‖y words into
   * `out`. The scalar is taken whole: on a curve of prime order n (cofactor 1), k·P = (k mod n)·P.
   */
  multiplyInto(input: Uint8Array, at: number, le: boolean, out: Uint8Array): void {
    const { exports, bytes } = this.m;
    for (let i = 0; i < 32; i++) bytes[K1 + i] = input[le ? at + i : at + 31 - i];
    bytes.fill(0, K2, K2 + 32);
    exports.combine();
    this.resultInto(out, le);
  }

  /**
   * The point with the x word at `input[at]` and the larger (`larger`) or smaller of its two y,
   * as x‖y words into `out` (y is larger when y > p − y); false when x is not below p or x³ + b
   * is no square. Needs p ≡ 3 (mod 4).
   */
  liftInto(input: Uint8Array, at: number, le: boolean, larger: boolean, out: Uint8Array): boolean {
    const { exports, words } = this.m;
    wordToNarrow(words, X_IN / 4, input, at, le, LIMBS);
    if (!narrowBelow(words, X_IN / 4, this.pLimbs) || !exports.lift(0)) return false;
    // lift leaves y reduced, so its limbs compare as the value.
    const y = Y_IN / 4;
    const above = !narrowBelow(words, y, this.halfLimbs);
    // y = p − y (0 is its own negative, and p no canonical element).
    if (above !== larger && words.subarray(y, y + LIMBS).some((w) => w !== 0)) {
      let borrow = 0;
      for (let k = 0; k < LIMBS; k++) {
        const d = this.pLimbs[k] - words[y + k] - borrow;
        borrow = d < 0 ? 1 : 0;
        words[y + k] = d & (2 ** NARROW_BITS - 1);
      }
    }
    narrowToWord(words, X_IN / 4, out, 0, le);
    narrowToWord(words, y, out, 32, le);
    return true;
  }
}

/** Where {@link emitCombine}'s operands, result and working space are (bytes). */
export interface CombineLayout {
  /** The 256-bit little-endian scalars. */
  k1: number;
  k2: number;
  /** The points (Jacobian). */
  p1: number;
  p2: number;
  /** The result. */
  acc: number;
  /** One point of working space. */
  spare: number;
  /** 256 bytes each: the scalars' window digits. */
  digits1: number;
  digits2: number;
  /** 2^(WINDOW − 1) points each: the odd multiples of p1 and p2. */
  table1: number;
  table2: number;
}

/**
 * Emits `combine()`: acc = k1·p1 + k2·p2 on a curve whose Jacobian doubling and addition are
 * `double` and `add` (crypto/jacobian.ts) on points of `size` bytes (X, Y, Z). Over any field: Fp here, Fp or Fp2 for BLS12-381 (crypto/bls12-381.ts).
 */
export function emitCombine(m: ModuleBuilder, { double, add }: { double: number; add: number }, size: number, at: CombineLayout): number {
  const E = size / 3;
  const ACC = at.acc;
  // recode(k, digits) → top: sliding windows over the scalar at k, from its top bit: a one starts
  // a window of up to four bits ending in a one, whose odd value goes to digits[its lowest bit]
  // (every other digit 0). Returns the top window's lowest bit, or −1 for k = 0.
  const recode = m.addFunction([I32, I32], [I32]);
  {
    const c = recode.code;
    const [K, DIGITS] = [0, 1];
    const [bit, low, value, top] = [c.locals(1, I32), c.locals(1, I32), c.locals(1, I32), c.locals(1, I32)];
    const bitAt = (local: number) =>
      c.localGet(K).localGet(local).i32Const(3).i32ShrU().i32Add().i32Load8U().localGet(local).i32Const(7).i32And().i32ShrU().i32Const(1).i32And();
    zero(c, [DIGITS, 0], 256);
    c.i32Const(-1).localSet(top);
    c.i32Const(255).localSet(bit);
    c.block();
    c.loop();
    c.localGet(bit).i32Const(0).i32LtS().brIf(1);
    bitAt(bit);
    c.if();
    // The window's lowest one, at most WINDOW − 1 below `bit`.
    c.localGet(bit)
      .i32Const(WINDOW - 1)
      .i32Sub()
      .localTee(low)
      .i32Const(0)
      .i32LtS();
    c.if();
    c.i32Const(0).localSet(low);
    c.end();
    c.block();
    c.loop();
    bitAt(low);
    c.brIf(1);
    c.localGet(low).i32Const(1).i32Add().localSet(low);
    c.br(0);
    c.end();
    c.end();
    c.i32Const(0).localSet(value);
    c.loop();
    c.localGet(value).i32Const(1).i32Shl();
    bitAt(bit);
    c.i32Or().localSet(value);
    c.localGet(bit).i32Const(1).i32Sub().localTee(bit).localGet(low).i32GeS().brIf(0);
    c.end();
    c.localGet(DIGITS).localGet(low).i32Add().localGet(value).i32Store8();
    c.localGet(top).i32Const(0).i32LtS();
    c.if();
    c.localGet(low).localSet(top);
    c.end();
    c.else();
    c.localGet(bit).i32Const(1).i32Sub().localSet(bit);
    c.end();
    c.br(0);
    c.end();
    c.end();
    c.localGet(top);
  }

  // combine(): acc = k1·p1 + k2·p2 by interleaved sliding windows: one doubling per bit from the
  // top window, and an addition from a table of odd multiples (1, 3, …, 15)·P where a window of
  // either scalar ends, about a fifth as many additions as bits per scalar.
  const combine = m.addFunction([], []);
  {
    const c = combine.code;
    const [bit, top, digit] = [c.locals(1, I32), c.locals(1, I32), c.locals(1, I32)];
    const operands = [
      { k: at.k1, point: at.p1, digits: at.digits1, table: at.table1 },
      { k: at.k2, point: at.p2, digits: at.digits2, table: at.table2 },
    ];
    zero(c, ACC + 2 * E, E); // infinity
    c.i32Const(-1).localSet(top);
    for (const { k, point, digits, table } of operands) {
      c.i32Const(k).i32Const(digits).call(recode.index).localTee(bit).i32Const(0).i32GeS();
      c.if();
      copy(c, table, point, size);
      call(c, double, at.spare, point); // 2P
      for (let j = 1; j < 1 << (WINDOW - 1); j++) call(c, add, table + j * size, table + (j - 1) * size, at.spare);
      c.localGet(bit).localGet(top).i32GtS();
      c.if();
      c.localGet(bit).localSet(top);
      c.end();
      c.end();
    }
    // The top window's bits above its lowest one only double infinity: start there.
    c.localGet(top).localSet(bit);
    c.block();
    c.loop();
    c.localGet(bit).i32Const(0).i32LtS().brIf(1);
    call(c, double, ACC, ACC);
    for (const { digits, table } of operands) {
      c.localGet(bit).i32Load8U(digits).localTee(digit);
      c.if();
      c.i32Const(ACC).i32Const(ACC).localGet(digit).i32Const(1).i32ShrU().i32Const(size).i32Mul().i32Const(table).i32Add().call(add);
      c.end();
    }
    c.localGet(bit).i32Const(1).i32Sub().localSet(bit);
    c.br(0);
    c.end();
    c.end();
  }
  return combine.index;
}
