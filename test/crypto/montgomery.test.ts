/**
 * The WebAssembly Montgomery arithmetic (crypto/montgomery.ts) against BigInt, for moduli with
 * two free top bits (the no-carry path) and without (the full path), on edge and random values.
 */
import { describe, expect, it } from 'vitest';
import { ModuleBuilder } from '../../src/jit/wasm/index.js';
import { emitMontgomery, limbsOf } from '../../src/crypto/montgomery.js';

const MODULI: Record<string, bigint | [bigint, number]> = {
  'BN254 p': 21888242871839275222246405745257275088696311157297823662689037894645226208583n,
  'secp256k1 p': 2n ** 256n - 2n ** 32n - 977n,
  'secp256k1 n': 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n,
  '2^255 − 19': 2n ** 255n - 19n,
  'BLS12-381 p (twelve limbs)': [0x1a0111ea397fe69a4b1ba7b6434bacd764774b84f38512bf6730d2a0f6b0f6241eabfffeb153ffffb9feffffffffaaabn, 12],
  '2^383 − 31 (twelve limbs, full path)': [2n ** 383n - 31n, 12],
};

function field(q: bigint, limbs: number) {
  const E = 4 * limbs;
  const m = new ModuleBuilder();
  m.defineMemory(1);
  m.export('memory', 'memory', 0);
  const { mul, add, sub } = emitMontgomery(m, q, limbs);
  m.export('mul', 'func', mul);
  m.export('add', 'func', add);
  m.export('sub', 'func', sub);
  const e = new WebAssembly.Instance(new WebAssembly.Module(m.encode()), {}).exports as Record<string, (d: number, a: number, b: number) => void> & {
    memory: WebAssembly.Memory;
  };
  const words = new Uint32Array(e.memory.buffer);
  const put = (at: number, v: bigint) => words.set(limbsOf(v, limbs), at / 4);
  const get = (at: number) => Array.from(words.subarray(at / 4, at / 4 + limbs)).reduceRight((v, w) => (v << 32n) | BigInt(w), 0n);
  const run = (op: string, a: bigint, b: bigint) => {
    put(0, a);
    put(E, b);
    e[op](2 * E, 0, E);
    return get(2 * E);
  };
  return run;
}

describe.each(Object.entries(MODULI))('Montgomery arithmetic modulo %s', (_, modulus) => {
  const [q, limbs] = typeof modulus === 'bigint' ? [modulus, 8] : modulus;
  it('multiplies (a·b·2^−32n), adds and subtracts like BigInt', () => {
    const run = field(q, limbs);
    const rInverse = (() => {
      let result = 1n;
      for (let e = q - 2n, b = 2n ** BigInt(32 * limbs) % q; e > 0n; e >>= 1n, b = (b * b) % q) if (e & 1n) result = (result * b) % q;
      return result;
    })();
    let seed = 5;
    const next = () => (seed = (seed * 1103515245 + 12345) >>> 0);
    const random = () => Array.from({ length: limbs }, next).reduce((v, w) => (v << 32n) | BigInt(w), 0n) % q;
    const values = [0n, 1n, 2n, q - 1n, q - 2n, q >> 1n, (q >> 1n) + 1n, ...Array.from({ length: 200 }, random)];
    for (let i = 0; i < values.length; i++) {
      const a = values[i];
      const b = values[(i * 7 + 3) % values.length];
      expect(run('mul', a, b)).toBe((a * b * rInverse) % q);
      expect(run('add', a, b)).toBe((a + b) % q);
      expect(run('sub', a, b)).toBe((((a - b) % q) + q) % q);
    }
  });
});
