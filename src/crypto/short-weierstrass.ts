/**
 * Point arithmetic on a curve y² = x³ + b over a prime field below 2^256 (secp256k1, BN254's G1),
 * in a WebAssembly module built by our own emitter on first use: Montgomery field arithmetic
 * (crypto/montgomery.ts), Jacobian coordinates (X, Y, Z) ~ (X/Z², Y/Z³) with Z = 0 the point at
 * infinity, the "dbl-2009-l" doubling and "add-2007-bl" addition of the Explicit-Formulas Database,
 * and k₁·P₁ + k₂·P₂ by one shared double-and-add (Shamir's trick). Callers pass and get affine
 * points as BigInts; an absent point is the point at infinity.
 */
import { ModuleBuilder, ValType } from '../jit/wasm/index.js';
import { fixedModule, type EmittedModule } from './fixed-modules.js';
import { modInverse } from './modular.js';
import { call, copy, equal, zero } from './field-slots.js';
import { emitJacobian } from './jacobian.js';
import { ELEMENT_BYTES, emitMontgomery, emitPow, limbsOf, LIMBS } from './montgomery.js';

const { I32 } = ValType;
const E = ELEMENT_BYTES;
/** A Jacobian point: X, Y, Z. */
const POINT = 3 * E;

/** An affine point; `undefined` stands for the point at infinity. */
export interface Affine {
  x: bigint;
  y: bigint;
}

// Memory layout (bytes).
const TO_MONTGOMERY = 0; // 2^512 mod p
const ONE = E; // 1, normal form
const ONE_MONTGOMERY = 2 * E;
const B = 3 * E; // the curve's b, Montgomery form
const ROOT_EXPONENT = 4 * E; // (p + 1) / 4
const K1 = 5 * E;
const K2 = 6 * E;
const X_IN = 7 * E; // an affine coordinate pair in, or out
const Y_IN = 8 * E;
const P1 = 9 * E;
const P2 = P1 + POINT;
const P12 = P2 + POINT;
const ACC = P12 + POINT;
const TEMP = ACC + POINT; // 12 scratch elements
const T = (i: number) => TEMP + i * E;

interface Exports {
  memory: WebAssembly.Memory;
  /** X_IN, Y_IN (normal form) into Montgomery form at `dst` (x, y, then Z = 1); returns whether on the curve. */
  load(dst: number): number;
  /** Y_IN = the y with y² = X_IN³ + b of parity `odd` (normal form); returns 0 when X_IN³ + b is no square. */
  lift(odd: number): number;
  /** ACC = K1·P1 + K2·P2. */
  combine(): void;
  /** ACC = P1 + P2. */
  sum(): void;
}

/** The module for curves modulo p (see fixed-modules.ts). */
export function emitShortWeierstrass(p: bigint): EmittedModule {
  const m = new ModuleBuilder();
  m.defineMemory(1, 1);
  m.export('memory', 'memory', 0);
  const f = emitMontgomery(m, p);
  const pow = emitPow(m, f.mul, ONE_MONTGOMERY, T(11));
  const { double, add } = emitJacobian(m, { ...f, bytes: E }, TEMP);

  // combine(): ACC = K1·P1 + K2·P2, one doubling per bit from the top and at most one addition.
  const combine = m.addFunction([], []);
  {
    const c = combine.code;
    const [bit, which] = [c.locals(1, I32), c.locals(1, I32)];
    call(c, add, P12, P1, P2);
    zero(c, ACC + 2 * E, E); // infinity
    const bitOf = (scalar: number) => c.localGet(bit).i32Const(3).i32ShrU().i32Load8U(scalar).localGet(bit).i32Const(7).i32And().i32ShrU().i32Const(1).i32And();
    c.i32Const(255).localSet(bit);
    c.loop();
    call(c, double, ACC, ACC);
    bitOf(K1);
    bitOf(K2);
    c.i32Const(1).i32Shl().i32Or().localTee(which);
    c.if();
    // P1, P2, P12 lie POINT bytes apart in that order.
    c.i32Const(ACC).i32Const(ACC).localGet(which).i32Const(1).i32Sub().i32Const(POINT).i32Mul().i32Const(P1).i32Add().call(add);
    c.end();
    c.localGet(bit).i32Const(1).i32Sub().localTee(bit).i32Const(0).i32GeS().brIf(0);
    c.end();
  }
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
    call(c, f.mul, T(0), [DST, 0], [DST, 0]);
    call(c, f.mul, T(0), T(0), [DST, 0]);
    call(c, f.add, T(0), T(0), B);
    call(c, f.mul, T(1), [DST, E], [DST, E]);
    equal(c, T(0), T(1), E);
  }

  // lift(odd)
  const lift = m.addFunction([I32], [I32]);
  {
    const c = lift.code;
    const ODD = 0;
    call(c, f.mul, T(0), X_IN, TO_MONTGOMERY);
    call(c, f.mul, T(1), T(0), T(0));
    call(c, f.mul, T(1), T(1), T(0));
    call(c, f.add, T(1), T(1), B); // x³ + b
    call(c, pow, T(2), T(1), ROOT_EXPONENT);
    call(c, f.mul, T(3), T(2), T(2));
    equal(c, T(1), T(3), E);
    c.if(ValType.I32);
    call(c, f.mul, Y_IN, T(2), ONE);
    // The parity is the normal form's: negate y when it differs.
    c.i32Const(Y_IN).i32Load8U().i32Const(1).i32And().localGet(ODD).i32Ne();
    c.if();
    zero(c, T(3), E);
    call(c, f.sub, Y_IN, T(3), Y_IN);
    c.end();
    c.i32Const(1);
    c.else();
    c.i32Const(0);
    c.end();
  }

  m.export('load', 'func', load.index);
  m.export('lift', 'func', lift.index);
  m.export('combine', 'func', combine.index);
  m.export('sum', 'func', sum.index);
  return { bytes: m.encode(), meta: undefined };
}

/** A curve y² = x³ + b modulo p, its module built on first use. */
export class ShortWeierstrass {
  /** The instance, its memory as words, and the Montgomery factor R = 2^256 mod p and R² mod p. */
  private module: { exports: Exports; words: Uint32Array; r: bigint; r2: bigint } | undefined;

  constructor(
    readonly p: bigint,
    private readonly b: bigint,
  ) {}

  /** Its module's name among the fixed modules (one module per modulus). */
  get moduleName(): string {
    return `short-weierstrass-${this.p.toString(16)}`;
  }

  private get m(): { exports: Exports; words: Uint32Array; r: bigint; r2: bigint } {
    if (!this.module) {
      const { module } = fixedModule(this.moduleName, typeof WEBSVM_CARRIES_FIXED_MODULES === 'undefined' ? () => emitShortWeierstrass(this.p) : undefined);
      const exports = new WebAssembly.Instance(module, {}).exports as unknown as Exports;
      const words = new Uint32Array(exports.memory.buffer);
      const mod = this.p;
      const put = (at: number, v: bigint) => words.set(limbsOf(v), at / 4);
      const r = (1n << 256n) % mod;
      const r2 = (1n << 512n) % mod;
      put(TO_MONTGOMERY, r2);
      put(ONE, 1n);
      put(ONE_MONTGOMERY, r);
      put(B, (this.b << 256n) % mod);
      put(ROOT_EXPONENT, (mod + 1n) / 4n);
      this.module = { exports, words, r, r2 };
    }
    return this.module;
  }

  private put(at: number, v: bigint): void {
    this.m.words.set(limbsOf(v), at / 4);
  }

  private get(at: number): bigint {
    let v = 0n;
    for (let k = LIMBS - 1; k >= 0; k--) v = (v << 32n) | BigInt(this.m.words[at / 4 + k]);
    return v;
  }

  /** Loads an affine point (or infinity) into the Jacobian slot `at`; false when it is not on the curve. */
  private load(at: number, point: Affine | undefined): boolean {
    if (!point) {
      this.m.words.fill(0, (at + 2 * E) / 4, (at + 3 * E) / 4);
      return true;
    }
    this.put(X_IN, point.x);
    this.put(Y_IN, point.y);
    return this.m.exports.load(at) === 1;
  }

  /**
   * The accumulator as an affine point (undefined for infinity). Its Jacobian X, Y, Z are read in
   * Montgomery form (each times R = 2^256): x = X/Z² = X_m·R/Z_m² and y = Y/Z³ = Y_m·R²/Z_m³, with
   * Z_m inverted by Euclid's algorithm on bigints, about four times faster than the module's
   * exponentiation.
   */
  private result(): Affine | undefined {
    const p = this.p;
    const z = this.get(ACC + 2 * E) % p;
    if (z === 0n) return undefined;
    const zi = modInverse(z, p);
    const zi2 = (zi * zi) % p;
    const { r, r2 } = this.m;
    return { x: (((this.get(ACC) * zi2) % p) * r) % p, y: (((((this.get(ACC + E) * zi2) % p) * zi) % p) * r2) % p };
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
    this.put(K1, k1);
    this.put(K2, k2);
    this.m.exports.combine();
    return this.result();
  }
}
