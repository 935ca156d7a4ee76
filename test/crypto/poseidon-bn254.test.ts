/**
 * Our rearranged Poseidon (sparse partial rounds, constants carried forward, WebAssembly
 * arithmetic) against the textbook permutation @noble/curves builds from the same constants, for
 * every width and many inputs: the rearrangement must not change a single bit. Our Grain LFSR gives
 * the same constants as @noble/curves' for every width.
 */
import { describe, expect, it } from 'vitest';
import { grainGenConstants, poseidon } from '@noble/curves/abstract/poseidon.js';
import { bn254 } from '@noble/curves/bn254.js';
import { BN254_FR, emitPoseidonBn254, Poseidon, poseidonBn254 } from '../../src/crypto/poseidon-bn254.js';
import { bundledForm, fixedModule } from '../../src/crypto/fixed-modules.js';
import { grainConstants } from '../../src/crypto/poseidon-grain.js';

const Fr = bn254.fields.Fr;
const PARTIAL_ROUNDS = [56, 57, 56, 60, 60, 63, 64, 63, 60, 66, 60, 65];

const permutations = new Map<number, (state: bigint[]) => bigint[]>();
/** The textbook permutation's first output, for field elements. */
function reference(values: bigint[]): bigint {
  const t = values.length + 1;
  let permute = permutations.get(t);
  if (!permute) {
    const opts = { Fp: Fr, t, roundsFull: 8, roundsPartial: PARTIAL_ROUNDS[t - 2] };
    const { mds, roundConstants } = grainGenConstants(opts);
    permute = poseidon({ ...opts, sboxPower: 5, mds, roundConstants });
    permutations.set(t, permute);
  }
  return permute([0n, ...values])[0];
}

const be = (v: bigint) => Uint8Array.from(Buffer.from(v.toString(16).padStart(64, '0'), 'hex'));
const value = (bytes: Uint8Array) => BigInt(`0x${Buffer.from(bytes).toString('hex')}`);

describe('Poseidon constants from the Grain LFSR', () => {
  it("are @noble/curves' round constants and MDS matrix for every width", () => {
    for (let t = 2; t <= 13; t++) {
      const expected = grainGenConstants({ Fp: Fr, t, roundsFull: 8, roundsPartial: PARTIAL_ROUNDS[t - 2] });
      expect(grainConstants(BN254_FR, t, 8, PARTIAL_ROUNDS[t - 2])).toEqual({ roundConstants: expected.roundConstants, mds: expected.mds });
    }
  });
  it('the schedule images a bundle carries hash as schedules computed on first use, for every width', () => {
    const name = 'poseidon-bn254';
    const form = JSON.parse(JSON.stringify(bundledForm(emitPoseidonBn254(true)))) as ReturnType<typeof bundledForm>;
    const bundled = fixedModule(name, (): ReturnType<typeof emitPoseidonBn254> => expect.fail('the carried form must be used'), { [name]: form });
    const carried = new Poseidon(bundled.module, bundled.meta.schedules);
    expect(Object.keys(bundled.meta.schedules).length).toBeGreaterThan(0);
    const computed = new Poseidon(bundled.module, {});
    for (let n = 12; n >= 1; n--) {
      // Widths laid out in another order than the carrier's, so images land at other addresses.
      const inputs = Array.from({ length: n }, (_, i) => be(BigInt(1000 * n + i) ** 20n % BN254_FR));
      expect(carried.hash(inputs, false)).toEqual(computed.hash(inputs, false));
      expect(value(carried.hash(inputs, false)!)).toBe(reference(inputs.map(value)));
    }
  });
});

describe('Poseidon over BN254', () => {
  it('equals the textbook permutation for every width, edge and random inputs, both byte orders', () => {
    let seed = 99;
    const next = () => (seed = (seed * 1103515245 + 12345) >>> 0);
    const element = () => Array.from({ length: 8 }, next).reduce((v, w) => (v << 32n) | BigInt(w), 0n) % BN254_FR;
    for (let n = 1; n <= 12; n++) {
      const cases = [Array(n).fill(0n), Array(n).fill(BN254_FR - 1n), ...Array.from({ length: 8 }, () => Array.from({ length: n }, element))];
      for (const values of cases) {
        const expected = reference(values);
        expect(value(poseidonBn254(values.map(be), false)!)).toBe(expected);
        expect(
          value(
            poseidonBn254(
              values.map((v) => be(v).reverse()),
              true,
            )!.reverse(),
          ),
        ).toBe(expected);
      }
    }
  });

  it('refuses an input that is not below r', () => {
    expect(poseidonBn254([be(BN254_FR)], false)).toBeUndefined();
    expect(poseidonBn254([be(1n), be(2n ** 256n - 1n)], false)).toBeUndefined();
    expect(poseidonBn254([be(BN254_FR).reverse()], true)).toBeUndefined();
  });
});
