/**
 * The Ed25519 module's scalar work against BigInt and @noble/hashes: the reduction of a 512-bit
 * hash mod ℓ (random inputs, and inputs whose residue sits at the edges: 0, ℓ - 1, around 2^252),
 * SHA-512 of R ‖ A ‖ M reduced (every length across the padding's one- and two-block cases) and
 * the NAF digits (widths 5 and 7) the ladder reads, and w = v·s mod ℓ for half-size scalars; and
 * its point encoding (whose inversion runs safegcd) against @noble/curves.
 */
import { describe, expect, it } from 'vitest';
import { emitEd25519, type Ed25519Exports } from '../../src/runtime/ed25519/module.js';
import { sha512 } from '@noble/hashes/sha2.js';
import { L, littleEndian, Point } from '../helpers/ed25519.js';
import { POINT } from '../../src/runtime/ed25519/module.js';

const random = (n: number) => crypto.getRandomValues(new Uint8Array(n));
const bytesOf = (x: bigint, n: number) => Uint8Array.from({ length: n }, (_, i) => Number((x >> BigInt(8 * i)) & 0xffn));

describe('Ed25519 module scalars', () => {
  const { bytes, meta } = emitEd25519();
  const wasm = new WebAssembly.Instance(new WebAssembly.Module(bytes)).exports as unknown as Ed25519Exports;
  wasm.initialize();
  const reduced = (x: bigint) => {
    const memory = new Uint8Array(wasm.memory.buffer);
    memory.set(bytesOf(x, 64), meta.scalar);
    wasm.reduceScalar();
    return littleEndian(memory.slice(meta.scalar, meta.scalar + 32));
  };

  it('reduces 512-bit numbers mod ℓ to the canonical residue', () => {
    const max = (1n << 512n) - 1n;
    const edges = [0n, 1n, L - 1n, L, L + 1n, 1n << 252n, (1n << 252n) - 1n, max, max - 1n, (max / L) * L, (max / L) * L - 1n];
    for (const x of edges) expect(reduced(x), x.toString(16)).toBe(x % L);
    for (let i = 0; i < 3000; i++) {
      const x = littleEndian(random(64));
      expect(reduced(x)).toBe(x % L);
      // a random multiple of ℓ plus a residue at an edge
      const q = littleEndian(random(33)) % (max / L);
      for (const residue of [0n, 1n, L - 1n, 1n << 252n, (1n << 252n) - 1n, (1n << 252n) + littleEndian(random(15))])
        expect(reduced(q * L + residue)).toBe(residue);
      // long runs of ones and zeros
      const runs = random(64).map((b) => (b & 1 ? 0xff : 0));
      expect(reduced(littleEndian(runs))).toBe(littleEndian(runs) % L);
    }
  });

  it('hashes with SHA-512 and reduces mod ℓ, for any length', () => {
    const at = meta.heap;
    const lengths = [...Array.from({ length: 400 }, (_, i) => i), 1232 + 64, 5000];
    for (const length of lengths) {
      const message = random(length);
      new Uint8Array(wasm.memory.buffer).set(message, at);
      wasm.challenge(at, length);
      const k = littleEndian(new Uint8Array(wasm.memory.buffer).slice(meta.scalar, meta.scalar + 32));
      expect(k, `length ${length}`).toBe(littleEndian(sha512(message)) % L);
    }
  });

  it('writes width-5 and width-7 NAF digits that sum to the scalar (of 32 bytes, or of the first 16)', () => {
    const out = meta.heap;
    const scalars = [0n, 1n, 31n, 32n, L - 1n, (1n << 253n) - 1n, (1n << 252n) + 15n, (1n << 128n) - 1n, 1n << 127n];
    for (let i = 0; i < 2000; i++) scalars.push(littleEndian(random(32)) >> BigInt(3 + (i % 200)));
    for (const [k, width, length] of scalars.flatMap((k) => [5, 7].flatMap((width) => [32, 16].map((length) => [k, width, length] as const)))) {
      const memory = new Uint8Array(wasm.memory.buffer);
      memory.fill(0x55, out, out + 256);
      memory.set(bytesOf(k, 32), meta.scalarIn); // 16 bytes: the rest must not be read
      const top = wasm.naf(meta.scalarIn, length, out, width);
      const digits = Array.from(memory.subarray(out, out + 256), (b) => (b << 24) >> 24);
      expect(digits.reduce((sum, d, i) => sum + (BigInt(d) << BigInt(i)), 0n)).toBe(k % (1n << BigInt(8 * length)));
      expect(top).toBe(digits.reduce((at, d, i) => (d !== 0 ? i + 1 : at), 0));
      digits.forEach((d, i) => {
        if (d === 0) return;
        expect(Math.abs(d) % 2 === 1 && Math.abs(d) < 1 << (width - 1)).toBe(true);
        expect(digits.slice(i + 1, i + width).every((e) => e === 0)).toBe(true);
      });
    }
  });

  it('multiplies v (below 2^160) by s and reduces mod ℓ', () => {
    const edges = [0n, 1n, (1n << 160n) - 1n];
    for (let i = 0; i < 500; i++) {
      const v = i < 9 ? edges[i % 3]! : littleEndian(random(20)) >> BigInt(i % 40);
      const s = i < 9 ? [0n, 1n, L - 1n][Math.floor(i / 3)]! : littleEndian(random(32)) % L;
      const memory = new Uint8Array(wasm.memory.buffer);
      memory.set(bytesOf(v, 32), meta.halves + 32);
      memory.set(bytesOf(s, 32), meta.scalarIn);
      wasm.timesV();
      expect(littleEndian(new Uint8Array(wasm.memory.buffer).slice(meta.scalar, meta.scalar + 32))).toBe((v * s) % L);
    }
  });

  it('encodes points as @noble/curves does, whatever their Z (the inversion)', () => {
    const [base, acc] = [meta.heap, meta.heap + POINT];
    new Uint8Array(wasm.memory.buffer).set(Point.BASE.toBytes(), meta.bytesIn);
    expect(wasm.decompress(base)).toBe(1);
    const encoded = () => new Uint8Array(wasm.memory.buffer).slice(meta.bytesOut, meta.bytesOut + 32);
    wasm.identity(acc);
    wasm.compress(acc);
    expect(encoded()).toEqual(Point.ZERO.toBytes());
    // acc runs through k·B for k = 1 … 300, doubling now and then, so Z takes many values
    let k = 0n;
    for (let i = 1; i <= 300; i++) {
      if (i % 7 === 0) {
        wasm.doubleTimes(acc, 1 + (i % 3));
        k <<= BigInt(1 + (i % 3));
      } else {
        wasm.addPoint(acc, base);
        k += 1n;
      }
      wasm.compress(acc);
      expect(encoded(), `${k}·B`).toEqual(Point.BASE.multiply(k % L).toBytes());
    }
  });
});
