/**
 * The alt_bn128 and poseidon syscalls (programs/bn254.c) in websvm and in LiteSVM: G1/G2
 * addition and multiplication, pairings, compression, Poseidon hashes, both endiannesses, invalid
 * points, lengths and parameters.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { bn254 } from '@noble/curves/bn254.js';
import type { Address } from '@solana/kit';
import { deployBoth, Dual } from '../helpers/dual.js';
import { programElf } from '../helpers/encoding.js';

const be = (v: bigint) => Uint8Array.from(Buffer.from(v.toString(16).padStart(64, '0'), 'hex'));
const cat = (...parts: ArrayLike<number>[]) => Uint8Array.from(parts.flatMap((p) => Array.from(p)));
type A1 = { x: bigint; y: bigint };
type A2 = { x: { c0: bigint; c1: bigint }; y: { c0: bigint; c1: bigint } };
const g1 = (p: A1) => cat(be(p.x), be(p.y));
const g2 = (q: A2) => cat(be(q.x.c1), be(q.x.c0), be(q.y.c1), be(q.y.c0));
/** The LE layout: every 32-byte word reversed, G2 words in (c0, c1) order. */
const le1 = (b: Uint8Array) => cat(...[0, 32].map((o) => b.slice(o, o + 32).reverse()));
const le2 = (b: Uint8Array) => cat(...[32, 0, 96, 64].map((o) => b.slice(o, o + 32).reverse()));
const G = bn254.G1.Point.BASE;
const H = bn254.G2.Point.BASE;
const P1 = g1(G.multiply(5n).toAffine());
const P2 = g1(G.multiply(11n).toAffine());
const Q1 = g2(H.multiply(3n).toAffine() as A2);
const Q2 = g2(H.multiply(7n).toAffine() as A2);
const NEG = g1(G.negate().toAffine());
const Hb = g2(H.toAffine() as A2);
const Gb = g1(G.toAffine());
const BAD = cat(be(1n), be(3n));
const R = bn254.fields.Fr.ORDER;

describe('alt_bn128: websvm vs LiteSVM', () => {
  let d: Dual;
  let program: Address;
  beforeAll(async () => {
    d = await Dual.create();
    program = await deployBoth(d, programElf('bn254'));
  });
  const same = async (kind: number, op: number, input: Uint8Array) => {
    const r = d.send(await d.transaction([{ programAddress: program, accounts: [], data: cat([kind, op], input) }]));
    expect(r.ours, `${kind}/${op}`).toEqual(r.theirs);
    return r.ours;
  };

  it('G1 addition and multiplication, BE and LE, valid and invalid', async () => {
    for (const [op, input] of [
      [0, cat(P1, P2)],
      [0, cat(P1, new Uint8Array(64))],
      [0, P1],
      [0, cat(P1, BAD)],
      [0, cat(P1, P2, [0])],
      [0x80, cat(le1(P1), le1(P2))],
      [2, cat(P1, be(123456789n))],
      [2, cat(P1, be(R + 5n))],
      [2, cat(P1, be(2n), [1])],
      [0x82, cat(le1(P1), be(77n).reverse())],
      [1, cat(P1, P2)],
      [9, P1],
    ] as const) {
      await same(0, op, input);
    }
  });

  it('G2 addition and multiplication', async () => {
    for (const [op, input] of [
      [4, cat(Q1, Q2)],
      [4, cat(Q1, new Uint8Array(128))],
      [0x84, cat(le2(Q1), le2(Q2))],
      [6, cat(Q1, be(99n))],
      [0x86, cat(le2(Q1), be(99n).reverse())],
      [6, cat(Q1, Q2)],
      [5, Q1],
    ] as const) {
      await same(0, op, input);
    }
  });

  it('input lengths: big-endian G1 operations pad short input, little-endian G1 and every G2 operation take the exact length', async () => {
    for (const op of [0, 2, 0x80, 0x82, 4, 6, 0x84, 0x86]) {
      const g2 = (op & 0x7f) >= 4;
      const point = g2 ? ((op & 0x80) !== 0 ? le2(Q1) : Q1) : (op & 0x80) !== 0 ? le1(P1) : P1;
      // Empty input (all identity once padded), one point alone, one byte short of a point.
      for (const input of [new Uint8Array(0), point, point.subarray(0, point.length - 1)]) await same(0, op, input);
    }
  });

  it('pairings: a product that is one, one that is not, empty, zero points, bad lengths', async () => {
    for (const [op, input] of [
      [3, cat(Gb, Hb, NEG, Hb)],
      [3, cat(P1, Q1)],
      [3, new Uint8Array(0)],
      [3, cat(new Uint8Array(64), Hb)],
      [3, cat(Gb, Hb).subarray(0, 191)],
      [0x83, cat(le1(Gb), le2(Hb), le1(NEG), le2(Hb))],
    ] as const) {
      await same(0, op, input);
    }
  });

  it('compression and decompression round trips', async () => {
    for (const [op, input] of [
      [0, P1],
      [0, NEG],
      [0, new Uint8Array(64)],
      [0x80, le1(P1)],
      [1, P1.subarray(0, 32)],
      [1, be(1n | (0x80n << 248n))],
      [1, be(5n)],
      [2, Q1],
      [0x82, le2(Q1)],
      [3, Q1.subarray(0, 64)],
      [1, P1],
      [4, P1],
    ] as const) {
      await same(1, op, input as Uint8Array);
    }
  });

  it('poseidon: 1 to 12 inputs, both endiannesses, and every refusal', async () => {
    const inputs = (n: number, fill = 1) => cat(...Array.from({ length: n }, (_, i) => be(BigInt(fill + i))));
    for (const [endianness, n, params, data] of [
      [0, 1, 0, inputs(1)],
      [0, 2, 0, inputs(2)],
      [1, 3, 0, inputs(3)],
      [0, 12, 0, inputs(12)],
      [0, 13, 0, inputs(13)],
      [0, 2, 0, cat(inputs(1), new Uint8Array(32).fill(0xff))],
      [0, 2, 0, inputs(1)],
      [0, 0, 0, new Uint8Array(0)],
      [2, 1, 0, inputs(1)],
      [0, 1, 1, inputs(1)],
    ] as const) {
      await same(2, endianness, cat([n, params], data));
    }
  });

  it('poseidon: every width with random field elements (and r − 1), both endiannesses', async () => {
    let seed = 7;
    const next = () => (seed = (seed * 1103515245 + 12345) >>> 0);
    const element = () => Array.from({ length: 8 }, next).reduce((v, w) => (v << 32n) | BigInt(w), 0n) % R;
    for (let n = 1; n <= 12; n++) {
      for (const endianness of [0, 1]) {
        const values = Array.from({ length: n }, (_, i) => (i === n - 1 && endianness ? R - 1n : element()));
        const data = cat(...values.map((v) => (endianness ? be(v).reverse() : be(v))));
        await same(2, endianness, cat([n, 0], data));
      }
    }
  });
});
