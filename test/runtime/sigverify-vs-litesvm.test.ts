/**
 * Transaction signature checks on crafted signatures: the same outcome as LiteSVM (Agave's
 * `verify_strict`), including the small-order keys and R that a cofactorless verifier such as
 * OpenSSL accepts.
 */
import { describe, expect, it } from 'vitest';
import { ED25519_TORSION_SUBGROUP } from '@noble/curves/ed25519.js';
import { generateKeyPairSigner, getTransactionDecoder, getTransactionEncoder } from '@solana/kit';
import bs58 from 'bs58';
import { FailedTransactionMetadata, LiteSVM } from 'litesvm';
import { describeError, FailedTransactionMetadata as OurFailed, SVM, TransactionErrorFieldless } from '../../src/index.js';
import { B, challenge, hex, L, Point, scalarBytes } from '../helpers/ed25519.js';
import { Dual, systemTransfer } from '../helpers/dual.js';

/** A legacy message signed by `signer` alone: one instruction to the System program, no accounts. */
const message = (signer: Uint8Array, blockhash: Uint8Array) => Uint8Array.from([1, 0, 1, 2, ...signer, ...new Uint8Array(32), ...blockhash, 1, 1, 0, 0]);

/** The first r ≥ 1 whose challenge with R = [r]B is a multiple of 8 (so a small-order key drops out). */
function grind(key: Uint8Array, m: Uint8Array): { r: Uint8Array; s: bigint } {
  for (let r = 1n; ; r++) {
    const R = B.multiply(r).toBytes();
    if (challenge(R, key, m) % 8n === 0n) return { r: R, s: r };
  }
}

const a = 0x1234567890abcdefn * 987654321n;
const key = B.multiply(a).toBytes();
const mixed = B.multiply(a)
  .add(Point.fromBytes(hex(ED25519_TORSION_SUBGROUP[1])))
  .toBytes();
const cases: { name: string; key: Uint8Array; sign: (m: Uint8Array) => { r: Uint8Array; s: bigint } }[] = [
  { name: 'valid', key, sign: (m) => ({ r: B.multiply(777n).toBytes(), s: (777n + challenge(B.multiply(777n).toBytes(), key, m) * a) % L }) },
  { name: 's + ℓ', key, sign: (m) => ({ r: B.multiply(777n).toBytes(), s: ((777n + challenge(B.multiply(777n).toBytes(), key, m) * a) % L) + L }) },
  { name: 'R the identity', key, sign: (m) => ({ r: hex(ED25519_TORSION_SUBGROUP[0]), s: (challenge(hex(ED25519_TORSION_SUBGROUP[0]), key, m) * a) % L }) },
  {
    // [s]B - [k]A is the identity, which these bytes decode to, but its encoding has no sign bit
    name: 'R the identity, sign bit set',
    key,
    sign: (m) => {
      const r = hex('0100000000000000000000000000000000000000000000000000000000000080');
      return { r, s: (challenge(r, key, m) * a) % L };
    },
  },
  { name: 'key the identity', key: hex(ED25519_TORSION_SUBGROUP[0]), sign: () => ({ r: B.toBytes(), s: 1n }) },
  {
    name: 'key the identity, y = 1 + p',
    key: hex('eeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f'),
    sign: () => ({ r: B.toBytes(), s: 1n }),
  },
  {
    name: 'key the identity, sign bit set',
    key: hex('0100000000000000000000000000000000000000000000000000000000000080'),
    sign: () => ({ r: B.toBytes(), s: 1n }),
  },
  ...[1, 2, 4].map((i) => ({
    name: `key of small order #${i}`,
    key: hex(ED25519_TORSION_SUBGROUP[i]),
    sign: (m: Uint8Array) => grind(hex(ED25519_TORSION_SUBGROUP[i]), m),
  })),
  {
    name: 'key of order 4, y = p',
    key: hex('edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f'),
    sign: (m) => grind(hex('edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f'), m),
  },
  {
    name: 'mixed-order key',
    key: mixed,
    sign: (m) => {
      const g = grind(mixed, m);
      return { r: g.r, s: (g.s + challenge(g.r, mixed, m) * a) % L };
    },
  },
  { name: 'key off the curve', key: bs58.decode('9z5nJyQar1FUxVJxpBXzon6kHehbomeYiDaLi9WAMhCq'), sign: () => ({ r: B.toBytes(), s: 1n }) },
];

describe('signature verification: websvm vs LiteSVM', () => {
  it('accepts and refuses the same crafted signatures', () => {
    const theirs = new LiteSVM();
    const ours = new SVM();
    const decoder = getTransactionDecoder();
    const outcomes: string[] = [];
    for (const c of cases) {
      const send = (blockhash: string, run: (wire: Uint8Array) => string) => {
        const m = message(c.key, bs58.decode(blockhash));
        const { r, s } = c.sign(m);
        return run(Uint8Array.from([1, ...r, ...scalarBytes(s), ...m]));
      };
      const theirError = send(theirs.latestBlockhash(), (wire) => {
        const result = theirs.sendTransaction(decoder.decode(wire) as Parameters<LiteSVM['sendTransaction']>[0]);
        return result instanceof FailedTransactionMetadata ? TransactionErrorFieldless[result.err() as number] : 'ok';
      });
      const ourError = send(ours.latestBlockhash(), (wire) => {
        const result = ours.sendTransaction(wire);
        return result instanceof OurFailed ? describeError(result.outcome.error!) : 'ok';
      });
      expect(ourError, c.name).toBe(theirError);
      outcomes.push(`${c.name}: ${ourError}`);
    }
    // the signer has no lamports: a signature that passes fails on the fee payer instead
    expect(outcomes.filter((o) => o.endsWith('AccountNotFound'))).toEqual(['valid: AccountNotFound', 'mixed-order key: AccountNotFound']);
  });

  it('verifies again a message the caller changed in the Buffer it was sent in', async () => {
    const d = await Dual.create();
    d.ours.withTransactionHistory(0);
    d.theirs.withTransactionHistory(0n);
    const to = (await generateKeyPairSigner()).address;
    const wire = Buffer.from(getTransactionEncoder().encode(await d.transaction([systemTransfer(d.payer, to, 1_000_000n)])));
    expect(d.ours.sendTransaction(wire)).not.toBeInstanceOf(OurFailed);
    wire[wire.length - 5] = 0x10; // a larger amount under the same signature
    const ours = d.ours.sendTransaction(wire);
    const theirs = d.theirs.sendTransaction(getTransactionDecoder().decode(wire) as Parameters<LiteSVM['sendTransaction']>[0]);
    expect(ours instanceof OurFailed && describeError(ours.outcome.error!)).toBe('SignatureFailure');
    expect(theirs instanceof FailedTransactionMetadata && TransactionErrorFieldless[theirs.err() as number]).toBe('SignatureFailure');
  });
});
