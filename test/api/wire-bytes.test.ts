/** Kit transactions reach the runtime as exactly the bytes kit's own encoder writes. */
import { describe, expect, it } from 'vitest';
import {
  appendTransactionMessageInstructions,
  AccountRole,
  blockhash,
  compileTransaction,
  createTransactionMessage,
  generateKeyPairSigner,
  getTransactionEncoder,
  partiallySignTransactionMessageWithSigners,
  pipe,
  setTransactionMessageFeePayerSigner,
  setTransactionMessageLifetimeUsingBlockhash,
  type Instruction,
  type KeyPairSigner,
} from '@solana/kit';
import { toWireBytes } from '../../src/api/inputs.js';

const message = (payer: KeyPairSigner, instructions: Instruction[], version: 0 | 'legacy') =>
  pipe(
    createTransactionMessage({ version }),
    (m) => setTransactionMessageFeePayerSigner(payer, m),
    (m) => setTransactionMessageLifetimeUsingBlockhash({ blockhash: blockhash('11111111111111111111111111111111'), lastValidBlockHeight: 0n }, m),
    (m) => appendTransactionMessageInstructions(instructions, m),
  );

describe('kit transactions on the wire', () => {
  it('one signer, several signers, a missing signature, legacy and v0', async () => {
    const [payer, second, third] = await Promise.all([generateKeyPairSigner(), generateKeyPairSigner(), generateKeyPairSigner()]);
    const program = (await generateKeyPairSigner()).address;
    const signedBy = (...signers: KeyPairSigner[]): Instruction => ({
      programAddress: program,
      accounts: signers.map((s) => ({ address: s.address, role: AccountRole.READONLY_SIGNER, signer: s })),
      data: Uint8Array.of(1, 2, 3),
    });
    const encoder = getTransactionEncoder();
    for (const version of [0, 'legacy'] as const) {
      const transactions = [
        await partiallySignTransactionMessageWithSigners(message(payer, [signedBy()], version)),
        await partiallySignTransactionMessageWithSigners(message(payer, [signedBy(second, third)], version)),
        compileTransaction(message(payer, [signedBy(second)], version)), // no signature at all yet
      ];
      for (const tx of transactions) expect(toWireBytes(tx)).toEqual(new Uint8Array(encoder.encode(tx)));
    }
  });
});
