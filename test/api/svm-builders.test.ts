/** LiteSVM's builder methods: a minimal SVM made whole step by step. */
import { describe, expect, it } from 'vitest';
import { generateKeyPairSigner, lamports } from '@solana/kit';
import { LiteSVM as OracleSVM } from 'litesvm';
import { SVM, TransactionMetadata } from '../../src/index.js';

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
    const svm = SVM.default()
      .withBuiltins()
      .withSysvars()
      .withPrecompiles()
      .withLamports(10n ** 15n);
    expect(svm.getAccount('11111111111111111111111111111111').exists).toBe(true);
    expect(svm.getClock().slot).toBe(OracleSVM.default().withSysvars().getClock().slot);
    expect(svm.getAccount('Secp256r1SigVerify1111111111111111111111111').exists).toBe(true);
    const alice = (await generateKeyPairSigner()).address;
    expect(svm.airdrop(alice, lamports(1_000_000_000n))).toBeInstanceOf(TransactionMetadata);
    expect(svm.getBalance(alice)).toBe(1_000_000_000n);
  });
});
