/**
 * Transactions whose inspector pages the tests load and the docs screenshot shows: the Anchor-style
 * counter's initialize (an IDL, a CPI to the System program, a created account), and instructions
 * of our C programs through kit transactions.
 */
import { readFileSync } from 'node:fs';
import {
  appendTransactionMessageInstructions,
  createTransactionMessage,
  generateKeyPairSigner,
  lamports,
  pipe,
  setTransactionMessageFeePayerSigner,
  setTransactionMessageLifetimeUsingBlockhash,
  signTransactionMessageWithSigners,
  type Address,
  type Blockhash,
  type Instruction,
  type KeyPairSigner,
} from '@solana/kit';
import { AnchorProgram, SVM, type AnchorIdl } from '../../src/index.js';

const root = new URL('../../', import.meta.url);

/** An SVM with profiling on and a funded payer. */
export async function profiledSvm(): Promise<{ svm: SVM; payer: KeyPairSigner }> {
  const svm = new SVM().withProfiling();
  const payer = await generateKeyPairSigner();
  svm.airdrop(payer.address, lamports(10_000_000_000n));
  return { svm, payer };
}

/** An instruction: accounts with kit's roles (bit 0 writable, bit 1 signer). */
export interface PlainInstruction {
  programAddress: Address;
  accounts: { address: Address; role: number }[];
  data: Uint8Array;
}

/** A signed transaction of `instructions` paid by `payer`, signed by it and `signers`. */
export async function transaction(svm: SVM, payer: KeyPairSigner, instructions: PlainInstruction[], signers: KeyPairSigner[] = []) {
  const bySigner = new Map([payer, ...signers].map((s) => [s.address, s]));
  const signed = instructions.map((ix) => ({
    ...ix,
    accounts: ix.accounts.map((a) => {
      const signer = bySigner.get(a.address);
      return signer && a.role >= 2 ? { ...a, signer } : a;
    }),
  })) as unknown as Instruction[];
  return pipe(
    createTransactionMessage({ version: 0 }),
    (m) => setTransactionMessageFeePayerSigner(payer, m),
    (m) => appendTransactionMessageInstructions(signed, m),
    (m) => setTransactionMessageLifetimeUsingBlockhash({ blockhash: svm.latestBlockhash() as Blockhash, lastValidBlockHeight: 0n }, m),
    (m) => signTransactionMessageWithSigners(m),
  );
}

/** Sends `instructions` paid by `payer`, signed by it and `signers`. */
export async function send(svm: SVM, payer: KeyPairSigner, instructions: PlainInstruction[], signers: KeyPairSigner[] = []) {
  return svm.sendTransaction(await transaction(svm, payer, instructions, signers));
}

/** Deploys `programs/bin/<name>.so` at a new address. */
export async function deploy(svm: SVM, name: string): Promise<Address> {
  const id = (await generateKeyPairSigner()).address;
  svm.addProgram(id, new Uint8Array(readFileSync(new URL(`programs/bin/${name}.so`, root))));
  return id;
}

/** The counter's initialize, its IDL known to the SVM (`useIdl`). */
export async function counterInitialize(): Promise<{ result: ReturnType<SVM['sendTransaction']>; counter: AnchorProgram; state: string; payer: string }> {
  const { svm, payer } = await profiledSvm();
  const idl = JSON.parse(readFileSync(new URL('Anchor-like-examples/counter/idl/counter.json', root), 'utf8')) as AnchorIdl;
  const counter = new AnchorProgram(idl);
  svm.useIdl(counter);
  svm.addProgram(counter.programId, new Uint8Array(readFileSync(new URL('Anchor-like-examples/counter/program/counter.so', root))));
  const state = await generateKeyPairSigner();
  const ix = counter.instruction('initialize', { start: 41n }, { counter: state.address, authority: payer.address });
  const instruction = {
    programAddress: ix.programAddress as Address,
    accounts: ix.accounts.map((a) => ({ address: a.address as Address, role: a.role })),
    data: ix.data,
  };
  const result = await send(svm, payer, [instruction], [state]);
  return { result, counter, state: state.address, payer: payer.address };
}
