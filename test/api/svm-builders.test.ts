/** LiteSVM's builder methods: a minimal SVM made whole step by step, native mints, and what is not bundled. */
import { describe, expect, it } from 'vitest';
import { generateKeyPairSigner, lamports } from '@solana/kit';
import { LiteSVM as OracleSVM } from 'litesvm';
import { LiteSVM, SVM, TransactionMetadata, WebsvmError } from '../../src/index.js';
import { BUNDLED, bundledElf } from '../helpers/bundled-programs.js';

describe('SVM builders', () => {
  it('default() is minimal, like LiteSVM.default()', async () => {
    const svm = SVM.default();
    const theirs = OracleSVM.default();
    for (const id of ['11111111111111111111111111111111', 'SysvarC1ock11111111111111111111111111111111', 'Ed25519SigVerify111111111111111111111111111']) {
      expect(svm.getAccount(id).exists).toBe(false);
      expect(theirs.getAccount(id as never).exists).toBe(false);
    }
  });

  it('withBuiltins, withSysvars and withPrecompiles restore the standard setup', async () => {
    const svm = SVM.default().withBuiltins().withSysvars().withPrecompiles().withLamports(10n ** 15n);
    expect(svm.getAccount('11111111111111111111111111111111').exists).toBe(true);
    expect(svm.getClock().slot).toBe(440_208_000n);
    expect(svm.getAccount('Secp256r1SigVerify1111111111111111111111111').exists).toBe(true);
    const alice = (await generateKeyPairSigner()).address;
    expect(svm.airdrop(alice, lamports(1_000_000_000n))).toBeInstanceOf(TransactionMetadata);
    expect(svm.getBalance(alice)).toBe(1_000_000_000n);
  });

  it('withNativeMints adds wrapped SOL for the deployed token programs, as LiteSVM', () => {
    const svm = new LiteSVM();
    svm.addProgram(BUNDLED.splToken, bundledElf(BUNDLED.splToken));
    svm.withNativeMints();
    const theirs = new OracleSVM().withNativeMints();
    const ours = svm.getAccount('So11111111111111111111111111111111111111112');
    const oracle = theirs.getAccount('So11111111111111111111111111111111111111112' as never);
    expect(ours).toMatchObject({ exists: true, programAddress: BUNDLED.splToken });
    expect(oracle.exists && ours.exists && [ours.lamports, ours.data]).toEqual(oracle.exists && [oracle.lamports, oracle.data]);
    expect(svm.getAccount('9pan9bMn5HatX4EJdBwg9VgCa7Uz5HL8N1m5D3NdXejP').exists).toBe(false);
  });

  it('withDefaultPrograms explains that the SPL programs are not bundled', () => {
    expect(() => new SVM().withDefaultPrograms()).toThrow(WebsvmError);
  });
});
