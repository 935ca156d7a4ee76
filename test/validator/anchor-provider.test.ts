/**
 * An @coral-xyz/anchor `AnchorProvider` over a web3.js `Connection` to the validator, running the
 * counter example through Anchor's own client: `methods…rpc()` (signed, sent and confirmed over
 * JSON-RPC), `account.fetch`, and an event read back from the transaction's logs.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as anchor from '@coral-xyz/anchor';
import { Connection, Keypair, LAMPORTS_PER_SOL } from '@solana/web3.js';
import { SVM } from '../../src/index.js';
import { startValidator, type Validator } from '../../src/validator/index.js';

const root = new URL('../../Anchor-like-examples/counter/', import.meta.url);
const idl = JSON.parse(readFileSync(new URL('idl/counter.json', root), 'utf8')) as anchor.Idl;

describe('validator with an Anchor provider', () => {
  let v: Validator;
  let provider: anchor.AnchorProvider;

  beforeAll(async () => {
    const svm = new SVM();
    svm.addProgramFromFile(idl.address, new URL('program/counter.so', root).pathname);
    v = await startValidator({ port: 0, svm });
    const connection = new Connection(v.rpcUrl, 'confirmed');
    provider = new anchor.AnchorProvider(connection, new anchor.Wallet(Keypair.generate()), { commitment: 'confirmed' });
    await connection.confirmTransaction({
      signature: await connection.requestAirdrop(provider.publicKey, 10 * LAMPORTS_PER_SOL),
      ...(await connection.getLatestBlockhash()),
    });
  });
  afterAll(() => v.close());

  it("initializes and increments the counter through Anchor's Program, and reads it back", async () => {
    const program = new anchor.Program(idl, provider);
    const counter = Keypair.generate();
    const accounts = program.account as unknown as Record<string, anchor.AccountClient>;
    await program.methods.initialize(new anchor.BN(41)).accounts({ counter: counter.publicKey, authority: provider.publicKey }).signers([counter]).rpc();
    expect(((await accounts.counter.fetch(counter.publicKey)) as { count: anchor.BN }).count.toString()).toBe('41');

    const signature = await program.methods.increment().accounts({ counter: counter.publicKey, authority: provider.publicKey }).rpc();
    expect(((await accounts.counter.fetch(counter.publicKey)) as { count: anchor.BN }).count.toString()).toBe('42');

    // The transaction as the validator keeps it, and the program's event in its logs.
    const tx = await provider.connection.getTransaction(signature, { commitment: 'confirmed', maxSupportedTransactionVersion: 0 });
    expect(tx?.meta?.err).toBeNull();
    const events = [...new anchor.EventParser(program.programId, program.coder).parseLogs(tx?.meta?.logMessages ?? [])];
    expect(events.length).toBeGreaterThan(0);
  });

  it('a failing constraint comes back as an Anchor error with its code', async () => {
    const program = new anchor.Program(idl, provider);
    const counter = Keypair.generate();
    await program.methods.initialize(new anchor.BN(1)).accounts({ counter: counter.publicKey, authority: provider.publicKey }).signers([counter]).rpc();
    const stranger = Keypair.generate();
    const failed = program.methods.increment().accounts({ counter: counter.publicKey, authority: stranger.publicKey }).signers([stranger]).rpc();
    await expect(failed).rejects.toThrow(/Error Code|custom program error/);
  });
});
