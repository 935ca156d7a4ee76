/**
 * BLS12-381 syscalls (programs/bls12_381.c) in websvm and in LiteSVM: decompression, validation,
 * group operations and pairings for both byte orders, with valid, invalid, off-subgroup and
 * non-canonical inputs, and the InvalidAttribute failures. Logs, units and results must match.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { address, type Address } from '@solana/kit';
import { bls12_381 } from '@noble/curves/bls12-381.js';
import { ComputeBudget, FeatureSet, InstructionHarness } from '../../src/index.js';
import { deployBoth, Dual, toggled } from '../helpers/dual.js';
import { bytes, programElf } from '../helpers/encoding.js';

const elf = programElf('bls12_381');
const { G1, G2 } = bls12_381;
const Fp = bls12_381.fields.Fp;
const ORDER = bls12_381.fields.Fr.ORDER;

/** The little-endian form: each coordinate (each `chunk` bytes) reversed. */
const le = (b: Uint8Array, chunk: number) => {
  const out = new Uint8Array(b.length);
  for (let at = 0; at < b.length; at += chunk) out.set(b.slice(at, at + chunk).reverse(), at);
  return out;
};
const scalar = (v: bigint, little: boolean) => {
  const b = new Uint8Array(32);
  for (let i = 31; i >= 0; i--, v >>= 8n) b[i] = Number(v & 0xffn);
  return little ? b.reverse() : b;
};

/** A G1 point on the curve but outside the prime-order subgroup (x‖y, big-endian, no flags). */
function offSubgroupG1(): Uint8Array {
  for (let x = 5n; ; x++) {
    const rhs = Fp.add(Fp.mul(Fp.sqr(x), x), 4n);
    let y: bigint;
    try {
      y = Fp.sqrt(rhs);
    } catch {
      continue;
    }
    const p = G1.Point.fromAffine({ x, y });
    if (p.isTorsionFree()) continue;
    return bytes(Fp.toBytes(x), Fp.toBytes(y));
  }
}

describe('BLS12-381 syscalls, websvm vs LiteSVM', () => {
  let d: Dual;
  let program: Address;
  beforeAll(async () => {
    d = await Dual.create();
    program = await deployBoth(d, elf);
  });
  const run = (data: Uint8Array) => d.expectSame([{ programAddress: program, accounts: [], data }]);
  const status = (r: { logs: string[] }) => r.logs.find((l) => l.startsWith('Program log: '));

  const groups = [
    { name: 'G1', id: 5, point: G1.Point.BASE.multiply(11n), coordinate: 48 },
    { name: 'G2', id: 6, point: G2.Point.BASE.multiply(13n), coordinate: 96 },
  ] as const;

  for (const g of groups) {
    for (const little of [false, true]) {
      const id = little ? g.id : g.id | 0x80;
      const enc = (p: { toBytes(c: boolean): Uint8Array }, compressed = false) => {
        const raw = p.toBytes(compressed);
        return little ? le(raw, g.coordinate) : raw;
      };
      const P = g.point;
      const Q = (P as typeof G1.Point.BASE).double() as unknown as typeof P;
      it(`${g.name} ${little ? 'LE' : 'BE'}: decompress and validate`, async () => {
        expect(status(await run(bytes(0, id, enc(P, true))))).toBe('Program log: 0x0, 0x0, 0x0, 0x0, 0x0');
        await run(bytes(0, id, new Uint8Array(g.coordinate)));
        const broken = enc(P, true);
        broken[little ? 0 : g.coordinate - 1] ^= 1;
        await run(bytes(0, id, broken));
        expect(status(await run(bytes(1, id, enc(P))))).toBe('Program log: 0x0, 0x0, 0x0, 0x0, 0x0');
        await run(bytes(1, id, enc(P.constructor === G1.Point ? G1.Point.ZERO : G2.Point.ZERO)));
        await run(bytes(1, id, new Uint8Array(2 * g.coordinate)));
        const offCurve = enc(P);
        offCurve[little ? 2 * g.coordinate - 1 : 2 * g.coordinate - 1] ^= 1;
        await run(bytes(1, id, offCurve));
      });
      it(`${g.name} ${little ? 'LE' : 'BE'}: add, subtract, multiply`, async () => {
        const pad = new Uint8Array(2 * g.coordinate - 32);
        expect(status(await run(bytes(2, id, 0, enc(P), enc(Q))))).toBe('Program log: 0x0, 0x0, 0x0, 0x0, 0x0');
        await run(bytes(2, id, 1, enc(P), enc(P)));
        await run(bytes(2, id, 1, enc(P), enc(Q)));
        expect(status(await run(bytes(2, id, 2, scalar(12345n, little), pad, enc(P))))).toBe('Program log: 0x0, 0x0, 0x0, 0x0, 0x0');
        await run(bytes(2, id, 2, scalar(0n, little), pad, enc(P)));
        await run(bytes(2, id, 2, scalar(ORDER, little), pad, enc(P)));
        await run(bytes(2, id, 0, new Uint8Array(2 * g.coordinate), enc(P)));
        expect((await run(bytes(2, id, 3, enc(P), enc(P)))).error).toBe('InstructionError(0, ProgramFailedToComplete)');
      });
    }
  }

  it('G1 points outside the subgroup', async () => {
    const off = offSubgroupG1();
    const P = G1.Point.BASE.toBytes(false);
    await run(bytes(1, 0x85, off));
    await run(bytes(2, 0x85, 0, off, P));
    await run(bytes(2, 0x85, 1, P, off));
    await run(bytes(2, 0x85, 2, scalar(3n, false), new Uint8Array(64), off));
  });

  it('pairings of 0, 1, 3, 8 and 9 pairs, both byte orders, and a bad point', async () => {
    const ps = [G1.Point.BASE, G1.Point.BASE.multiply(5n), G1.Point.BASE.multiply(7n)];
    const qs = [G2.Point.BASE, G2.Point.BASE.multiply(3n), G2.Point.BASE.negate()];
    for (const little of [false, true]) {
      const id = little ? 4 : 0x84;
      const g1 = (p: (typeof ps)[number]) => (little ? le(p.toBytes(false), 48) : p.toBytes(false));
      const g2 = (q: (typeof qs)[number]) => (little ? le(q.toBytes(false), 96) : q.toBytes(false));
      for (const n of [0, 1, 3]) {
        const r = await run(bytes(3, id, n, ...ps.slice(0, n).map(g1), ...qs.slice(0, n).map(g2)));
        expect(status(r)).toBe('Program log: 0x0, 0x0, 0x0, 0x0, 0x0');
      }
      await run(bytes(3, id, 1, new Uint8Array(96), g2(qs[0])));
      // Points at infinity (the Zcash flag) in either place: such a pair counts as one.
      const infinity = (size: number) => {
        const b = new Uint8Array(size);
        b[little ? size / 2 - 1 : 0] = 0x40;
        return b;
      };
      const withInfinity = await run(bytes(3, id, 2, infinity(96), g1(ps[1]), g2(qs[1]), g2(qs[2])));
      expect(status(withInfinity)).toBe('Program log: 0x0, 0x0, 0x0, 0x0, 0x0');
      await run(bytes(3, id, 2, g1(ps[1]), g1(ps[2]), infinity(192), g2(qs[1])));
      await run(bytes(3, id, 1, infinity(96), infinity(192)));
    }
    // Nine pairs: past SIMD-0388's batch of eight, in a transaction larger than a packet (LiteSVM does
    // not check the size; we are told not to).
    d.ours.withTransactionSizeLimit(false);
    const batch = (n: number) => bytes(3, 0x84, n, ...Array(n).fill(ps[1].toBytes(false)), ...Array(n).fill(qs[1].toBytes(false)));
    expect(status(await run(batch(8)))).toBe('Program log: 0x0, 0x0, 0x0, 0x0, 0x0');
    expect(status(await run(batch(9)))).toBe('Program log: 0x1, 0x0, 0x0, 0x0, 0x0');
    d.ours.withTransactionSizeLimit(true);
  });

  it('unknown curve ids fail with InvalidAttribute', async () => {
    const P = G1.Point.BASE.toBytes(false);
    for (const data of [bytes(0, 2, P), bytes(0, 4, P), bytes(2, 0x84, 0, P, P), bytes(3, 5, 0), bytes(1, 0x87, P)]) {
      const r = await run(data);
      expect(r.logs.at(-1)).toMatch(/failed: InvalidAttribute$/);
    }
  });
});

describe('BLS12-381 syscalls with enable_bls12_381_syscall off, websvm vs LiteSVM', () => {
  // Only the runtime-checked ids are compared: LiteSVM keeps sol_curve_decompress and
  // sol_curve_pairing_map registered after the gate is switched off, where Agave registers them
  // only with the gate on (as websvm does).
  it('validation and group operations refuse the BLS ids', async () => {
    const d = await Dual.create();
    const [ours, theirs] = toggled(FeatureSet.ids.enableBls12381Syscall, false);
    d.ours.withFeatureSet(ours);
    d.theirs.withFeatureSet(theirs);
    const program = await deployBoth(d, elf);
    const P = G1.Point.BASE.toBytes(false);
    for (const data of [bytes(1, 0x85, P), bytes(2, 0x85, 0, P, P), bytes(1, 6, P, P), bytes(2, 6, 1, P, P, P, P)]) {
      const r = d.send(await d.transaction([{ programAddress: program, accounts: [], data }]));
      expect(r.ours).toEqual(r.theirs);
      expect(r.ours.logs.at(-1)).toMatch(/failed: InvalidAttribute$/);
    }
    // websvm alone: without the gate the two syscalls are unregistered, so calling one fails as an unknown call.
    const r = d.send(await d.transaction([{ programAddress: program, accounts: [], data: bytes(0, 0x85, G1.Point.BASE.toBytes(true)) }]));
    expect(r.ours.logs.at(-1)).toMatch(/failed: unsupported BPF instruction$/);
  });
});

describe('BLS12-381 prices in ComputeBudget (websvm only: LiteSVM’s budget lacks them)', () => {
  it('a re-priced G1 addition and pairing change the units by exactly the difference', () => {
    const id = address('B1s12381Prices11111111111111111111111111111');
    const P = G1.Point.BASE.toBytes(false);
    const add = { programAddress: id, accounts: [], data: bytes(2, 0x85, 0, P, P) };
    const pair = { programAddress: id, accounts: [], data: bytes(3, 0x84, 2, P, P, G2.Point.BASE.toBytes(false), G2.Point.BASE.toBytes(false)) };
    const plain = new InstructionHarness().addProgram(id, elf);
    const budget = new ComputeBudget();
    budget.bls12381G1AddCost += 1000n;
    budget.bls12381AdditionalPairCost += 7n;
    const repriced = new InstructionHarness().addProgram(id, elf).withComputeBudget(budget);
    expect(repriced.process(add, []).computeUnitsConsumed).toBe(plain.process(add, []).computeUnitsConsumed + 1000n);
    expect(repriced.process(pair, []).computeUnitsConsumed).toBe(plain.process(pair, []).computeUnitsConsumed + 7n);
  });
});
