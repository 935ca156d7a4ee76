/**
 * The ZK ElGamal Proof program in websvm and in LiteSVM: every proof instruction with valid
 * proofs (made by zk-sdk's prover: zk-elgamal-proof-vectors.json, see
 * scripts/generate-zk-elgamal-vectors.mjs) and with corrupted ones, read from the instruction data
 * or from an account, context-state accounts and CloseContextState, the feature gates — with the
 * same results, logs, compute units and accounts.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { address, generateKeyPairSigner, type Address, type Instruction, type KeyPairSigner } from '@solana/kit';
import { FeatureSet as OracleFeatures, LiteSVM } from 'litesvm';
import bs58 from 'bs58';
import { Dual, meta, setBoth, systemCreateAccount } from '../helpers/dual.js';
import { bytes, u32 } from '../helpers/encoding.js';
import { FeatureSet, SVM } from '../../src/index.js';

const ZK = address('ZkE1Gama1Proof11111111111111111111111111111');
const COMPUTE_BUDGET = address('ComputeBudget111111111111111111111111111111');
const vectors = JSON.parse(readFileSync(new URL('./zk-elgamal-proof-vectors.json', import.meta.url), 'utf8')) as Record<string, string[]>;

/** Proof kinds by discriminator, with their context lengths. */
const KINDS = [
  ['ZeroCiphertext', 96],
  ['CiphertextCiphertextEquality', 192],
  ['CiphertextCommitmentEquality', 128],
  ['PubkeyValidity', 32],
  ['PercentageWithCap', 104],
  ['BatchedRangeProofU64', 264],
  ['BatchedRangeProofU128', 264],
  ['BatchedRangeProofU256', 264],
  ['GroupedCiphertext2HandlesValidity', 160],
  ['BatchedGroupedCiphertext2HandlesValidity', 256],
  ['GroupedCiphertext3HandlesValidity', 224],
  ['BatchedGroupedCiphertext3HandlesValidity', 352],
] as const;
const proof = (kind: string, i = 0) => Uint8Array.from(Buffer.from(vectors[kind][i], 'hex'));

const computeUnitLimit = (units: number): Instruction => ({ programAddress: COMPUTE_BUDGET, accounts: [], data: bytes(2, u32(units)) });
const verifyIx = (discriminator: number, data: Uint8Array, accounts: Instruction['accounts'] = []): Instruction => ({
  programAddress: ZK,
  accounts,
  data: bytes(discriminator, data),
});
/** Proofs too long for a transaction's instruction data are read from an account. */
const fitsInData = (data: Uint8Array) => data.length < 1050;

/** A fresh pair with an account holding `data` (owned by the System program) to read proofs from. */
async function withProofAccount(d: Dual, data: Uint8Array): Promise<Address> {
  const holder = (await generateKeyPairSigner()).address;
  setBoth(d, holder, { lamports: 1_000_000_000n, data, owner: address('11111111111111111111111111111111') });
  return holder;
}

/** Verifies `data` of proof kind `discriminator` on both sides, from the instruction data or an account. */
async function expectSameVerification(d: Dual, discriminator: number, data: Uint8Array): Promise<string | undefined> {
  const budget = computeUnitLimit(400_000);
  if (fitsInData(data)) return (await d.expectSame([budget, verifyIx(discriminator, data)])).error;
  const holder = await withProofAccount(d, data);
  return (await d.expectSame([budget, verifyIx(discriminator, u32(0), [meta(holder, false)])])).error;
}

describe('ZK ElGamal Proof program: websvm vs LiteSVM', () => {
  it('has the same native-loader account', () => {
    const ours = new SVM().getAccount(ZK);
    const theirs = new LiteSVM().getAccount(ZK);
    expect(ours).toEqual(theirs);
  });

  it.each(KINDS.map(([kind], i) => [kind, i + 1] as const))('accepts valid %s proofs (instruction %i)', async (kind, discriminator) => {
    const d = await Dual.create();
    for (let i = 0; i < vectors[kind].length; i++) expect(await expectSameVerification(d, discriminator, proof(kind, i))).toBeUndefined();
    // Without a compute-unit request: the default budget of an sBPF instruction (200 000 units).
    if (fitsInData(proof(kind))) await d.expectSame([verifyIx(discriminator, proof(kind))]);
  });

  it.each(KINDS.map(([kind], i) => [kind, i + 1] as const))('refuses corrupted %s proofs the same way', async (kind, discriminator) => {
    const d = await Dual.create();
    const valid = proof(kind);
    const errors = new Set<string | undefined>();
    for (let unit = 0; unit < valid.length / 32; unit++) {
      for (const corrupt of [(b: Uint8Array) => (b[0] ^= 1), (b: Uint8Array) => b.fill(0), (b: Uint8Array) => b.fill(0xff)]) {
        const data = valid.slice();
        corrupt(data.subarray(32 * unit, 32 * unit + 32));
        const error = await expectSameVerification(d, discriminator, data);
        // A range proof's unused commitment slots are zero already: zeroing one changes nothing.
        if (data.some((b, i) => b !== valid[i])) errors.add(error);
      }
    }
    if (valid.length % 32 !== 0)
      errors.add(
        await expectSameVerification(
          d,
          discriminator,
          valid.map((b, i) => (i >= valid.length - 8 ? b ^ 0x80 : b)),
        ),
      );
    expect(errors).not.toContain(undefined);
  });

  it('refuses malformed instructions and proof accounts the same way', async () => {
    const d = await Dual.create();
    const valid = proof('PubkeyValidity');
    const holder = await withProofAccount(d, bytes(new Uint8Array(7), valid));
    const cases: Instruction[] = [
      { programAddress: ZK, accounts: [], data: new Uint8Array(0) },
      { programAddress: ZK, accounts: [], data: bytes(13) },
      { programAddress: ZK, accounts: [], data: bytes(255, valid) },
      verifyIx(4, valid.subarray(1)),
      verifyIx(4, bytes(valid, 0)),
      verifyIx(4, u32(7)),
      verifyIx(4, u32(7), [meta(holder, false)]),
      verifyIx(4, u32(8), [meta(holder, false)]),
      verifyIx(4, u32(0xffff_ffff), [meta(holder, false)]),
      verifyIx(1, u32(7), [meta(holder, false)]),
      { programAddress: ZK, accounts: [], data: bytes(4, 0, 0, 0) },
    ];
    for (const ix of cases) await d.expectSame([ix]);
    await d.expectSame([computeUnitLimit(2_599), verifyIx(4, valid)]);
    await d.expectSame([computeUnitLimit(2_600), verifyIx(4, valid)]);
  });

  it('records context states and closes them', async () => {
    const d = await Dual.create();
    const [context, authority, other] = await Promise.all([1, 2, 3].map(() => generateKeyPairSigner()));
    const valid = proof('ZeroCiphertext');
    const rent = d.theirs.minimumBalanceForRentExemption(129n);
    const create = (account: KeyPairSigner, space: bigint, owner: Address = ZK) => systemCreateAccount(d.payer, account, rent, space, owner);
    const withContext = (data = valid, accounts = [meta(context.address, true), meta(authority.address, false)]) => verifyIx(1, data, accounts);
    const close = (signer: KeyPairSigner, to: Address = other.address, signs = true): Instruction => ({
      programAddress: ZK,
      accounts: [meta(context.address, true), meta(to, true), signs ? meta(signer.address, false, signer) : meta(signer.address, false)],
      data: bytes(0),
    });
    const accounts = [context.address, other.address];
    const same = async (instructions: Instruction[]) => (await d.expectSame(instructions, accounts)).error;

    expect(await same([create(context, 128n), withContext()])).toBeDefined(); // one byte short
    const wrongOwner = await generateKeyPairSigner();
    expect(
      await same([
        create(wrongOwner, 129n, address('11111111111111111111111111111111')),
        verifyIx(1, valid, [meta(wrongOwner.address, true), meta(authority.address, false)]),
      ]),
    ).toBe('InstructionError(1, InvalidAccountOwner)');
    expect(await same([create(context, 129n), withContext()])).toBeUndefined();
    expect(await same([withContext()])).toBe('InstructionError(0, AccountAlreadyInitialized)');
    expect(await same([close(other)])).toBe('InstructionError(0, InvalidAccountOwner)');
    expect(await same([close(authority, other.address, false)])).toBe('InstructionError(0, MissingRequiredSignature)');
    expect(await same([close(authority, context.address)])).toBe('InstructionError(0, InvalidInstructionData)');
    expect(await same([{ programAddress: ZK, accounts: [meta(context.address, true), meta(other.address, true)], data: bytes(0) }])).toBeDefined();
    expect(await same([close(authority)])).toBeUndefined();
    expect(await same([close(authority)])).toBeDefined(); // closed: no data left
    // The proof read from an account, its context recorded in the next one.
    const holder = await withProofAccount(d, valid);
    const second = await generateKeyPairSigner();
    expect(
      await same([create(second, 129n), verifyIx(1, u32(0), [meta(holder, false), meta(second.address, true), meta(authority.address, false)])]),
    ).toBeUndefined();
    d.expectSameAccounts([second.address]);
  });

  it('follows the feature gates that add, disable and re-enable the program', async () => {
    const oursOf = (change: (f: FeatureSet) => void) => {
      const f = FeatureSet.mainnet();
      change(f);
      return f;
    };
    const theirsOf = (ours: FeatureSet) => {
      const f = new OracleFeatures();
      for (const [id, slot] of ours.inner.entries()) f.activate(bs58.decode(id), slot);
      return f;
    };
    const gates = FeatureSet.ids;
    for (const change of [
      (f: FeatureSet) => f.deactivate(gates.reenableZkElGamalProofProgram),
      (f: FeatureSet) => f.deactivate(gates.disableZkElGamalProofProgram),
      (f: FeatureSet) => f.deactivate(gates.zkElGamalProofProgramEnabled),
    ]) {
      const features = oursOf(change);
      const d = await Dual.create();
      const ours = SVM.default().withFeatureSet(features).withBuiltins().withSysvars().withSigverify(true);
      const theirs = LiteSVM.default().withFeatureSet(theirsOf(features)).withBuiltins().withSysvars().withSigverify(true);
      Object.assign(d, { ours, theirs });
      setBoth(d, d.payer.address, { lamports: 10_000_000_000n, owner: address('11111111111111111111111111111111') });
      expect(d.ours.getAccount(ZK)).toEqual(d.theirs.getAccount(ZK));
      await d.expectSame([verifyIx(4, proof('PubkeyValidity'))]);
    }
  });
});
