/** What the examples' tests share: Anchor's `program.methods…rpc()` flow over websvm's SVM. */
import {
  appendTransactionMessageInstructions,
  createTransactionMessage,
  pipe,
  setTransactionMessageFeePayerSigner,
  signTransactionMessageWithSigners,
  type Instruction,
  type KeyPairSigner,
} from '@solana/kit';
import type { AnchorInstruction, SVM } from 'websvm';

/**
 * Signs instructions with the given signers (the first pays the fee) and sends them, like
 * Anchor's `.rpc()`. Returns the SVM's result.
 */
export async function rpc(svm: SVM, instructions: AnchorInstruction | AnchorInstruction[], signers: KeyPairSigner[]) {
  const bySigner = new Map<string, KeyPairSigner>(signers.map((s) => [s.address, s]));
  const ixs = (Array.isArray(instructions) ? instructions : [instructions]).map((ix) => {
    const accounts = ix.accounts.map((a) => (a.role & 2 && bySigner.has(a.address) ? { ...a, signer: bySigner.get(a.address) } : a));
    return { ...ix, accounts } as unknown as Instruction;
  });
  const tx = await pipe(
    createTransactionMessage({ version: 0 }),
    (m) => setTransactionMessageFeePayerSigner(signers[0], m),
    (m) => appendTransactionMessageInstructions(ixs, m),
    (m) => svm.setTransactionMessageLifetimeUsingLatestBlockhash(m),
    (m) => signTransactionMessageWithSigners(m),
  );
  return svm.sendTransaction(tx);
}
