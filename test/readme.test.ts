/** The README's examples, kept true. */
import { expect, it } from 'vitest';
import {
  appendTransactionMessageInstructions,
  createSolanaRpc,
  createTransactionMessage,
  generateKeyPairSigner,
  lamports,
  pipe,
  setTransactionMessageFeePayerSigner,
  signTransactionMessageWithSigners,
} from '@solana/kit';
import { assemble, execute, SVM, TransactionMetadata } from '../src/index.js';
import { startValidator } from '../src/validator/index.js';

it('first example: a program in a transaction', async () => {
  const svm = new SVM();
  const alice = await generateKeyPairSigner();
  const programId = (await generateKeyPairSigner()).address;
  svm.airdrop(alice.address, lamports(1_000_000_000n));
  svm.addProgramFromFile(programId, new URL('../programs/bin/logging.so', import.meta.url).pathname);
  const signedTx = await pipe(
    createTransactionMessage({ version: 0 }),
    (m) => setTransactionMessageFeePayerSigner(alice, m),
    (m) => appendTransactionMessageInstructions([{ programAddress: programId, accounts: [], data: new Uint8Array(0) }], m),
    (m) => svm.setTransactionMessageLifetimeUsingLatestBlockhash(m),
    (m) => signTransactionMessageWithSigners(m),
  );
  const result = svm.sendTransaction(signedTx);
  if (!(result instanceof TransactionMetadata)) throw new Error(result.toString());
  expect(result.logs()[0]).toBe(`Program ${programId} invoke [1]`);
  expect(result.logs()).toContain('Program log: hello from websvm');
  expect(result.computeUnitsConsumed()).toBeGreaterThan(0n);
});

it('VM-level example', () => {
  const exe = assemble('mov r0, 40\nadd r0, 2\nexit', { sbpfVersion: 0 });
  expect(execute(exe)).toEqual({ ok: true, value: 42n, instructions: 3n });
});

it('local validator example', async () => {
  const validator = await startValidator({ port: 0 });
  try {
    const rpc = createSolanaRpc(validator.rpcUrl);
    expect(typeof (await rpc.getVersion().send())['solana-core']).toBe('string');
    expect((await rpc.getSlot().send()) >= 0n).toBe(true);
  } finally {
    await validator.close();
  }
});
