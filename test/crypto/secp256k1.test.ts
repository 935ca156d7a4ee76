/**
 * secp256k1 public-key recovery on our curve arithmetic against @noble/curves' recoverPublicKey
 * (which the syscall used before, and which LiteSVM's libsecp256k1 agrees with): valid signatures
 * under all four recovery ids, and r, s, ids and hashes at and past their limits.
 */
import { describe, expect, it } from 'vitest';
import { secp256k1 } from '@noble/curves/secp256k1.js';
import { recoverSecp256k1, SECP256K1_N } from '../../src/crypto/secp256k1.js';

const P = 2n ** 256n - 2n ** 32n - 977n;
const be32 = (v: bigint) => Uint8Array.from(Buffer.from(v.toString(16).padStart(64, '0'), 'hex'));

function reference(hash: Uint8Array, id: number, sig: Uint8Array): Uint8Array | undefined {
  try {
    return secp256k1.Signature.fromBytes(sig, 'compact').addRecoveryBit(id).recoverPublicKey(hash).toBytes(false).subarray(1);
  } catch {
    return undefined;
  }
}

describe('secp256k1 recovery', () => {
  it('recovers what noble recovers, and refuses what it refuses', () => {
    let seed = 17;
    const next = () => (seed = (seed * 1103515245 + 12345) >>> 0);
    const word = () => Array.from({ length: 8 }, next).reduce((v, w) => (v << 32n) | BigInt(w), 0n);
    const cases: [Uint8Array, number, Uint8Array][] = [];
    for (let i = 0; i < 24; i++) {
      const hash = be32(word());
      const signed = secp256k1.sign(hash, be32(word() % SECP256K1_N || 1n), { prehash: false, format: 'recovered' });
      for (let id = 0; id < 4; id++) cases.push([hash, id, signed.subarray(1)]);
    }
    const edges = [0n, 1n, 2n, SECP256K1_N - 1n, SECP256K1_N, SECP256K1_N + 1n, P - SECP256K1_N - 1n, P - SECP256K1_N, 2n ** 256n - 1n];
    for (const r of edges)
      for (const s of [1n, SECP256K1_N - 1n, SECP256K1_N, 0n])
        for (let id = 0; id < 4; id++) cases.push([be32(word()), id, new Uint8Array([...be32(r), ...be32(s)])]);
    for (let i = 0; i < 40; i++) cases.push([be32(i % 3 ? word() : 0n), i % 4, new Uint8Array([...be32(word()), ...be32(word())])]);
    for (const [hash, id, sig] of cases)
      expect(recoverSecp256k1(hash, id, sig), `${Buffer.from(sig).toString('hex')} id ${id}`).toEqual(reference(hash, id, sig));
    expect(cases.filter(([h, id, s]) => recoverSecp256k1(h, id, s)).length).toBeGreaterThan(60);
  });
});
