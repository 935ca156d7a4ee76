/** `websvm_snapshot` / `websvm_restore` and `surfnet_resetNetwork`: the whole chain saved and brought back, read with web3.js. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Connection, Keypair, LAMPORTS_PER_SOL, SystemProgram, Transaction, sendAndConfirmTransaction } from '@solana/web3.js';
import { startValidator, type Validator } from '../../src/validator/index.js';
import { rpc } from './rpc-call.js';

describe('validator snapshots', () => {
  let v: Validator;
  let connection: Connection;
  const payer = Keypair.generate();

  beforeAll(async () => {
    v = await startValidator({ slotTime: 'transaction' });
    connection = new Connection(v.rpcUrl, 'confirmed');
  });
  afterAll(() => v.close());

  const transfer = (to: Keypair['publicKey'], lamports: number) =>
    sendAndConfirmTransaction(connection, new Transaction().add(SystemProgram.transfer({ fromPubkey: payer.publicKey, toPubkey: to, lamports })), [payer]);

  it('websvm_restore returns to a snapshot as often as asked: accounts, transactions, blocks and slot', async () => {
    await connection.confirmTransaction({
      signature: await connection.requestAirdrop(payer.publicKey, LAMPORTS_PER_SOL),
      ...(await connection.getLatestBlockhash()),
    });
    const slot = await connection.getSlot();
    const count = await connection.getTransactionCount();
    const id = (await rpc<string>(v.rpcUrl, 'websvm_snapshot')).result!;
    expect(typeof id).toBe('string');

    const receiver = Keypair.generate().publicKey;
    const sent = await transfer(receiver, 1_000_000);
    expect(await connection.getBalance(receiver)).toBe(1_000_000);

    for (let round = 0; round < 2; round++) {
      const restored = await rpc<{ context: { slot: number }; value: null }>(v.rpcUrl, 'websvm_restore', [id]);
      expect(restored.result).toEqual({ context: { apiVersion: expect.any(String), slot }, value: null });
      expect(await connection.getBalance(receiver)).toBe(0);
      expect(await connection.getBalance(payer.publicKey)).toBe(LAMPORTS_PER_SOL);
      expect(await connection.getTransaction(sent, { commitment: 'confirmed' })).toBeNull();
      expect(await connection.getTransactionCount()).toBe(count);
      expect(await connection.getSlot()).toBe(slot);
      // The chain goes on from the snapshot: the same transfer can be made again.
      await transfer(receiver, 1_000_000);
      expect(await connection.getBalance(receiver)).toBe(1_000_000);
    }

    expect((await rpc(v.rpcUrl, 'websvm_restore', ['nope'])).error).toEqual({ code: -32602, message: 'Invalid params: unknown snapshot id "nope"' });
    expect((await rpc(v.rpcUrl, 'websvm_restore', [])).error?.code).toBe(-32602);
  });

  it('surfnet_resetNetwork returns to the chain the validator started with', async () => {
    await transfer(Keypair.generate().publicKey, 1_000_000);
    const reset = await rpc<{ context: { slot: number }; value: null }>(v.rpcUrl, 'surfnet_resetNetwork');
    expect(reset.result?.value).toBeNull();
    expect(await connection.getBalance(payer.publicKey)).toBe(0);
    expect(await connection.getTransactionCount()).toBe(0);
    expect(await connection.getSignaturesForAddress(payer.publicKey)).toEqual([]);
    expect(await connection.getBlockHeight()).toBe(0);
    // Airdrops and transfers work as on a new validator.
    await connection.confirmTransaction({
      signature: await connection.requestAirdrop(payer.publicKey, LAMPORTS_PER_SOL),
      ...(await connection.getLatestBlockhash()),
    });
    expect(await connection.getBalance(payer.publicKey)).toBe(LAMPORTS_PER_SOL);
  });

  it('checkpoints a ledger directory when the chain is restored', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'websvm-snapshots-'));
    try {
      const first = await startValidator({ slotTime: 'transaction', ledger: dir });
      const c = new Connection(first.rpcUrl, 'confirmed');
      const kept = Keypair.generate().publicKey;
      let dropped: string;
      try {
        await c.confirmTransaction({ signature: await c.requestAirdrop(kept, LAMPORTS_PER_SOL), ...(await c.getLatestBlockhash()) });
        const id = (await rpc<string>(first.rpcUrl, 'websvm_snapshot')).result!;
        dropped = await c.requestAirdrop(kept, 5);
        await c.confirmTransaction({ signature: dropped, ...(await c.getLatestBlockhash()) });
        await rpc(first.rpcUrl, 'websvm_restore', [id]);
      } finally {
        await first.close();
      }
      const again = await startValidator({ slotTime: 'transaction', ledger: dir });
      try {
        const c2 = new Connection(again.rpcUrl, 'confirmed');
        expect(await c2.getBalance(kept)).toBe(LAMPORTS_PER_SOL);
        expect(await c2.getTransaction(dropped, { commitment: 'confirmed' })).toBeNull();
        expect(await c2.getTransactionCount()).toBe(1);
      } finally {
        await again.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
