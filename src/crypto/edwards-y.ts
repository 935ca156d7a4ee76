/**
 * Whether 32 bytes are the compressed y of an Edwards25519 point, exactly as curve25519-dalek's
 * `CompressedEdwardsY::decompress().is_some()` decides it — the test behind every program-derived
 * address (an address is valid only off the curve) and behind `sol_curve_validate_point`.
 *
 * dalek reads y from the low 255 bits without requiring y < p (it reduces mod p), ignores the
 * sign bit (x = 0 with the sign bit set decompresses to x = 0), and accepts when
 * u/v = (y² − 1)/(d·y² + 1) is a square or zero; v is never zero since −1/d is not a square. So
 * the answer is whether u·v is a square or zero: its Jacobi symbol (see {@link jacobi}; 2–2.7
 * times faster than the exponentiation), or where that does not settle it (u·v ≡ 0), Euler's
 * criterion (u·v)^((p−1)/2) ≠ −1.
 *
 * The arithmetic runs in a small WebAssembly module built with our own emitter: field elements of
 * ten signed 64-bit limbs of alternately 26 and 25 bits (ref10's layout), so every partial product
 * and every sum of ten fits an i64. Built and instantiated synchronously on first use.
 */
import { type Code, ModuleBuilder, ValType } from '../jit/wasm/index.js';
import { edwardsD, P25519 as P } from './edwards25519.js';
import { compileAhead, fixedModule, type EmittedModule } from './fixed-modules.js';
import { emitMatrixUpdate } from './inverse.js';

const { I32, I64 } = ValType;
/** Bits of each limb, and the bit each starts at (⌈25.5·k⌉). */
const WIDTH = [26, 25, 26, 25, 26, 25, 26, 25, 26, 25];
const OFFSET = [0, 26, 51, 77, 102, 128, 153, 179, 204, 230];
const LIMBS = 10;
const FE_BYTES = 8 * LIMBS;

/** Memory: the 32 input bytes at 0, then field elements. */
const INPUT = 0;
const slot = (k: number) => 64 + FE_BYTES * k;
const [Y, Y2, U, V, D, Z, Z2, Z4, Z9, Z11, Z5, Z10, Z20, Z50, Z100, T] = Array.from({ length: 16 }, (_, k) => slot(k));

/**
 * z^((p−1)/2) = z^(2^254 − 10) = z^((2^250 − 1)·2^4 + 6) from z in Z, by ref10's addition chain:
 * `[dst, a, b]` is dst = a·b, or a squared −b times when b < 0. The comments give the exponent.
 */
const EULER_CHAIN: [number, number, number][] = [
  [Z2, Z, -1], // 2
  [T, Z2, -2], // 8
  [Z9, T, Z], // 9
  [Z11, Z9, Z2], // 11
  [T, Z11, -1], // 22
  [Z5, T, Z9], // 2^5 − 1
  [T, Z5, -5],
  [Z10, T, Z5], // 2^10 − 1
  [T, Z10, -10],
  [Z20, T, Z10], // 2^20 − 1
  [T, Z20, -20],
  [T, T, Z20], // 2^40 − 1
  [T, T, -10],
  [Z50, T, Z10], // 2^50 − 1
  [T, Z50, -50],
  [Z100, T, Z50], // 2^100 − 1
  [T, Z100, -100],
  [T, T, Z100], // 2^200 − 1
  [T, T, -50],
  [T, T, Z50], // 2^250 − 1
  [T, T, -4], // 2^254 − 16
  [Z4, Z2, -1], // 4
  [Z4, Z4, Z2], // 6
  [T, T, Z4], // 2^254 − 10
];

/** The limbs of a field constant. */
function limbs(v: bigint): bigint[] {
  return OFFSET.map((o, k) => (v >> BigInt(o)) & ((1n << BigInt(WIDTH[k])) - 1n));
}

/**
 * Floor carries from limb 0 to 9, the carry out of limb 9 folded back into limb 0 times 19
 * (2^255 ≡ 19), then limb 0's carry into limb 1. Keeps the value mod p; leaves every limb small.
 */
function carry(c: Code, h: number[]): void {
  for (let k = 0; k < LIMBS; k++) {
    const next = h[(k + 1) % LIMBS];
    c.localGet(next).localGet(h[k]).i64ConstI32(WIDTH[k]).i64ShrS();
    if (k === LIMBS - 1) c.i64ConstI32(19).i64Mul();
    c.i64Add().localSet(next);
    c.localGet(h[k])
      .i64ConstI32((1 << WIDTH[k]) - 1)
      .i64And()
      .localSet(h[k]);
  }
  c.localGet(h[1]).localGet(h[0]).i64ConstI32(26).i64ShrS().i64Add().localSet(h[1]);
  c.localGet(h[0])
    .i64ConstI32((1 << 26) - 1)
    .i64And()
    .localSet(h[0]);
}

/**
 * h = f·g: limb i·j lands in limb (i + j) mod 10, doubled when both are odd (their offsets round
 * up twice) and times 19 when it wraps. `g` may be `f` (squaring: each cross term once, doubled).
 * Multiples of g's limbs are computed at first use and kept in locals.
 */
function product(c: Code, f: number[], g: number[], h: number[]): void {
  const square = f === g;
  const multiples = new Map<string, number>();
  const operand = (j: number, m: number) => {
    if (m === 1) return void c.localGet(g[j]);
    const key = `${j}*${m}`;
    const local = multiples.get(key);
    if (local !== undefined) return void c.localGet(local);
    const fresh = c.locals(1, I64);
    multiples.set(key, fresh);
    c.localGet(g[j]).i64ConstI32(m).i64Mul().localTee(fresh);
  };
  for (let k = 0; k < LIMBS; k++) {
    let terms = 0;
    for (let i = 0; i < LIMBS; i++) {
      const j = (k - i + LIMBS) % LIMBS;
      if (square && j < i) continue;
      const m = (i % 2 === 1 && j % 2 === 1 ? 2 : 1) * (i + j >= LIMBS ? 19 : 1) * (square && i !== j ? 2 : 1);
      c.localGet(f[i]);
      operand(j, m);
      c.i64Mul();
      if (terms++) c.i64Add();
    }
    c.localSet(h[k]);
  }
}

/** Limbs of 30 bits for the Jacobi symbol: nine hold any value below 2^270. */
const LIMBS30 = 9;
const MASK30 = (1 << 30) - 1;
/** Steps per batch: the batch's matrix entries stay at most 2^30, so each product with a limb fits 60 bits. */
const BATCH = 30;
/**
 * Batches before giving up (random inputs take 21–29; the exponentiation then decides). Only
 * a converged run answers, and its answer is exact, so the bound trades speed alone.
 */
const MAX_BATCHES = 48;

/**
 * Emits the Jacobi symbol (z | p) of the field element at `at` (any limbs the product leaves), by
 * Bernstein–Yang style steps that keep both numbers non-negative ("posdivsteps", as libsecp256k1's
 * variable-time Jacobi runs them): f odd, g ≥ 0; g's factors of two are divided out, when g is odd
 * and the balance eta is negative f and g swap, and a multiple of f is added to g to clear its low
 * bits. The symbol (g | f) flips when g is halved while f ≡ 3, 5 (mod 8), and at a swap when
 * f ≡ g ≡ 3 (mod 4); adding a multiple of f keeps it. Every decision reads only the low bits, so
 * a batch runs on the low 64 bits and records a matrix [u v; q r] with 2^30·(f', g') =
 * (u·f + v·g, q·f + r·g), u + v ≤ 2^30 and q + r ≤ 2^30, applied to the 30-bit limbs afterwards.
 * Once f = 1 the symbol is the sign recorded: the code returns 1 (a square) or 0 (not a square)
 * from the enclosing function. When it does not converge (z ≡ 0, or more batches than allowed),
 * it falls through.
 */
function jacobi(c: Code, at: number): void {
  const ptr = c.locals(1, I32);
  const r = Array.from({ length: LIMBS }, () => c.locals(1, I64));
  const F = Array.from({ length: LIMBS30 }, () => c.locals(1, I64));
  const G = Array.from({ length: LIMBS30 }, () => c.locals(1, I64));
  const [f, g, u, v, q, s, eta, i, zeros, w, m, t, sign, batches, cf, cg] = Array.from({ length: 16 }, () => c.locals(1, I64));
  c.i32Const(at).localSet(ptr);
  load(c, ptr, r);
  for (let pass = 0; pass < 3; pass++) carry(c, r);
  // z in 30-bit limbs: each limb's bits added into the limbs they overlap (up to 40 bits of it), then carried.
  G.forEach((l) => c.i64ConstI32(0).localSet(l));
  for (let j = 0; j < LIMBS; j++) {
    for (let k = Math.floor(OFFSET[j] / 30); k < LIMBS30 && 30 * k < OFFSET[j] + 40; k++) {
      const shift = OFFSET[j] - 30 * k;
      c.localGet(G[k]).localGet(r[j]);
      if (shift >= 0) c.i64ConstI32(shift).i64Shl();
      else c.i64ConstI32(-shift).i64ShrU();
      c.i64ConstI32(MASK30).i64And().i64Add().localSet(G[k]);
    }
  }
  for (let k = 0; k + 1 < LIMBS30; k++) {
    c.localGet(G[k + 1])
      .localGet(G[k])
      .i64ConstI32(30)
      .i64ShrU()
      .i64Add()
      .localSet(G[k + 1]);
    c.localGet(G[k]).i64ConstI32(MASK30).i64And().localSet(G[k]);
  }
  F.forEach((l, k) => c.i64ConstBig((P >> BigInt(30 * k)) & BigInt(MASK30)).localSet(l));
  c.i64ConstI32(-1).localSet(eta);
  c.i64ConstI32(0).localSet(sign);
  c.i64ConstI32(0).localSet(batches);
  const low64 = (x: number[], into: number) => c.localGet(x[0]).localGet(x[1]).i64ConstI32(30).i64Shl().i64Or().localSet(into);
  const swap = (a: number, b: number) => c.localGet(a).localSet(t).localGet(b).localSet(a).localGet(t).localSet(b);
  /** m = the low min(eta + 1, i, bits) bits set. */
  const mask = (bits: number) => {
    c.localGet(eta).i64ConstI32(1).i64Add().localGet(i).localGet(eta).i64ConstI32(1).i64Add().localGet(i).i64LtS().select().localSet(t);
    c.i64ConstI32(-1).i64ConstI32(64).localGet(t).i64Sub().i64ShrU().i64ConstI32(bits).i64And().localSet(m);
  };
  c.block().loop();
  {
    low64(F, f);
    low64(G, g);
    c.i64ConstI32(1).localSet(u).i64ConstI32(0).localSet(v).i64ConstI32(0).localSet(q).i64ConstI32(1).localSet(s);
    c.i64ConstI32(BATCH).localSet(i);
    c.block().loop();
    {
      // g's factors of two, at most i of them (a sentinel bit at i).
      c.localGet(g).i64ConstI32(-1).localGet(i).i64Shl().i64Or().i64Ctz().localSet(zeros);
      c.localGet(g).localGet(zeros).i64ShrU().localSet(g);
      c.localGet(u).localGet(zeros).i64Shl().localSet(u);
      c.localGet(v).localGet(zeros).i64Shl().localSet(v);
      c.localGet(eta).localGet(zeros).i64Sub().localSet(eta);
      c.localGet(i).localGet(zeros).i64Sub().localSet(i);
      c.localGet(sign).localGet(zeros).localGet(f).i64ConstI32(1).i64ShrU().localGet(f).i64ConstI32(2).i64ShrU().i64Xor().i64And().i64Xor().localSet(sign);
      c.localGet(i).i64Eqz().brIf(1);
      c.localGet(eta).i64ConstI32(0).i64LtS().if();
      {
        c.i64ConstI32(0).localGet(eta).i64Sub().localSet(eta);
        swap(f, g);
        swap(u, q);
        swap(v, s);
        c.localGet(sign).localGet(f).localGet(g).i64And().i64ConstI32(1).i64ShrU().i64Xor().localSet(sign);
        // w = −g/f mod 2^6: f·(f² − 2) is −1/f mod 64.
        mask(63);
        c.localGet(f).localGet(g).i64Mul().localGet(f).localGet(f).i64Mul().i64ConstI32(2).i64Sub().i64Mul().localGet(m).i64And().localSet(w);
      }
      c.else();
      {
        // w = −g/f mod 2^4: f + 8·[f ≡ 3, 5 (mod 8)] is 1/f mod 16.
        mask(15);
        c.localGet(f).localGet(f).i64ConstI32(1).i64Add().i64ConstI32(4).i64And().i64ConstI32(1).i64Shl().i64Add().localSet(w);
        c.i64ConstI32(0).localGet(w).localGet(g).i64Mul().i64Sub().localGet(m).i64And().localSet(w);
      }
      c.end();
      c.localGet(g).localGet(f).localGet(w).i64Mul().i64Add().localSet(g);
      c.localGet(q).localGet(u).localGet(w).i64Mul().i64Add().localSet(q);
      c.localGet(s).localGet(v).localGet(w).i64Mul().i64Add().localSet(s);
      c.br(0);
    }
    c.end().end();
    // (f, g) ← (u·f + v·g, q·f + r·g) / 2^30, limb by limb in place.
    emitMatrixUpdate(c, [u, v, q, s], F, G, [cf, cg]);
    // f = 1: (g | 1) = 1, so the symbol is the sign recorded.
    c.localGet(F[0]).i64ConstI32(1).i64Eq();
    c.localGet(F[1]);
    for (let k = 2; k < LIMBS30; k++) c.localGet(F[k]).i64Or();
    c.i64Eqz().i32And().if();
    c.localGet(sign).i64ConstI32(1).i64And().i64Eqz().return();
    c.end();
    c.localGet(batches).i64ConstI32(1).i64Add().localTee(batches).i64ConstI32(MAX_BATCHES).i64LtS().brIf(0);
  }
  c.end().end();
}

const load = (c: Code, ptr: number, into: number[]) =>
  into.forEach((l, k) =>
    c
      .localGet(ptr)
      .i64Load(8 * k)
      .localSet(l),
  );
const store = (c: Code, ptr: number, from: number[]) =>
  from.forEach((l, k) =>
    c
      .localGet(ptr)
      .localGet(l)
      .i64Store(8 * k),
  );

/** The module's bytes (see fixed-modules.ts). */
export function emitEdwardsY(): EmittedModule {
  const m = new ModuleBuilder();
  m.defineMemory(1, 1);
  m.export('memory', 'memory', 0);

  // mul(dst, a, b)
  const mul = m.addFunction([I32, I32, I32], []);
  {
    const c = mul.code;
    const [f, g, h] = [0, 1, 2].map(() => Array.from({ length: LIMBS }, () => c.locals(1, I64)));
    load(c, 1, f);
    load(c, 2, g);
    product(c, f, g, h);
    carry(c, h);
    store(c, 0, h);
  }

  // sqn(dst, a, n): a squared n ≥ 1 times, in locals.
  const sqn = m.addFunction([I32, I32, I32], []);
  {
    const c = sqn.code;
    const [f, h] = [0, 1].map(() => Array.from({ length: LIMBS }, () => c.locals(1, I64)));
    load(c, 1, f);
    c.loop();
    product(c, f, f, h);
    carry(c, h);
    h.forEach((l, k) => c.localGet(l).localSet(f[k]));
    c.localGet(2).i32Const(1).i32Sub().localTee(2).brIf(0);
    c.end();
    store(c, 0, f);
  }

  // check() → 1 when the input decompresses.
  const check = m.addFunction([], [I32]);
  {
    const c = check.code;
    const callMul = (dst: number, a: number, b: number) => c.i32Const(dst).i32Const(a).i32Const(b).call(mul.index);
    const callSqn = (dst: number, a: number, n: number) => c.i32Const(dst).i32Const(a).i32Const(n).call(sqn.index);
    const addToLimb0 = (at: number, v: number) => c.i32Const(at).i32Const(at).i64Load().i64ConstI32(v).i64Add().i64Store();
    // y from the low 255 bits: limb k is WIDTH[k] bits from bit OFFSET[k] (8-byte reads; bytes past 32 are masked off).
    for (let k = 0; k < LIMBS; k++) {
      c.i32Const(Y + 8 * k)
        .i32Const(INPUT + (OFFSET[k] >> 3))
        .i64Load()
        .i64ConstI32(OFFSET[k] & 7)
        .i64ShrU();
      c.i64ConstI32((1 << WIDTH[k]) - 1)
        .i64And()
        .i64Store();
    }
    limbs(edwardsD()).forEach((l, k) =>
      c
        .i32Const(D + 8 * k)
        .i64ConstBig(l)
        .i64Store(),
    );
    callSqn(Y2, Y, 1);
    callMul(V, D, Y2);
    addToLimb0(V, 1); // v = d·y² + 1
    for (let k = 0; k < LIMBS; k++)
      c.i32Const(U + 8 * k)
        .i32Const(Y2 + 8 * k)
        .i64Load()
        .i64Store();
    addToLimb0(U, -1); // u = y² − 1
    callMul(Z, U, V);
    jacobi(c, Z);
    for (const [dst, a, b] of EULER_CHAIN) {
      if (b < 0) callSqn(dst, a, -b);
      else callMul(dst, a, b);
    }
    // Canonical limbs (three carry passes bring any reachable value into [0, 2^255)); the
    // result is 0, 1 or p − 1 modulo p, and of their representatives below 2^255 only p − 1 itself is ≡ −1.
    const at = c.locals(1, I32);
    const r = Array.from({ length: LIMBS }, () => c.locals(1, I64));
    c.i32Const(T).localSet(at);
    load(c, at, r);
    for (let pass = 0; pass < 3; pass++) carry(c, r);
    c.i32Const(1);
    limbs(P - 1n).forEach((l, k) => {
      c.localGet(r[k]).i64ConstBig(l).i64Eq();
      if (k) c.i32And();
    });
    c.i32Xor();
  }
  m.export('check', 'func', check.index);
  return { bytes: m.encode(), meta: undefined };
}

/** Starts compiling the check's module in the background, then checks once (see `compileAhead`). */
export const compileEdwardsYAhead = (): void => compileAhead('edwards-y', () => isEdwardsY(new Uint8Array(32)));

function build(): { memory: WebAssembly.Memory; check: () => number } {
  return new WebAssembly.Instance(fixedModule('edwards-y', typeof WEBSVM_CARRIES_FIXED_MODULES === 'undefined' ? emitEdwardsY : undefined).module, {})
    .exports as unknown as { memory: WebAssembly.Memory; check: () => number };
}

let module: { bytes: Uint8Array; check: () => number } | undefined;

/** `CompressedEdwardsY::from_slice(bytes)` then `decompress().is_some()`: false unless 32 bytes that decompress. */
export function isEdwardsY(bytes: Uint8Array): boolean {
  if (bytes.length !== 32) return false;
  if (!module) {
    const built = build();
    module = { bytes: new Uint8Array(built.memory.buffer, INPUT, 32), check: built.check };
  }
  module.bytes.set(bytes);
  return module.check() === 1;
}
