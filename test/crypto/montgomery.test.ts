/**
 * The WebAssembly Montgomery arithmetic on 29-bit limbs with deferred carries (crypto/montgomery.ts)
 * against BigInt, on edge and random values below 2q, for the curve moduli and the widest nine
 * limbs take: products, squares, sums, differences, reductions, dot products, Fp2's products, and
 * the byte conversions.
 */
import { describe, expect, it } from 'vitest';
import { ModuleBuilder } from '../../src/jit/wasm/index.js';
import { modInverse } from '../../src/crypto/modular.js';
import {
  emitNarrowFp2,
  emitNarrowDot,
  emitNarrowMontgomery,
  limbsOf,
  NARROW_BITS,
  narrowElementBytes,
  narrowLimbs,
  narrowToWord,
  wordToNarrow,
} from '../../src/crypto/montgomery.js';

/** The most products the narrow arithmetic's dot product takes modulo q here: Poseidon's widest state, if 2^29n/4q allows. */
const dotPairs = (q: bigint) => Math.min(13, Number((2n ** BigInt(NARROW_BITS * narrowLimbs(q)) - 1n) / (4n * q)));

/** Runs `op` of the narrow arithmetic modulo `q` on a and b, through memory. */
function field(q: bigint) {
  const [bits, n, E] = [NARROW_BITS, narrowLimbs(q), narrowElementBytes(narrowLimbs(q))];
  const m = new ModuleBuilder();
  m.defineMemory(1);
  m.export('memory', 'memory', 0);
  const functions = emitNarrowMontgomery(m, q);
  for (const f of ['mul', 'add', 'sub', 'sqr', 'reduce'] as const) m.export(f, 'func', functions[f]);
  const e = new WebAssembly.Instance(new WebAssembly.Module(m.encode()), {}).exports as Record<string, (d: number, a: number, b: number) => void> & {
    memory: WebAssembly.Memory;
  };
  const words = new Uint32Array(e.memory.buffer);
  const put = (at: number, v: bigint) => words.set(limbsOf(v, n, bits), at / 4);
  const get = (at: number) =>
    Array.from(words.subarray(at / 4, at / 4 + n)).reduceRight((v, w) => {
      // A limb wider than its bits is a missed carry, even when the value is right (a plain check:
      // an expect() per limb costs more than the arithmetic it checks).
      if (w >= 2 ** bits) throw new Error(`limb ${w} at ${at} is wider than ${bits} bits`);
      return (v << BigInt(bits)) | BigInt(w);
    }, 0n);
  const run = (op: string, a: bigint, b: bigint) => {
    put(0, a);
    put(E, b);
    e[op](2 * E, 0, E);
    return get(2 * E);
  };
  return { run, rBits: bits * n };
}

/**
 * Checks mul (a·b·R⁻¹), add, sub, sqr and reduce against BigInt on edge values, `extra` ones and
 * 200 random ones, and on each plus q (operands below 2q): results below 2q and congruent.
 */
function checkField(q: bigint, extra: bigint[] = []) {
  const { run, rBits } = field(q);
  const limbs = narrowLimbs(q);
  const rInverse = modInverse(2n ** BigInt(rBits), q);
  let seed = 5;
  const next = () => (seed = (seed * 1103515245 + 12345) >>> 0);
  const random = () => Array.from({ length: limbs + 1 }, next).reduce((v, w) => (v << 32n) | BigInt(w), 0n) % q;
  const reduced = [0n, 1n, 2n, q - 1n, q - 2n, q >> 1n, (q >> 1n) + 1n, ...extra, ...Array.from({ length: 200 }, random)];
  const values = reduced.flatMap((v) => [v, v + q]);
  // Mismatches are collected and compared once: thousands of expect() calls cost more than the checks.
  const wrong: string[] = [];
  const expectModQ = (what: string, a: bigint, b: bigint, got: bigint, want: bigint) => {
    if (got >= 2n * q || got % q !== want) wrong.push(`${what}(${a}, ${b}) = ${got}, want ${want} (mod q)`);
  };
  for (let i = 0; i < values.length; i++) {
    const a = values[i];
    for (const b of [values[(i * 7 + 3) % values.length], a, values[values.length - 1 - i]]) {
      expectModQ('mul', a, b, run('mul', a, b), (a * b * rInverse) % q);
      expectModQ('add', a, b, run('add', a, b), (a + b) % q);
      expectModQ('sub', a, b, run('sub', a, b), (((a - b) % q) + q) % q);
    }
    expectModQ('sqr', a, a, run('sqr', a, 0n), (a * a * rInverse) % q);
    const reduced = run('reduce', a, 0n);
    if (reduced !== a % q) wrong.push(`reduce(${a}) = ${reduced}, want ${a % q}`);
  }
  expect(wrong).toEqual([]);
}

const NARROW_MODULI: Record<string, bigint> = {
  'BN254 r': 21888242871839275222246405745257275088548364400416034343698204186575808495617n,
  'BN254 p': 21888242871839275222246405745257275088696311157297823662689037894645226208583n,
  'secp256k1 p': 2n ** 256n - 2n ** 32n - 977n,
  'secp256k1 n': 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n,
  '2^255 − 19': 2n ** 255n - 19n,
  '2^259 − 2^128 − 1 (not prime; the widest nine limbs take)': 2n ** 259n - 2n ** 128n - 1n,
  'BLS12-381 p (fourteen limbs)': 0x1a0111ea397fe69a4b1ba7b6434bacd764774b84f38512bf6730d2a0f6b0f6241eabfffeb153ffffb9feffffffffaaabn,
};

describe.each(Object.entries(NARROW_MODULI))('Montgomery arithmetic on 29-bit limbs modulo %s', (_, q) => {
  it('multiplies (a·b·2^−29n), squares, adds, subtracts and reduces like BigInt below 2q, at limb and power-of-two boundaries too', () => {
    const bits = q.toString(2).length;
    // Values with runs of ones or zeros across limb boundaries: 2^k ± 1 and 2^k − 1 for every k.
    const boundaries = Array.from({ length: bits - 1 }, (_, k) => [2n ** BigInt(k + 1) - 1n, 2n ** BigInt(k + 1), 2n ** BigInt(k + 1) + 1n]).flat();
    checkField(q, [...boundaries, ...boundaries.map((v) => q - v)]);
  });
});

describe.each(Object.entries(NARROW_MODULI))('dot products on 29-bit limbs modulo %s', (_, q) => {
  it('sums up to 13 products (Σ a_k·b_k·2^−29n, below 2q) like BigInt, the largest operands too', () => {
    const DOT_PAIRS = dotPairs(q);
    const n = narrowLimbs(q);
    const E = narrowElementBytes(n);
    const m = new ModuleBuilder();
    m.defineMemory(1);
    m.export('memory', 'memory', 0);
    m.export('dot', 'func', emitNarrowDot(m, q, DOT_PAIRS));
    const e = new WebAssembly.Instance(new WebAssembly.Module(m.encode()), {}).exports as {
      memory: WebAssembly.Memory;
      dot(d: number, n: number, a: number, b: number): void;
    };
    const words = new Uint32Array(e.memory.buffer);
    const rInverse = modInverse(2n ** BigInt(NARROW_BITS * n), q);
    let seed = 11;
    const next = () => (seed = (seed * 1103515245 + 12345) >>> 0);
    const random = () => Array.from({ length: n }, next).reduce((v, w) => (v << 32n) | BigInt(w), 0n) % q;
    const B = DOT_PAIRS * E;
    for (let round = 0; round < 60; round++) {
      const count = 1 + (round % DOT_PAIRS);
      // Every operand 2q − 1 (the largest sums), 0, 1 and q, then random ones below 2q.
      const pick = () => (round < DOT_PAIRS ? 2n * q - 1n : round < 2 * DOT_PAIRS ? [0n, 1n, q, 2n * q - 1n][next() % 4] : random() + (next() & 1 ? q : 0n));
      const [a, b] = [Array.from({ length: count }, pick), Array.from({ length: count }, pick)];
      a.forEach((v, k) => words.set(limbsOf(v, n, NARROW_BITS), (k * E) / 4));
      b.forEach((v, k) => words.set(limbsOf(v, n, NARROW_BITS), (B + k * E) / 4));
      e.dot(2 * B, count, 0, B);
      const got = Array.from(words.subarray((2 * B) / 4, (2 * B) / 4 + n)).reduceRight((v, w) => {
        expect(w).toBeLessThan(2 ** NARROW_BITS);
        return (v << BigInt(NARROW_BITS)) | BigInt(w);
      }, 0n);
      expect(got).toBeLessThan(2n * q);
      expect(got % q).toBe((a.reduce((sum, v, k) => sum + v * b[k], 0n) * rInverse) % q);
    }
  });
});

// The Fp2 products need 16q below 2^29n: not the widest modulus nine limbs take.
const FP2_MODULI = Object.entries(NARROW_MODULI).filter(([, q]) => 16n * q < 2n ** BigInt(NARROW_BITS * narrowLimbs(q)));
describe.each(FP2_MODULI)('Fp2 products on 29-bit limbs modulo %s', (_, q) => {
  it('multiplies and squares in Fp[u]/(u² + 1) (each part ·2^−29n, below 2q) like BigInt, the largest operands too', () => {
    const n = narrowLimbs(q);
    const E = narrowElementBytes(n);
    const m = new ModuleBuilder();
    m.defineMemory(1);
    m.export('memory', 'memory', 0);
    const { mul2, sqr2 } = emitNarrowFp2(m, q);
    m.export('mul2', 'func', mul2);
    m.export('sqr2', 'func', sqr2);
    const e = new WebAssembly.Instance(new WebAssembly.Module(m.encode()), {}).exports as {
      memory: WebAssembly.Memory;
      mul2(d: number, a: number, b: number): void;
      sqr2(d: number, a: number): void;
    };
    const words = new Uint32Array(e.memory.buffer);
    const rInverse = modInverse(2n ** BigInt(NARROW_BITS * n), q);
    const put = (at: number, [v0, v1]: bigint[]) => {
      words.set(limbsOf(v0, n, NARROW_BITS), at / 4);
      words.set(limbsOf(v1, n, NARROW_BITS), (at + E) / 4);
    };
    const get = (at: number) =>
      [at, at + E].map((part) =>
        Array.from(words.subarray(part / 4, part / 4 + n)).reduceRight((v, w) => {
          expect(w).toBeLessThan(2 ** NARROW_BITS);
          return (v << BigInt(NARROW_BITS)) | BigInt(w);
        }, 0n),
      );
    const check = (got: bigint[], want: bigint[]) => {
      for (const [k, v] of got.entries()) {
        expect(v).toBeLessThan(2n * q);
        expect(v % q).toBe((((want[k] * rInverse) % q) + q) % q);
      }
    };
    let seed = 17;
    const next = () => (seed = (seed * 1103515245 + 12345) >>> 0);
    const random = () => Array.from({ length: n }, next).reduce((v, w) => (v << 32n) | BigInt(w), 0n) % q;
    const edges = [0n, 1n, q - 1n, q, q + 1n, 2n * q - 1n];
    for (let round = 0; round < 200; round++) {
      const pick = () => (round < 72 ? edges[next() % edges.length] : random() + (next() & 1 ? q : 0n));
      const [a, b] = [
        [pick(), pick()],
        [pick(), pick()],
      ];
      put(0, a);
      put(2 * E, b);
      e.mul2(4 * E, 0, 2 * E);
      check(get(4 * E), [a[0] * b[0] - a[1] * b[1], a[0] * b[1] + a[1] * b[0]]);
      e.sqr2(4 * E, 0);
      check(get(4 * E), [a[0] * a[0] - a[1] * a[1], 2n * a[0] * a[1]]);
      e.mul2(0, 0, 2 * E); // in place
      check(get(0), [a[0] * b[0] - a[1] * b[1], a[0] * b[1] + a[1] * b[0]]);
    }
  });
});

describe.each([32, 48])('narrow limbs and %i-byte words', (bytes) => {
  it('convert both ways in both byte orders', () => {
    const bits = 8 * bytes;
    const limbs = Math.ceil(bits / NARROW_BITS) + 1;
    const words = new Uint32Array(limbs + 2);
    const out = new Uint8Array(bytes);
    let seed = 7;
    const next = () => (seed = (seed * 1103515245 + 12345) >>> 0);
    const top = 2n ** BigInt(bits);
    const values = [0n, 1n, top - 1n, top / 2n, ...Array.from({ length: bits }, (_, k) => 2n ** BigInt(k) + BigInt(next()))].map((v) => v % top);
    for (const v of values) {
      const be = Uint8Array.from(Buffer.from(v.toString(16).padStart(2 * bytes, '0'), 'hex'));
      for (const le of [false, true]) {
        const input = le ? be.slice().reverse() : be;
        words.fill(0xffffffff);
        wordToNarrow(words, 1, input, 0, le, limbs, bytes);
        expect(Array.from(words.subarray(1, 1 + limbs))).toEqual(limbsOf(v, limbs, NARROW_BITS));
        narrowToWord(words, 1, out, 0, le, bytes);
        expect(out).toEqual(input);
      }
    }
  });
});
