/** Kit transactions reach the runtime as exactly what kit's own encoder writes: the same bytes, or parts that decode the same. */
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
import { toTransaction } from '../../src/api/inputs.js';
import { decodeSignedMessage, decodeTransaction, encodeTransaction, wireLength } from '../../src/runtime/message.js';

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
      for (const tx of transactions) {
        const kitBytes = new Uint8Array(encoder.encode(tx));
        const ours = toTransaction(tx);
        if (ours instanceof Uint8Array) expect(ours).toEqual(kitBytes);
        else {
          expect(encodeTransaction(ours.signatures, ours.messageBytes)).toEqual(kitBytes);
          expect(wireLength(ours)).toBe(kitBytes.length);
          expect(decodeSignedMessage(ours)).toEqual(decodeTransaction(kitBytes));
        }
      }
    }
  });
});
