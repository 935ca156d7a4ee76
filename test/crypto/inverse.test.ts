/**
 * The WebAssembly modular inversion (crypto/inverse.ts, Bernstein–Yang divsteps) against BigInt's
 * extended Euclid, on 29-bit limbs, for the moduli the curve modules use (nine and fourteen limbs)
 * and more, on edge and random values.
 */
import { describe, expect, it } from 'vitest';
import { ModuleBuilder } from '../../src/jit/wasm/index.js';
import { emitInverse } from '../../src/crypto/inverse.js';
import { limbsOf, NARROW_BITS, narrowLimbs } from '../../src/crypto/montgomery.js';
import { modInverse } from '../../src/crypto/modular.js';

const MODULI: [string, bigint][] = [
  ['BN254 p', 21888242871839275222246405745257275088696311157297823662689037894645226208583n],
  ['BN254 r', 21888242871839275222246405745257275088548364400416034343698204186575808495617n],
  ['secp256k1 p', 2n ** 256n - 2n ** 32n - 977n],
  ['secp256k1 n', 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n],
  ['2^255 − 19', 2n ** 255n - 19n],
  ['a small odd modulus', 1000003n],
  ['BLS12-381 p', 0x1a0111ea397fe69a4b1ba7b6434bacd764774b84f38512bf6730d2a0f6b0f6241eabfffeb153ffffb9feffffffffaaabn],
  ['2^383 − 31', 2n ** 383n - 31n],
];

describe.each(MODULI)('modular inversion modulo %s', (_, q) => {
  const limbs = narrowLimbs(q);
  it('inverts like BigInt, and gives 0 for 0', () => {
    const m = new ModuleBuilder();
    m.defineMemory(1);
    m.export('memory', 'memory', 0);
    m.export('invert', 'func', emitInverse(m, q, limbs));
    const e = new WebAssembly.Instance(new WebAssembly.Module(m.encode()), {}).exports as {
      memory: WebAssembly.Memory;
      invert(dst: number, src: number): void;
    };
    const words = new Uint32Array(e.memory.buffer);
    const get = (at: number) => Array.from(words.subarray(at / 4, at / 4 + limbs)).reduceRight((v, w) => (v << BigInt(NARROW_BITS)) | BigInt(w), 0n);
    let seed = 3;
    const next = () => (seed = (seed * 1103515245 + 12345) >>> 0);
    const random = () => Array.from({ length: limbs }, next).reduce((v, w) => (v << 32n) | BigInt(w), 0n) % q;
    const values = [0n, 1n, 2n, 3n, q - 1n, q - 2n, q >> 1n, (q >> 1n) + 1n, ...Array.from({ length: 2000 }, random)];
    for (const x of values) {
      words.set(limbsOf(x, limbs, NARROW_BITS), 0);
      e.invert(64, 0);
      expect(get(64)).toBe(x === 0n ? 0n : modInverse(x, q));
      e.invert(0, 0); // in place
      expect(get(0)).toBe(x === 0n ? 0n : modInverse(x, q));
    }
  });
});
