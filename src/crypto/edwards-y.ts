/**
 * Whether 32 bytes are the compressed y of an Edwards25519 point, exactly as curve25519-dalek's
 * `CompressedEdwardsY::decompress().is_some()` decides it — the test behind every program-derived
 * address (an address is valid only off the curve) and behind `sol_curve_validate_point`.
 *
 * dalek reads y from the low 255 bits without requiring y < p (it reduces mod p), ignores the
 * sign bit (x = 0 with the sign bit set decompresses to x = 0), and accepts when
 * u/v = (y² − 1)/(d·y² + 1) is a square or zero; v is never zero since −1/d is not a square. So
 * the answer is Euler's criterion: (u·v)^((p−1)/2) ≠ −1.
 *
 * The arithmetic runs in a small WebAssembly module built with our own emitter: field elements of
 * ten signed 64-bit limbs of alternately 26 and 25 bits (ref10's layout), so every partial product
 * and every sum of ten fits an i64. Built and instantiated synchronously on first use.
 */
import { type Code, ModuleBuilder, ValType } from '../jit/wasm/index.js';
import { edwardsD, P25519 as P } from './edwards25519.js';
import { compileAhead, fixedModule, type EmittedModule } from './fixed-modules.js';

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
