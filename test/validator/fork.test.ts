/** Copy-on-read forking: a second in-process validator on loopback is the upstream cluster. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  Connection,
  Keypair,
  LAMPORTS_PER_SOL,
  PublicKey,
  SystemProgram,
  Transaction,
  TransactionInstruction,
  sendAndConfirmTransaction,
} from '@solana/web3.js';
import { startValidator, type Validator } from '../../src/validator/index.js';

const PROGRAM = new PublicKey('4Nd1mBQtrMJVYVfKf2PJy9NZUZdTAsp7D4xWLs4gDB4T');

describe('validator --fork-url', () => {
  let upstream: Validator;
  let fork: Validator;
  let remote: Connection;
  let local: Connection;
  const payer = Keypair.generate();
  const store = Keypair.generate().publicKey;

  beforeAll(async () => {
    upstream = await startValidator({
      slotTime: 'transaction',
      upgradeablePrograms: [{ programId: PROGRAM.toBase58(), file: 'programs/bin/accounts.so', authority: null }],
    });
    upstream.svm.setAccount(payer.publicKey.toBase58(), {
      lamports: 5n * BigInt(LAMPORTS_PER_SOL),
      data: new Uint8Array(),
      owner: SystemProgram.programId.toBase58(),
      executable: false,
    });
    upstream.svm.setAccount(store.toBase58(), { lamports: LAMPORTS_PER_SOL, data: Uint8Array.from([1, 2, 3]), owner: PROGRAM.toBase58(), executable: false });
    fork = await startValidator({ slotTime: 'transaction', forkUrl: upstream.rpcUrl });
    remote = new Connection(upstream.rpcUrl, 'confirmed');
    local = new Connection(fork.rpcUrl, 'confirmed');
  });
  afterAll(async () => {
    await fork.close();
    await upstream.close();
  });

  it('reads upstream accounts on first read, and answers missing ones as missing', async () => {
    expect(fork.svm.runtime.accounts.get(payer.publicKey.toBase58())).toBeUndefined();
    expect(await local.getBalance(payer.publicKey)).toBe(5 * LAMPORTS_PER_SOL);
    const [held, none] = await local.getMultipleAccountsInfo([store, Keypair.generate().publicKey]);
    expect(held?.data).toEqual(Buffer.from([1, 2, 3]));
    expect(held?.owner.equals(PROGRAM)).toBe(true);
    expect(none).toBeNull();
    expect(fork.svm.runtime.accounts.get(store.toBase58())).toBeDefined();
  });

  it('runs transactions on upstream accounts and programs, keeping every write local', async () => {
    const receiver = Keypair.generate().publicKey;
    const grow = new TransactionInstruction({ programId: PROGRAM, keys: [{ pubkey: store, isSigner: false, isWritable: true }], data: Buffer.from([0, 2]) });
    const transfer = SystemProgram.transfer({ fromPubkey: payer.publicKey, toPubkey: receiver, lamports: LAMPORTS_PER_SOL });
    await sendAndConfirmTransaction(local, new Transaction().add(grow, transfer), [payer]);
    expect((await local.getAccountInfo(store))?.data).toEqual(Buffer.from([1, 2, 3, 0x5a, 0x5a]));
    expect(await local.getBalance(receiver)).toBe(LAMPORTS_PER_SOL);
    expect(await local.getBalance(payer.publicKey)).toBe(4 * LAMPORTS_PER_SOL - 5000);
    // The upstream never saw any of it.
    expect((await remote.getAccountInfo(store))?.data).toEqual(Buffer.from([1, 2, 3]));
    expect(await remote.getBalance(receiver)).toBe(0);
    expect(await remote.getBalance(payer.publicKey)).toBe(5 * LAMPORTS_PER_SOL);
    // The program came with its ProgramData.
    const program = await local.getAccountInfo(PROGRAM);
    expect(program?.executable).toBe(true);
    expect(await local.getAccountInfo(new PublicKey(program!.data.subarray(4, 36)))).not.toBeNull();
  });

  it('fetches a simulated transaction’s accounts too', async () => {
    const other = Keypair.generate();
    upstream.svm.setAccount(other.publicKey.toBase58(), {
      lamports: BigInt(LAMPORTS_PER_SOL),
      data: new Uint8Array(),
      owner: SystemProgram.programId.toBase58(),
      executable: false,
    });
    const tx = new Transaction().add(SystemProgram.transfer({ fromPubkey: other.publicKey, toPubkey: payer.publicKey, lamports: 1 }));
    tx.recentBlockhash = (await local.getLatestBlockhash()).blockhash;
    tx.feePayer = other.publicKey;
    tx.sign(other);
    expect((await local.simulateTransaction(tx)).value.err).toBeNull();
  });

  it('says clearly when the upstream is down', async () => {
    const down = await startValidator({ slotTime: 'manual' });
    const url = down.rpcUrl;
    await down.close();
    const orphan = await startValidator({ slotTime: 'manual', forkUrl: url });
    try {
      const res = await fetch(orphan.rpcUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'getBalance', params: [payer.publicKey.toBase58()] }),
      });
      expect(((await res.json()) as { error: unknown }).error).toEqual({ code: -32603, message: `Failed to fetch accounts from remote ${url}: ECONNREFUSED` });
    } finally {
      await orphan.close();
    }
    await expect(startValidator({ forkUrl: 'localhost:8899' })).rejects.toThrow('forkUrl must be an http:// or https:// URL');
  });
});
